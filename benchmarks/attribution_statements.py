"""Actors of loose statements, judged on a blind set: `evimap attribute --input` against blind labels.

The set: benchmarks/data/attribution-statements.jsonl, short passages of documents the attribution rules
were never developed on (the Los Angeles Declaration folder's English documents, the Reintegration
Handbook, the IOM meta-evaluation report; sampler in benchmarks/data/attribution-src/statements/),
annotated blind under docs/attribution-guidelines.md (each passage read on its own). Split by document:
a document's passages are all ``dev`` or all ``test`` (by a hash of its name); rules may be written
looking at ``dev`` only.

Each passage goes through ``evimap.attribute.batch.attribute_texts`` (as `evimap attribute --input`);
gold actor names are resolved to the codes evimap uses with its gazetteer (any letter case), and a gold
actor it cannot resolve counts as a miss. Prints precision and recall per split and the misses and false
alarms of ``dev`` with ``--errors``.

    python benchmarks/attribution_statements.py [--errors] [--no-write]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE / "data" / "attribution-statements.jsonl"


def split_of(document: str) -> str:
    return "test" if hashlib.blake2b(document.encode(), digest_size=2).digest()[0] % 2 else "dev"


def gold_codes(actors: list[dict], gaz) -> set[str]:
    out = set()
    for a in actors:
        name = a["name"].strip()
        entry = gaz.lookup_any_case(name) or gaz.lookup_any_case(name.removeprefix("the ").removeprefix("The "))
        out.add(entry.code if entry is not None else f"?{name}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list the dev split's misses and false alarms")
    ap.add_argument("--no-write", action="store_true", help="do not append to benchmarks/RESULTS.md")
    args = ap.parse_args()
    from evimap.attribute import gazetteer
    from evimap.attribute.batch import attribute_texts

    gaz = gazetteer()
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = {r["id"]: r for r in attribute_texts(rows)}
    counts = {s: [0, 0, 0, 0, 0] for s in ("dev", "test", "all")}  # tp, fp, fn, passages, documents
    docs = {s: set() for s in counts}
    errors = []
    for r in rows:
        split = split_of(r["document"])
        gold = gold_codes(r["actors"], gaz)
        got = {c["code"] for c in found[r["id"]]["claims"]}
        for s in (split, "all"):
            c = counts[s]
            c[0] += len(gold & got)
            c[1] += len(got - gold)
            c[2] += len(gold - got)
            c[3] += 1
            docs[s].add(r["document"])
        if split == "dev" and gold != got:
            errors.append(f"- {r['id']} gold {sorted(gold)} got {sorted(got)}: {r['text'][:220]}")
    lines = [f"Blind statements set ({GOLD.name}), `evimap attribute --input` "
             f"(machine {platform.machine()}, Python {platform.python_version()}):", "",
             "| split | documents | passages | gold actors | found | right | precision | recall |", "|---|---|---|---|---|---|---|---|"]
    for s, (tp, fp, fn, n, _) in counts.items():
        p = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        lines.append(f"| {s} | {len(docs[s])} | {n} | {tp + fn} | {tp + fp} | {tp} | {p:.3f} | {rec:.3f} |")
    print("\n".join(lines))
    if args.errors:
        print("\n".join(["", "dev errors:", *errors]))
    if not args.no_write:
        sys.path.insert(0, str(HERE))
        from mapping import publish

        publish("## attribution_statements.py — " + __import__("datetime").date.today().isoformat() + "\n\n"
                + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
