import json, sqlite3
T = {"MS": "Member State", "UN": "UN entity", "IGO": "other intergovernmental organisation", "RC": "regional commission",
     "CS": "civil society", "AC": "academia", "PS": "private sector", "PA": "parliament", "LG": "local government",
     "CF": "co-facilitators/chair"}
db = sqlite3.connect('a.db')
sample = {json.loads(l)['n']: json.loads(l) for l in open('sample.jsonl')}
out = []
for line in open('gold.txt'):
    if line.startswith('#') or not line.strip(): continue
    key, actors, countries = line.rstrip('\n').split('|')
    if ':' in key:
        prefix, seq = key.split(':')
        name, text = db.execute("select d.name, p.text from passages p join documents d on d.id=p.doc_id where d.name like ? and p.seq=?", (prefix + '%', int(seq))).fetchone()
        item = {'document': name, 'seq': int(seq), 'text': text}
    else:
        s = sample[int(key)]; item = {'document': s['document'], 'seq': s['seq'], 'text': s['text']}
    item['actors'] = [{'actor': a.rsplit(':', 1)[0], 'type': T[a.rsplit(':', 1)[1]]} for a in actors.split(';') if a]
    item['countries'] = sorted(c for c in countries.split(';') if c)
    out.append(item)
with open('/work/main/benchmarks/data/attribution.jsonl', 'w') as f:
    for o in out: f.write(json.dumps(o, ensure_ascii=False) + '\n')
print(len(out), sum(bool(o['actors']) for o in out), sum(len(o['actors']) for o in out), sum(len(o['countries']) for o in out))
