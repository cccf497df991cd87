"""Draw the third GCM training sample: UN General Debate paragraphs (2000 and later) that mention migration
and one of the cue words of objectives the earlier samples hardly hold (detention, consular protection,
portability of benefits, skills recognition, legal identity, regular pathways, inclusion, screening and
referral, missing migrants, information). Deterministic; stratified by cue; none of the passages already in
benchmarks/data (by id or text).

    python benchmarks/data/gcm-src/sample_rare.py STORE > benchmarks/data/gcm-src/rare-sample.jsonl

The sample was drawn when gcm-train.jsonl held its first 480 passages; with the drawn ones now in it, the
same command reproduces the sample only against that earlier file (it does, byte for byte).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sample_ungdc import draw  # noqa: E402

CUES = {  # cue → how many paragraphs to draw
    r"detention|detain": 8, r"consular": 8, r"portab|social security|pension": 8,
    r"recogni[sz]\w* (?:of )?(?:skills|qualifications|diplomas)|skills? (?:development|recognition)": 8,
    r"legal identity|birth registration|identity documents?|documentation": 8,
    r"regular (?:pathways|channels|migration)|family reunification|visa": 8,
    r"inclusion|social cohesion|integration of migrants": 8, r"screening|referral|vulnerab": 8,
    r"missing migrants|search and rescue|lives at sea|drowned|Mediterranean": 8, r"information campaign|awareness": 8,
}


def main() -> None:
    data = Path(__file__).resolve().parent.parent
    seen: set[str] = set()
    for f in data.glob("*.jsonl"):
        for line in open(f, encoding="utf-8"):
            r = json.loads(line)
            seen |= {r.get("id"), r["text"]}
    draw(sys.argv[1], CUES, 20261129, max_len=1000, exclude=seen)


if __name__ == "__main__":
    main()
