import sqlite3, random, json, re
gold = {json.loads(l)["text"] for l in open("/work/main/benchmarks/data/attribution.jsonl")}
gold |= {json.loads(l)["text"] for l in open("sample2.jsonl")}
db = sqlite3.connect("/tmp/web/shared.db"); db.row_factory = sqlite3.Row
rng = random.Random(77)
rows = [r for r in db.execute("select p.text, p.seq, d.name from passages p join documents d on d.id=p.doc_id "
        "where d.name like '00%' and d.name not like '000%' and length(p.text)>=40 and p.kind not in ('heading','table_row') order by d.name, p.seq") if r["text"] not in gold]
print(len(rows))
pick = rng.sample(rows, 40)
pick.sort(key=lambda r: (r["name"], r["seq"]))
with open("sample3.jsonl", "w") as f:
    for i, r in enumerate(pick):
        f.write(json.dumps({"n": 100 + i, "document": r["name"], "seq": r["seq"], "text": r["text"]}, ensure_ascii=False) + "\n")
