"""Ingest + search benchmark on the UN General Debate Corpus and the IOM PDFs, beside bm25s.

Run: pip install -e ".[bench]" && python benchmarks/ingest_search.py [--limit N] [--queries N]
Prints figures and appends a dated section to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import resource
import tempfile
import time
from pathlib import Path

import evimap

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
UNGDC = SHARED / "corpus" / "ungdc"
IOM = SHARED / "corpus" / "iom-evaluations"

WORDS = ["migration", "migrants", "refugees", "remittances", "census", "trafficking", "smuggling", "border",
         "asylum", "diaspora", "labour", "development", "climate", "drought", "disarmament", "nuclear",
         "apartheid", "decolonization", "sovereignty", "terrorism", "pandemic", "vaccine", "poverty", "debt",
         "education", "women", "children", "water", "ocean", "fisheries", "energy", "peacekeeping",
         "sanctions", "human rights", "data", "statistics", "capacity", "training", "research", "evaluation",
         "reintegration", "return", "xenophobia", "racism", "integration", "remittance", "displacement",
         "humanitarian", "famine", "tariffs"]
PHRASES = ['"international migration"', '"human rights"', '"sustainable development"', '"climate change"',
           '"safe, orderly and regular migration"', '"global compact"', '"brain drain"', '"migrant workers"',
           '"developing countries"', '"nuclear weapons"', '"small island developing states"', '"rule of law"',
           '"General Assembly"', '"Security Council"', '"refugee camps"', '"population census"',
           '"disaggregated data"', '"return and reintegration"', '"trafficking in persons"', '"decent work"']
FAMILIES = ["data OR statistics OR information OR research OR analysis OR training OR capacity",
            "migration OR migrants OR migrant OR refugees OR asylum",
            "remittances OR diaspora OR \"brain drain\"", "monitoring OR evaluation OR review",
            "smuggling OR trafficking", "census OR survey OR registry", "climate OR drought OR flood*",
            "development OR complexity", "xenophobia OR racism OR discrimination", "border* OR visa*"]
NEARS = ["NEAR(migration development, 5)", "NEAR(refugees protection, 10)", "NEAR(climate migration, 10)",
         "NEAR(data migration, 5)", "NEAR(remittances cost, 8)", "NEAR(human trafficking, 3)",
         "NEAR(nuclear disarmament, 5)", "NEAR(debt relief, 3)", "NEAR(women rights, 5)", "NEAR(border security, 5)"]


def make_queries(n: int) -> list[str]:
    rng = random.Random(7)
    qs = list(WORDS) + PHRASES + FAMILIES + NEARS
    prefixes = ["migra*", "refug*", "remit*", "statist*", "develop*", "nucle*", "terror*", "educat*"]
    qs += prefixes
    while len(qs) < n:
        a, b = rng.sample([w for w in WORDS if " " not in w], 2)
        qs.append(f"{a} {b}")
    return qs[:n]


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux; children = worker processes
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def fts_to_bm25s(q: str) -> str:
    """bm25s has no query language: give it the plain words."""
    return " ".join(w for w in re.findall(r"[A-Za-z]+", q) if w not in ("OR", "AND", "NOT", "NEAR"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0, help="only the first N UNGDC files (0 = all)")
    ap.add_argument("--queries", type=int, default=220)
    ap.add_argument("--store", default=None)
    ap.add_argument("--no-bm25s", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    files = sorted(str(p) for p in UNGDC.rglob("*.txt") if p.name != "SOURCE-README.txt")
    if args.limit:
        files = files[: args.limit]
    pdfs = sorted(str(p) for p in IOM.glob("*.pdf"))
    mb = sum(os.path.getsize(f) for f in files) / 1e6
    tmp = tempfile.mkdtemp(prefix="evimap-bench-")
    store = args.store or os.path.join(tmp, "bench.db")

    corpus = evimap.open(store)
    t0 = time.perf_counter()
    rep = corpus.ingest(files)
    t_ungdc = time.perf_counter() - t0
    t0 = time.perf_counter()
    rep_pdf = corpus.ingest(pdfs, workers=2)
    t_pdf = time.perf_counter() - t0
    pages = rep_pdf.pages
    stats = corpus.status()
    size_mb = sum(os.path.getsize(p) for p in Path(store).parent.glob(Path(store).name + "*") if p.is_file()) / 1e6
    rank_dir = Path(store + ".rank")
    rank_mb = sum(p.stat().st_size for p in rank_dir.glob("*")) / 1e6 if rank_dir.exists() else 0.0
    rss = peak_rss_mb()

    # PDF text extraction alone (reader + repairs + segmentation), single process
    from evimap.ingest import process_file

    t0 = time.perf_counter()
    n_pages = 0
    for p in pdfs:
        n_pages += process_file(p).pages or 0
    t_pdf_only = time.perf_counter() - t0

    queries = make_queries(args.queries)
    for q in queries[:20]:
        corpus.search(q, limit=10)  # warm the page cache
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        corpus.search(q, limit=10)
        lat.append((time.perf_counter() - t0) * 1000)
    corpus.store.use_postings = False  # the same queries ranked by FTS5's bm25() alone
    lat_fts = []
    for q in queries:
        t0 = time.perf_counter()
        corpus.search(q, limit=10)
        lat_fts.append((time.perf_counter() - t0) * 1000)
    corpus.store.use_postings = True

    bm = {}
    if not args.no_bm25s:
        import bm25s

        texts = [r[0] for r in corpus.store.db.execute("SELECT text FROM passages WHERE dup_of IS NULL")]
        t0 = time.perf_counter()
        tokens = bm25s.tokenize(texts, stopwords="en", show_progress=False)
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        bm["index_s"] = time.perf_counter() - t0
        bm_lat = []
        for q in queries:
            qq = fts_to_bm25s(q)
            t0 = time.perf_counter()
            qt = bm25s.tokenize([qq], stopwords="en", show_progress=False)
            if qt.vocab:
                try:
                    retriever.retrieve(qt, k=10, show_progress=False)
                except (ValueError, IndexError):
                    pass
            bm_lat.append((time.perf_counter() - t0) * 1000)
        bm["p50"], bm["p95"] = pct(bm_lat, 0.5), pct(bm_lat, 0.95)
        del texts, tokens, retriever

    lines = [
        f"UNGDC files: {len(files):,} ({mb:.0f} MB) in {t_ungdc:.1f} s → {len(files) / t_ungdc:.0f} docs/s, "
        f"{mb / t_ungdc:.2f} MB/s (ingest + FTS5 index + near-duplicate pass, {os.cpu_count()} workers)",
        f"failures: {len(rep.failed)}; near-duplicate documents: {len(stats['duplicates'])}",
        f"IOM PDFs: {len(pdfs)} files, {pages} pages ingested in {t_pdf:.1f} s; PDF pipeline alone "
        f"(1 process, read+repair+segment+metadata): {n_pages / t_pdf_only:.0f} pages/s",
        f"passages: {stats['passages']:,} ({stats['duplicate_passages']:,} collapsed as duplicates); "
        f"store size {size_mb:.0f} MB + search postings {rank_mb:.0f} MB",
        "search postings rebuilt at the end of each ingest (included above): "
        f"{(rep.rank_index or {}).get('seconds', 0):.1f} s after the UNGDC, "
        f"{(rep_pdf.rank_index or {}).get('seconds', 0):.1f} s after the PDFs",
        f"peak RSS: {rss:.0f} MB (max of main process and largest worker)",
        f"search ({len(queries)} queries: words, phrases, OR-families, NEAR, prefix; top 10 with snippets): "
        f"p50 {pct(lat, 0.5):.1f} ms, p95 {pct(lat, 0.95):.1f} ms, max {max(lat):.1f} ms; "
        f"ranked by FTS5 alone: p50 {pct(lat_fts, 0.5):.1f} ms, p95 {pct(lat_fts, 0.95):.1f} ms, "
        f"max {max(lat_fts):.1f} ms",
    ]
    if bm:
        lines.append(
            f"bm25s same passages: index {bm['index_s']:.1f} s (evimap ingest+index / bm25s index = "
            f"{t_ungdc / bm['index_s']:.1f}×); query p50 {bm['p50']:.1f} ms, p95 {bm['p95']:.1f} ms "
            f"(evimap p95 / bm25s p95 = {pct(lat, 0.95) / bm['p95']:.2f}×)"
        )
    print("\n".join(lines))
    slow = sorted(zip(lat, queries), reverse=True)[:5]
    print("slowest queries:", ", ".join(f"{q} ({t:.0f} ms)" for t, q in slow))
    if not args.no_write:
        machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
        section = [f"\n## ingest_search.py — {time.strftime('%Y-%m-%d')}", "", f"Machine: {machine}.", ""]
        section += [f"- {l}" for l in lines]
        section += ["- slowest queries: " + ", ".join(f"`{q}` {t:.0f} ms" for t, q in slow)]
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write("\n".join(section) + "\n")
    corpus.close()


if __name__ == "__main__":
    main()
