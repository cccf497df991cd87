"""Sample passages for the blind statement-span set (benchmarks/data/attribution-spans.jsonl).

Passages of at least three sentences with a verb of saying, presenting or committing, from the documents that
report several speakers one after another: seeds 002 and 003 (meeting reports), seed 004 (a report of the Secretary-General that reports what
entities did and found) and the English documents of
the Los Angeles Declaration folder (a readout, a press call, remarks, fact sheets). Drawn with a fixed seed,
at most ``--per-doc`` from a document; the text is cut into numbered sentences with evimap's own sentence
splitter (the annotators and the benchmark count sentences the same way). No attribution output is read.

    python benchmarks/data/attribution-src/spans/sample.py [--per-doc 40] > benchmarks/data/attribution-src/spans/sample.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
SHARED = ROOT.parent / "shared"
CUE = re.compile(r"\b(?:said|says|stated|stressed|noted|emphasi[sz]ed|highlighted|underlined|underscored|presented|"
                 r"recalled|pointed out|explained|observed|welcomed|expressed|called (?:for|on)|urged|announced|"
                 r"commit(?:s|ted)?|pledged|added|suggested|proposed|recommended|reported|informed|briefed|"
                 r"concluded|remarked|reiterated|acknowledged|argued)\b")


def documents() -> list[Path]:
    la = [p for p in sorted((SHARED / "corpus" / "la-declaration").glob("*.md"))
          if not any(w in p.name for w in ("declaracao", "declaracion", "declaration-de-los"))]
    return [SHARED / "seeds" / "002_5aac2a6bb2689fab.txt", SHARED / "seeds" / "003_880f703d658a1626.txt",
            SHARED / "seeds" / "004_d0bcea0985ff6701.txt", *la]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-doc", type=int, default=40)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    import evimap
    from evimap.attribute.batch import sentence_bounds

    rng = random.Random("attribution-spans")
    with tempfile.TemporaryDirectory() as tmp, evimap.open(Path(tmp) / "s.db") as corpus:
        corpus.ingest(documents())
        for doc in corpus.documents():
            rows = []
            for p in corpus.passages(doc.id):
                bounds = sentence_bounds(p["text"])
                if p["kind"] in ("heading", "reference") or len(bounds) < 3 or not CUE.search(p["text"]):
                    continue
                rows.append({"id": hashlib.sha1(p["text"].encode()).hexdigest()[:12], "document": doc.name,
                             "text": p["text"], "sentences": [p["text"][s:e] for s, e in bounds]})
            for row in sorted(rng.sample(rows, min(args.per_doc, len(rows))), key=lambda r: r["id"]):
                print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
