"""dev4 sample (issue 5): 70 passages with reporting cues from the seeds and the IOM evaluations, 30 at random from
seeds 001-003; none of them in attribution.jsonl, attribution-dev2.jsonl or attribution-dev3.jsonl. Reads a store of the seeds + IOM
evaluations (evimap ingest ../shared/seeds ../shared/corpus/iom-evaluations --store STORE)."""
import json
import random
import re
import sqlite3
import sys

DATA = "/work/main/benchmarks/data"
seen = {json.loads(l)["text"] for f in ("attribution.jsonl", "attribution-dev2.jsonl", "attribution-dev3.jsonl") for l in open(f"{DATA}/{f}")}
db = sqlite3.connect(sys.argv[1] if len(sys.argv) > 1 else "/tmp/web/shared.db")
db.row_factory = sqlite3.Row
rng = random.Random(5505)
rows = [r for r in db.execute("select p.text, p.seq, d.name from passages p join documents d on d.id=p.doc_id "
        "where length(p.text)>=60 and p.kind not in ('heading','table_row') order by d.name, p.seq") if r["text"] not in seen]
cue_re = re.compile(r"\b(said|stated|noted|stressed|highlighted|emphasi[sz]ed|called for|calls for|underlined|recommended|"
                    r"proposed|welcomed|expressed|suggested|pointed out|reported|announced|presented|shared|informed|"
                    r"explained|observed|underscored|recalled|acknowledged|urged|reiterated|according to|delivered|"
                    r"opened|chaired|moderated|argued|believes?|considers?|supports?|commended|affirmed)\b"
                    r"|^[A-Z][A-Za-z .'()-]{2,60}:", re.M)
cue = [r for r in rows if cue_re.search(r["text"])]
seeds = [r for r in rows if r["name"][:3] in ("001", "002", "003") and r not in cue]
pick = rng.sample(cue, 70) + rng.sample(seeds, 30)
with open("sample5.jsonl", "w") as f:
    for i, r in enumerate(pick):
        f.write(json.dumps({"n": 300 + i, "document": r["name"], "seq": r["seq"], "text": r["text"]}, ensure_ascii=False) + "\n")
print(len(rows), len(cue), len(seeds))
