"""Facet counts of a search from arrays by passage rowid, for queries the search postings answer.

In SQL, counting what 85,000 matches of a common word are (language, year, document, who said it,
countries named, labels) means writing the matches to a table and joining it eight times: the web
page's eight facets ran out of their 300 ms budget on most common words of the UNGDC. Here each
fact is loaded once per store state into numpy arrays keyed by passage rowid (passages' language,
documents' attributes, claims, mentions, assigned labels), and a facet is a ``bincount`` over the matched rows. The counts
mean what ``SQLiteStore.facet_counts`` means (tests compare the two): passages per language (the
passage's own) and per document value;
for actor, actor type, country and region, passages said by (their own or their document's claim)
or, for places, naming the value, each passage counted once per value; assigned labels per code.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import numpy as np

from .base import file_version
from .postings import RankIndex

DOC_FACETS = {"year": "year", "format": "format", "document": "name"}  # facet: documents column
PASSAGE_FACETS = {"language": "language"}  # facet: passages column (a report's French annex counts as French)
SAID_FACETS = ("actor_type", "actor", "country", "region")  # said by (claims, doc_claims); places also named (mentions)


def _codes(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Values (None allowed) as int codes into their sorted distinct non-null values (-1: None)."""
    distinct = sorted({v for v in values if v is not None})
    index = {v: i for i, v in enumerate(distinct)}
    return np.array([index.get(v, -1) if v is not None else -1 for v in values], dtype=np.int64), distinct


def passage_codes(db: sqlite3.Connection, column: str, size: int) -> tuple[np.ndarray, list[Any]]:
    """An indexed, few-valued column of ``passages`` (language) as a value code per passage rowid below ``size``
    (-1: none) and the sorted values: one index range read per value, no Python object per passage (listing
    380,000 (rowid, language) pairs took half a second)."""
    values = sorted(r[0] for r in db.execute(f"SELECT DISTINCT {column} FROM passages WHERE {column} IS NOT NULL"))
    codes = np.full(size, -1, dtype=np.int16)
    for i, v in enumerate(values):
        rows = np.fromiter((r[0] for r in db.execute(f"SELECT rowid FROM passages WHERE {column} = ?", (v,))),
                           dtype=np.int64)
        codes[rows[rows < size]] = i
    return codes, values


