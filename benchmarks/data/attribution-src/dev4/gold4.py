"""Join the dev4 sample (sample5.jsonl) with its hand annotations (labels.txt) into
../../attribution-dev4.jsonl. labels.txt: one line per passage, ``n|actor:type;actor:type|ISO3,ISO3``."""
import json
from pathlib import Path

HERE = Path(__file__).parent
ann = {}
for line in (HERE / "labels.txt").read_text(encoding="utf-8").splitlines():
    n, actors, countries = (line.split("|") + ["", ""])[:3]
    ann[int(n)] = ([{"actor": a.split(":")[0], "type": a.split(":")[1]} for a in actors.split(";") if a.strip()],
                   [c for c in countries.strip().split(",") if c])
rows = [json.loads(line) for line in open(HERE / "sample5.jsonl", encoding="utf-8")]
assert sorted(ann) == [r["n"] for r in rows], "every sampled passage annotated once"
with open(HERE.parent.parent / "attribution-dev4.jsonl", "w", encoding="utf-8") as f:
    for r in rows:
        actors, countries = ann[r["n"]]
        f.write(json.dumps({"document": r["document"], "seq": r["seq"], "text": r["text"], "actors": actors,
                            "countries": countries}, ensure_ascii=False) + "\n")
print(len(rows), "passages,", sum(bool(a) for a, _ in ann.values()), "with an actor")
