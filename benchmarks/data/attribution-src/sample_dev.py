"""Draw a development sample for the attribution benchmark (issue 5): 70 passages with reporting cues from the
seeds and the IOM evaluations and 30 at random from seeds 001-003, none of them in the sets already annotated.
Reads a store of the seeds + IOM evaluations (evimap ingest ../shared/seeds ../shared/corpus/iom-evaluations
--store STORE). Draws so far: dev3 = `--seed 4404 --first 200 --exclude attribution.jsonl
attribution-dev2.jsonl`, dev4 = `--seed 5505 --first 300 --exclude … attribution-dev3.jsonl`, dev6 = `--seed 7707 --first 500 --cued 92
--random 8 --exclude … attribution-dev5.jsonl` (seeds 001-003 had only 8 passages without cues left), dev7 (first drawn
as test2) = `--seed 8808 --first 600 --cued 92 --random 0 --exclude … attribution-dev6.jsonl`, test3 = `--seed 9909
--first 700 --cued 100 --random 0 --exclude … attribution-dev7.jsonl` (opened as dev8 after it was scored once).
By then only 198 passages with the first cues were left, so `--broad` adds the cues of the later rules (a body's
people, *found*, *concluded*, *felt*, *adopted*, …): dev9 = `--seed 1010 --first 800 --cued 100 --random 0 --broad
--exclude … attribution-dev8.jsonl`, test4 = `--seed 1111 --first 900 --cued 150 --random 0 --broad --exclude …
attribution-dev9.jsonl`, test5 = `--seed 1212 --first 1100 --cued 200 --broad …`, test6 = `--seed 1313 --first 1300
--cued 104 --broad …` (the last cued passages). Then test7 = `--seed 1414 --first 1500 --cued 0 --random 0 --uncued 150
--broad --exclude … attribution-dev12.jsonl`: passages without cues, at random."""
import argparse
import json
import random
import re
import sqlite3
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent
CUE_RE = re.compile(r"\b(said|stated|noted|stressed|highlighted|emphasi[sz]ed|called for|calls for|underlined|recommended|"
                    r"proposed|welcomed|expressed|suggested|pointed out|reported|announced|presented|shared|informed|"
                    r"explained|observed|underscored|recalled|acknowledged|urged|reiterated|according to|delivered|"
                    r"opened|chaired|moderated|argued|believes?|considers?|supports?|commended|affirmed)\b"
                    r"|^[A-Z][A-Za-z .'()-]{2,60}:", re.M)

CUE_BROAD_RE = re.compile(r"\b(found|concluded|believed|felt|valued|perceived|mentioned|indicated|confirmed|considered|"
                          r"identified|described|argued|recogni[sz]ed|agreed|adopted|states|aims to|cited|commented|"
                          r"raised|voiced|viewed|reported|interviewees?|informants?|respondents?|staff)\b")

ap = argparse.ArgumentParser()
ap.add_argument("store")
ap.add_argument("--seed", type=int, required=True)
ap.add_argument("--first", type=int, required=True, help="number of the first passage drawn")
ap.add_argument("--exclude", nargs="+", required=True, help="annotated sets in benchmarks/data")
ap.add_argument("--out", required=True)
ap.add_argument("--cued", type=int, default=70, help="passages with reporting cues")
ap.add_argument("--random", type=int, default=30, help="passages from seeds 001-003 at random (without cues)")
ap.add_argument("--broad", action="store_true", help="count the later rules' cues too (CUE_BROAD_RE)")
ap.add_argument("--uncued", type=int, default=0, help="passages without any cue, at random (after the cued pool ran out)")
args = ap.parse_args()
seen = {json.loads(line)["text"] for f in args.exclude for line in open(DATA / f, encoding="utf-8")}
db = sqlite3.connect(args.store)
db.row_factory = sqlite3.Row
rng = random.Random(args.seed)
rows = [r for r in db.execute("select p.text, p.seq, d.name from passages p join documents d on d.id=p.doc_id "
        "where length(p.text)>=60 and p.kind not in ('heading','table_row') order by d.name, p.seq") if r["text"] not in seen]
cue = [r for r in rows if CUE_RE.search(r["text"]) or (args.broad and CUE_BROAD_RE.search(r["text"]))]
seeds = [r for r in rows if r["name"][:3] in ("001", "002", "003") and r not in cue]
print(len(rows), "passages not annotated yet;", len(cue), "with cues;", len(seeds), "more in seeds 001-003")
plain = [r for r in rows if r not in cue and r not in seeds]
pick = rng.sample(cue, args.cued) + rng.sample(seeds, args.random) + rng.sample(plain, args.uncued)
with open(args.out, "w", encoding="utf-8") as f:
    for i, r in enumerate(pick):
        f.write(json.dumps({"n": args.first + i, "document": r["name"], "seq": r["seq"], "text": r["text"]},
                           ensure_ascii=False) + "\n")
