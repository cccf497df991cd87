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


def cross_fitted_f1(fw, pool, base, emb, share: float, seed: int) -> float:
    """Cross-fitted micro-F1 at the best threshold when each fold's classifier sees ``share`` of its passages."""
    def part(tr: list[int]) -> list[int]:
        random.Random(seed).shuffle(tr)
        return tr[:int(len(tr) * share)]

    y, s, _ = T.cross_fitted_scores(fw, base, pool, 2.0, emb, 4.0, seed=seed, train_on=part)
    rows = T.with_none_share(y)
    return max(T.micro_f1(y[rows], s[rows], t) for t in np.arange(0.02, 0.9, 0.01))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("shares", nargs="+", type=float)
    ap.add_argument("--first", type=int, default=None, help="only the first N passages of gcm-train.jsonl (543 before 2026-12-02; with dev, 693)")
    args = ap.parse_args()
    fw = frameworks.load("gcm")
    emb = get_embedder("static")
    _, base = T.gcm_training_base(fw)
    train = T.annotated("gcm-train.jsonl")
    pool = (train[:args.first] if args.first else train) + T.annotated("gcm-dev.jsonl")
    for share in args.shares:
        f1 = np.mean([cross_fitted_f1(fw, pool, base, emb, share, seed) for seed in (0, 1)])
        print(f"{share:.2f} of the training folds: cross-fitted micro-F1 {f1:.3f}", flush=True)


if __name__ == "__main__":
    main()
