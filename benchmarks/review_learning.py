"""A simulated reviewer: does `evimap learn` improve GCM labels on documents no one reviewed, and does the review
queue choose better passages to review than chance?

The labelled set is benchmarks/data/gcm-blind.jsonl (300 passages of 13 documents no model was trained on, GCM
objectives annotated blind). Its passages are written one document per file, ingested and mapped to GCM. The
documents are split in two folds; the reviewer works in one fold, the other is scored, then the other way round.
The reviewer takes N decisions (50, 100, 200), each the gold answer on one (passage, objective) label: accept or
add when the annotators gave the objective, reject when they did not. The labels reviewed are the queue's
(`corpus.review_queue`: least certain first, across objectives) or drawn at random from the same fold's stored
labels. Then `corpus.learn("gcm")` (applied only when it does not do worse held out by document), and the
micro-F1 of the assigned labels against the gold labels on the other fold's passages.

    python benchmarks/review_learning.py [--no-write] [--gold FILE]

``--gold``: another blind-labelled file of the same fields, for development (a layer is designed on such a run, with
a classifier not trained on that file, and then measured here on gcm-blind.jsonl).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import sqlite3
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE / "data" / "gcm-blind.jsonl"
STEPS = (0, 50, 100, 200)


def norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def micro_f1(gold: dict[str, set[str]], got: dict[str, set[str]]) -> float:
    tp = sum(len(gold[p] & got.get(p, set())) for p in gold)
    fp = sum(len(got.get(p, set()) - gold[p]) for p in gold)
    fn = sum(len(gold[p] - got.get(p, set())) for p in gold)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--gold", type=Path, default=GOLD)
    args = ap.parse_args()
    import evimap

    rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    sources = sorted({r["source"] for r in rows})
    tmp = Path(tempfile.mkdtemp(prefix="review-learning-"))
    docs = tmp / "docs"
    docs.mkdir()
    for i, src in enumerate(sources):
        text = "\n\n".join(r["text"].replace("\n", " ") for r in rows if r["source"] == src)
        (docs / f"doc{i:02d}.txt").write_text(text + "\n", encoding="utf-8")
    base = tmp / "base.db"
    with evimap.open(base) as corpus:
        corpus.ingest([docs], workers=1)
        corpus.map(["gcm"], workers=1)
        gold_by_text = {norm(r["text"]): set(r["labels"]) for r in rows}
        passages = {}
        for p in corpus.store.db.execute("SELECT p.id, p.text, d.name FROM passages p JOIN documents d ON d.id = p.doc_id"):
            g = gold_by_text.get(norm(p[1]))
            if g is not None:
                passages[p[0]] = (p[2], g)
    names = sorted({d for d, _ in passages.values()})
    folds = [set(names[0::2]), set(names[1::2])]
    lines = [f"Simulated reviewer on {args.gold.name}: {len(passages)} of {len(rows)} passages found again after ingest, "
             f"{len(names)} documents in two folds (machine {platform.machine()}, Python {platform.python_version()}).", "",
             "| decisions | queue: micro-F1 on the other fold | random: micro-F1 on the other fold | learn applied (queue / random) |",
             "|---|---|---|---|"]
    results: dict[tuple[str, int], list[float]] = {}
    applied: dict[tuple[str, int], int] = {}
    for fold_no, review_docs in enumerate(folds):
        scored = {pid: g for pid, (d, g) in passages.items() if d not in review_docs}
        for strategy in ("queue", "random"):
            for n in STEPS:
                path = tmp / f"run-{fold_no}-{strategy}-{n}.db"
                with sqlite3.connect(path) as target, sqlite3.connect(base) as source:
                    source.backup(target)
                with evimap.open(path) as corpus:
                    in_fold = {pid for pid, (d, _) in passages.items() if d in review_docs}
                    if strategy == "queue":
                        picks = [(r["passage_id"], r["code"]) for r in corpus.review_queue("gcm", limit=5000)
                                 if r["passage_id"] in in_fold]
                    else:
                        picks = [(pid, code) for pid, code in corpus.store.db.execute(
                            "SELECT passage_id, code FROM labels WHERE framework = 'gcm' ORDER BY passage_id, code")
                            if pid in in_fold]
                        random.Random(f"review-learning:{fold_no}:{n}").shuffle(picks)
                    for pid, code in picks[:n]:
                        decision = "accept" if code in passages[pid][1] else "reject"
                        corpus.review(pid, f"gcm:{code}", decision, reviewer="simulated")
                    did = False
                    if n:
                        res = corpus.learn("gcm")
                        did = res["applied"]
                    got: dict[str, set[str]] = {}
                    for pid, code in corpus.store.db.execute(
                            "SELECT passage_id, code FROM labels WHERE framework = 'gcm' AND assigned = 1"):
                        got.setdefault(pid, set()).add(code)
                    results.setdefault((strategy, n), []).append(micro_f1(scored, got))
                    applied[(strategy, n)] = applied.get((strategy, n), 0) + int(did)
                    print(f"fold {fold_no} {strategy:6} {n:4} decisions: F1 {results[(strategy, n)][-1]:.3f}"
                          + (" (learn applied)" if did else ""), flush=True)
    for n in STEPS:
        q, r = results[("queue", n)], results[("random", n)]
        lines.append(f"| {n} | {sum(q) / len(q):.3f} ({', '.join(f'{x:.3f}' for x in q)}) | "
                     f"{sum(r) / len(r):.3f} ({', '.join(f'{x:.3f}' for x in r)}) | "
                     f"{applied[('queue', n)]} / {applied[('random', n)]} of 2 |")
    out = "\n".join(lines)
    print(out)
    if not args.no_write:
        sys.path.insert(0, str(HERE))
        from mapping import publish

        publish("## review_learning.py — " + __import__("datetime").date.today().isoformat() + "\n\n" + out + "\n")


if __name__ == "__main__":
    main()
