"""Draw passages for hand annotation (benchmarks/data/). Deterministic: a fixed seed and the
passage ids, so the draw can be repeated and checked.

    python scripts/sample_for_annotation.py gcm STORE N > candidates.jsonl   # seeds + IOM evaluations
    python scripts/sample_for_annotation.py sdg STORE N > candidates.jsonl   # UNGDC speeches 2015+ and reports
"""

from __future__ import annotations

import json
import random
import sys

import evimap


def main() -> None:
    kind, store, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    corpus = evimap.open(store)
    db = corpus.store.db
    sql = """SELECT p.id, d.name, p.text FROM passages p JOIN documents d ON d.id = p.doc_id
             WHERE p.dup_of IS NULL AND d.duplicate_of IS NULL AND p.kind IN ('paragraph', 'item', 'numbered', 'bullet')
               AND length(p.text) BETWEEN 200 AND 1200 AND d.language = 'en'"""
    if kind == "sdg":
        sql += " AND (d.year IS NULL OR d.year >= 2015)"
    rows = sorted(tuple(r) for r in db.execute(sql))
    rng = random.Random(20261122 if kind == "gcm" else 71313)
    for pid, name, text in rng.sample(rows, min(n, len(rows))):
        print(json.dumps({"id": pid, "source": name, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
