"""Learning from reviewers' decisions: a store-specific layer over the shipped models, which stay intact.

A decision on a label (accepted or added: the category applies; rejected: it does not) is evidence about the
passages that resemble the reviewed one. For each category with decisions, a passage's label is re-decided from
the decisions on its neighbours (passage embeddings, cosine ≥ ``SIM_MIN``) and the machine's own decision, which
counts as ``PRIOR`` (half a neighbour of full similarity: one close reviewed passage outweighs it):

    p = (Σ sim · decision + PRIOR · machine) / (Σ sim + PRIOR),   label given when p ≥ 0.5

so a label flips only where reviewed passages close to it agree against the machine. Before anything is changed
the layer is measured on the decisions themselves, held out by document (each document's decisions predicted
from the other documents' only): micro-F1 of the machine against the decisions, and of the learned layer. A
layer that does worse is refused. Applying it marks the labels it changes (``machine`` holds what the model
said; the evidence names the layer), a re-map gives the model's labels back, and ``learn`` again puts the layer
back; reviewers' own decisions always win.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

SIM_MIN = 0.75
PRIOR = 0.5
CONFIDENCE = 4.0


def adjust(machine: np.ndarray, vecs: np.ndarray, rows: np.ndarray, cols: np.ndarray, ys: np.ndarray,
           scores: np.ndarray | None = None, sim_min: float = SIM_MIN, prior: float = PRIOR,
           confidence: float = CONFIDENCE) -> np.ndarray:
    """The learned decisions (n × k booleans) from the machine's (``machine``; ``scores``: its probabilities), the
    passages' unit vectors and the decisions ``(rows[i], cols[i]) = ys[i]``; categories without decisions keep
    the machine's. The machine's weight grows with its certainty: ``prior + confidence · |2·score − 1|``, so
    reviewed neighbours overturn an unsure label easily and a sure one only when many agree."""
    out = machine.copy()
    for j in np.unique(cols):
        pick = cols == j
        sims = vecs @ vecs[rows[pick]].T
        sims[sims < sim_min] = 0.0
        weight = sims.sum(axis=1)
        vote = sims @ ys[pick].astype(np.float32)
        own = prior + (confidence * np.abs(2 * scores[:, j] - 1) if scores is not None else 0.0)
        p = (vote + own * machine[:, j]) / (weight + own)
        out[:, j] = p >= 0.5
    return out


def f1(truth: np.ndarray, pred: np.ndarray) -> float:
    tp = int((truth & pred).sum())
    fp = int((~truth & pred).sum())
    fn = int((truth & ~pred).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


@dataclass
class Measure:
    decisions: int
    documents: int
    machine_f1: float
    learned_f1: float
    changed: int = 0
    per_document: list[dict[str, Any]] = field(default_factory=list)

    @property
    def better(self) -> bool:
        return self.learned_f1 >= self.machine_f1


def cross_validate(machine: np.ndarray, vecs: np.ndarray, docs: np.ndarray, rows: np.ndarray, cols: np.ndarray,
                   ys: np.ndarray, scores: np.ndarray | None = None) -> Measure:
    """Each document's decisions predicted from the other documents' decisions: machine and learned micro-F1."""
    truth_all, mach_all, learned_all = [], [], []
    per_doc = []
    for d in np.unique(docs[rows]):
        held = docs[rows] == d
        if held.all():
            continue  # one document only: nothing to learn from for it
        learned = adjust(machine, vecs, rows[~held], cols[~held], ys[~held], scores)
        truth = ys[held].astype(bool)
        m = machine[rows[held], cols[held]].astype(bool)
        lr = learned[rows[held], cols[held]]
        truth_all.append(truth)
        mach_all.append(m)
        learned_all.append(lr)
        per_doc.append({"document": int(d), "decisions": int(held.sum()), "machine_right": int((m == truth).sum()),
                        "learned_right": int((lr == truth).sum())})
    if not truth_all:
        return Measure(len(ys), len(np.unique(docs[rows])), 0.0, 0.0, per_document=per_doc)
    t, m, lr = np.concatenate(truth_all), np.concatenate(mach_all), np.concatenate(learned_all)
    return Measure(len(ys), len(np.unique(docs[rows])), round(f1(t, m), 4), round(f1(t, lr), 4), per_document=per_doc)
