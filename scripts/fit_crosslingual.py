"""Fit the map from evimap's multilingual vector space into its English (static) one, so that a query in French,
Spanish or another covered language finds English passages by meaning.

English passages are embedded by both models; a ridge regression from the multilingual vectors to the static ones
is fitted on part of them and its strength chosen on the rest (split by source document: the mean cosine between
the mapped vector and the passage's own static vector). A foreign query's multilingual vector (centred and carried
towards English by its language's map) then goes through it into the space of the English passages' stored vectors.

Texts: the English training passages of the GCM classifier (benchmarks/data/gcm-train.jsonl, gcm-train-blind.jsonl)
and paragraphs of General Debate speeches of 1990–2015 (../shared/corpus/ungdc). Never the Los Angeles Declaration
folder (the test of benchmarks/multilingual.py).

    python scripts/fit_crosslingual.py         # writes src/evimap/map/model/multilingual/to-static.npz

Which languages' passages join the English space this way is chosen on a development set, per language: English
queries (the GCM objective titles) over the translated GCM training passages (benchmarks/data/
gcm-train-translated.jsonl), recall@10 of the passages labelled with the objective, ranked by the multilingual space
alone and by the fusion (reciprocal rank) of that ranking with the English space's; a language joins when the
fusion does better. (The Los Angeles Declaration is the test; it was looked at before this selection was made,
which benchmarks/RESULTS.md reports.)
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
OUT = ROOT / "src" / "evimap" / "map" / "model" / "multilingual" / "to-static.npz"
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
    w = solve(best[0], keep).astype(np.float32)
    print(f"chosen ridge {best[0]} (held-out cosine {best[1]:.4f}); fitted on all {int(keep.sum())}")
    languages = [lang for lang, gain in choose_languages(w) if gain > 0]
    np.savez(OUT, map=w.astype(np.float16), languages=np.array(languages))
    print(f"languages whose passages join the English space: {', '.join(languages)} -> {OUT}")


def choose_languages(w: np.ndarray) -> list[tuple[str, float]]:
    """(language, recall@10 of the fusion − recall@10 of the multilingual space alone) on the development set."""
    from collections import defaultdict

    from evimap.frameworks import load
    from evimap.map.embed import get_embedder

    static, multi = get_embedder("static"), get_embedder("multilingual")
    fw = load("gcm")
    by_lang: dict[str, list[dict]] = defaultdict(list)
    for line in (ROOT / "benchmarks" / "data" / "gcm-train-translated.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            by_lang[r["language"]].append(r)
    out = []
    for lang, items in sorted(by_lang.items()):
        mv = multi.encode([r["text"] for r in items], langs=[lang] * len(items))
        sv = mv @ w
        sv /= np.linalg.norm(sv, axis=1, keepdims=True) + 1e-12
        n = len(items)
        ranks = 1.0 / (60 + np.arange(1, n + 1))
        hits = {"multilingual": [0, 0], "fused": [0, 0]}
        for c in fw.categories:
            if c.facet == "principle" or c.parent:
                continue
            relevant = {i for i, r in enumerate(items) if c.code in r["labels"]}
            if not relevant:
                continue
            a = mv @ multi.encode([c.title], langs=["en"])[0]
            b = sv @ static.encode([c.title])[0]
            fused = np.zeros(n)
            fused[np.argsort(-a)] += ranks
            fused[np.argsort(-b)] += ranks
            for name, scores in (("multilingual", a), ("fused", fused)):
                top = set(np.argsort(-scores)[:10].tolist())
                hits[name][0] += len(top & relevant)
                hits[name][1] += min(10, len(relevant))
        r_multi, r_fused = (hits[k][0] / hits[k][1] for k in ("multilingual", "fused"))
        print(f"  {lang}: recall@10 multilingual space {r_multi:.3f}, fused with the English space {r_fused:.3f}")
        out.append((lang, r_fused - r_multi))
    return out


if __name__ == "__main__":
    main()
