"""Executors for ingest and map: local processes, a Dask LocalCluster, or a running Dask cluster."""

from __future__ import annotations

import logging
import os
import re
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any, Callable, Iterator

from ..errors import EvimapError
from ..memory import single_threaded_children

EXECUTOR_CHOICES = ("local", "dask", "tcp://HOST:PORT")
_ADDRESS_RE = re.compile(r"^(tcp|tls|ucx)://[^\s/]+$")
DASK_HINT = "pip install 'evimap[cluster]' (dask and distributed)"


def executor_label(spec: str) -> str:
    """``spec`` checked: "local", "dask" or a scheduler address; anything else is an error naming the choices."""
    spec = (spec or "local").strip()
    if spec in ("local", "dask") or _ADDRESS_RE.match(spec):
        return spec
    raise EvimapError(f"unknown executor {spec!r} (choose from: local, dask, or a Dask scheduler address such as "
                      "tcp://scheduler:8786)")


class DaskPool:
    """A Dask client with the face of a ``concurrent.futures`` executor."""

    def __init__(self, client: Any, cluster: Any = None, address: str = ""):
        self.client, self.cluster, self.address = client, cluster, address

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        out: Future = Future()
        try:
            dfut = self.client.submit(fn, *args, pure=False)
        except Exception as exc:  # the scheduler is gone
            raise EvimapError(self.lost(exc)) from None

        def relay(f: Any) -> None:
            if out.done():
                return
            try:
                if f.status == "finished":
                    out.set_result(f.result())
                elif f.status == "cancelled":
                    out.set_exception(EvimapError(self.lost("task cancelled")))
                else:
                    out.set_exception(f.exception())
            except Exception as exc:  # the scheduler was lost while the result travelled
                out.set_exception(EvimapError(self.lost(exc)))

        dfut.add_done_callback(relay)
        out._dask = dfut  # type: ignore[attr-defined]  # kept alive as long as the caller holds the future
        return out

    def lost(self, exc: Any) -> str:
        where = self.address or "the local Dask cluster"
        return (f"lost the Dask scheduler at {where} ({exc}); what was stored so far is kept — rerun the same "
                "command to go on")

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def _import_dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise EvimapError(f"the Dask executor needs dask and distributed: {DASK_HINT}") from None
    return distributed


@contextmanager
def open_executor(spec: str, workers: int, initializer: Callable[..., None] | None = None,
                  initargs: tuple = ()) -> Iterator[Any]:
    """An executor for ``spec`` with ``workers`` workers (a running cluster has the workers it has), closed on
    leaving. ``initializer(*initargs)`` runs first in each local worker process; Dask tasks set themselves up."""
    spec = executor_label(spec)
    if spec == "local":
        with single_threaded_children(), ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                                             initializer=initializer, initargs=initargs) as pool:
            yield pool
        return
    distributed = _import_dask()
    if spec == "dask":
        with single_threaded_children():  # worker processes: one thread each for numpy and friends
            cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                               dashboard_address=None, silence_logs=logging.ERROR)
        pool = DaskPool(distributed.Client(cluster), cluster)
    else:
        try:
            client = distributed.Client(spec, timeout=os.environ.get("EVIMAP_DASK_TIMEOUT", "10s"))
        except Exception as exc:  # OSError, TimeoutError, CommClosedError …
            raise EvimapError(f"cannot reach the Dask scheduler at {spec} ({type(exc).__name__}: {exc})") from None
        if not client.scheduler_info().get("workers"):
            client.close()
            raise EvimapError(f"the Dask scheduler at {spec} has no workers: start some with `dask worker {spec}`")
        pool = DaskPool(client, None, spec)
    try:
        yield pool
    finally:
        pool.shutdown()
