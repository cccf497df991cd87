"""Report speed on the full UN General Debate store (issue 4 targets: evidence map ≤ 20 s, synthesis ≤ 30 s).

    python benchmarks/reports.py --store STORE   # STORE: UNGDC (+ IOM) ingested and mapped (`evimap map`)

Each report is built in a fresh process so that its time and peak memory are its own (no warm caches
besides the operating system's file cache). Results are appended to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent

JOB = r"""
import json, resource, sys, time
sys.path.insert(0, {src!r})
import evimap
from evimap.report import coverage_map, synthesis
store, kind, arg, out = sys.argv[1:5]
t0 = time.perf_counter()
with evimap.open(store) as c:
    if kind == "map":
        fw, by = arg.split(":")
        r = coverage_map(c, fw, by)
        t1 = time.perf_counter()
        r.to_xlsx(out + ".xlsx"); r.to_png(out + ".png"); r.to_json()
        size = f"{{len(r.categories)}} categories × {{len(r.groups)}} groups, {{sum(x.passages for x in r.cells.values()):,}} labelled passages"
    else:
        r = synthesis(c, arg, framework="gcm", by="country")
        t1 = time.perf_counter()
        r.to_markdown(); r.to_docx(out + ".docx")
        size = f"{{r.n_passages}} passages considered, {{len(r.groups)}} groups, {{len(r.clusters)}} recommendation clusters"
t2 = time.perf_counter()
print(json.dumps({{"build": t1 - t0, "total": t2 - t0, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   "size": size}}))
"""


def run(store: str, kind: str, arg: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        code = JOB.format(src=str(HERE.parent / "src"))
        res = subprocess.run([sys.executable, "-c", code, store, kind, arg, os.path.join(tmp, "out")],
                             capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    lines = [f"\n## reports.py — {date.today()}\n",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"{platform.system()}. Store: full UNGDC + IOM evaluations, mapped. Targets: map ≤ 20 s, synthesis ≤ 30 s.\n"]
    for kind, arg in (("map", "gcm:country"), ("map", "sdg:year"), ("map", "gcm:document"), ("synthesis", "data"),
                      ("synthesis", "gcm:2")):
        r = run(args.store, kind, arg)
        lines.append(f"- {kind} `{arg}`: built in {r['build']:.1f} s, with exports {r['total']:.1f} s "
                     f"({'XLSX + PNG + JSON' if kind == 'map' else 'Markdown + DOCX'}); peak RSS {r['rss_mb']:.0f} MB; "
                     f"{r['size']}")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
