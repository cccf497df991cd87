"""Draw the second GCM training pool annotated blind by helpers under GCM-GUIDELINES.md (2026-12-06, sixth session).

    python benchmarks/data/blind-src/sample_gcm_train2.py IOM_STORE UNGDC_STORE > benchmarks/data/blind-src/gcm-train2-sample.jsonl

IOM_STORE holds the seeds and the IOM evaluations of tests/conftest.py (IOM_FILES); UNGDC_STORE the whole General Debate
corpus. Two parts, shuffled together:
- 600 passages of the seeds and IOM evaluations (evaluation prose is what users map; the first pool was mostly
  speeches), none of a document of the blind test set or a summary of one (sample_blind.NEW_DOCS: the meta-evaluation
  brief is left out with the report);
- 900 General Debate paragraphs of 2000–2024 that name migration.
In each, half drawn among passages with a cue word of a thin objective (sample_blind.THIN), half at random; never a
passage already in an annotated file (by id, text or near copy).
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import evimap

from sample_blind import NEW_DOCS, THIN, annotated, near_copy, text_key  # noqa: E402

HERE = Path(__file__).resolve().parent
MIGRATION = re.compile(r"migra|refugee|asylum|displace|traffick|smuggl|remittance|diaspora|xenophob|returnee|"
                       r"reintegrat|border", re.IGNORECASE)
SQL = """SELECT p.id, d.name, p.text, d.year FROM passages p JOIN documents d ON d.id = p.doc_id
         WHERE p.dup_of IS NULL AND d.duplicate_of IS NULL AND p.kind IN ('paragraph', 'item', 'numbered', 'bullet')
           AND length(p.text) BETWEEN 150 AND 1200 AND COALESCE(p.language, d.language) = 'en'"""


def draw(rows: list[tuple], n: int, rng: random.Random) -> list[tuple]:
    thin = [r for r in rows if any(re.search(c, r[2], re.I) for c in THIN.values())]
    pick = rng.sample(thin, min(n // 2, len(thin)))
    chosen = set(pick)
    rest = [r for r in rows if r not in chosen]
    return pick + rng.sample(rest, min(n - len(pick), len(rest)))


def main() -> None:
    iom_store, ungdc_store = sys.argv[1], sys.argv[2]
    seen, vocab = annotated()

    def fresh(rows: list[tuple]) -> list[tuple]:
        return [r for r in rows if r[0] not in seen and text_key(r[2]) not in seen and not near_copy(r[2], vocab)]

    rng = random.Random(20261208)
    iom = sorted(tuple(r) for r in evimap.open(iom_store).store.db.execute(SQL)
                 if not any(k in r[1] for k in NEW_DOCS))
    ungdc = sorted(tuple(r) for r in evimap.open(ungdc_store).store.db.execute(SQL + " AND d.year >= 2000")
                   if MIGRATION.search(r[2]))
    pick = draw(fresh(iom), 600, rng) + draw(fresh(rng.sample(ungdc, min(len(ungdc), 20000))), 900, rng)
    rng.shuffle(pick)
    for pid, name, text, _ in pick:
        print(json.dumps({"id": pid, "source": name, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
