"""Draw the GCM training pool annotated blind by helpers under GCM-GUIDELINES.md.

    python benchmarks/data/blind-src/sample_gcm_train.py UNGDC_STORE 900 > benchmarks/data/blind-src/gcm-train-sample.jsonl

Two parts, shuffled together so an annotator cannot tell them apart:
- every passage of the earlier GCM training files (gcm-train.jsonl, gcm-dev.jsonl: 881), read again under the written
  guidelines so that all training labels follow one convention (gcm-test.jsonl is left alone);
- N UN General Debate paragraphs (2000-2024; UNGDC_STORE holds 2,500 speeches drawn with seed 20261207) that name
  migration, in no annotated file (by id, text or near copy); half drawn among those with a cue word of an objective
  the earlier samples held little of (sample_blind.THIN), half at random.
None of the documents of the blind test set (gcm-blind.jsonl) is in either part.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import evimap

from sample_blind import THIN, annotated, near_copy, text_key  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
MIGRATION = re.compile(r"migra|refugee|asylum|displace|traffick|smuggl|remittance|diaspora|xenophob|returnee|"
                       r"reintegrat|border", re.IGNORECASE)


def main() -> None:
    store, n = sys.argv[1], int(sys.argv[2])
    old = [json.loads(line) for f in ("gcm-train.jsonl", "gcm-dev.jsonl") for line in open(DATA / f, encoding="utf-8")]
    seen, vocab = annotated()
    sql = """SELECT p.id, d.name, p.text FROM passages p JOIN documents d ON d.id = p.doc_id
             WHERE p.dup_of IS NULL AND d.duplicate_of IS NULL AND p.kind IN ('paragraph', 'item', 'numbered', 'bullet')
               AND length(p.text) BETWEEN 150 AND 1200 AND d.language = 'en'"""
    rows = sorted(tuple(r) for r in evimap.open(store).store.db.execute(sql) if MIGRATION.search(r[2]))
    rows = [r for r in rows if r[0] not in seen and text_key(r[2]) not in seen and not near_copy(r[2], vocab)]
    rng = random.Random(20261207)
    thin = [r for r in rows if any(re.search(c, r[2], re.I) for c in THIN.values())]
    pick = rng.sample(thin, min(n // 2, len(thin)))
    rest = [r for r in rows if r not in pick]
    pick += rng.sample(rest, n - len(pick))
    out = [{"id": r["id"], "source": r["source"], "text": r["text"]} for r in old]
    out += [{"id": pid, "source": name, "text": text} for pid, name, text in pick]
    rng.shuffle(out)
    for r in out:
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
