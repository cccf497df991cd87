"""Join a development sample with its hand annotations into a benchmark file:

    python join_labels.py dev4/sample5.jsonl dev4/labels.txt ../attribution-dev4.jsonl

labels.txt: one line per sampled passage, ``n|actor:type;actor:type|ISO3,ISO3`` (empty fields: none)."""
import json
import sys
from pathlib import Path

sample, labels, out = (Path(a) for a in sys.argv[1:4])
ann = {}
for line in labels.read_text(encoding="utf-8").splitlines():
    n, actors, countries = (line.split("|") + ["", ""])[:3]
    ann[int(n)] = ([{"actor": a.split(":")[0], "type": a.split(":")[1]} for a in actors.split(";") if a.strip()],
                   [c for c in countries.strip().split(",") if c])
rows = [json.loads(line) for line in open(sample, encoding="utf-8")]
assert sorted(ann) == [r["n"] for r in rows], "every sampled passage annotated once"
with open(out, "w", encoding="utf-8") as f:
    for r in rows:
        actors, countries = ann[r["n"]]
        f.write(json.dumps({"document": r["document"], "seq": r["seq"], "text": r["text"], "actors": actors,
                            "countries": countries}, ensure_ascii=False) + "\n")
print(len(rows), "passages,", sum(bool(a) for a, _ in ann.values()), "with an actor")
