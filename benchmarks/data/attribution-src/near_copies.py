"""A fresh set's first score, split by near copies: the claims the rules of that time make on each passage of SET, and
whether the passage is a near copy of an earlier-annotated one (at least 80% of its words in one passage of a set
drawn before it). Run it with the code of the round that first scored SET (docs/attribution.md):

    git worktree add /tmp/wt COMMIT && PYTHONPATH=/tmp/wt/src python near_copies.py attribution-dev11.jsonl
    (dev9: b4aeba6, dev10: ad84317, dev11: 94d5949, dev12: d342eb5, dev13: ab9013d)
"""
import json, re, sys, tempfile
from pathlib import Path
import evimap

D = Path(__file__).resolve().parent.parent
SHARED = D.parent.parent.parent / 'shared'
ORDER = ['attribution.jsonl'] + [f'attribution-dev{i}.jsonl' for i in range(2, 14)]

def words(t): return set(re.findall(r"[a-z]{3,}", t.lower()))

def main():
    target = sys.argv[1]
    k = ORDER.index(target)
    earlier = [words(json.loads(l)['text']) for n in ORDER[:k] for l in open(D / n)]
    gold = [json.loads(l) for l in open(D / target)]
    with evimap.open(Path(tempfile.mkdtemp()) / 'q.db') as c:
        c.ingest([SHARED / 'seeds', SHARED / 'corpus' / 'iom-evaluations'])
        db = c.store.db
        tot = {True: [0, 0, 0], False: [0, 0, 0]}
        for g in gold:
            pid = db.execute("SELECT p.id FROM passages p JOIN documents d ON d.id=p.doc_id WHERE d.name=? AND p.text=?", (g['document'], g['text'])).fetchone()[0]
            got = {x['actor'] for x in c.store.claims(passage_id=pid)}
            want = {a['actor'] for a in g['actors']}
            w = words(g['text'])
            near = bool(w) and any(len(w & e) / len(w) >= 0.8 for e in earlier)
            t = tot[near]
            t[0] += len(got & want); t[1] += len(got - want); t[2] += len(want - got)
        print(target, 'near copies tp/fp/fn', tot[True], '; others', tot[False])

if __name__ == '__main__':
    main()
