"""The supervised layer: a linear classifier over passage embeddings, shipped as a small ``.npz``.

A framework names its classifier with the top-level key ``classifier:`` — a built-in name (a file in
``evimap/map/model/classifiers/``) or a path relative to the framework file. The file holds
``codes`` (the categories it predicts), ``coef`` (codes × embedding dims), ``intercept`` and
``model`` (the embedder it was trained on). Training code: ``scripts/train_classifier.py``.
Applying it needs only numpy.

A classifier may also carry a **lexical layer** (``lex_terms``, ``lex_idf``, ``lex_coef``, ``lex_intercept``): a
one-vs-rest logistic regression over the passage's word stems (sublinear tf × idf, L2-normalised), the stems
being those the rule engine computes anyway. It is the ``lexical`` signal of the engine, and its evidence names
the stems that weighed most for a label. Files without it (the SDG classifier) give that signal 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import EvimapError
from ..frameworks import Framework
from ..frameworks.rules import Text


def lexical_features(t: Text) -> dict[str, int]:
    """The lexical layer's features of a passage: its stems of 3 letters or more, with their counts."""
    return {s: len(p) for s, p in t.by_stem.items() if len(s) > 2}


_TABLE: list = [None, None]  # the last batch's stem table: (parsed list, table)


def stem_table(parsed: list[Text]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Every (passage, stem) of a batch once: the batch's distinct stems, and per occurrence the passage row, the
    stem's index among them and its count. Built once per batch and shared by every framework's lexical layer (the
    last batch's is kept)."""
    if _TABLE[0] is parsed:
        return _TABLE[1]
    index: dict[str, int] = {}
    rows: list[int] = []
    ids: list[int] = []
    counts: list[int] = []
    setdefault = index.setdefault
    for r, t in enumerate(parsed):
        for stem_, pos in t.by_stem.items():
            ids.append(setdefault(stem_, len(index)))
            rows.append(r)
            counts.append(len(pos))
    table = (list(index), np.array(rows, dtype=np.int64), np.array(ids, dtype=np.int64), np.array(counts, dtype=np.int64))
    _TABLE[0], _TABLE[1] = parsed, table
    return table


@dataclass
class Classifier:
    codes: list[str]
    coef: np.ndarray
    intercept: np.ndarray
    model: str
    lex_terms: list[str] | None = None
    lex_idf: np.ndarray | None = None
    lex_coef: np.ndarray | None = None  # codes × terms
    lex_intercept: np.ndarray | None = None

    def __post_init__(self) -> None:
        self._lex_index = {t: i for i, t in enumerate(self.lex_terms)} if self.lex_terms else {}
        self._lex_weights = (self.lex_coef.T.astype(np.float64) if self.lex_coef is not None else None)  # terms × codes
        self._lex_columns: dict[int, list[float]] = {}  # code index → weight × idf per term, for evidence

    @property
    def has_lexical(self) -> bool:
        return bool(self._lex_index)

    def _lexical_vectors(self, parsed: list[Text]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(passage row, term index, tf-idf weight / row norm) of every known stem of every passage."""
        vocab, rows_all, ids, counts_all = stem_table(parsed)
        get = self._lex_index.get  # holds only stems of 3+ letters (lexical_features), so no length test here
        term = np.array([get(s_, -1) for s_ in vocab], dtype=np.int64)[ids]
        known = term >= 0
        row, col, counts = rows_all[known], term[known], counts_all[known]
        tf = 1.0 + np.log(counts.astype(np.float64))
        # the batch's known stems, kept for the evidence of its labels (lexical_terms): passage → its slice
        starts = np.searchsorted(row, np.arange(len(parsed) + 1))
        self._batch = (parsed, {id(t): r for r, t in enumerate(parsed)}, starts, col, tf)
        val = tf * self.lex_idf[col]
        norm = np.sqrt(np.bincount(row, weights=val * val, minlength=len(parsed)))
        return row, col, val / np.where(norm > 0, norm, 1.0)[row]

    def predict_lexical(self, parsed: list[Text], codes: list[str]) -> np.ndarray:
        """Lexical-layer probabilities (passages × ``codes``); 0 for codes it does not know or without the layer."""
        out = np.zeros((len(parsed), len(codes)))
        if not self.has_lexical or not parsed:
            return out
        row, col, val = self._lexical_vectors(parsed)
        z = np.tile(self.lex_intercept.astype(np.float64), (len(parsed), 1))
        if len(row):
            contrib = self._lex_weights[col] * val[:, None]  # (stem occurrences) × codes
            for k in range(z.shape[1]):
                z[:, k] += np.bincount(row, weights=contrib[:, k], minlength=len(parsed))
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        where = {c: i for i, c in enumerate(self.codes)}
        for j, c in enumerate(codes):
            if c in where:
                out[:, j] = p[:, where[c]]
        return out

    def forget_batch(self) -> None:
        """Drop the last batch's stems (kept by predict_lexical for the evidence of its labels)."""
        self._batch = None

    def lexical_terms(self, t: Text, code: str, n: int = 5) -> list[str]:
        """The stems of ``t`` that raise the lexical score of ``code`` most, strongest first (the passage's norm
        scales every stem alike, so it is left out)."""
        if not self.has_lexical or code not in self.codes:
            return []
        k = self.codes.index(code)
        batch = getattr(self, "_batch", None)
        r = batch[1].get(id(t)) if batch else None
        if r is not None and batch[0][r] is t:  # a passage of the last scored batch: its known stems are at hand
            _, _, starts, col, tf = batch
            cols = col[starts[r]:starts[r + 1]]
            w = self._lex_weights[cols, k] * self.lex_idf[cols] * tf[starts[r]:starts[r + 1]]
            pos = np.flatnonzero(w > 0)
            top = sorted(pos.tolist(), key=lambda i: (-w[i], self.lex_terms[cols[i]]))[:n]
            return [self.lex_terms[cols[i]] for i in top]
        column = self._lex_columns.get(k)
        if column is None:
            column = self._lex_columns[k] = (self._lex_weights[:, k] * self.lex_idf).tolist()
        get = self._lex_index.get
        scored = []
        for stem_, pos in t.by_stem.items():
            j = get(stem_)
            if j is not None and column[j] > 0:
                scored.append((-column[j] * (1.0 + math.log(len(pos))), stem_))
        return [stem_ for _, stem_ in sorted(scored)[:n]]

    def predict(self, vecs: np.ndarray, codes: list[str]) -> np.ndarray:
        """Probabilities (passages × ``codes``); 0 for codes the classifier does not know."""
        p = 1.0 / (1.0 + np.exp(-np.clip(vecs @ self.coef.T + self.intercept, -30, 30)))
        out = np.zeros((len(vecs), len(codes)))
        where = {c: i for i, c in enumerate(self.codes)}
        for j, c in enumerate(codes):
            if c in where:
                out[:, j] = p[:, where[c]]
        return out

    def save(self, path: str | Path) -> None:
        lexical = {}
        if self.has_lexical:
            lexical = {"lex_terms": np.array(self.lex_terms), "lex_idf": self.lex_idf.astype(np.float32),
                       "lex_coef": self.lex_coef.astype(np.float32), "lex_intercept": self.lex_intercept.astype(np.float32)}
        np.savez_compressed(path, codes=np.array(self.codes), coef=self.coef.astype(np.float32),
                            intercept=self.intercept.astype(np.float32), model=np.array(self.model), **lexical)


def _resolve(fw: Framework) -> Path | None:
    ref = fw.classifier
    if not ref:
        return None
    builtin = resources.files(__package__).joinpath("model", "classifiers", f"{ref}.npz")
    if builtin.is_file():
        return Path(str(builtin))
    p = Path(ref)
    if not p.is_absolute() and fw.path:
        p = Path(fw.path).parent / p
    if not p.is_file():
        raise EvimapError(f"{fw.path or fw.id}: classifier {ref!r} not found (no built-in of that name, no file {p})")
    return p


@lru_cache(maxsize=16)
def _read(path: str) -> Classifier:
    try:
        z = np.load(path, allow_pickle=False)
        lexical = {}
        if "lex_terms" in z.files:
            lexical = {"lex_terms": [str(t) for t in z["lex_terms"]], "lex_idf": z["lex_idf"].astype(np.float64),
                       "lex_coef": z["lex_coef"], "lex_intercept": z["lex_intercept"]}
        return Classifier([str(c) for c in z["codes"]], z["coef"], z["intercept"], str(z["model"]), **lexical)
    except (OSError, KeyError, ValueError) as exc:
        raise EvimapError(f"{path}: not a classifier file ({exc})") from None


def load_classifier(fw: Framework, model: str) -> Classifier | None:
    """The framework's classifier if it has one trained for ``model`` (embeddings differ per model)."""
    path = _resolve(fw)
    if path is None:
        return None
    clf = _read(str(path))
    return clf if clf.model == model else None
