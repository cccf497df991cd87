import sqlite3, random, json, re
gold = {json.loads(l)["text"] for l in open("/work/main/benchmarks/data/attribution.jsonl")}
db = sqlite3.connect("/tmp/web/shared.db"); db.row_factory = sqlite3.Row
rng = random.Random(2026)
rows = [r for r in db.execute("select p.text, p.seq, d.name from passages p join documents d on d.id=p.doc_id "
        "where length(p.text)>=60 and p.kind not in ('heading','table_row') order by d.name, p.seq") if r["text"] not in gold]
cue_re = re.compile(r"\b(said|stated|noted|stressed|highlighted|emphasi[sz]ed|called for|calls for|underlined|recommended|proposed|welcomed|expressed|suggested|pointed out|reported|announced|presented|shared|informed|explained|observed|underscored|recalled|acknowledged|urged|reiterated|according to|delivered|opened|chaired|moderated)\b|^[A-Z][A-Za-z .'()-]{2,60}:", re.M)
cue = [r for r in rows if cue_re.search(r["text"])]
print(len(rows), len(cue))
pick = rng.sample(cue, 45) + rng.sample([r for r in rows if r not in cue], 15)
with open("sample2.jsonl", "w") as f:
    for i, r in enumerate(pick):
        f.write(json.dumps({"n": i, "document": r["name"], "seq": r["seq"], "text": r["text"]}, ensure_ascii=False) + "\n")
