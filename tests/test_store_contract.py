"""The store contract (evimap/store/testing.py) on the SQLite backend: the checks a second backend must pass too."""

from __future__ import annotations

import pytest

from evimap import Corpus
from evimap.store import testing


def sqlite_store(path):
    return Corpus(str(path) + ".db")


@pytest.mark.parametrize("check", testing.CHECKS, ids=lambda f: f.__name__)
def test_sqlite_store_keeps_the_contract(check, tmp_path):
    check(sqlite_store, tmp_path)


def test_sqlite_store_leaves_nothing_of_a_document_whose_write_failed(tmp_path):
    def break_store(corpus):
        store = corpus.store
        real = store._put_attribution
        calls = {"n": 0}

        def failing(*args, **kwargs):  # inside put_document's transaction, after the passages were written
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full (simulated)")
            return real(*args, **kwargs)

        store._put_attribution = failing
        return lambda: setattr(store, "_put_attribution", real)

    testing.a_failed_document_leaves_nothing(sqlite_store, tmp_path, break_store)
