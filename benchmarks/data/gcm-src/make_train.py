"""Join the samples with their hand annotation sheets (line number, then the GCM objectives the passage
substantively addresses) into ../gcm-train.jsonl:
train-sample.jsonl + train-labels.txt (seeds and IOM evaluations, 320) and ungdc-sample.jsonl +
ungdc-labels.txt (UN General Debate paragraphs that mention migration, 160) and rare-sample.jsonl +
rare-labels.txt (UN General Debate paragraphs with cue words of objectives the others hardly hold, 63) and
more-sample.jsonl + more-labels.txt (the seeds' and IOM evaluations' cued passages left over, 188)."""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
with open(HERE.parent / "gcm-train.jsonl", "w", encoding="utf-8") as f:
    for sample, sheet in (("train-sample.jsonl", "train-labels.txt"), ("ungdc-sample.jsonl", "ungdc-labels.txt"),
                          ("rare-sample.jsonl", "rare-labels.txt"), ("more-sample.jsonl", "more-labels.txt")):
        rows = [json.loads(line) for line in open(HERE / sample, encoding="utf-8")]
        labels = {int(p[0]): p[1:] for p in (line.split() for line in open(HERE / sheet, encoding="utf-8"))}
        assert sorted(labels) == list(range(len(rows))), f"every passage of {sample} needs a line in {sheet}"
        for i, r in enumerate(rows):
            f.write(json.dumps({"id": r["id"], "source": r["source"], "labels": labels[i], "text": r["text"]},
                               ensure_ascii=False) + "\n")
