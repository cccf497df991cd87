"""Statement spans, judged on a blind set: where in a passage each actor speaks.

The set: benchmarks/data/attribution-spans.jsonl, passages of documents that report several speakers one after
another (seeds 002 and 004, the English documents of the Los Angeles Declaration folder; sampler in
benchmarks/data/attribution-src/spans/), cut into numbered sentences with evimap's own splitter and annotated
blind under docs/attribution-guidelines.md ("Statement spans"): each actor's turns as first and last sentence,
by two annotators (``turns``: A, ``turns_b``: B; ``--agreement`` compares two label files).
Split by document: seed 002 is ``dev`` (the span rule was written looking at it); the others are ``dev`` or
``test`` by a hash of their name, as in attribution_statements.py.

Each passage goes through ``evimap attribute --input`` (``attribute_texts``); a claim's ``start``/``end`` become
the sentences they overlap. Figures per split:
- actors: precision and recall of the passage's actors (as attribution_statements.py);
- span F1: over (actor, sentence) pairs — a sentence counted for an actor when it lies in one of its turns;
- exact turns: the share of gold turns of found actors whose first and last sentences evimap gives exactly.

    python benchmarks/attribution_spans.py [--errors] [--no-write] [--agreement A.jsonl B.jsonl]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE / "data" / "attribution-spans.jsonl"
sys.path.insert(0, str(HERE))
from attribution_statements import gold_codes, split_of  # noqa: E402

DEV_DOCUMENTS = {"002_5aac2a6bb2689fab.txt"}


def split(document: str) -> str:
    return "dev" if document in DEV_DOCUMENTS else split_of(document)


def gold_code(turn: dict, gaz) -> str:
    """The code of a gold actor name: as attribution_statements.py resolves it, else the longest known name inside
    it ("UN DESA Population Division" → UN DESA, "UN Special Rapporteur on …" → the Special Rapporteur), else
    "?name" (a miss whatever evimap finds)."""
    code = next(iter(gold_codes([turn], gaz)))
    if code.startswith("?"):
        inside = sorted(gaz.find(turn["name"]), key=lambda m: m.end - m.start, reverse=True)
        if inside:
            return inside[0].entry.code
    return code


def gold_pairs(turns: list[dict], gaz) -> tuple[set[tuple[str, int]], list[tuple[str, int, int]]]:
    """(actor code, sentence) pairs and (code, first, last) turns of a passage's gold turns (1-based sentences)."""
    pairs, spans = set(), []
    for t in turns:
        code = gold_code(t, gaz)
        spans.append((code, int(t["first"]), int(t["last"])))
        pairs |= {(code, k) for k in range(int(t["first"]), int(t["last"]) + 1)}
    return pairs, spans


def found_pairs(row: dict, claims: list[dict]) -> tuple[set[tuple[str, int]], list[tuple[str, int, int]]]:
    """The same from evimap's claims: each claim's characters mapped to the sentences they overlap."""
    text, bounds, at = row["text"], [], 0
    for s in row["sentences"]:
        start = text.find(s, at)
        bounds.append((start, start + len(s)))
        at = start + len(s)
    pairs, spans = set(), []
    for c in claims:
        ks = [k for k, (s, e) in enumerate(bounds, 1) if s < c["end"] and e > c["start"]]
        if ks:
            spans.append((c["code"], ks[0], ks[-1]))
            pairs |= {(c["code"], k) for k in ks}
    return pairs, spans


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def compare(gold: list[tuple[set, list]], got: list[tuple[set, list]]) -> dict[str, float]:
    """Actor P/R, span F1 and exact-turn share of ``got`` against ``gold`` (lists of (pairs, spans) per passage)."""
    a = [0, 0, 0]
    s = [0, 0, 0]
    exact = turns = 0
    for (gp, gs), (fp_, fs) in zip(gold, got):
        ga, fa = {c for c, *_ in gs}, {c for c, *_ in fs}
        a[0] += len(ga & fa)
        a[1] += len(fa - ga)
        a[2] += len(ga - fa)
        s[0] += len(gp & fp_)
        s[1] += len(fp_ - gp)
        s[2] += len(gp - fp_)
        for t in gs:
            if t[0] in fa:
                turns += 1
                exact += t in fs
    ap, ar, _ = prf(*a)
    sp, sr, sf = prf(*s)
    return {"actor_p": ap, "actor_r": ar, "span_p": sp, "span_r": sr, "span_f1": sf,
            "exact": exact / turns if turns else 0.0, "turns": turns}


