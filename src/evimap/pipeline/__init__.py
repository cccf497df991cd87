"""Where the work of ingest and map runs: an executor chosen by name, injected into the loops of ``Corpus``.

``local`` (the default): worker processes on this machine (``concurrent.futures.ProcessPoolExecutor``, spawned).
``dask``: a Dask ``LocalCluster`` of worker processes, started for the run and closed after it.
``tcp://HOST:PORT``: the Dask scheduler of a running cluster (``dask scheduler`` and ``dask worker`` started
elsewhere); its workers must see the files at the same paths (a shared file system) and have evimap installed.

Every executor has the same face — ``submit(fn, *args)`` returning a ``concurrent.futures.Future`` and
``shutdown(wait, cancel_futures)`` — so the loops that feed workers and write their results (in this process, one
transaction per document or batch) do not know which runs them. The task functions are plain module-level
functions over plain records (a path and settings; a batch of passages), picklable, and set themselves up on
first use in a worker, so a worker that joins late, or replaces one that died, needs nothing else. A task whose
Dask worker dies is run again on another one (Dask's own retry); its result is written once, by this process.
"""

from __future__ import annotations

from .executors import EXECUTOR_CHOICES, DaskPool, executor_label, open_executor

__all__ = ["EXECUTOR_CHOICES", "DaskPool", "executor_label", "open_executor"]
