"""Ingest and map through each executor, same files, same run: local processes against a Dask LocalCluster.

    python benchmarks/executors.py [--files 2000] [--no-write]

The first ``--files`` UN General Debate speeches (2000 on, sorted by path) are ingested and mapped (all four
frameworks) into a fresh SQLite store with: local processes (2 workers), Dask LocalCluster with 2 workers, Dask with
1 worker. Reported: wall times, the ratio Dask/local (the issue's target: within 1.3× — there for Dask into
PostgreSQL, which evimap does not have; here both write SQLite through this process), the 1 → 2 worker scaling, and
the cost per task the Dask run adds over local processes. Each store is compared with the local one by content
(passages by id and text hash, assigned labels).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
UNGDC = ROOT.parent / "shared" / "corpus" / "ungdc"


def content(path: Path) -> tuple:
    from evimap import Corpus

    with Corpus(path, readonly=True) as c:
        db = c.store.db
        return (sorted(tuple(r) for r in db.execute("SELECT id, text_hash FROM passages")),
                sorted(tuple(r) for r in db.execute("SELECT framework, code, passage_id FROM labels WHERE assigned = 1")))


def run(files: list[Path], folder: Path, executor: str, workers: int) -> dict:
    from evimap import Corpus
    from evimap.settings import Settings

    store = folder / f"{executor}-{workers}.db"
    with Corpus(store, settings=Settings(executor=executor)) as c:
        t0 = time.perf_counter()
        report = c.ingest([str(p) for p in files], workers=workers)
        t1 = time.perf_counter()
        c.map(["gcm", "sdg", "themes", "sg8"], workers=workers)
        t2 = time.perf_counter()
        passages = c.store.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
    return {"executor": executor, "workers": workers, "ingest": t1 - t0, "map": t2 - t1, "total": t2 - t0,
            "documents": report.added, "passages": passages, "store": store}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    files = sorted(p for p in UNGDC.glob("*/*.txt") if int(p.parent.name[:4]) >= 2000)[:args.files]
    tmp = Path(tempfile.mkdtemp(prefix="evimap-exec-"))
    try:
        runs = [run(files, tmp, "local", 2), run(files, tmp, "dask", 2), run(files, tmp, "dask", 1)]
        base = content(runs[0]["store"])
        lines = [f"{len(files)} UNGDC speeches (2000 on), ingest + map (gcm, sdg, themes, sg8) into a fresh SQLite store;"
                 f" {runs[0]['passages']:,} passages.", "",
                 "| executor | workers | ingest s | map s | total s | total / local | same store as local |",
                 "|---|---|---|---|---|---|---|"]
        for r in runs:
            same = content(r["store"]) == base
            lines.append(f"| {r['executor']} | {r['workers']} | {r['ingest']:.1f} | {r['map']:.1f} | {r['total']:.1f} | "
                         f"{r['total'] / runs[0]['total']:.2f}× | {'yes' if same else 'NO'} |")
        from evimap.corpus import DASK_FILES_PER_TASK

        tasks = -(-len(files) // DASK_FILES_PER_TASK) + -(-runs[0]["passages"] // 4000)
        extra = (runs[1]["total"] - runs[0]["total"]) / tasks * 1000
        lines += ["", f"Dask 1 → 2 workers: {runs[2]['total'] / runs[1]['total']:.2f}× faster; Dask over local processes: "
                  f"{extra:+.1f} ms per Dask task ({tasks:,} tasks: one per {DASK_FILES_PER_TASK} files, one a batch of "
                  "4,000 passages)."]
        text = "\n".join(lines)
        print(text)
        if not args.no_write:
            with open(ROOT / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as f:
                f.write(f"\n## executors.py — {datetime.now():%Y-%m-%d %H:%M}\n\n{text}\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