class FacetArrays:
    """The facts facets count, for one state of a store, loaded facet by facet on first use."""

    def __init__(self, db: sqlite3.Connection, ri: RankIndex):
        self.ri = ri
        self.lock = threading.Lock()
        docs = db.execute(f"SELECT rowid, {', '.join(DOC_FACETS.values())} FROM documents").fetchall()
        n = max([int(ri.doc_of.max(initial=0))] + [r[0] for r in docs]) + 1
        self.n_docs = n
        rowids = np.array([r[0] for r in docs], dtype=np.int64)
        self.doc: dict[str, tuple[np.ndarray, list[Any]]] = {}
        for i, facet in enumerate(DOC_FACETS, start=1):
            codes, values = _codes([r[i] for r in docs])
            by_rowid = np.full(n, -1, dtype=np.int64)
            by_rowid[rowids] = codes
            self.doc[facet] = (by_rowid, values)
        self.per_passage: dict[str, np.ndarray] = {}  # facet -> its value code by passage rowid
        self.own: dict[str, list[Any]] = {}  # a passage-level facet -> its values
        self.sets: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, list[Any]]] = {}  # see _sets

    def _by_passage(self, facet: str, by_doc: np.ndarray, n_values: int) -> np.ndarray:
        """Each passage rowid's document-level value code, ``n_values`` where there is none: a facet's count
        is then one gather and one ``bincount`` over the matched rows."""
        out = self.per_passage.get(facet)
        if out is None:
            codes = by_doc[self.ri.doc_of]
            out = np.where(codes >= 0, codes, n_values).astype(np.int32)
            with self.lock:
                self.per_passage[facet] = out
        return out

    def _own(self, db: sqlite3.Connection, facet: str) -> tuple[np.ndarray, list[Any]]:
        """A passage-level facet (``PASSAGE_FACETS``): each passage rowid's value code, ``n`` where there is none,
        and the values (read once per store state)."""
        with self.lock:
            if facet in self.per_passage:
                return self.per_passage[facet], self.own[facet]
        codes, values = passage_codes(db, PASSAGE_FACETS[facet], self.ri.size)
        out = np.where(codes >= 0, codes, len(values)).astype(np.int32)
        with self.lock:
            self.per_passage[facet], self.own[facet] = out, values
        return out, values

    def _load_pairs(self, db: sqlite3.Connection, facet: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Any]]:
        """(passage rowid, value code) pairs of a passage's own values (repeats included), document rowid →
        value code, and the values, of a said-by/named or label facet (see ``_sets``)."""
        if facet in SAID_FACETS:
            own = db.execute(f"SELECT p.rowid, c.{facet} FROM claims c JOIN passages p ON p.id = c.passage_id "
                             f"WHERE c.{facet} IS NOT NULL").fetchall()
            if facet in ("country", "region"):
                own += db.execute("SELECT p.rowid, m.code FROM mentions m JOIN passages p ON p.id = m.passage_id "
                                  "WHERE m.kind = ?", (facet,)).fetchall()
            whole = db.execute(f"SELECT d.rowid, dc.{facet} FROM doc_claims dc JOIN documents d ON d.id = dc.doc_id "
                               f"WHERE dc.{facet} IS NOT NULL").fetchall()
        else:  # label:FRAMEWORK
            own = db.execute("SELECT p.rowid, l.code FROM labels l JOIN passages p ON p.id = l.passage_id "
                             "WHERE l.framework = ? AND l.assigned = 1", (facet.split(":", 1)[1],)).fetchall()
            whole = []
        codes, values = _codes([r[1] for r in own] + [r[1] for r in whole])
        rows = np.array([r[0] for r in own], dtype=np.int64)
        by_doc = np.full(self.n_docs, -1, dtype=np.int64)
        if whole:
            by_doc[np.array([r[0] for r in whole], dtype=np.int64)] = codes[len(own):]
        return rows, codes[:len(own)], by_doc, values

    def _sets(self, db: sqlite3.Connection, facet: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Any]]:
        """A said-by/named or label facet as each passage's set of values (its own and its document's, each
        once): (``single``: the value code of passages with exactly one value, ``n`` with none, ``n + 1``
        with several; where the several values of a passage rowid start; their codes; values). Most
        passages have one value or none, so a count is mostly one gather and one ``bincount``."""
        with self.lock:
            hit = self.sets.get(facet)
        if hit is not None:
            return hit
        own_rows, own_codes, by_doc, values = self._load_pairs(db, facet)
        n, size = len(values), self.ri.size
        inside = own_rows < size  # passages added after the rank index was built are not counted
        own_rows, own_codes = own_rows[inside], own_codes[inside]
        doc_codes = by_doc[self.ri.doc_of]
        has_doc = np.flatnonzero(doc_codes >= 0)
        # each (passage, value) once, own or the document's ("a passage naming a country twice counts once")
        keys = np.unique(np.concatenate([own_rows * (n + 1) + own_codes, has_doc * (n + 1) + doc_codes[has_doc]]))
        rows, codes = keys // (n + 1), keys % (n + 1)
        per_row = np.bincount(rows, minlength=size)
        single = np.full(size, n, dtype=np.int32)
        once = per_row[rows] == 1
        single[rows[once]] = codes[once]
        single[per_row > 1] = n + 1
        several = ~once
        m_start = np.searchsorted(rows[several], np.arange(size + 1)).astype(np.int64)
        out = (single, m_start, codes[several].astype(np.int32), values)
        with self.lock:
            self.sets[facet] = out
        return out

    def count(self, db: sqlite3.Connection, facet: str, rows: np.ndarray, limit: int) -> list[tuple[Any, int]]:
        """The ``limit`` commonest values of ``facet`` among the passages ``rows`` (sorted rowids)."""
        if facet in PASSAGE_FACETS:
            by_passage, values = self._own(db, facet)
            n = len(values)
            counts = np.bincount(by_passage[rows], minlength=n + 1)[:n]
        elif facet in self.doc:
            by_rowid, values = self.doc[facet]
            n = len(values)
            counts = np.bincount(self._by_passage(facet, by_rowid, n)[rows], minlength=n + 1)[:n]
        else:
            single, m_start, m_codes, values = self._sets(db, facet)
            n = len(values)
            s = single[rows]
            counts = np.bincount(s, minlength=n + 2)[:n]
            several = rows[s == n + 1]
            if len(several):
                first = m_start[several]
                n_own = m_start[several + 1] - first
                # positions of those passages' values: each run first[i] … first[i] + n_own[i] - 1
                pos = np.repeat(first - np.cumsum(n_own) + n_own, n_own) + np.arange(int(n_own.sum()))
                counts += np.bincount(m_codes[pos], minlength=n)
        # most passages first; ties in value order, which is code order (a stable sort of the candidates,
        # which are in code order); with many values (documents) only those that can be among the first
        if n > 4 * limit:
            kth = np.partition(counts, n - limit)[n - limit]
            candidates = np.flatnonzero(counts >= max(kth, 1))
        else:
            candidates = np.flatnonzero(counts)
        order = candidates[np.argsort(-counts[candidates], kind="stable")][:limit]
        return [(values[i], int(counts[i])) for i in order]


_CACHE: dict[str, tuple[tuple[Any, ...], FacetArrays]] = {}
_LOCK = threading.Lock()


def arrays(db: sqlite3.Connection, path: str, ri: RankIndex) -> FacetArrays:
    """The facet arrays of the store at ``path`` as it is now (shared by the threads of a process)."""
    version = (ri.state, *file_version(path))
    hit = _CACHE.get(path)
    if hit is not None and hit[0] == version:
        return hit[1]
    with _LOCK:
        hit = _CACHE.get(path)
        if hit is None or hit[0] != version:
            hit = (version, FacetArrays(db, ri))
            _CACHE[path] = hit
    return hit[1]
