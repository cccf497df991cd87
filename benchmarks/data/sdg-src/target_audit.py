"""Precision of the SDG target labels, by reading: a fixed random sample of the target labels (codes like "10.7")
assigned over a store of ../shared/seeds + ../shared/corpus/iom-evaluations, each judged by hand — does the
passage substantively address that target? — in target-audit.txt (line: passage id, code, y or n). Recall is not
measured (no passage was read for the targets it was not given).

    evimap ingest ../shared/seeds ../shared/corpus/iom-evaluations --store /tmp/s.db && evimap map --store /tmp/s.db
    python benchmarks/data/sdg-src/target_audit.py /tmp/s.db --print 80    # the sample, to judge
    python benchmarks/data/sdg-src/target_audit.py /tmp/s.db               # precision of the judged sample
    python benchmarks/data/sdg-src/target_audit.py /tmp/s.db --verdicts target-audit-2026-12-06.txt   # a later audit
"""

from __future__ import annotations

import random
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def sample(db: sqlite3.Connection, n: int) -> list[tuple[str, str, str, float]]:
    rows = sorted(db.execute(
        """SELECT l.passage_id, l.code, p.text, l.score FROM labels l JOIN passages p ON p.id = l.passage_id
           JOIN documents d ON d.id = p.doc_id
           WHERE l.framework = 'sdg' AND l.assigned = 1 AND l.code LIKE '%.%' AND p.dup_of IS NULL
             AND d.duplicate_of IS NULL""").fetchall())
    return random.Random(20261203).sample(rows, min(n, len(rows)))


def main() -> None:
    db = sqlite3.connect(sys.argv[1])
    if "--print" in sys.argv:
        from evimap import frameworks

        titles = {c.code: c.title for c in frameworks.load("sdg").categories}
        for i, (pid, code, text, score) in enumerate(sample(db, int(sys.argv[sys.argv.index("--print") + 1]))):
            print(f"[{i}] {pid} {code} ({score:.2f}) {titles[code]}\n    {text[:700]}\n")
        return
    verdicts = {}
    name = sys.argv[sys.argv.index("--verdicts") + 1] if "--verdicts" in sys.argv else "target-audit.txt"
    for line in open(HERE / name, encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            pid, code, v = line.split()[:3]
            verdicts[pid, code] = v == "y"
    assigned = {(pid, code) for pid, code, _, _ in sample(db, len(verdicts))}
    judged = [verdicts[k] for k in verdicts if k in assigned]
    missing = len(verdicts) - len(judged)
    print(f"SDG target labels judged: {len(judged)} (of {len(verdicts)} in {name}; {missing} no longer "
          f"assigned in this store); precision {sum(judged) / len(judged):.3f} ({sum(judged)} right)")


if __name__ == "__main__":
    main()
