"""Dev-only comparison of training sets (the relabelling experiment of 2026-12-02, docs/frameworks.md):
for each gcm-train-like FILE, the classifier is trained on the framework texts + the GCM actions + FILE, its
calibration weights and threshold are cross-fitted on FILE alone (scripts/train_classifier.py's rule), and it is
scored on gcm-dev.jsonl, which it never saw. gcm-test.jsonl is not read.

    python benchmarks/data/gcm-src/make_train.py --strict && cp benchmarks/data/gcm-train.jsonl /tmp/strict.jsonl
    python benchmarks/data/gcm-src/make_train.py           # back to the shipped first reading
    python benchmarks/data/gcm-src/dev_eval.py benchmarks/data/gcm-train.jsonl /tmp/strict.jsonl
"""
import contextlib, dataclasses, io, json, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts")); sys.path.insert(0, str(ROOT / "benchmarks"))
import train_classifier as tc
import mapping as mb
from evimap import frameworks
from evimap.map.engine import Mapper
from evimap.map.embed import get_embedder
fw = frameworks.load("gcm"); emb = get_embedder("static")
codes = [c.code for c in fw.categories if c.facet != "principle" and not c.parent]
base = [(t, [cat.code]) for cat in fw.categories if cat.code in codes for t in cat.texts()] + tc.gcm_actions()
dev = mb.load("gcm-dev.jsonl")
for f in sys.argv[1:]:
    train = [(r["text"], r["labels"]) for r in map(json.loads, open(f))]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        w, t, r = tc.calibrate_gcm(fw, base, train, 2.0, emb, 4.0)
    fw2 = dataclasses.replace(fw, threshold=t, relative_threshold=r, calibration=w)
    m = Mapper(fw2, emb); m.classifier = tc.fit_ovr(base + train, codes, 2.0, emb, 4.0)
    res = mb.evaluate(m, dev)
    print(f, buf.getvalue().splitlines()[0])
    print("  dev micro P/R/F1 %.3f %.3f %.3f macro %.3f exact %.2f none_ok %.2f" % (*res["micro"], res["macro"][2], res["exact"], res["none_ok"]))
    print("  ", {c: round(v[2], 2) for c, v in res["per"].items()})
