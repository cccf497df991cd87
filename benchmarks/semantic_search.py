"""Search by meaning on the whole UN General Debate Corpus: latency of lexical, semantic and hybrid search, and the
recall of the approximate index against exact search.

    python benchmarks/semantic_search.py [--store PATH] [--queries 200] [--no-write]

Without ``--store`` the whole UNGDC is ingested and mapped into a temporary store first (the map time, with the
passage vectors now written, is printed: target 180 s). Queries: the ingest benchmark's words, phrases and
OR-families, and the 23 GCM objective titles as sentences (what an analyst asks by meaning). Each query is run
once to warm caches, then timed (top 10 with snippets, as `evimap search` asks): lexical (BM25), semantic exact
(one matrix-vector product), semantic through the faiss index when installed, and hybrid (the default).
recall@10: the share of exact search's top 10 that the approximate index returns in its top 10.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    import evimap
    from evimap.map import load_frameworks
    from evimap.map.embed import get_embedder
    from ingest_search import UNGDC, make_queries

    lines = [f"Machine {platform.machine()}, Python {platform.python_version()}."]
    tmp = None
    store = args.store
    if store is None:
        tmp = tempfile.TemporaryDirectory(dir="/tmp")
        store = Path(tmp.name) / "ungdc.db"
        with evimap.open(store) as corpus:
            t0 = time.perf_counter()
            corpus.ingest([UNGDC])
            t1 = time.perf_counter()
            corpus.map()
            t2 = time.perf_counter()
        lines.append(f"Whole UNGDC: ingest {t1 - t0:.1f} s, map (four frameworks, vectors kept) {t2 - t1:.1f} s.")
    with evimap.open(store, readonly=True) as corpus:
        t0 = time.perf_counter()
        index = corpus.store.semantic_index()
        if index is None:
            sys.exit(f"{store}: no passage vectors (map it first)")
        n = corpus.store.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        lines.append(f"{n:,} passages, {len(index):,} vectors; index ready in {time.perf_counter() - t0:.1f} s "
                     f"(approximate: {'faiss IVF, nprobe ' + str(index.ann.nprobe) if index.ann is not None else 'none'}).")
        gcm = [c.title for c in load_frameworks("gcm")[0].categories if c.level == "objective" or not c.parent]
        queries = (make_queries(args.queries) + gcm)[: args.queries + len(gcm)]
        emb = get_embedder("static")
        timings: dict[str, list[float]] = {k: [] for k in ("lexical", "semantic exact", "semantic", "hybrid", "embed")}
        recall = []
        for q in queries:
            for mode in ("lexical", "semantic", "hybrid"):
                corpus.search(q, mode=mode, limit=10)  # warm
            t = time.perf_counter()
            corpus.search(q, mode="lexical", limit=10)
            timings["lexical"].append(time.perf_counter() - t)
            t = time.perf_counter()
            corpus.search(q, mode="semantic", limit=10)
            timings["semantic"].append(time.perf_counter() - t)
            t = time.perf_counter()
            corpus.search(q, mode="hybrid", limit=10)
            timings["hybrid"].append(time.perf_counter() - t)
            t = time.perf_counter()
            vec = emb.encode([q])[0]
            timings["embed"].append(time.perf_counter() - t)
            t = time.perf_counter()
            exact = [rid for rid, _ in index.top(vec, 10, exact=True)]
            timings["semantic exact"].append(time.perf_counter() - t)
            if index.ann is not None:
                approx = {rid for rid, _ in index.top(vec, 10)}
                recall.append(len(approx & set(exact)) / len(exact))
        lines += ["", f"{len(queries)} queries (top 10 with snippets):", "",
                  "| search | p50 ms | p95 ms | max ms |", "|---|---|---|---|"]
        for k, v in timings.items():
            label = {"semantic exact": "semantic, exact scan only (no filters, no rows)",
                     "embed": "embedding the query alone"}.get(k, k)
            lines.append(f"| {label} | {statistics.median(v) * 1000:.1f} | {pct(v, 95) * 1000:.1f} | {max(v) * 1000:.1f} |")
        if recall:
            lines.append("")
            lines.append(f"recall@10 of the approximate index against exact search: {statistics.mean(recall):.3f} "
                         f"(min {min(recall):.1f})")
    out = "\n".join(lines)
    print(out)
    if not args.no_write:
        from mapping import publish

        publish("## semantic_search.py — " + __import__("datetime").date.today().isoformat() + "\n\n" + out + "\n")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
