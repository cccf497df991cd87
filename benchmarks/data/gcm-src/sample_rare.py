"""Draw the third GCM training sample: UN General Debate paragraphs (2000 and later) that mention migration
and one of the cue words of objectives the earlier samples hardly hold (detention, consular protection,
portability of benefits, skills recognition, legal identity, regular pathways, inclusion, screening and
referral, missing migrants, information). Deterministic; stratified by cue; none of the passages already in
benchmarks/data (by id or text).

    python benchmarks/data/gcm-src/sample_rare.py STORE > benchmarks/data/gcm-src/rare-sample.jsonl
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import evimap

CUES = {  # cue → how many paragraphs to draw
    r"detention|detain": 8, r"consular": 8, r"portab|social security|pension": 8,
    r"recogni[sz]\w* (?:of )?(?:skills|qualifications|diplomas)|skills? (?:development|recognition)": 8,
    r"legal identity|birth registration|identity documents?|documentation": 8,
    r"regular (?:pathways|channels|migration)|family reunification|visa": 8,
    r"inclusion|social cohesion|integration of migrants": 8, r"screening|referral|vulnerab": 8,
    r"missing migrants|search and rescue|lives at sea|drowned|Mediterranean": 8, r"information campaign|awareness": 8,
}


def main() -> None:
    data = Path(__file__).resolve().parent.parent
    seen = set()
    for f in data.glob("*.jsonl"):
        for line in open(f, encoding="utf-8"):
            r = json.loads(line)
            seen |= {r.get("id"), r["text"]}
    db = evimap.open(sys.argv[1]).store.db
    sql = """SELECT p.id, d.name, p.text FROM passages p JOIN documents d ON d.id = p.doc_id
             WHERE p.dup_of IS NULL AND d.duplicate_of IS NULL AND p.kind IN ('paragraph', 'item', 'numbered')
               AND length(p.text) BETWEEN 200 AND 1000 AND d.year >= 2000 AND d.language = 'en'
               AND d.name GLOB '[A-Z][A-Z][A-Z]_*'"""
    rows = sorted(tuple(r) for r in db.execute(sql) if r[0] not in seen and r[2] not in seen)
    rng = random.Random(20261129)
    for cue, n in CUES.items():
        pat = re.compile(cue, re.IGNORECASE)
        pool = [r for r in rows if r[0] not in seen and pat.search(r[2]) and re.search(r"migra|refugee|traffick|smuggl|diaspora|remittance", r[2], re.I)]
        for pid, name, text in rng.sample(pool, min(n, len(pool))):
            seen.add(pid)
            print(json.dumps({"id": pid, "source": name, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
