"""Join the two blind annotations of the statements sample: agreement on the doubly annotated passages,
and benchmarks/data/attribution-statements.jsonl (the passages with annotator A's actors).

    python benchmarks/data/attribution-src/statements/join.py   (reads /tmp/attr-A and /tmp/attr-B, where the
    helpers wrote labels.jsonl; copies of their files are labels-A.jsonl and labels-B.jsonl here)
"""
import json, collections, shutil
rows=[json.loads(l) for l in open('benchmarks/data/attribution-src/statements/sample.jsonl')]
A=[json.loads(l) for l in open('/tmp/attr-A/labels.jsonl')]
B=[json.loads(l) for l in open('/tmp/attr-B/labels.jsonl')]
assert [a['id'] for a in A]==[r['id'] for r in rows]
assert [b['id'] for b in B]==[r['id'] for r in rows[:70]]
from evimap.attribute import gazetteer
gaz=gazetteer()
def codes(actors):
    out=set()
    for a in actors:
        n=a['name'].strip(); e=gaz.lookup_any_case(n) or gaz.lookup_any_case(n.removeprefix('the '))
        out.add(e.code if e else '?'+n.lower())
    return out
tp=fp=fn=0; same=0
for a,b in zip(A[:70],B):
    ca,cb=codes(a['actors']),codes(b['actors'])
    tp+=len(ca&cb); fp+=len(cb-ca); fn+=len(ca-cb); same+=ca==cb
print("agreement on 70: micro-F1", round(2*tp/(2*tp+fp+fn),3), "identical sets", same, "tp fp fn", tp, fp, fn)
print(collections.Counter(n for a in A for n in codes(a['actors']) if n.startswith('?')))
with open('benchmarks/data/attribution-statements.jsonl','w') as f:
    for r,a in zip(rows,A):
        f.write(json.dumps({"id":r["id"],"document":r["document"],"text":r["text"],"actors":a["actors"]},ensure_ascii=False)+"\n")
shutil.copy('/tmp/attr-A/labels.jsonl','benchmarks/data/attribution-src/statements/labels-A.jsonl'); shutil.copy('/tmp/attr-B/labels.jsonl','benchmarks/data/attribution-src/statements/labels-B.jsonl')
