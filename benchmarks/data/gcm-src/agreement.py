"""Agreement between two blind annotations of the same GCM dev passages (micro-F1, precision, recall, exact match).

    python benchmarks/data/gcm-src/agreement.py

agreement-dev-labels.txt holds a second annotation (2026-12-02, by reading, before looking at the first) of 69
gcm-dev.jsonl passages, by line number: 80 drawn with random.Random(11).sample(range(150), 80), less the 11 among
the first 21 lines of the file, whose first labels had been seen before. The first annotation is gcm-dev.jsonl's own.
Two careful readings that disagree this much bound what any system can be shown to reach on these labels.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    first = [set(json.loads(line)["labels"]) for line in open(HERE.parent / "gcm-dev.jsonl", encoding="utf-8")]
    second = {int(p[0]): set(p[1:]) for p in (line.split() for line in open(HERE / "agreement-dev-labels.txt"))}
    tp = sum(len(first[i] & s) for i, s in second.items())
    only_second = sum(len(s - first[i]) for i, s in second.items())
    only_first = sum(len(first[i] - s) for i, s in second.items())
    exact = sum(first[i] == s for i, s in second.items())
    print(f"{len(second)} passages; with an objective: first {sum(bool(first[i]) for i in second)}, "
          f"second {sum(bool(s) for s in second.values())}")
    print(f"micro-F1 {2 * tp / (2 * tp + only_first + only_second):.3f}; labels of the second also in the first "
          f"{tp / (tp + only_second):.3f}; of the first also in the second {tp / (tp + only_first):.3f}; "
          f"exact match {exact / len(second):.2f}")
    for i, s in sorted(second.items()):
        if s != first[i]:
            print(f"  line {i}: first {sorted(first[i], key=int)}, second {sorted(s, key=int)}")


if __name__ == "__main__":
    main()
