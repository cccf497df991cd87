"""Every regular expression evimap compiles, run on adversarial text at two sizes.

Imports every module of the package, collects each compiled pattern held at module or class level,
and runs ``finditer`` over strings built to make a backtracking engine rescan: runs of one
character and of two-character units, drawn from the characters the pattern itself names (its
literal characters and the classes it uses) plus letters, digits, spaces and punctuation. Each string
is repaired as ingest repairs every line (tabs and runs of spaces collapsed) and timed at
``--small`` characters, about a passage; when one takes longer than ``--min-seconds`` it is
timed again at four times the size. Linear patterns take about 4× as long; a ratio of 8 or more
marks the pattern as superlinear. The script prints the flagged patterns with their module, name,
the input unit and the two times, then a summary line.

    python benchmarks/regex_audit.py [--small 2000] [--min-seconds 0.002] [--only NAME,…]
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import string
import time

import evimap
from evimap.normalise.repairs import repair_text

BASE_CHARS = "aZ1 .,-\n*[]()<>#_|'\"/:;é\t"


def patterns() -> list[tuple[str, re.Pattern]]:
    """(module.name, pattern) for every compiled pattern at module or class level in evimap."""
    found: dict[int, tuple[str, re.Pattern]] = {}
    for info in pkgutil.walk_packages(evimap.__path__, "evimap."):
        if ".web" in info.name:  # the web layer runs patterns on requests, not on document text
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            continue
        spaces = [(info.name, vars(module))]
        spaces += [(f"{info.name}.{k}", vars(v)) for k, v in vars(module).items()
                   if isinstance(v, type) and v.__module__ == info.name]
        for prefix, space in spaces:
            for name, value in space.items():
                if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                    found.setdefault(id(value), (f"{prefix}.{name}", value))
    return sorted(found.values(), key=lambda item: item[0])


def units(pattern: re.Pattern) -> list[str]:
    """One- and two-character units worth repeating for this pattern."""
    literal = {c for c in pattern.pattern if c.isprintable() and c not in "\\^$?+{}!=" }
    chars = sorted(set(BASE_CHARS) | (literal & set(string.printable)))
    singles = list(chars)
    pairs = [a + b for a in chars for b in " a.-*[(<" if a != b]
    return singles + pairs


def seconds(pattern: re.Pattern, text: str) -> float:
    started = time.perf_counter()
    for _ in pattern.finditer(text):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--min-seconds", type=float, default=0.002)
    parser.add_argument("--only", default="", help="comma-separated parts of pattern names (default: all)")
    parser.add_argument("--budget", type=float, default=3.0, help="seconds per pattern before its other inputs are skipped")
    args = parser.parse_args()
    found = [(n, p) for n, p in patterns() if not args.only or any(part in n for part in args.only.split(","))]
    flagged = []
    tried = 0
    for name, pattern in found:
        spent = 0.0
        for unit in units(pattern):
            if spent > args.budget:
                break
            tried += 1
            # what reaches the passage-level patterns is repaired text (tabs and runs of spaces collapsed)
            text = repair_text(unit * (args.small // len(unit)))
            if not text:
                continue
            small = seconds(pattern, text)
            spent += small
            if small < args.min_seconds:
                continue
            large = seconds(pattern, repair_text(unit * (4 * args.small // len(unit))))
            spent += large
            if large / small >= 8:
                flagged.append((name, unit, small, large))
                print(f"| {name} | {unit!r} | {small:.3f} | {large:.3f} | {large / small:.1f} |", flush=True)
                break
    print(f"{len(found)} patterns, {tried} inputs of {args.small:,} and {4 * args.small:,} characters; "
          f"{len(flagged)} superlinear")


if __name__ == "__main__":
    main()
