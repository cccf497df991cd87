"""Would stem bigrams help the lexical layer? Cross-fitted GCM micro-F1 on train + dev only (never the test split),
with the figures of embedder_compare.py, for the shipped lexical layer (stems of 3+ letters) and for one that also
counts adjacent stem pairs ("vulner_migrant"), at a given lexical C.

    python benchmarks/data/gcm-src/bigram_lexical.py            # shipped: unigrams, C 4
    python benchmarks/data/gcm-src/bigram_lexical.py bigrams 8  # with bigrams, C 8

The bigram variant replaces, for this process only, the lexical feature function used in training and the
classifier's feature lookup at scoring time; nothing shipped changes.
"""

from __future__ import annotations

import sys

import numpy as np

from embedder_compare import T, load_pool, report
from evimap.map import classifier as C
from evimap.map.embed import get_embedder


def with_bigrams(t) -> dict[str, int]:
    feats = C.lexical_features(t)
    order = [s for _, s in sorted((p, s) for s, ps in t.by_stem.items() for p in ps)]
    for a, b in zip(order, order[1:]):
        if len(a) > 2 and len(b) > 2:
            feats[f"{a}_{b}"] = feats.get(f"{a}_{b}", 0) + 1
    return feats


def bigram_vectors(self, parsed):
    rows, cols, counts = [], [], []
    for r, t in enumerate(parsed):
        for key, n in with_bigrams(t).items():
            j = self._lex_index.get(key)
            if j is not None:
                rows.append(r)
                cols.append(j)
                counts.append(n)
    row, col = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    val = (1.0 + np.log(np.array(counts, dtype=np.float64))) * self.lex_idf[col]
    norm = np.sqrt(np.bincount(row, weights=val * val, minlength=len(parsed)))
    return row, col, val / np.where(norm > 0, norm, 1.0)[row]


def main() -> None:
    variant = sys.argv[1] if len(sys.argv) > 1 else "unigrams"
    lexical_c = float(sys.argv[2]) if len(sys.argv) > 2 else 4.0
    if variant == "bigrams":
        T.lexical_features = with_bigrams
        C.Classifier._lexical_vectors = bigram_vectors
    fw, base, pool, domain = load_pool()
    emb = get_embedder("static")
    for seed in (0, 1):
        y, s, _ = T.cross_fitted_scores(fw, base, pool, 2.0, emb, lexical_c, seed=seed)
        report(f"{variant}, lexical C {lexical_c:g}", seed, y, s, domain)


if __name__ == "__main__":
    main()
