"""Draw the GCM training sample (gcm-train.jsonl): passages from the seeds and IOM evaluations that are
in neither gcm-dev.jsonl nor gcm-test.jsonl. Deterministic (fixed seed, sorted ids).

    python benchmarks/data/gcm-src/sample_train.py STORE > benchmarks/data/gcm-src/train-sample.jsonl

STORE holds ../shared/seeds and ../shared/corpus/iom-evaluations. 240 passages carry a migration cue
(the word list below), 80 do not, so that the sample has enough passages that address an objective
while still holding passages that address none.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import evimap

DATA = Path(__file__).resolve().parent.parent
CUE = re.compile(r"migra|return|reintegrat|refugee|traffick|smuggl|remittance|diaspora|border|labour|labor|recruit|"
                 r"xenophob|discriminat|statistic|displace|detention|consular|skills|asylum|visa|decent work",
                 re.IGNORECASE)


def main() -> None:
    corpus = evimap.open(sys.argv[1])
    taken = {json.loads(line)["id"] for f in ("gcm-dev.jsonl", "gcm-test.jsonl")
             for line in open(DATA / f, encoding="utf-8")}
    texts = {json.loads(line)["text"] for f in ("gcm-dev.jsonl", "gcm-test.jsonl")
             for line in open(DATA / f, encoding="utf-8")}
    sql = """SELECT p.id, d.name, p.text FROM passages p JOIN documents d ON d.id = p.doc_id
             WHERE p.dup_of IS NULL AND d.duplicate_of IS NULL AND p.kind IN ('paragraph', 'item', 'numbered', 'bullet')
               AND length(p.text) BETWEEN 200 AND 1200 AND d.language = 'en'"""
    rows = sorted(tuple(r) for r in corpus.store.db.execute(sql) if r[0] not in taken and r[2] not in texts)
    rng = random.Random(20261123)
    cued = [r for r in rows if CUE.search(r[2])]
    plain = [r for r in rows if not CUE.search(r[2])]
    pick = rng.sample(cued, 240) + rng.sample(plain, 80)
    rng.shuffle(pick)
    for pid, name, text in pick:
        print(json.dumps({"id": pid, "source": name, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
