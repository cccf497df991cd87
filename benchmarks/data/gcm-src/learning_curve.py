"""Learning curve of the GCM classifier on train + dev only (never the test split): cross-fitted micro-F1 (best
threshold, no-objective share brought to 15% as in the test split) when each fold's classifier sees a share of its
training passages. The figures quoted in docs/frameworks.md (0.745 / 0.763 / 0.776 / 0.784 for 25–100% of the first
693 passages) came from this procedure, averaged over fold seeds 0 and 1.

    python benchmarks/data/gcm-src/learning_curve.py [--first 543] 0.25 0.5 0.75 1.0
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))

import train_classifier as T  # noqa: E402
from evimap import frameworks  # noqa: E402
from evimap.map.embed import get_embedder  # noqa: E402
from evimap.map.engine import SIGNALS, Mapper, fit_calibration  # noqa: E402


def cross_fitted_f1(pool, base, codes, mapper, emb, share: float, seed: int) -> float:
    from sklearn.model_selection import KFold

    idx = [i for i, c in enumerate(mapper.fw.categories) if c.code in codes]
    y = np.array([[code in labels for code in codes] for _, labels in pool])
    x = np.zeros((len(pool), len(idx), len(SIGNALS)))
    for tr, te in KFold(5, shuffle=True, random_state=seed).split(pool):
        tr = list(tr)
        random.Random(seed).shuffle(tr)
        mapper.classifier = T.fit_ovr(base + [pool[i] for i in tr[:int(len(tr) * share)]], codes, 2.0, emb, 4.0)
        x[te] = mapper.features([pool[i][0] for i in te])[:, idx, :]
    w = fit_calibration(x.reshape(-1, len(SIGNALS)), y.reshape(-1).astype(float))
    s = 1 / (1 + np.exp(-(w["bias"] + x @ np.array([w[k] for k in SIGNALS]))))
    some = [i for i in range(len(pool)) if y[i].any()]
    none = [i for i in range(len(pool)) if not y[i].any()]
    rows = sorted(some + random.Random(1).sample(none, round(len(some) * 0.15 / 0.85)))
    ys, ss = y[rows], s[rows]
    best = 0.0
    for t in np.arange(0.02, 0.9, 0.01):
        p = ss >= t
        tp, fp, fn = (p & ys).sum(), (p & ~ys).sum(), (~p & ys).sum()
        best = max(best, 2 * tp / (2 * tp + fp + fn))
    return float(best)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("shares", nargs="+", type=float)
    ap.add_argument("--first", type=int, default=None, help="only the first N passages of gcm-train.jsonl (543 before 2026-12-02; with dev, 693)")
    args = ap.parse_args()
    fw = frameworks.load("gcm")
    emb = get_embedder("static")
    codes = [c.code for c in fw.categories if c.facet != "principle" and not c.parent]
    base = [(t, [c.code]) for c in fw.categories if c.code in codes for t in c.texts()] + T.gcm_actions()
    train = T.annotated("gcm-train.jsonl")
    pool = (train[:args.first] if args.first else train) + T.annotated("gcm-dev.jsonl")
    mapper = Mapper(fw)
    for share in args.shares:
        f1 = np.mean([cross_fitted_f1(pool, base, codes, mapper, emb, share, seed) for seed in (0, 1)])
        print(f"{share:.2f} of the training folds: cross-fitted micro-F1 {f1:.3f}", flush=True)


if __name__ == "__main__":
    main()
