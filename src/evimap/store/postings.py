"""Ranking without FTS5's per-match cost: the FTS index's own postings, kept as arrays beside the store.

FTS5 ranks by calling bm25() once per matching row, decoding that row's positions and looking up its
length: 55–100 ms for a word found in 85,000 passages of the UNGDC, while counting the same matches
takes 3 ms. bm25s-style, this module keeps per term the passages it occurs in (rowids), how often
(term frequency) and where (token offsets), so a query is a few array operations over those lists.
They live beside the store, in ``STORE.rank/``, as flat arrays that are memory-mapped: a term's list
is a slice of them, read from the OS page cache (shared by every server process) without copying —
kept as SQLite blobs instead, copying the 6 MB list of "and" out of the store cost 7 ms a query.

Exactness. The postings are read from FTS5 itself (an ``fts5vocab`` table over ``passages_fts``) and
query text is tokenised by an FTS5 table with the same tokenizer, so terms, stems and offsets are
FTS5's own. Scores follow FTS5's bm25 (k1 = 1.2, b = 0.75, the same idf floor and the same order of
floating-point operations), so both paths rank alike, ties broken by rowid; tests compare them.

Freshness. An index is valid for one state of the FTS table, named by a hash of FTS5's averages and
structure records (any write to the FTS index changes the structure record). A stale or missing index
is never used: the query runs in FTS5 as before, and ``SQLiteStore.refresh_rank_index`` rebuilds it.
The folder is derived data: deleting it only makes searches slower until the next rebuild.
Queries the tree in ``search.syntax`` cannot express (NEAR, column filters, ``^``) always run in FTS5.
"""

from __future__ import annotations

import bisect
import glob
import hashlib
import json
import math
import os
import re
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..search.syntax import Node, Phrase, parse

K1, B = 1.2, 0.75  # FTS5's bm25 constants
MAX_PREFIX_TERMS = 2000  # a prefix expanding to more terms than this is left to FTS5
_I4 = np.dtype("<i4")


class Unsupported(Exception):
    """The query needs FTS5 itself."""


def _varints(blob: bytes, limit: int = 2) -> list[int]:
    """SQLite varints (big-endian, 7 bits a byte, 9th byte whole), the first ``limit`` of them."""
    out, i = [], 0
    while i < len(blob) and len(out) < limit:
        v = 0
        for j in range(9):
            c = blob[i]
            i += 1
            if j == 8:
                v = (v << 8) | c
                break
            v = (v << 7) | (c & 0x7F)
            if not c & 0x80:
                break
        out.append(v)
    return out


def fts_state(db: sqlite3.Connection, table: str = "passages_fts") -> str:
    """A name for the current content of an FTS5 table: its averages record (rows, tokens) and its
    structure record (segments and write counter), which every write to the index changes."""
    h = hashlib.sha1()
    for (block,) in db.execute(f"SELECT block FROM {table}_data WHERE id IN (1, 10) ORDER BY id"):
        h.update(block or b"")
        h.update(b"|")
    return h.hexdigest()


def _averages(db: sqlite3.Connection, table: str) -> tuple[int, int]:
    row = db.execute(f"SELECT block FROM {table}_data WHERE id = 1").fetchone()
    if row is None or not row[0]:
        return 0, 0
    n_rows, n_tokens = (_varints(row[0]) + [0, 0])[:2]
    return n_rows, n_tokens


def _tokenizer_spec(db: sqlite3.Connection, table: str) -> str:
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    m = re.search(r"tokenize\s*=\s*'([^']*)'", sql)
    return m.group(1) if m else "unicode61"


def index_dir(store_path: str) -> Path:
    return Path(f"{store_path}.rank")


