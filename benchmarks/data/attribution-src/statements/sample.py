"""Sample short passages of statements for blind actor annotation (speakers, authors, committers).

Documents evimap's attribution rules were never developed on: the English documents of the Los Angeles
Declaration folder (declaration, leaders' remarks, readouts, fact sheets of commitments, a press call),
the Reintegration Handbook excerpts and the IOM meta-evaluation 2020-2024 report. Passages of 60-700
characters (paragraphs, items, bullets; no headings or tables), up to 14 per document: 2 of 3 with a
statement cue word, 1 of 3 without (texts that name actors without one speaking are the hard negatives).
Seeded; writes sample.jsonl (id, document, text) here.

    python benchmarks/data/attribution-src/statements/sample.py
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[4] / "shared"
CUE = re.compile(r"\b(?:said|says|stated|states|announc\w*|commit\w*|will|pledg\w*|noted|recommend\w*|according to|"
                 r"call\w* (?:on|for)|emphasi\w*|stress\w*|welcom\w*|urg\w*|highlight\w*|affirm\w*|express\w*)\b", re.I)


def documents() -> list[Path]:
    la = [p for p in sorted((SHARED / "corpus" / "la-declaration").glob("*.md"))
          if not any(w in p.name for w in ("declaracao", "declaracion", "declaration-de-los"))]
    handbook = sorted((SHARED / "corpus" / "reintegration-handbook").glob("*.md"))
    return [*la, *handbook, SHARED / "corpus" / "iom-evaluations" / "meta-evaluation-2020-2024-report.pdf"]


def main() -> None:
    from evimap.ingest.pipeline import process_file
    from evimap.settings import Settings

    rng = random.Random(20261206)
    rows = []
    for path in documents():
        doc = process_file(path, Settings(attribute=False))
        pool = [p for p in doc.passages if p.kind in ("paragraph", "numbered", "item", "bullet") and 60 <= len(p.text) <= 700]
        cued = [p for p in pool if CUE.search(p.text)]
        plain = [p for p in pool if not CUE.search(p.text)]
        rng.shuffle(cued)
        rng.shuffle(plain)
        take = cued[:10] + plain[:4]
        if len(take) < 14:
            take += cued[10:10 + 14 - len(take)]
        for p in take:
            rows.append({"id": hashlib.blake2b(f"{path.name}:{p.seq}".encode(), digest_size=6).hexdigest(),
                         "document": path.name, "text": p.text})
    rng.shuffle(rows)
    with (HERE / "sample.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} passages from {len({r['document'] for r in rows})} documents -> {HERE / 'sample.jsonl'}")


if __name__ == "__main__":
    main()
