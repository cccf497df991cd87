"""Blind-judging material for the thematic synthesis: ingests the seeds and the IOM evaluations named in
tests/conftest.py (IOM_FILES) into a temporary store, maps it, builds the synthesis of three themes and
writes, per theme,

  benchmarks/data/synthesis-judging/THEME.json       what a blind judge sees: the theme's definition from
                                                     the themes framework and the quotes, numbered in a
                                                     shuffled order (no scores, labels or document names)
  benchmarks/data/synthesis-judging/keys/THEME.json  quote number -> passage id (and the synthesis' quote id)

``--corpus held-out`` builds the same material over documents no synthesis setting was looked at with
(the IOM meta-evaluation 2020–2024 report, the English documents of the Los Angeles Declaration folder
and the Reintegration Handbook excerpts) into ``synthesis-judging/held-out/``.

Judgements ({"theme": ..., "judgements": [{"n": 1, "verdict": "relevant|marginal|off-topic"}]}) are
scored with benchmarks/synthesis_relevance_score.py.

    python benchmarks/synthesis_relevance.py [--themes data,research,capacity] [--corpus iom-seeds|held-out] [--out DIR]

A theme is a category of the themes framework (``data``) or of another one (``gcm:1``, a GCM objective:
the synthesis ranks the same way, with the classifier's own threshold in place of ``min_relevance``).
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
OUT = REPO / "benchmarks" / "data" / "synthesis-judging"


def iom_files() -> list[Path]:
    """The IOM evaluations the integration tests use, read from tests/conftest.py so the two stay one list."""
    tree = ast.parse((REPO / "tests" / "conftest.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "IOM_FILES" for t in node.targets):
            names = [c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            return [SHARED / "corpus" / "iom-evaluations" / n for n in names]
    raise SystemExit("IOM_FILES not found in tests/conftest.py")


def ungdc_sample(n: int = 400) -> list[Path]:
    """General Debate speeches from 2016 on (sessions 71 and later, the years of the GCM) that speak of
    migration, ``n`` of them drawn with a fixed seed: statements no synthesis setting was looked at with."""
    speeches = sorted(p for d in sorted((SHARED / "corpus" / "ungdc").glob("*-session-*"))
                      if int(d.name.split("-")[-1]) >= 71 for p in d.glob("*.txt")
                      if "migra" in p.read_text(encoding="utf-8", errors="replace").lower())
    return sorted(random.Random("synthesis-judging:ungdc").sample(speeches, min(n, len(speeches))))


def held_out_files() -> list[Path]:
    """Documents outside IOM_FILES and the seeds: the meta-evaluation report, the Los Angeles Declaration
    folder's English documents (the other languages' file names are Spanish, French and Portuguese) and the
    Reintegration Handbook excerpts."""
    la = [p for p in sorted((SHARED / "corpus" / "la-declaration").glob("*.md"))
          if not any(w in p.name for w in ("declaracao", "declaracion", "declaration-de-los"))]
    handbook = sorted((SHARED / "corpus" / "reintegration-handbook").glob("*.md"))
    return [SHARED / "corpus" / "iom-evaluations" / "meta-evaluation-2020-2024-report.pdf", *la, *handbook]


def definition(theme: str) -> dict:
    """The theme as its framework defines it: title, description and its subthemes (``data`` is the themes
    framework's; ``gcm:1`` a GCM objective)."""
    from evimap.map import load_frameworks
    from evimap.report.synthesis import parse_theme

    fw_id, code = parse_theme(theme)
    fw = load_frameworks(fw_id)[0]
    cat = fw.category(code)
    subs = [c for c in fw.categories if c.parent == cat.code]
    return {"title": cat.title, "description": " ".join(cat.description.split()),
            "subthemes": [{"title": c.title, "description": " ".join(c.description.split())} for c in subs]}


def file_name(theme: str) -> str:
    return theme.replace(":", "-")


def known_verdicts(folders: list[Path], theme: str) -> dict[str, dict[str, str]]:
    """passage id -> judge -> verdict, from each folder's keys and judgements (judge names carry the folder)."""
    out: dict[str, dict[str, str]] = {}
    for folder in folders:
        key_file = folder / "keys" / f"{file_name(theme)}.json"
        if not key_file.exists():
            continue
        ids = {q["n"]: q["passage_id"] for q in json.loads(key_file.read_text(encoding="utf-8"))["quotes"]}
        for j_file in sorted((folder / "judgements").glob(f"*-{file_name(theme)}.json")):
            judge = f"{folder.name}/{j_file.name.split('-')[0]}"
            for j in json.loads(j_file.read_text(encoding="utf-8"))["judgements"]:
                out.setdefault(ids[j["n"]], {})[judge] = j["verdict"]
    return out


def rescore(corpus, themes: list[str], folders: list[Path], min_relevance: float | None) -> None:
    """Each judge's relevant share over the quotes of this tree's synthesis that the judge has seen."""
    from collections import Counter

    from evimap.report import synthesis

    totals: Counter = Counter()
    for theme in themes:
        verdicts = known_verdicts(folders, theme)
        quotes = synthesis(corpus, theme, min_relevance=min_relevance).quotes()
        judged = Counter()
        for q in quotes:
            for judge, v in verdicts.get(q.passage["passage_id"], {}).items():
                judged[(judge, "n")] += 1
                judged[(judge, "relevant")] += v == "relevant"
        unjudged = sum(1 for q in quotes if q.passage["passage_id"] not in verdicts)
        for judge in sorted({j for j, _ in judged}):
            n, rel = judged[(judge, "n")], judged[(judge, "relevant")]
            totals[(judge, "n")] += n
            totals[(judge, "relevant")] += rel
            print(f"{theme:<10} {judge:<24} {rel:>3} of {n:>3} judged quotes relevant ({rel / n:.3f})")
        print(f"{theme:<10} {len(quotes)} quotes, {unjudged} never judged")
    for judge in sorted({j for j, _ in totals}):
        n, rel = totals[(judge, "n")], totals[(judge, "relevant")]
        print(f"{'all':<10} {judge:<24} {rel:>3} of {n:>3} judged quotes relevant ({rel / n:.3f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--themes", default="data,research,capacity")
    ap.add_argument("--corpus", choices=["iom-seeds", "held-out", "ungdc"], default="iom-seeds",
                    help="ungdc: 400 General Debate speeches from 2016 on that speak of migration (seeded sample)")
    ap.add_argument("--min-relevance", type=float, default=None,
                    help="as `report synthesis --min-relevance` (0 reproduces the material judged on 2026-12-06)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--verdicts", type=Path, action="append", default=[],
                    help="a judging folder (theme files, keys/, judgements/): instead of writing material, score the "
                         "synthesis of this tree with the verdicts given there to the same passages (a re-scoring, "
                         "not a blind judging: say so when you report it); repeatable")
    args = ap.parse_args()
    args.out = args.out or (OUT if args.corpus == "iom-seeds" else OUT / args.corpus)
    import evimap
    from evimap.report import synthesis

    files = {"iom-seeds": lambda: [SHARED / "seeds", *iom_files()], "held-out": held_out_files,
             "ungdc": ungdc_sample}[args.corpus]()
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        sys.exit(f"missing: {', '.join(missing)}")
    (args.out / "keys").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, evimap.open(Path(tmp) / "judging.db") as corpus:
        t0 = time.perf_counter()
        report = corpus.ingest(files, workers=2)
        if report.failed:
            sys.exit(f"ingest failed: {report.failed}")
        from evimap.report.synthesis import parse_theme
        corpus.map(frameworks=sorted({parse_theme(t)[0] for t in args.themes.split(",")}))
        print(f"ingested and mapped {len(files)} paths ({args.corpus}) in {time.perf_counter() - t0:.1f} s")
        if args.verdicts:
            rescore(corpus, args.themes.split(","), args.verdicts, args.min_relevance)
            return
        for theme in args.themes.split(","):
            t0 = time.perf_counter()
            s = synthesis(corpus, theme, min_relevance=args.min_relevance)
            quotes = s.quotes()
            order = list(range(len(quotes)))
            random.Random(f"synthesis-judging:{theme}").shuffle(order)  # the judge must not see the ranking
            judging = {"theme": theme, "definition": definition(theme),
                       "quotes": [{"n": n, "text": quotes[i].passage["text"]} for n, i in enumerate(order, 1)]}
            key = {"theme": theme, "store_passages": s.n_passages, "set_aside": len(s.set_aside),
                   "quotes": [{"n": n, "passage_id": quotes[i].passage["passage_id"], "quote_id": quotes[i].qid}
                              for n, i in enumerate(order, 1)]}
            (args.out / f"{file_name(theme)}.json").write_text(json.dumps(judging, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            (args.out / "keys" / f"{file_name(theme)}.json").write_text(json.dumps(key, ensure_ascii=False, indent=1) + "\n",
                                                            encoding="utf-8")
            print(f"{theme}: {len(quotes)} quotes from {len(s.groups)} sources ({s.n_passages} passages, "
                  f"{s.n_collapsed} near-duplicates, {len(s.set_aside)} set aside) in {time.perf_counter() - t0:.1f} s "
                  f"-> {args.out / (file_name(theme) + '.json')}")


if __name__ == "__main__":
    main()
