"""Draw the blind annotation samples of documents no evimap model or setting was shaped by.

    python benchmarks/data/blind-src/sample_blind.py gcm STORE 300 > benchmarks/data/blind-src/gcm-sample.jsonl
    python benchmarks/data/blind-src/sample_blind.py sdg STORE 300 > benchmarks/data/blind-src/sdg-sample.jsonl

STORE holds the IOM meta-evaluation 2020-2024 report, the Reintegration Handbook excerpts, the Los Angeles
Declaration folder, the seeds and 120 UN General Debate speeches of 2015-2024 drawn with seed 20261206 from those
no SDG split uses. Passages already in an annotated file (by id, text or near copy) are left out.

gcm: English passages of the meta-evaluation, the handbook and the Los Angeles Declaration folder; 60% drawn
among passages with a cue word of an objective earlier samples held little of (4, 5, 8, 11, 12, 14, 16, 22;
an equal share per objective), the rest at random (passages that address no objective are wanted too).
sdg: 180 UN General Debate paragraphs and 120 paragraphs of the meta-evaluation, the handbook, the Los Angeles
Declaration folder and seed 004, at random.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import evimap

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
sys.path.insert(0, str(DATA / "gcm-src"))
from sample_more import near_copy, text_key, words  # noqa: E402

THIN = {
    "4": r"legal identity|identity document|birth registration|civil regist|passport|documentation",
    "5": r"pathway|visa|family reunification|labour mobility|labor mobility|resettlement|parole|temporary work",
    "8": r"missing migrant|save lives|saving lives|search and rescue|deaths|died|drown",
    "11": r"border",
    "12": r"screening|referral|vulnerabilit",
    "14": r"consular|embass",
    "16": r"inclusion|social cohesion|host communit|integration of migrants",
    "22": r"social security|portab|pension|earned benefit|social protection",
}
NEW_DOCS = ("meta-evaluation", "handbook", "module4", "ra-", "los-angeles", "declaration", "remarks", "fact-sheet",
            "readout", "background-press")


def annotated() -> tuple[set[str], list[frozenset[str]]]:
    seen: set[str] = set()
    vocab: list[frozenset[str]] = []
    for f in [*DATA.glob("*.jsonl"), *DATA.glob("gcm-src/*-sample.jsonl")]:
        for line in open(f, encoding="utf-8"):
            r = json.loads(line)
            if "text" in r:
                seen |= {r.get("id", ""), text_key(r["text"])}
                vocab.append(words(r["text"]))
    return seen, vocab


def main() -> None:
    kind, store, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    seen, vocab = annotated()
    sql = """SELECT p.id, d.name, p.text FROM passages p JOIN documents d ON d.id = p.doc_id
             WHERE p.dup_of IS NULL AND d.duplicate_of IS NULL AND p.kind IN ('paragraph', 'item', 'numbered', 'bullet')
               AND length(p.text) BETWEEN 120 AND 1200 AND d.language = 'en'"""
    rows = sorted(tuple(r) for r in evimap.open(store).store.db.execute(sql)
                  if r[0] not in seen and text_key(r[2]) not in seen and not near_copy(r[2], vocab))
    rng = random.Random(20261206)
    new = [r for r in rows if any(k in r[1] for k in NEW_DOCS)]
    if kind == "gcm":
        pick: list[tuple] = []
        per = int(n * 0.6) // len(THIN)
        for code, cue in THIN.items():
            pool = [r for r in new if re.search(cue, r[2], re.I) and r not in pick]
            pick += rng.sample(pool, min(per, len(pool)))
        rest = [r for r in new if r not in pick]
        pick += rng.sample(rest, n - len(pick))
    else:
        ungdc = [r for r in rows if re.fullmatch(r"[A-Z]{2,3}_\d+_\d{4}\.txt", r[1])]
        reports = [r for r in new if "004_" in r[1]] + new + [r for r in rows if r[1].startswith("004_")]
        reports = sorted(set(reports))
        pick = rng.sample(ungdc, n * 3 // 5) + rng.sample(reports, n - n * 3 // 5)
    rng.shuffle(pick)
    for pid, name, text in pick:
        print(json.dumps({"id": pid, "source": name, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
