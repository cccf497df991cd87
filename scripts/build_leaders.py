"""Derive src/evimap/attribute/data/leaders.tsv from the UN General Debate speakers list.

Facts taken: who spoke for which state in the General Debate, with which post, in which years (1995 on), from
../shared/corpus/ungdc/speakers-by-session.xlsx (UN General Debate Corpus, Jankin, Baturo and Dasandi). Only
heads of state and government, their deputies and foreign ministers are kept (not ambassadors: they are named
with their country in the texts that quote them). One row per person and state: ISO3, name, post (the latest),
first and last year. The gazetteer turns each row into names a text may use ("President Biden", "Prime Minister
Trudeau", "Joseph R. Biden"); see gazetteer.py, ``_load_leaders``.

    python scripts/build_leaders.py [--since 1995]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "corpus" / "ungdc" / "speakers-by-session.xlsx"
OUT = REPO / "src" / "evimap" / "attribute" / "data" / "leaders.tsv"
KEEP = re.compile(r"president|prime minister|head of (?:state|government)|king|queen|amir|emir|prince|chancellor|"
                  r"foreign affairs|foregn affairs|external affairs|secretary of state|premier|sultan", re.I)
DROP = re.compile(r"representative|delegation|ambassador|observer|european council|european union|"
                  r"president of the general assembly", re.I)
HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Dr|H\.?\s?E|His|Her|Excellency|Majesty|Highness|Sheikh|Sheikha|Sir|Dame|"
                       r"Lord|General|Gen)\.?$", re.I)


def clean(name: str) -> str:
    words = [w for w in name.replace("\u00a0", " ").split() if not HONORIFIC.match(w)]
    return " ".join(words).strip(" ,")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--since", type=int, default=1995)
    args = ap.parse_args()
    import openpyxl

    wb = openpyxl.load_workbook(SOURCE, read_only=True)
    people: dict[tuple[str, str], dict] = {}
    for row in list(wb.active.iter_rows(values_only=True))[1:]:
        year, _, iso3, _, name, post = row[:6]
        if not (year and iso3 and name and post) or int(year) < args.since:
            continue
        post = " ".join(str(post).split())
        if not KEEP.search(post) or DROP.search(post):
            continue
        name = clean(str(name))
        if len(name.split()) < 2 and not re.search(r"king|amir|emir|sultan|prince", post, re.I):
            continue
        key = (str(iso3).strip(), name)
        p = people.setdefault(key, {"first": int(year), "last": int(year), "post": post})
        p["first"], p["last"] = min(p["first"], int(year)), max(p["last"], int(year))
        if int(year) >= p["last"]:
            p["post"] = post
    lines = ["# iso3\tname\tpost\tfirst_year\tlast_year  (derived by scripts/build_leaders.py from the UN General "
             "Debate speakers list)"]
    for (iso3, name), p in sorted(people.items()):
        lines.append(f"{iso3}\t{name}\t{p['post']}\t{p['first']}\t{p['last']}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(people)} people -> {OUT}")


if __name__ == "__main__":
    main()
