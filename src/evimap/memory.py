"""Batch work and Python's cyclic garbage collector.

Scoring or parsing a batch allocates hundreds of thousands of small containers (token lists, dicts,
spans) that all stay alive until the batch ends. Each allocation burst triggers collections that walk
every live container, again and again: on a 4,000-passage mapping batch that was about 40% of the
time (benchmarks/RESULTS.md, "whole-store map"). The batch's garbage is freed by reference counting
anyway, so the collector is paused for the batch and run once, young generation only, after it.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector for one batch (re-entrant: an outer pause stays in force)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


# Thread pools of the libraries a mapping worker uses: BLAS (numpy's matrix products), OpenMP, and the
# Rust tokenizer's rayon pool. Each of N worker processes would start one thread per core.
_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS")


@contextmanager
def single_threaded_children() -> Iterator[None]:
    """Worker processes started inside this block run their numeric libraries on one thread each: with one
    worker per core they would otherwise start a thread per core each and take turns on the same cores
    (whole-UNGDC map, 2 workers: 217 s without, 203 s with this and the prefix buckets, benchmarks/RESULTS.md).
    The variables are read when a library loads, so they only reach processes started here; this process's
    own setting comes back afterwards."""
    import os

    saved = {k: os.environ.get(k) for k in (*_THREAD_ENV, "TOKENIZERS_PARALLELISM")}
    os.environ.update({k: "1" for k in _THREAD_ENV})
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def exit_with_parent(parent: int, poll_seconds: float = 0.5) -> None:
    """Called first in a worker process: leave Ctrl+C to the parent, and end the worker when the process
    that started it is gone (killed with ``kill -9``, say), instead of working on for a batch nobody will
    collect. A thread watches the
    parent's pid: a process whose parent dies is handed to another parent, so its parent pid changes.
    ``parent`` is the starter's pid as the starter knows it: read here, it could already be the new parent's."""
    import os
    import signal
    import threading
    import time

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole process group: the parent stops us

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(poll_seconds)

    threading.Thread(target=watch, name="evimap-exit-with-parent", daemon=True).start()