def agreement(path_a: Path, path_b: Path, gaz) -> None:
    a = {json.loads(x)["id"]: json.loads(x)["turns"] for x in path_a.read_text(encoding="utf-8").splitlines() if x.strip()}
    b = {json.loads(x)["id"]: json.loads(x)["turns"] for x in path_b.read_text(encoding="utf-8").splitlines() if x.strip()}
    ids = sorted(set(a) & set(b))
    m = compare([gold_pairs(a[i], gaz) for i in ids], [gold_pairs(b[i], gaz) for i in ids])
    print(f"agreement on {len(ids)} passages: actors P {m['actor_p']:.3f} R {m['actor_r']:.3f}; span F1 {m['span_f1']:.3f}; "
          f"exact turns {m['exact']:.3f} of {m['turns']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list the dev split's differences")
    ap.add_argument("--no-write", action="store_true", help="do not append to benchmarks/RESULTS.md")
    ap.add_argument("--annotator", choices=["A", "B"], default="A", help="whose turns are the gold (default A)")
    ap.add_argument("--agreement", nargs=2, type=Path, metavar=("A", "B"), help="compare two annotations and stop")
    args = ap.parse_args()
    from evimap.attribute import gazetteer
    from evimap.attribute.batch import attribute_texts

    gaz = gazetteer()
    if args.agreement:
        agreement(*args.agreement, gaz)
        return
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = {r["id"]: r["claims"] for r in attribute_texts({"id": r["id"], "text": r["text"]} for r in rows)}
    by_split: dict[str, tuple[list, list, set]] = {s: ([], [], set()) for s in ("dev", "test", "all")}
    errors = []
    key = "turns_b" if args.annotator == "B" else "turns"
    for r in rows:
        g, f = gold_pairs(r[key], gaz), found_pairs(r, found[r["id"]])
        for s in (split(r["document"]), "all"):
            by_split[s][0].append(g)
            by_split[s][1].append(f)
            by_split[s][2].add(r["document"])
        if split(r["document"]) == "dev" and sorted(g[1]) != sorted(f[1]):
            errors.append(f"- {r['id']} gold {sorted(g[1])} got {sorted(f[1])}: "
                          + " ".join(f"[{k}] {s[:80]}" for k, s in enumerate(r["sentences"], 1)))
    lines = [f"Blind statement-span set ({GOLD.name}, annotator {args.annotator}), `evimap attribute --input` "
             f"(machine {platform.machine()}, Python {platform.python_version()}):", "",
             "| split | documents | passages | actor P | actor R | span P | span R | span F1 | exact turns |",
             "|---|---|---|---|---|---|---|---|---|"]
    for s, (g, f, docs) in by_split.items():
        m = compare(g, f)
        lines.append(f"| {s} | {len(docs)} | {len(g)} | {m['actor_p']:.3f} | {m['actor_r']:.3f} | {m['span_p']:.3f} | "
                     f"{m['span_r']:.3f} | {m['span_f1']:.3f} | {m['exact']:.3f} of {m['turns']} |")
    print("\n".join(lines))
    if args.errors:
        print("\n".join(["", "dev differences (code, first, last):", *errors]))
    if not args.no_write:
        from mapping import publish

        publish("## attribution_spans.py — " + __import__("datetime").date.today().isoformat() + "\n\n"
                + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
