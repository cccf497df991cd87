import sqlite3, random, json, re
db = sqlite3.connect('a.db'); db.row_factory = sqlite3.Row
rng = random.Random(5)
plan = {'001_6b80504aa3e240fa.txt': 45, '002_5aac2a6bb2689fab.txt': 30, '003_880f703d658a1626.txt': 20,
        '004_d0bcea0985ff6701.txt': 20}
out = []
for name, n in plan.items():
    rows = db.execute("select p.id, p.text, p.seq, d.name from passages p join documents d on d.id=p.doc_id where d.name=? and length(p.text)>=40 and p.kind!='heading' and p.kind != 'table_row' order by p.seq", (name,)).fetchall()
    out += sorted(rng.sample(rows, min(n, len(rows))), key=lambda r: r['seq'])
iom = db.execute("select p.id, p.text, p.seq, d.name from passages p join documents d on d.id=p.doc_id where d.name not like '00%' and length(p.text)>=60 and p.kind not in ('heading','table_row') order by d.name, p.seq").fetchall()
cue = [r for r in iom if re.search(r"\b(Government|Ministry|stated|noted|said|stressed|UNHCR|ILO|UNDP|UNICEF|IGAD|European Union|EU)\b", r['text'])]
pick = rng.sample(iom, 35) + rng.sample([r for r in cue], 20)
seen=set(); 
for r in pick:
    if r['id'] not in seen: seen.add(r['id']); out.append(r)
with open('sample.jsonl','w') as f:
    for i, r in enumerate(out):
        f.write(json.dumps({'n': i, 'document': r['name'], 'seq': r['seq'], 'text': r['text']}, ensure_ascii=False)+'\n')
print(len(out))
