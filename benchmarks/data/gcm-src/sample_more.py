"""Draw the fourth GCM training sample: passages from the seeds and IOM evaluations that carry a migration cue
(the word list of sample_train.py) and are in no earlier GCM file (train, dev, test or any sample here), by
id, by text or as a near copy (60% of the words in common). Deterministic (fixed seed, sorted ids).

    python benchmarks/data/gcm-src/sample_more.py STORE N > benchmarks/data/gcm-src/more-sample.jsonl

STORE holds ../shared/seeds and ../shared/corpus/iom-evaluations. Cued passages, because the held-out test
split is 85% passages that address an objective and 77% of the first sample's cued passages did.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

import evimap

from sample_train import CUE

HERE = Path(__file__).resolve().parent
DATA = HERE.parent


def text_key(text: str) -> str:
    """A passage's text without whitespace and pdfium's soft-hyphen marker U+FFFE, which the ingest has dropped
    since some earlier samples were drawn (their ids changed with it)."""
    return re.sub(r"[\s\ufffe\u00ad-]+", "", text)[:300]


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]{3,}", text.lower()))


def annotated_already() -> tuple[set[str], list[frozenset[str]]]:
    """Ids and text keys of every passage in a GCM data file or sample (even unlabelled), and their word sets."""
    seen: set[str] = set()
    vocab: list[frozenset[str]] = []
    for f in [*DATA.glob("gcm-*.jsonl"), *(p for p in HERE.glob("*-sample.jsonl") if p.name != "more-sample.jsonl")]:
        for line in open(f, encoding="utf-8"):
            r = json.loads(line)
            seen |= {r["id"], text_key(r["text"])}
            vocab.append(words(r["text"]))
    return seen, vocab


def near_copy(text: str, vocab: list[frozenset[str]], limit: float = 0.6) -> bool:
    """True when the passage shares at least ``limit`` of its words (Jaccard) with an annotated passage: a
    re-segmented or repaired copy must not enter training (above all not from the test split)."""
    w = words(text)
    return any(len(w & v) >= limit * len(w | v) for v in vocab)


def main() -> None:
    store, n = sys.argv[1], int(sys.argv[2])
    seen, vocab = annotated_already()
    sql = """SELECT p.id, d.name, p.text FROM passages p JOIN documents d ON d.id = p.doc_id
             WHERE p.dup_of IS NULL AND d.duplicate_of IS NULL AND p.kind IN ('paragraph', 'item', 'numbered', 'bullet')
               AND length(p.text) BETWEEN 200 AND 1200 AND d.language = 'en'"""
    rows = sorted(tuple(r) for r in evimap.open(store).store.db.execute(sql)
                  if r[0] not in seen and text_key(r[2]) not in seen and CUE.search(r[2]) and not near_copy(r[2], vocab))
    for pid, name, text in random.Random(20261202).sample(rows, min(n, len(rows))):
        print(json.dumps({"id": pid, "source": name, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