def build(db: sqlite3.Connection, store_path: str, table: str = "passages_fts",
          content: str = "passages") -> dict[str, Any]:
    """(Re)write the postings of ``table`` into ``STORE.rank/`` (written aside, then swapped in).
    Returns what was built: terms, rows, occurrences, seconds."""
    started = time.perf_counter()
    state = fts_state(db, table)
    n_rows, n_tokens = _averages(db, table)
    final = index_dir(store_path)
    reclaim_leftovers(store_path)
    tmp = final.with_name(f"{final.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.evimap_instances USING fts5vocab(main, {table}, 'instance')")
    terms: list[str] = []
    term_rows, term_offsets = [0], [0]
    try:
        with open(tmp / "rows", "wb") as f_rows, open(tmp / "tf", "wb") as f_tf, open(tmp / "offsets", "wb") as f_off:
            # one row per term, its rowids and offsets as text lists, grouped in C in the vocabulary's
            # term, row, offset order (checked, and sorted if SQLite ever delivers otherwise)
            for term, docs, offs in db.execute(
                    "SELECT term, group_concat(doc), group_concat(offset) FROM temp.evimap_instances GROUP BY term"):
                d = np.fromstring(docs, dtype=np.int64, sep=",")
                o = np.fromstring(offs, dtype=np.int64, sep=",")
                key = d * (1 << 32) + o
                if len(key) > 1 and not bool(np.all(key[1:] > key[:-1])):
                    order = np.argsort(key, kind="stable")
                    d, o = d[order], o[order]
                starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
                d[starts].astype(_I4).tofile(f_rows)
                np.diff(np.r_[starts, len(d)]).astype(_I4).tofile(f_tf)
                o.astype(_I4).tofile(f_off)
                terms.append(term)
                term_rows.append(term_rows[-1] + len(starts))
                term_offsets.append(term_offsets[-1] + len(d))
        np.array(term_rows, dtype=np.int64).tofile(tmp / "term_rows")
        np.array(term_offsets, dtype=np.int64).tofile(tmp / "term_offsets")
        size = (db.execute(f"SELECT MAX(rowid) FROM {content}").fetchone()[0] or 0) + 1
        lengths = np.zeros(size, dtype=_I4)
        for rowid, sz in db.execute(f"SELECT id, sz FROM {table}_docsize"):
            if rowid < size:
                lengths[rowid] = sum(_varints(sz, limit=64))
        lengths.tofile(tmp / "lengths")
        doc_of = np.zeros(size, dtype=_I4)  # documents.rowid of each passage rowid (0: none)
        pairs = np.array(db.execute(f"SELECT p.rowid, d.rowid FROM {content} p JOIN documents d ON d.id = p.doc_id")
                         .fetchall(), dtype=np.int64).reshape(-1, 2)
        doc_of[pairs[:, 0]] = pairs[:, 1]
        doc_of.tofile(tmp / "doc_of")
        (tmp / "terms.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
        (tmp / "meta.json").write_text(json.dumps({"state": state, "rows": n_rows, "tokens": n_tokens,
                                                   "terms": len(terms), "size": size}), encoding="utf-8")
        old = final.with_name(f"{final.name}.old-{os.getpid()}")
        if final.exists():
            final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)  # readers still mapping old files keep them until they let go
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        db.execute("DROP TABLE IF EXISTS temp.evimap_instances")
    return {"terms": len(terms), "rows": n_rows, "occurrences": term_offsets[-1],
            "seconds": round(time.perf_counter() - started, 2)}


