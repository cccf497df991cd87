"""Third development sample: 60 passages with reporting cues from the seeds and IOM evaluations, none already
in attribution.jsonl or attribution-dev2.jsonl. Reads a store of the seeds and IOM evaluations."""
import json, random, re, sqlite3, sys
from pathlib import Path
data = Path(__file__).resolve().parents[2]
seen = {json.loads(l)["text"] for f in ("attribution.jsonl", "attribution-dev2.jsonl") for l in open(data / f)}
CUE = re.compile(r"\b(said|stated|stressed|noted|highlighted|emphasi[sz]ed|underlined|called for|recommended|suggested|"
                 r"pointed out|expressed|welcomed|urged|proposed|according to|informed|reported|indicated|explained|"
                 r"mentioned|recalled|acknowledged|reiterated|observed|announced|affirmed|argued|concluded|"
                 r"encouraged|requested|referred|underscored|shared)\b|^[A-Z][\w .'-]{1,40}:\s", re.M)
db = sqlite3.connect(sys.argv[1]); db.row_factory = sqlite3.Row
rows = [r for r in db.execute("select p.text, p.seq, d.name from passages p join documents d on d.id=p.doc_id "
                              "where length(p.text)>=40 and p.kind not in ('heading','table_row') and p.dup_of is null "
                              "order by d.name, p.seq")
        if r["text"] not in seen and CUE.search(r["text"])]
print(len(rows), "candidates")
rng = random.Random(2026)
pick = sorted(rng.sample(rows, 60), key=lambda r: (r["name"], r["seq"]))
with open(Path(__file__).with_name("sample4.jsonl"), "w") as f:
    for i, r in enumerate(pick):
        f.write(json.dumps({"n": 200 + i, "document": r["name"], "seq": r["seq"], "text": r["text"]}, ensure_ascii=False) + "\n")
