"""Structure noise left in the IOM evaluation PDFs: contents lines, running headers/footers and lone
numbers that became passages or section titles, before (a git revision) and after (this checkout).

    python benchmarks/structure.py [--before REV]     # REV defaults to HEAD

The noise is found from each PDF's own text layer, not from the code under test:
- contents lines: a passage or section title with a dot/underscore leader ending in a page number, a
  contents title (Contents, Table of contents, Sommaire, List of figures/tables), or, on a page where
  three or more raw lines have such a leader, a passage or title ending in a page number;
- running headers/footers: a passage or section title whose text (digits ignored) is one of the
  first or last three lines of at least 3 pages and 25% of the pages of the raw text layer;
- lone numbers: a passage or section title that is only a number ("12", "- 3 -", "Page 4", "xii"; a
  percentage such as "70%" is a table figure and not counted).
The revision under "before" is extracted with `git archive` and run in its own process.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IOM = REPO.parent / "shared" / "corpus" / "iom-evaluations"

LEADER = re.compile(r"(?:[._…·]\s?){4,}\s*(?:\d{1,3}|[ivxlc]{1,6})\b", re.IGNORECASE)
ENDS_IN_PAGE = re.compile(r"\D\s*(?:\d{1,3}|[ivxlc]{1,6})$", re.IGNORECASE)
CONTENTS_TITLE = re.compile(r"^(?:table of contents|contents|sommaire|table des mati[èe]res|list of (?:figures|tables)"
                            r"(?: and (?:figures|tables))?|liste des (?:tableaux|figures))\W*$", re.IGNORECASE)
LONE_NUMBER = re.compile(r"^[^\w%]*(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,6})[^\w%]*$", re.IGNORECASE)  # not "70%"


def furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def measure_file(path: Path) -> dict[str, int]:
    from evimap.ingest import process_file
    from evimap.ingest.pdf import read_pdf
    from evimap.settings import Settings

    raw = read_pdf(path, path.read_bytes())
    lines: dict[int, list[str]] = defaultdict(list)
    for b in raw.blocks:
        if b.page is not None and b.text.strip():
            lines[b.page].append(b.text.strip())
    edge_pages: Counter[str] = Counter()
    for page_lines in lines.values():
        edge_pages.update({furniture_key(t) for t in page_lines[:3] + page_lines[-3:]
                           if len(t) < 150 and not LONE_NUMBER.match(t)})
    furniture = {k for k, n in edge_pages.items() if n >= max(3, 0.25 * len(lines))}
    toc_pages = {pg for pg, page_lines in lines.items() if sum(bool(LEADER.search(t)) for t in page_lines) >= 3}

    doc = process_file(path, Settings(attribute=False))
    items = [(p.text, p.page) for p in doc.passages if p.kind != "heading"]
    items += [(s.title if not s.label else f"{s.label}. {s.title}", s.page) for s in doc.sections]
    out = Counter()
    for text, page in items:
        text = text.strip()
        if LEADER.search(text) or CONTENTS_TITLE.match(text) or (page in toc_pages and ENDS_IN_PAGE.search(text)):
            out["contents"] += 1
        if furniture_key(text) in furniture:
            out["furniture"] += 1
        if LONE_NUMBER.match(text):
            out["lone_numbers"] += 1
    out["passages"] = len(doc.passages)
    out["sections"] = len(doc.sections)
    out["reference"] = sum(p.kind == "reference" for p in doc.passages)
    return dict(out)


def measure() -> None:
    import evimap

    results = {p.name: measure_file(p) for p in sorted(IOM.glob("*.pdf"))}
    print(json.dumps({"evimap": str(Path(evimap.__file__).parent), "files": results}))


def run(src: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, __file__, "--measure"], env=env, capture_output=True, text=True, check=True)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    if Path(data["evimap"]).resolve() != (src / "evimap").resolve():
        raise SystemExit(f"measured {data['evimap']}, not {src / 'evimap'}")
    return data["files"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", default="HEAD", help="git revision measured as 'before' (default HEAD)")
    ap.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        measure()
        return
    archive = subprocess.run(["git", "-C", str(REPO), "archive", args.before, "src"], capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        tarfile.open(fileobj=BytesIO(archive)).extractall(tmp)
        before = run(Path(tmp) / "src")
    after = run(REPO / "src")
    cols = ("contents", "furniture", "lone_numbers")
    print(f"IOM PDFs ({IOM}); before = {args.before}, after = working tree")
    print(f"| file | {' | '.join(f'{c} before → after' for c in cols)} | passages | sections | reference |")
    print("|---|" + "---|" * (len(cols) + 3))
    totals: dict[str, Counter] = {"before": Counter(), "after": Counter()}
    for name in before:
        b, a = Counter(before[name]), Counter(after.get(name, {}))
        totals["before"].update(b)
        totals["after"].update(a)
        print(f"| {name} | " + " | ".join(f"{b[c]} → {a[c]}" for c in cols)
              + f" | {b['passages']} → {a['passages']} | {b['sections']} → {a['sections']} | {a['reference']} |")
    b, a = totals["before"], totals["after"]
    print(f"| **all {len(before)}** | " + " | ".join(f"**{b[c]} → {a[c]}**" for c in cols)
          + f" | {b['passages']} → {a['passages']} | {b['sections']} → {a['sections']} | {a['reference']} |")


if __name__ == "__main__":
    main()