def reclaim_leftovers(store_path: str) -> list[str]:
    """Remove ``STORE.rank.tmp-PID`` and ``STORE.rank.old-PID`` folders left by a build whose process is gone
    (killed mid-build); a live build's folder is left alone. Returns the folders removed."""
    final = index_dir(store_path)
    removed = []
    for leftover in final.parent.glob(f"{glob.escape(final.name)}.[to][ml][pd]-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or (int(pid) != os.getpid() and _alive(int(pid))):
            continue
        shutil.rmtree(leftover, ignore_errors=True)
        removed.append(str(leftover))
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def built_state(store_path: str) -> str | None:
    """The FTS state the postings on disk were built for (None: no readable postings folder)."""
    try:
        return json.loads((index_dir(store_path) / "meta.json").read_text(encoding="utf-8")).get("state")
    except (OSError, ValueError, AttributeError):
        return None


def _map(path: Path, dtype: Any) -> np.ndarray:
    if path.stat().st_size == 0:
        return np.zeros(0, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r")


class Scratch:
    """An in-memory FTS5 table with the store's tokenizer, one per thread: it tokenises query text as
    the store's index did, and builds the snippets of a page of hits from those passages alone — the
    same snippet() over the store's index first evaluates the whole query there (50 ms for
    ``develop*``, whose terms' lists FTS5 merges before it can look at ten rows)."""

    _tokens: dict[tuple[str, str], tuple[str, ...]] = {}

    def __init__(self, spec: str):
        self.spec = spec
        self.local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self.local, "db", None)
        if db is None:
            db = self.local.db = sqlite3.connect(":memory:")
            # external content: emptying the index is one 'delete-all' command, where deleting rows of an FTS5
            # table with its own content tokenises every text again (two thirds of the snippet cost)
            db.execute("CREATE TABLE c (x)")
            db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, content='c', tokenize='{self.spec}')")
            db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        return db

    def tokens(self, text: str) -> tuple[str, ...]:
        key = (self.spec, text)
        hit = self._tokens.get(key)
        if hit is not None:
            return hit
        db = self._db()
        with db:
            self._put(db, [(1, text)])
            try:
                toks = tuple(r[0] for r in db.execute("SELECT term FROM v ORDER BY offset"))
            finally:
                self._clear(db)
        if len(self._tokens) > 10_000:
            self._tokens.clear()
        self._tokens[key] = toks
        return toks

    def snippets(self, match: str, texts: dict[int, str], start: str, end: str, ellipsis: str,
                 tokens: int) -> dict[int, str]:
        """rowid → FTS5 snippet() of each text for ``match`` (texts it does not match are left out)."""
        db = self._db()
        with db:
            self._put(db, list(texts.items()))
            try:
                out = {r[0]: r[1] for r in db.execute(
                    "SELECT rowid, snippet(t, 0, ?, ?, ?, ?) FROM t WHERE t MATCH ?",
                    (start, end, ellipsis, tokens, match))}
            finally:
                self._clear(db)
        return out

    @staticmethod
    def _put(db: sqlite3.Connection, rows: list[tuple[int, str]]) -> None:
        db.executemany("INSERT INTO c (rowid, x) VALUES (?, ?)", rows)
        db.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", rows)

    @staticmethod
    def _clear(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO t (t) VALUES ('delete-all')")
        db.execute("DELETE FROM c")


_SCRATCH: dict[str, Scratch] = {}


def scratch(db: sqlite3.Connection, table: str = "passages_fts") -> Scratch:
    """The scratch FTS5 table for the tokenizer of ``table``."""
    spec = _tokenizer_spec(db, table)
    s = _SCRATCH.get(spec)
    if s is None:
        s = _SCRATCH.setdefault(spec, Scratch(spec))
    return s


@dataclass
class RankIndex:
    """One state of a store's postings, memory-mapped; shared by the threads of a process."""

    state: str
    n_rows: int
    avgdl: float
    terms: list[str]           # sorted vocabulary; term i owns rows[term_rows[i]:term_rows[i+1]] …
    term_rows: np.ndarray      # … and offsets[term_offsets[i]:term_offsets[i+1]]
    term_offsets: np.ndarray
    rows: np.ndarray           # int32, ascending within a term
    tf: np.ndarray             # int32, per (term, row)
    offsets: np.ndarray        # int32, per occurrence, row by row
    lengths: np.ndarray        # float64 by rowid: tokens in the passage
    doc_of: np.ndarray         # int32 by rowid: documents.rowid (0: none)
    tokenizer: Scratch

    @property
    def size(self) -> int:
        return len(self.lengths)

    def term(self, t: str) -> int | None:
        i = bisect.bisect_left(self.terms, t)
        return i if i < len(self.terms) and self.terms[i] == t else None


_LOADED: dict[str, RankIndex] = {}
_LOAD_LOCK = threading.Lock()


def current(db: sqlite3.Connection, store_path: str, table: str = "passages_fts") -> RankIndex | None:
    """The rank index of the store if it matches its FTS table as it is now, else None."""
    state = fts_state(db, table)
    ri = _LOADED.get(store_path)
    if ri is not None and ri.state == state:  # mapped files stay valid even if the folder is replaced meanwhile
        return ri
    folder = index_dir(store_path)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("state") != state:
        return None
    with _LOAD_LOCK:
        ri = _LOADED.get(store_path)
        if ri is None or ri.state != state:
            try:
                tok = scratch(db, table)
                n_rows, n_tokens = int(meta["rows"]), int(meta["tokens"])
                ri = RankIndex(
                    state=state, n_rows=n_rows, avgdl=(n_tokens / n_rows) if n_rows else 1.0,
                    terms=json.loads((folder / "terms.json").read_text(encoding="utf-8")),
                    term_rows=np.fromfile(folder / "term_rows", dtype=np.int64),
                    term_offsets=np.fromfile(folder / "term_offsets", dtype=np.int64),
                    rows=_map(folder / "rows", _I4), tf=_map(folder / "tf", _I4), offsets=_map(folder / "offsets", _I4),
                    lengths=np.fromfile(folder / "lengths", dtype=_I4).astype(np.float64),
                    doc_of=np.fromfile(folder / "doc_of", dtype=_I4), tokenizer=tok)
            except (OSError, ValueError, KeyError):  # half-written or damaged: FTS5 answers instead
                return None
            if len(ri.term_rows) != len(ri.terms) + 1 or ri.term_rows[-1] != len(ri.rows):
                return None
            if built_state(store_path) != state:  # rebuilt while we read it: the next query loads the new one
                return None
            _LOADED[store_path] = ri
    return ri


class Evaluation:
    """The rows a query matches (after a filter), with their bm25 scores (lower is better, as FTS5)."""

    def __init__(self, rows: np.ndarray, scores: np.ndarray):
        self.rows = rows
        self.scores = scores

    def __len__(self) -> int:
        return len(self.rows)

    def top(self, offset: int, limit: int) -> list[tuple[int, float]]:
        """(rowid, score) of results offset … offset+limit in FTS5's order: score, then rowid."""
        need = offset + limit
        s, r = self.scores, self.rows
        if need <= 0 or not len(r):
            return []
        if need < len(r):
            kth = np.partition(s, need - 1)[need - 1]
            keep = s <= kth
            s, r = s[keep], r[keep]
        order = np.lexsort((r, s))[offset:need]
        return [(int(r[i]), float(s[i])) for i in order]


class _Run:
    """One query's evaluation against the postings."""

    def __init__(self, ri: RankIndex):
        self.ri = ri
        self.leaves: dict[Phrase, tuple[np.ndarray, np.ndarray]] = {}
        self.lists: dict[tuple[str, bool, bool], Any] = {}
        self.masks: dict[int, np.ndarray] = {}

    def _terms(self, token: str, prefix: bool) -> list[str]:
        if not prefix:
            return [token]
        terms = self.ri.terms
        lo = bisect.bisect_left(terms, token)
        hi = bisect.bisect_left(terms, token + "\U0010ffff")
        if hi - lo > MAX_PREFIX_TERMS:
            raise Unsupported(f"prefix {token}* matches {hi - lo} terms")
        return terms[lo:hi]

    def _postings(self, token: str, prefix: bool, offsets: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(rows, tf, offsets or None) of a token; of a prefix, its terms merged."""
        key = (token, prefix, offsets)
        if key in self.lists:
            return self.lists[key]
        ri = self.ri
        found = []
        for t in self._terms(token, prefix):
            i = ri.term(t)
            if i is None:
                continue
            a, b = ri.term_rows[i], ri.term_rows[i + 1]
            found.append((ri.rows[a:b].astype(np.int64), ri.tf[a:b],
                          ri.offsets[ri.term_offsets[i]:ri.term_offsets[i + 1]] if offsets else None))
        out: tuple[np.ndarray, np.ndarray, np.ndarray | None]
        if not found:
            out = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=_I4), np.zeros(0, dtype=_I4) if offsets else None)
        elif len(found) == 1:
            out = found[0]
        elif not offsets:
            acc = np.zeros(self.ri.size, dtype=np.int64)
            for rows, tf, _ in found:
                acc[rows] += tf
            rows = np.flatnonzero(acc)
            out = (rows, acc[rows].astype(_I4), None)
        else:  # occurrences of all the prefix's terms, in row and offset order
            keys = np.sort(np.concatenate([np.repeat(r, t) * (1 << 32) + o for r, t, o in found]))
            inst_rows = keys >> 32
            starts = np.flatnonzero(np.r_[True, inst_rows[1:] != inst_rows[:-1]])
            out = (inst_rows[starts], np.diff(np.r_[starts, len(keys)]).astype(_I4),
                   (keys & 0xFFFFFFFF).astype(_I4))
        self.lists[key] = out
        return out

    def _keys(self, token: str, prefix: bool, cand: np.ndarray, shift: int, in_cand: np.ndarray) -> np.ndarray:
        """Sorted keys row·2³² + offset − shift of the token's occurrences in the rows ``cand`` (all of
        which hold it; ``in_cand`` marks them by rowid). When ``cand`` is a good share of the token's rows
        every occurrence is expanded and filtered; else they are gathered row by row."""
        rows, tf, offs = self._postings(token, prefix, offsets=True)
        if 4 * len(cand) >= len(rows):
            row_of = np.repeat(rows, tf)
            keep = in_cand[row_of]
            return (row_of[keep] << 32) + offs[keep].astype(np.int64) - shift
        idx = np.searchsorted(rows, cand)
        counts = tf[idx].astype(np.int64)
        ends = np.cumsum(tf, dtype=np.int64)[idx]
        total = int(counts.sum())
        within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        inst = np.repeat(ends - counts, counts) + within
        return np.repeat(cand, counts) * (1 << 32) + offs[inst].astype(np.int64) - shift

    def leaf(self, phrase: Phrase) -> tuple[np.ndarray, np.ndarray]:
        """(rows, phrase frequency in each) of one phrase."""
        if phrase in self.leaves:
            return self.leaves[phrase]
        tokens = self.ri.tokenizer.tokens(phrase.text)
        if not tokens:
            raise Unsupported("a phrase with no tokens")
        last = len(tokens) - 1
        if last == 0:
            rows, tf, _ = self._postings(tokens[0], phrase.prefix, offsets=False)
            out = (rows, tf.astype(np.float64))
        else:
            # rows holding every token (rarest first), then occurrences of token j at offset p + j
            lists = [self._postings(t, phrase.prefix and j == last, offsets=False)[0] for j, t in enumerate(tokens)]
            cand = min(lists, key=len)
            held = np.zeros(self.ri.size, dtype=bool)  # a mark per row: cheaper than binary search of long lists
            for rows in lists:
                if not len(cand):
                    break
                if rows is not cand:
                    held[:] = False
                    held[rows] = True
                    cand = cand[held[cand]]
            held[:] = False
            held[cand] = True
            matches = (self._keys(tokens[0], phrase.prefix and last == 0, cand, 0, held) if len(cand)
                       else np.zeros(0, np.int64))
            for j in range(1, len(tokens)):
                if not len(matches):
                    break
                keys = self._keys(tokens[j], phrase.prefix and j == last, cand, j, held)
                idx = np.searchsorted(keys, matches)
                idx[idx == len(keys)] = 0
                matches = matches[keys[idx] == matches]
            rows, tf = np.unique(matches >> 32, return_counts=True)
            out = (rows.astype(np.int64), tf.astype(np.float64))
        self.leaves[phrase] = out
        return out

    def mask(self, node: Node) -> np.ndarray:
        """Rows where ``node`` matches (a boolean array by rowid)."""
        # a stack, not recursion: a run of words is a tree as deep as it is long
        stack: list[tuple[Node, bool]] = [(node, False)]
        while stack:
            n, children_done = stack.pop()
            if id(n) in self.masks:
                continue
            if isinstance(n, Phrase):
                m = np.zeros(self.ri.size, dtype=bool)
                m[self.leaf(n)[0]] = True
            elif not children_done:
                stack += ((n, True), (n.right, False), (n.left, False))
                continue
            else:
                left, right = self.masks[id(n.left)], self.masks[id(n.right)]
                m = left & right if n.op == "AND" else left | right if n.op == "OR" else left & ~right
            self.masks[id(n)] = m
        return self.masks[id(node)]

    def counted(self, node: Node, where: np.ndarray | None, out: list[tuple[Phrase, np.ndarray | None]]) -> None:
        """Per phrase in query order, the rows where its occurrences count for bm25: those in which every
        node on its path matches. FTS5 empties a phrase's positions on the right of a NOT and in an OR
        branch that does not match the row."""
        stack: list[tuple[Node, np.ndarray | None]] = [(node, where)]
        while stack:  # left before right, so phrases come out in query order
            n, w = stack.pop()
            if isinstance(n, Phrase):
                out.append((n, w))
            elif n.op == "AND":  # both sides match wherever the AND does
                stack += ((n.right, w), (n.left, w))
            elif n.op == "NOT":
                stack += ((n.right, None), (n.left, w))
            else:
                stack += tuple((side, None if w is None else w & self.mask(side)) for side in (n.right, n.left))


def evaluate(ri: RankIndex, match: str, allowed: np.ndarray | None) -> Evaluation:
    """Rows matching the FTS5 query ``match`` (and ``allowed``, a mask by rowid), scored by bm25.
    Raises Unsupported for what only FTS5 can answer."""
    tree = parse(match)
    if tree is None:
        raise Unsupported("query syntax")
    run = _Run(ri)
    matched = run.mask(tree)
    if allowed is not None:
        matched = matched & allowed
    rows = np.flatnonzero(matched)
    acc = np.zeros(ri.size, dtype=np.float64)
    n = ri.n_rows
    counted: list[tuple[Phrase, np.ndarray | None]] = []
    run.counted(tree, matched, counted)
    for ph, where in counted:  # summed in phrase order, as FTS5 does
        prow, tf = run.leaf(ph)
        if not len(prow) or where is None:
            continue
        n_hit = len(prow)
        idf = math.log((n - n_hit + 0.5) / (n_hit + 0.5))
        if idf <= 0.0:
            idf = 1e-6
        sel = where[prow]
        prow, tf = prow[sel], tf[sel]
        d = ri.lengths[prow]
        acc[prow] += idf * ((tf * (K1 + 1.0)) / (tf + K1 * (1 - B + B * d / ri.avgdl)))
    return Evaluation(rows, -1.0 * acc[rows])


__all__ = ["Evaluation", "RankIndex", "Unsupported", "build", "built_state", "current", "evaluate", "fts_state"]
