"""Draw the third GCM training pool annotated blind by helpers under GCM-GUIDELINES.md (2026-12-06, sixth session).

    python benchmarks/data/blind-src/sample_gcm_train3.py UNGDC_STORE > benchmarks/data/blind-src/gcm-train3-sample.jsonl

1,000 General Debate paragraphs of 2000–2024 dense in migration: at least two distinct migration cue words (the
second pool's paragraphs needed one, and five in six of them addressed no objective), half among those with a cue
word of a thin objective (sample_blind.THIN), half at random; never a passage already in an annotated file (by id,
text or near copy). The seeds and IOM evaluations have no unannotated passage left outside the test documents.
"""

from __future__ import annotations

import json
import random
import re
import sys

import evimap

from sample_blind import annotated, near_copy, text_key  # noqa: E402
from sample_gcm_train2 import SQL, draw  # noqa: E402

CUES = re.compile(r"migra\w*|refugee|asylum|displace\w*|traffick\w*|smuggl\w*|remittance|diaspora|xenophob\w*|"
                  r"returnee|reintegrat\w*|border|labour mobility|labor mobility|visa", re.IGNORECASE)


def main() -> None:
    seen, vocab = annotated()
    rows = sorted(tuple(r) for r in evimap.open(sys.argv[1]).store.db.execute(SQL + " AND d.year >= 2000")
                  if len({m.group().lower()[:6] for m in CUES.finditer(r[2])}) >= 2)
    rng = random.Random(20261210)
    rows = [r for r in rng.sample(rows, min(len(rows), 12000))
            if r[0] not in seen and text_key(r[2]) not in seen and not near_copy(r[2], vocab)]
    pick = draw(sorted(rows), 1000, rng)
    rng.shuffle(pick)
    for pid, name, text, _ in pick:
        print(json.dumps({"id": pid, "source": name, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
