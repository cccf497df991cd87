"""Dev-only comparison of training sets (the relabelling experiment of 2026-12-02, docs/frameworks.md):
for each gcm-train-like FILE, the classifier is trained on the framework texts + the GCM actions + FILE, its
calibration weights and threshold are cross-fitted on FILE alone (scripts/train_classifier.py's rule), and it is
scored on gcm-dev.jsonl, which it never saw. gcm-test.jsonl is not read.

    python benchmarks/data/gcm-src/make_train.py --strict && cp benchmarks/data/gcm-train.jsonl /tmp/strict.jsonl
    python benchmarks/data/gcm-src/make_train.py           # back to the shipped first reading
    python benchmarks/data/gcm-src/dev_eval.py benchmarks/data/gcm-train.jsonl /tmp/strict.jsonl
    python benchmarks/data/gcm-src/dev_eval.py --model transformer FILE ...   # over the full transformer
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import mapping as M  # noqa: E402
import train_classifier as T  # noqa: E402
from evimap import frameworks  # noqa: E402
from evimap.map.embed import get_embedder  # noqa: E402
from evimap.map.engine import Mapper  # noqa: E402


def main() -> None:
    fw = frameworks.load("gcm")
    args = sys.argv[1:]
    model = "static"
    if "--model" in args:
        model = args.pop(args.index("--model") + 1)
        args.remove("--model")
    emb = get_embedder(model)
    codes, base = T.gcm_training_base(fw)
    dev = M.load("gcm-dev.jsonl")
    for name in args:
        train = [(r["text"], r["labels"]) for r in map(json.loads, open(name, encoding="utf-8"))]
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            w, t, r = T.calibrate_gcm(fw, base, train, 2.0, emb, 4.0)
        mapper = Mapper(dataclasses.replace(fw, threshold=t, relative_threshold=r, calibration=w), emb)
        mapper.classifier = T.fit_ovr(base + train, codes, 2.0, emb, 4.0)
        res = M.evaluate(mapper, dev)
        print(name, printed.getvalue().splitlines()[0])
        print("  dev micro P/R/F1 %.3f %.3f %.3f macro %.3f exact %.2f none_ok %.2f"
              % (*res["micro"], res["macro"][2], res["exact"], res["none_ok"]))
        print("  ", {c: round(v[2], 2) for c, v in res["per"].items()})


if __name__ == "__main__":
    main()
