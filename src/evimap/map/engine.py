"""Score passages against a framework: rules + semantic similarity, combined into a calibrated 0–1 score.

For each passage and category five signals are computed:

- ``rules``: how many of the category's rules match (after removing spans that an ``exclude``
  rule covers), capped at 2;
- ``terms``: how many of its vocabulary terms occur, as a share of 3;
- ``similarity``: cosine between the passage embedding and the closest of the category's
  defining texts (title, description, examples, term list);
- ``relative``: that similarity minus the passage's mean similarity over the framework's
  categories at the same level (a passage close to everything is close to nothing);
- ``classifier``: reserved for supervised models (0 when none is loaded).

The score is a logistic function of these with per-framework weights (``calibration``), fitted on
annotated development data (``fit_calibration``), so scores are calibrated probabilities. A
category is assigned when its score reaches the framework threshold; a target-level category
only when its parent is assigned too. Evidence: the matched rule/term spans and the closest
defining text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from ..frameworks import CALIBRATION_KEYS, Category, Framework
from .embed import Embedder, get_embedder
from ..frameworks.rules import Span, Text

# Weights used when a framework file carries no calibration of its own (fitted on the GCM
# development split; see benchmarks/mapping.py --fit).
DEFAULT_CALIBRATION = {"bias": -5.2, "rules": 2.2, "terms": 1.6, "similarity": 4.0, "relative": 9.0,
                       "classifier": 0.0}
MAX_CHARS = 20_000  # a passage longer than this is scored on its first MAX_CHARS characters


@dataclass
class Label:
    framework: str
    code: str
    score: float
    assigned: bool
    features: dict[str, float] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, features: bool = False) -> dict[str, Any]:
        d = {"code": self.code, "score": round(self.score, 4), "assigned": self.assigned,
             "evidence": self.evidence}
        if features:
            d["features"] = {k: round(v, 4) for k, v in self.features.items()}
        return d


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


class Mapper:
    """Scores texts against one framework. Build once; call ``score`` on batches."""

    def __init__(self, framework: Framework, embedder: Embedder | str = "static"):
        self.fw = framework
        self.embedder = get_embedder(embedder) if isinstance(embedder, str) else embedder
        self.weights = {**DEFAULT_CALIBRATION, **framework.calibration}
        self.cats = framework.categories
        texts, owner = [], []
        for i, c in enumerate(self.cats):
            for t in c.texts():
                texts.append(t)
                owner.append(i)
        self.def_texts = texts
        self.def_owner = np.array(owner)
        self.def_vecs = self.embedder.encode(texts)
        self.groups: dict[tuple[str, str], list[int]] = {}
        for i, c in enumerate(self.cats):
            self.groups.setdefault((framework.level_of(c), c.facet), []).append(i)

    # ---- signals --------------------------------------------------------------------------
    def _similarities(self, vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(best similarity, index of the closest defining text) per passage × category."""
        sims = vecs @ self.def_vecs.T  # passages × defining texts
        n, k = len(vecs), len(self.cats)
        best = np.full((n, k), -1.0, dtype=np.float32)
        arg = np.zeros((n, k), dtype=np.int64)
        for j in range(k):
            cols = np.flatnonzero(self.def_owner == j)
            sub = sims[:, cols]
            a = sub.argmax(axis=1)
            best[:, j] = sub[np.arange(n), a]
            arg[:, j] = cols[a]
        return best, arg

    @staticmethod
    def _rule_hits(c: Category, t: Text) -> tuple[list[tuple[str, list[Span]]], list[tuple[str, list[Span]]]]:
        excluded: list[Span] = []
        for r in c.compiled_exclude:
            m = r.match(t)
            if m:
                excluded.extend(m)

        def keep(spans: list[Span]) -> list[Span]:
            return [s for s in spans if not any(e[0] <= s[0] and s[1] <= e[1] for e in excluded)]

        rules, terms = [], []
        for r in c.compiled_rules:
            m = r.match(t)
            if m is not None:
                kept = keep(m) if m else m
                if m == [] or kept:
                    rules.append((r.source, kept))
        for r in c.compiled_terms:
            m = r.match(t)
            if m:
                kept = keep(m)
                if kept:
                    terms.append((r.source.strip('"'), kept))
        return rules, terms

    # ---- scoring --------------------------------------------------------------------------
    def score(self, texts: list[str], *, evidence: bool = True, vecs: np.ndarray | None = None) -> list[list[Label]]:
        """Labels for every category, per text (in framework order)."""
        texts = [(t or "")[:MAX_CHARS] for t in texts]
        if vecs is None:
            vecs = self.embedder.encode([t if t.strip() else "." for t in texts])
        best, arg = self._similarities(vecs)
        rel = np.zeros_like(best)
        for idx in self.groups.values():
            block = best[:, idx]
            rel[:, idx] = block - block.mean(axis=1, keepdims=True)
        w = self.weights
        out: list[list[Label]] = []
        for i, text in enumerate(texts):
            empty = not text.strip()
            t = Text.of(text)
            labels = []
            for j, c in enumerate(self.cats):
                rules, terms = self._rule_hits(c, t)
                f = {"rules": min(len(rules), 2), "terms": min(len(terms), 3) / 3,
                     "similarity": float(best[i, j]), "relative": float(rel[i, j]), "classifier": 0.0}
                z = w["bias"] + sum(w[k] * f[k] for k in CALIBRATION_KEYS if k != "bias")
                s = 0.0 if empty else _sigmoid(z)
                ev: list[dict[str, Any]] = []
                if evidence and not empty:
                    ev = [{"type": "rule", "rule": src, "quotes": sorted({t.quote(sp) for sp in spans})[:3]}
                          for src, spans in rules]
                    ev += [{"type": "term", "term": term, "quotes": sorted({t.quote(sp) for sp in spans})[:3]}
                           for term, spans in terms]
                    ev.append({"type": "closest", "text": self.def_texts[arg[i, j]],
                               "similarity": round(float(best[i, j]), 4)})
                labels.append(Label(self.fw.id, c.code, s, s >= self.fw.threshold_for(c), f, ev))
            self._enforce_hierarchy(labels)
            out.append(labels)
        return out

    def _enforce_hierarchy(self, labels: list[Label]) -> None:
        by_code = {lab.code: lab for lab in labels}
        for c, lab in zip(self.cats, labels):
            if c.parent and lab.assigned and not by_code[c.parent].assigned:
                lab.assigned = False

    def features(self, texts: list[str]) -> np.ndarray:
        """Signals as an array (texts × categories × signals), for calibration."""
        labs = self.score(texts, evidence=False)
        keys = [k for k in CALIBRATION_KEYS if k != "bias"]
        return np.array([[[lab.features[k] for k in keys] for lab in row] for row in labs], dtype=np.float64)


def fit_calibration(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, iterations: int = 50) -> dict[str, float]:
    """Logistic regression (Newton's method, numpy) of labels ``y`` on signals ``x`` (n × signals)."""
    keys = [k for k in CALIBRATION_KEYS if k != "bias"]
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    reg = l2 * np.eye(xb.shape[1])
    reg[0, 0] = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        g = xb.T @ (p - y) + reg @ w * len(y)
        h = (xb * (p * (1 - p))[:, None]).T @ xb + reg * len(y) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"bias": float(w[0]), **{k: float(v) for k, v in zip(keys, w[1:])}}


def assigned_codes(labels: Iterable[Label]) -> list[str]:
    return [lab.code for lab in labels if lab.assigned]
