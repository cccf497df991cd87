"""Join the sample (train-sample.jsonl) with the hand annotation sheet (train-labels.txt: line number,
then the GCM objectives the passage substantively addresses) into ../gcm-train.jsonl."""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
rows = [json.loads(line) for line in open(HERE / "train-sample.jsonl", encoding="utf-8")]
labels = {int(p[0]): p[1:] for p in (line.split() for line in open(HERE / "train-labels.txt", encoding="utf-8"))}
assert sorted(labels) == list(range(len(rows))), "every sampled passage needs a line in the sheet"
with open(HERE.parent / "gcm-train.jsonl", "w", encoding="utf-8") as f:
    for i, r in enumerate(rows):
        f.write(json.dumps({"id": r["id"], "source": r["source"], "labels": labels[i], "text": r["text"]},
                           ensure_ascii=False) + "\n")
