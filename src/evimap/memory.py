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
