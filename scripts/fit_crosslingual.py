"""Fit the map from evimap's multilingual vector space into its English (static) one, so that a query in French,
Spanish or another covered language finds English passages by meaning.

English passages are embedded by both models; a ridge regression from the multilingual vectors to the static ones
is fitted on part of them and its strength chosen on the rest (split by source document: the mean cosine between
the mapped vector and the passage's own static vector). A foreign query's multilingual vector (centred and carried
towards English by its language's map) then goes through it into the space of the English passages' stored vectors.

Texts: the English training passages of the GCM classifier (benchmarks/data/gcm-train.jsonl, gcm-train-blind.jsonl)
and paragraphs of General Debate speeches of 1990–2015 (../shared/corpus/ungdc). Never the Los Angeles Declaration
folder (the test of benchmarks/multilingual.py).

    python scripts/fit_crosslingual.py         # writes src/evimap/map/model/multilingual/to-static.npy
"""

from __future__ import annotations

import json
import random
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OUT = ROOT / "src" / "evimap" / "map" / "model" / "multilingual" / "to-static.npy"
sys.path.insert(0, str(ROOT / "src"))


def texts() -> list[tuple[str, str]]:
    """(source, text) pairs of English prose."""
    out = []
    for name in ("gcm-train.jsonl", "gcm-train-blind.jsonl"):
        for line in (ROOT / "benchmarks" / "data" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                out.append((r.get("source") or r.get("document") or name, r["text"]))
    speeches = sorted(p for d in (SHARED / "corpus" / "ungdc").glob("*-session-*")
                      if 1990 <= int(d.name[:4]) <= 2015 for p in d.glob("*.txt"))
    for path in random.Random("crosslingual").sample(speeches, 600):
        paras = [p.strip() for p in path.read_text(encoding="utf-8", errors="replace").split("\n") if len(p.strip()) > 200]
        out += [(path.name, p) for p in paras[:12]]
    return out


def main() -> None:
    from evimap.map.embed import get_embedder

    pairs = texts()
    static, multi = get_embedder("static"), get_embedder("multilingual")
    y = np.asarray(static.encode([t for _, t in pairs]), dtype=np.float64)
    x = multi.encode([t for _, t in pairs], langs=["en"] * len(pairs)).astype(np.float64)
    keep = (np.linalg.norm(x, axis=1) > 0) & (np.linalg.norm(y, axis=1) > 0)
    held = np.array([zlib.crc32(s.encode()) % 5 == 0 for s, _ in pairs]) & keep
    fit = keep & ~held
    print(f"{len(pairs)} English texts ({int(fit.sum())} to fit, {int(held.sum())} held out by source)")

    def solve(lam: float, rows: np.ndarray) -> np.ndarray:
        xs, ys = x[rows], y[rows]
        return np.linalg.solve(xs.T @ xs + lam * np.eye(x.shape[1]), xs.T @ ys)

    def cosine(w: np.ndarray, rows: np.ndarray) -> float:
        p = x[rows] @ w
        p /= np.linalg.norm(p, axis=1, keepdims=True) + 1e-12
        return float(np.mean(np.sum(p * y[rows], axis=1)))

    best = None
    for lam in (0.1, 1.0, 10.0, 100.0):
        c = cosine(solve(lam, fit), held)
        print(f"ridge {lam:>6}: held-out mean cosine {c:.4f}")
        if best is None or c > best[1]:
            best = (lam, c)
    w = solve(best[0], keep)
    np.save(OUT, w.astype(np.float16))
    print(f"chosen ridge {best[0]} (held-out cosine {best[1]:.4f}); fitted on all {int(keep.sum())} -> {OUT}")


if __name__ == "__main__":
    main()
