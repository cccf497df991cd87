"""The share of synthesis quotes a blind judge found relevant.

    python benchmarks/synthesis_relevance_score.py [--judging DIR] JUDGEMENT.json [JUDGEMENT.json …]

A judgement file: {"theme": "data", "judgements": [{"n": 1, "verdict": "relevant|marginal|off-topic"}, …]}.
Each is checked against the judging file it answers (benchmarks/data/synthesis-judging/THEME.json): every
quote judged once, no unknown numbers (``--judging DIR``: the judging files are in DIR, e.g.
benchmarks/data/synthesis-judging/held-out). Prints per theme and overall: relevant / marginal / off-topic and
the relevant share (the target is 0.80)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

JUDGING = Path(__file__).resolve().parent / "data" / "synthesis-judging"
VERDICTS = ("relevant", "marginal", "off-topic")


def tally(path: Path, judging_dir: Path = JUDGING) -> tuple[str, Counter]:
    data = json.loads(path.read_text(encoding="utf-8"))
    theme = data["theme"]
    counts: Counter = Counter()
    seen: set[int] = set()
    for j in data["judgements"]:
        verdict = j["verdict"].strip().lower()
        if verdict not in VERDICTS:
            raise SystemExit(f"{path}: quote {j['n']}: verdict {j['verdict']!r} is not one of {', '.join(VERDICTS)}")
        if j["n"] in seen:
            raise SystemExit(f"{path}: quote {j['n']} judged twice")
        seen.add(j["n"])
        counts[verdict] += 1
    judging = judging_dir / f"{theme.replace(':', '-')}.json"
    if judging.exists():
        expected = {q["n"] for q in json.loads(judging.read_text(encoding="utf-8"))["quotes"]}
        if seen != expected:
            raise SystemExit(f"{path}: judged {sorted(seen - expected) or 'no'} unknown and missed "
                             f"{sorted(expected - seen) or 'no'} quotes of {judging}")
    return theme, counts


def line(name: str, c: Counter) -> str:
    n = sum(c.values())
    return (f"{name:<12} {n:>4} quotes  relevant {c['relevant']:>3}  marginal {c['marginal']:>3}  "
            f"off-topic {c['off-topic']:>3}  relevant share {c['relevant'] / n if n else 0:.3f}")


def main(paths: list[str]) -> None:
    judging_dir = JUDGING
    if paths[:1] == ["--judging"] and len(paths) > 1:
        judging_dir, paths = Path(paths[1]), paths[2:]
    if not paths:
        raise SystemExit(__doc__)
    total: Counter = Counter()
    for p in paths:
        theme, c = tally(Path(p), judging_dir)
        total += c
        print(line(theme, c))
    if len(paths) > 1:
        print(line("all", total))


if __name__ == "__main__":
    main(sys.argv[1:])
