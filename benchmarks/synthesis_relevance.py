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


def held_out_files() -> list[Path]:
    """Documents outside IOM_FILES and the seeds: the meta-evaluation report, the Los Angeles Declaration
    folder's English documents (the other languages' file names are Spanish, French and Portuguese) and the
    Reintegration Handbook excerpts."""
    la = [p for p in sorted((SHARED / "corpus" / "la-declaration").glob("*.md"))
          if not any(w in p.name for w in ("declaracao", "declaracion", "declaration-de-los"))]
    handbook = sorted((SHARED / "corpus" / "reintegration-handbook").glob("*.md"))
    return [SHARED / "corpus" / "iom-evaluations" / "meta-evaluation-2020-2024-report.pdf", *la, *handbook]


def definition(theme: str) -> dict:
    """The theme as the framework defines it: title, description and its subthemes."""
    from evimap.map import load_frameworks

    fw = load_frameworks("themes")[0]
    cat = fw.category(theme)
    subs = [c for c in fw.categories if c.parent == cat.code]
    return {"title": cat.title, "description": " ".join(cat.description.split()),
            "subthemes": [{"title": c.title, "description": " ".join(c.description.split())} for c in subs]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--themes", default="data,research,capacity")
    ap.add_argument("--corpus", choices=["iom-seeds", "held-out"], default="iom-seeds")
    ap.add_argument("--min-relevance", type=float, default=None,
                    help="as `report synthesis --min-relevance` (0 reproduces the material judged on 2026-12-06)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    args.out = args.out or (OUT if args.corpus == "iom-seeds" else OUT / "held-out")
    import evimap
    from evimap.report import synthesis

    files = [SHARED / "seeds", *iom_files()] if args.corpus == "iom-seeds" else held_out_files()
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        sys.exit(f"missing: {', '.join(missing)}")
    (args.out / "keys").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, evimap.open(Path(tmp) / "judging.db") as corpus:
        t0 = time.perf_counter()
        report = corpus.ingest(files, workers=2)
        if report.failed:
            sys.exit(f"ingest failed: {report.failed}")
        corpus.map(frameworks=["themes"])
        print(f"ingested and mapped {len(files)} paths ({args.corpus}) in {time.perf_counter() - t0:.1f} s")
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
            (args.out / f"{theme}.json").write_text(json.dumps(judging, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            (args.out / "keys" / f"{theme}.json").write_text(json.dumps(key, ensure_ascii=False, indent=1) + "\n",
                                                            encoding="utf-8")
            print(f"{theme}: {len(quotes)} quotes from {len(s.groups)} sources ({s.n_passages} passages, "
                  f"{s.n_collapsed} near-duplicates, {len(s.set_aside)} set aside) in {time.perf_counter() - t0:.1f} s "
                  f"-> {args.out / (theme + '.json')}")


if __name__ == "__main__":
    main()
