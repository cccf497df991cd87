"""Draw the second GCM training sample: UN General Debate paragraphs (2000 and later) that mention
migration, so that training covers objectives the IOM evaluations rarely touch (remittances, diaspora,
trafficking, smuggling, recruitment, xenophobia …). Deterministic; stratified by the cue word.

    python benchmarks/data/gcm-src/sample_ungdc.py STORE > benchmarks/data/gcm-src/ungdc-sample.jsonl

STORE holds ../shared/corpus/ungdc.
"""

from __future__ import annotations

import json
import random
import re
import sys

import evimap

CUES = {  # cue → how many paragraphs to draw
    r"\bmigra": 50, r"refugee": 15, r"traffick": 15, r"remittance": 15, r"diaspora": 12, r"smuggl": 12,
    r"brain drain|skilled work|recruitment": 10, r"xenophob|racism": 10, r"border": 8, r"displace": 8,
    r"statistic|\bdata\b": 5,
}


def draw(store: str, cues: dict[str, int], seed: int, max_len: int = 1200, exclude: set[str] = frozenset()) -> None:
    """Print, per cue, up to n UN General Debate paragraphs (English, 2000 on, 200–max_len characters) that match
    it and mention migration, none of them drawn twice nor in ``exclude`` (passage ids or texts)."""
    db = evimap.open(store).store.db
    sql = f"""SELECT p.id, d.name, p.text FROM passages p JOIN documents d ON d.id = p.doc_id
             WHERE p.dup_of IS NULL AND d.duplicate_of IS NULL AND p.kind IN ('paragraph', 'item', 'numbered')
               AND length(p.text) BETWEEN 200 AND {int(max_len)} AND d.year >= 2000 AND d.language = 'en'
               AND d.name GLOB '[A-Z][A-Z][A-Z]_*'"""
    rows = sorted(tuple(r) for r in db.execute(sql) if r[0] not in exclude and r[2] not in exclude)
    rng = random.Random(seed)
    seen: set[str] = set()
    for cue, n in cues.items():
        pat = re.compile(cue, re.IGNORECASE)
        pool = [r for r in rows if r[0] not in seen and pat.search(r[2]) and re.search(r"migra|refugee|traffick|smuggl|diaspora|remittance", r[2], re.I)]
        for pid, name, text in rng.sample(pool, min(n, len(pool))):
            seen.add(pid)
            print(json.dumps({"id": pid, "source": name, "text": text}, ensure_ascii=False))


def main() -> None:
    draw(sys.argv[1], CUES, 20261124)


if __name__ == "__main__":
    main()
