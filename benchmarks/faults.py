"""Fault injection: adversarial inputs, kill -9 at random points, a server under a writer, server processes.

Subcommands:

``inputs``: ingest time of adversarial text files at 100 KB, 250 KB and 1 MB. Each kind of input is
written to a temporary folder at three sizes and ingested, one file at a time, into a fresh temporary
store with ``evimap.open(...).ingest(...)``. The script prints seconds per size and the ratio
time(1 MB) / time(250 KB): about 4 means the readers are linear in input size, 16 means quadratic.
Target: every 1 MB input in at most 2 s.

``kills``: ``kill -9`` of the main process at a random delay (seeded RNG, printed) into ``evimap ingest``
(300 UNGDC files, ``-j 2``, a fresh store each time), ``evimap map`` (a copy of the ingested store each
time) and ``evimap reindex --force`` (one store, one kill after the other), each followed by a rerun of
the same command. After each rerun the store is compared with a clean store built from the same files
without kills: documents (path, SHA-256, passage and character counts), passages (id + text hash),
labels (scores to 6 decimals) and mapped marks, claims, near-duplicate links, ``PRAGMA integrity_check``,
the FTS5 integrity check, the search postings' state and leftover ``STORE.rank.tmp-*`` / ``.old-*``
folders. Target: identical, 0 documents lost or duplicated.

``serve-ingest``: ``evimap serve --workers 2`` on a store of 1,000 UNGDC speeches (mapped); 50
closed-loop clients (search API, search pages, passage pages, document pages) for 60 s while another
process ingests 200 more speeches (``-j 2``) and maps them, then 10 s more. Target: 0 errors during and
after; afterwards the server's totals equal a freshly opened store's.

``workers``: answers/s of ``serve --workers 2`` against ``--workers 1`` under the same 50-client load,
same store, no writer, the load generator on the same machine. Target: ratio >= 1.6.

``huge-line``: ``evimap ingest`` (one process) of one text file that is a single line of about ``--mb``
MB: a sentence repeated, in Latin-1 (``--script latin1``: one byte per character in Python), with
curly quotes and dashes (``bmp``: two bytes per character) or with an emoji (``astral``: four bytes).
Peak RSS of the process and its children, sampled every 0.2 s. Target: <= 1 GB for any file under the
100 MB limit.

    python benchmarks/faults.py inputs [--sizes 100,250,1000] [--only nested-brackets,...]
    python benchmarks/faults.py kills [--files 300] [--seed N]
    python benchmarks/faults.py serve-ingest [--work DIR]
    python benchmarks/faults.py workers --store STORE [--order 1,2,1,2] [--seconds 30]
    python benchmarks/faults.py huge-line [--mb 100] [--script latin1|bmp|astral]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import psutil

import evimap
from evimap.settings import Settings

sys.path.insert(0, str(Path(__file__).parent))
import web_load  # noqa: E402
from ingest_search import make_queries  # noqa: E402

KB = 1024


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _nested_brackets(size: int) -> str:
    half = size // 2
    return "[" * half + "x" + "]" * (size - half - 1) + "\n"


def _nested_html(size: int) -> str:
    depth = 5000
    body = "<div>" * depth + "deep text " + "</div>" * depth
    filler = _repeat("<p>Some paragraph text of an ordinary kind.</p>\n", max(0, size - len(body) - 40))
    return "<html><body>" + filler + body + "</body></html>\n"


def _lines(line: str) -> Callable[[int], str]:
    return lambda size: _repeat(line + "\n", size)


# name -> (file suffix, generator of about `size` characters)
INPUTS: dict[str, tuple[str, Callable[[int], str]]] = {
    "nested-brackets": (".md", _nested_brackets),
    "run-of-[": (".md", lambda s: "[" * s + "\n"),
    "run-of-(": (".md", lambda s: "(" * s + "\n"),
    "run-of-*": (".md", lambda s: "*" * s + "\n"),
    "run-of-_": (".md", lambda s: "_" * s + "\n"),
    "link-openers": (".md", lambda s: _repeat("[a](", s) + "\n"),
    "bold-openers": (".md", lambda s: _repeat("**a ", s) + "\n"),
    "tag-openers": (".md", lambda s: _repeat("<b", s) + "\n"),
    "sup-spaces": (".md", lambda s: "<sup>" + " " * s + "\n"),
    "heading-hashes": (".md", lambda s: "# a" + "#" * s + "b\n"),
    "heading-spaces": (".md", lambda s: "# a" + " " * s + "b\n"),
    "one-line-no-spaces": (".txt", lambda s: _repeat("abcdefghij", s) + "\n"),
    "one-line-no-spaces-md": (".md", lambda s: _repeat("abcdefghij", s) + "\n"),
    "nested-html-5000": (".html", _nested_html),
    "many-headings": (".md", _lines("# Heading")),
    "many-blank-lines": (".md", lambda s: "Start.\n" + "\n" * s + "End.\n"),
    "dash-lines": (".md", _lines("-" * 40)),
    "dash-lines-txt": (".txt", _lines("-" * 40)),
}


def ingest_seconds(folder: Path, name: str, suffix: str, text: str) -> tuple[float, str]:
    """Seconds to ingest one file into a fresh store, and how it ended (ok / failed: reason)."""
    path = folder / f"{name}-{len(text)}{suffix}"
    path.write_text(text, encoding="utf-8")
    store = folder / f"{path.stem}.db"
    corpus = evimap.open(store, settings=Settings())
    started = time.perf_counter()
    report = corpus.ingest([path], workers=1)
    seconds = time.perf_counter() - started
    outcome = "ok" if not report.failed else "failed: " + report.failed[0][1][:60]
    return seconds, outcome


def inputs_main(args: argparse.Namespace) -> None:
    sizes = [int(s) * KB for s in args.sizes.split(",")]
    names = [n for n in INPUTS if not args.only or n in args.only.split(",")]
    header = "| input | " + " | ".join(f"{s // KB} KB (s)" for s in sizes) + " | ratio last/prev | outcome |"
    print(header)
    print("|" + "---|" * (len(sizes) + 3))
    with tempfile.TemporaryDirectory(prefix="evimap-faults-") as tmp:
        folder = Path(tmp)
        for name in names:
            suffix, make = INPUTS[name]
            times: list[float] = []
            outcome = ""
            for size in sizes:
                seconds, outcome = ingest_seconds(folder, name, suffix, make(size))
                times.append(seconds)
            ratio = times[-1] / times[-2] if len(times) > 1 and times[-2] > 0 else float("nan")
            cells = " | ".join(f"{t:.2f}" for t in times)
            print(f"| {name} | {cells} | {ratio:.1f} | {outcome} |", flush=True)


# ---------------------------------------------------------------------------------------------------------
# Shared helpers of the long parts (kills, serve-ingest, workers)

EVIMAP = str(Path(sys.executable).with_name("evimap"))
UNGDC = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ungdc"


def ungdc_files(corpus: Path) -> list[Path]:
    """Every speech of the UNGDC folder (one .txt per speech in session folders), in path order."""
    return sorted(p for p in corpus.rglob("*.txt") if p.parent != corpus)


def copy_files(files: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, folder / f.name)
    return folder


def evimap_cmd(*args: str, store: Path) -> list[str]:
    return [EVIMAP, *args, "--store", str(store)]


def run(cmd: list[str], timeout: float = 1800) -> tuple[int, float, str, str]:
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return done.returncode, time.perf_counter() - t, done.stdout, done.stderr


def leftovers(store: Path) -> list[str]:
    return sorted(p.name for p in store.parent.glob(store.name + ".rank.*") if "-" in p.suffix)


def ro(store: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)


def count(store: Path, sql: str) -> int | None:
    try:
        db = ro(store)
        try:
            return db.execute(sql).fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return None


def store_state(store: Path) -> dict[str, Any]:
    """What the comparison looks at: documents, passages (id + text hash), labels, mapped marks, claims,
    near-duplicate links, integrity, and the folders a build leaves beside the store."""
    db = sqlite3.connect(store, timeout=30)
    try:
        docs = db.execute("SELECT id, path, sha256, n_passages, n_chars FROM documents").fetchall()
        passages = db.execute("SELECT id, text_hash FROM passages").fetchall()
        per_doc = dict(db.execute("SELECT doc_id, COUNT(*) FROM passages GROUP BY doc_id").fetchall())
        labels = db.execute("SELECT framework, code, passage_id, score, assigned FROM labels").fetchall()
        mapped = db.execute("SELECT framework, passage_id, fingerprint FROM mapped").fetchall()
        claims = [("claims", *r) for r in db.execute("SELECT * FROM claims")]
        doc_claims = [("doc_claims", *r) for r in db.execute("SELECT * FROM doc_claims")]
        attribution = [(t, *r) for t in ("mentions", "figures", "people", "events", "abbreviations")
                       for r in db.execute(f"SELECT * FROM {t}")]
        doc_dups = db.execute("SELECT id, duplicate_of FROM documents WHERE duplicate_of IS NOT NULL").fetchall()
        passage_dups = db.execute("SELECT id, dup_of FROM passages WHERE dup_of IS NOT NULL").fetchall()
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        try:
            db.execute("INSERT INTO passages_fts(passages_fts, rank) VALUES ('integrity-check', 1)")
            fts = "ok"
        except sqlite3.Error as exc:
            fts = f"FTS: {exc}"
        n_fts = db.execute("SELECT COUNT(*) FROM passages_fts").fetchone()[0]
    finally:
        db.close()
    with evimap.open(store, readonly=True) as corpus:
        postings = corpus.search_postings()
    return {
        "docs": docs, "passages": passages, "incomplete_docs": sum(1 for d in docs if per_doc.get(d[0], 0) != d[3]),
        "labels": labels, "mapped": mapped, "claims": claims + doc_claims, "attribution": attribution, "doc_dups": doc_dups, "passage_dups": passage_dups,
        "integrity": integrity, "fts": fts, "fts_rows": n_fts, "postings": postings, "leftovers": leftovers(store),
    }


def compare(got: dict[str, Any], clean: dict[str, Any]) -> dict[str, Any]:
    """Differences of a store that was killed and rerun from the clean one (0 everywhere = identical)."""
    g_docs, c_docs = {d[1]: d for d in got["docs"]}, {d[1]: d for d in clean["docs"]}
    g_paths = Counter(d[1] for d in got["docs"])
    g_shas = Counter(d[2] for d in got["docs"])
    c_shas = Counter(d[2] for d in clean["docs"])
    exact_labels = len(set(got["labels"]) ^ set(clean["labels"]))
    rounded = lambda rows: {(f, c, p, round(s, 6), a) for f, c, p, s, a in rows}  # noqa: E731
    return {
        "docs": len(got["docs"]),
        "lost": len(set(c_docs) - set(g_docs)),
        "extra": len(set(g_docs) - set(c_docs)),
        "duplicated": sum(n - 1 for n in g_paths.values()) + sum(max(0, n - c_shas[s]) for s, n in g_shas.items()),
        "doc_rows_differ": sum(1 for k in set(g_docs) & set(c_docs) if g_docs[k] != c_docs[k]),
        "incomplete": got["incomplete_docs"],
        "passages": len(got["passages"]),
        "passages_differ": len(set(got["passages"]) ^ set(clean["passages"])),
        "labels": len(got["labels"]),
        "labels_differ": len(rounded(got["labels"]) ^ rounded(clean["labels"])),
        "labels_differ_exact": exact_labels,
        "mapped_differ": len(set(got["mapped"]) ^ set(clean["mapped"])),
        "claims": len(got["claims"]),
        "claims_differ": sum(((Counter(got["claims"]) - Counter(clean["claims"])) +
                              (Counter(clean["claims"]) - Counter(got["claims"]))).values()),
        "attribution_differ": sum(((Counter(got["attribution"]) - Counter(clean["attribution"])) +
                                   (Counter(clean["attribution"]) - Counter(got["attribution"]))).values()),
        "dup_links_differ": len(set(got["doc_dups"]) ^ set(clean["doc_dups"])) +
                            len(set(got["passage_dups"]) ^ set(clean["passage_dups"])),
        "integrity": got["integrity"], "fts": got["fts"],
        "fts_rows_ok": got["fts_rows"] == len(got["passages"]),
        "postings": got["postings"], "leftovers": got["leftovers"],
    }


def identical(diff: dict[str, Any], labels: bool) -> bool:
    keys = ["lost", "extra", "duplicated", "doc_rows_differ", "incomplete", "passages_differ", "claims_differ",
            "attribution_differ", "dup_links_differ"] + (["labels_differ", "mapped_differ"] if labels else [])
    return (all(diff[k] == 0 for k in keys) and diff["integrity"] == "ok" and diff["fts"] == "ok"
            and diff["fts_rows_ok"] and diff["postings"] == "current" and not diff["leftovers"])


def copy_store(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(str(src) + suffix).exists():
            shutil.copy2(str(src) + suffix, str(dst) + suffix)
    if Path(str(src) + ".rank").exists():
        shutil.copytree(str(src) + ".rank", str(dst) + ".rank")


def remove_store(store: Path) -> None:
    for p in store.parent.glob(store.name + "*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()


# ---------------------------------------------------------------------------------------------------------
# kills: kill -9 at random points of ingest, map and reindex; each followed by a rerun of the same command


def kill_at(cmd: list[str], delay: float, store: Path) -> dict[str, Any]:
    """Start ``cmd``, kill -9 its main process after ``delay`` s (as `kill -9 PID` does), and say what was
    there: whether it was still running, its pool processes and whether they ended by themselves."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(delay)
    if proc.poll() is not None:
        proc.communicate()
        return {"killed": False}
    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        kids = []
    tmp_before = leftovers(store)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    gone, alive = psutil.wait_procs(kids, timeout=10)
    for p in alive:  # our own processes: ended by pid, and reported
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    return {"killed": True, "pool": len(kids), "pool_outlived": len(alive), "tmp_at_kill": tmp_before,
            "tmp_after_kill": leftovers(store)}


def kills_main(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    print(f"kills: seed {args.seed}; {args.ingest_kills} ingest, {args.map_kills} map, {args.reindex_kills} reindex kills; "
          f"{args.files} UNGDC files; machine {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
          flush=True)
    work = Path(tempfile.mkdtemp(prefix="evimap-kills-", dir=args.tmp))
    try:
        files = ungdc_files(Path(args.corpus))
        step = max(1, len(files) // args.files)
        src = copy_files(files[::step][: args.files], work / "src")
        ingest = lambda store: evimap_cmd("ingest", str(src), "-j", "2", "--json", store=store)  # noqa: E731
        mapc = lambda store: evimap_cmd("map", store=store)  # noqa: E731
        reindex = lambda store: evimap_cmd("reindex", "--force", store=store)  # noqa: E731

        # the clean store, built without kills; its command times set the kill windows
        clean = work / "clean.db"
        t_ingest = run(ingest(clean))[1]
        clean_ingested = store_state(clean)
        t_map = run(mapc(clean))[1]
        t_reindex = run(reindex(clean))[1]
        clean_final = store_state(clean)
        print(f"clean store: {len(clean_final['docs'])} documents, {len(clean_final['passages']):,} passages, "
              f"{len(clean_final['labels']):,} labels, {len(clean_final['claims']):,} claims (passage and document), "
              f"{len(clean_final['attribution']):,} other attribution rows; "
              f"ingest {t_ingest:.1f} s, map {t_map:.1f} s, reindex --force {t_reindex:.1f} s (wall, CLI)", flush=True)

        rows: list[dict[str, Any]] = []

        def trial(kind: str, cmd: list[str], window: float, store: Path, clean_state: dict[str, Any],
                  labels: bool, prepare: Callable[[], None] = lambda: None) -> None:
            for attempt in range(5):
                prepare()
                delay = round(rng.uniform(0.05, 0.95) * window, 2)
                k = kill_at(cmd, delay, store)
                if k["killed"]:
                    break
                print(f"  {kind}: finished before {delay} s; drawing another delay", flush=True)
            if not k["killed"]:
                raise SystemExit(f"{kind} always finished before its kill: shorter delays needed")
            at_kill = {"docs": count(store, "SELECT COUNT(*) FROM documents"),
                       "labels": count(store, "SELECT COUNT(*) FROM mapped"),
                       "integrity": (ro(store).execute("PRAGMA integrity_check").fetchone()[0]
                                     if store.exists() else "no store")}
            rc, secs, out, err = run(cmd)
            rerun = ""
            if kind == "ingest" and rc == 0:
                rep = json.loads(out)
                rerun = f"+{rep['added']} skipped {rep['skipped']}"
            diff = compare(store_state(store), clean_state)
            row = {"n": len(rows) + 1, "kind": kind, "delay": delay, **k, "at_kill": at_kill, "rc": rc,
                   "rerun_s": secs, "rerun": rerun, "err": err.strip().splitlines()[-1:] if rc else [], **diff,
                   "identical": identical(diff, labels)}
            rows.append(row)
            print(f"| {row['n']} | {kind} | {delay:.2f} | {at_kill['docs']} | {at_kill['labels']} | "
                  f"{','.join(k['tmp_at_kill']) or '-'} | {k['pool']}/{k['pool_outlived']} | {at_kill['integrity']} | "
                  f"{rc} {secs:.1f} s {rerun} | {diff['docs']} | {diff['lost']}/{diff['duplicated']} | "
                  f"{diff['passages_differ']} | {diff['labels_differ'] if labels else '-'} | "
                  f"{diff['claims_differ']}/{diff['attribution_differ']} | "
                  f"{diff['dup_links_differ']} | {diff['integrity']}/{diff['fts']} | {diff['postings']} | "
                  f"{','.join(diff['leftovers']) or 'none'} | {'yes' if row['identical'] else '**NO**'} |", flush=True)

        print("\n| # | command | kill after s | docs at kill | mapped marks at kill | temp folders at kill | "
              "pool procs / outlived | integrity after kill | rerun (exit, wall) | docs after | lost/duplicated | "
              "passages differ | labels differ | claims/other attribution rows differ | dup links differ | integrity/FTS | postings | "
              "leftovers | identical to clean |")
        print("|" + "---|" * 19, flush=True)
        store = work / "s.db"
        for i in range(args.ingest_kills):  # each on a fresh store: a kill anywhere in a full ingest
            trial("ingest", ingest(store), t_ingest, store, clean_ingested, labels=False,
                  prepare=lambda: remove_store(store))
        ingested = work / "ingested.db"  # the last kill-and-rerun store, not yet mapped
        copy_store(store, ingested)
        def fresh_copy() -> None:
            remove_store(store)
            copy_store(ingested, store)

        for i in range(args.map_kills):  # each on a copy of it: a kill anywhere in a full map
            trial("map", mapc(store), t_map, store, clean_final, labels=True, prepare=fresh_copy)
        for i in range(args.reindex_kills):  # on the same store, one after the other
            trial("reindex", reindex(store), t_reindex, store, clean_final, labels=True)
        final = compare(store_state(store), clean_final)
        kills = len(rows)
        print(f"\nfinal store (after {kills} kills and their reruns) against the clean store: {final['docs']} documents "
              f"({final['lost']} lost, {final['duplicated']} duplicated, {final['extra']} extra), "
              f"{final['passages']:,} passages ({final['passages_differ']} differ by id/text hash), "
              f"{final['labels']:,} labels ({final['labels_differ']} differ; {final['labels_differ_exact']} "
              f"with exact scores), {final['claims']:,} claims ({final['claims_differ']} differ), other attribution "
              f"rows (mentions, figures, people, events, abbreviations) differing: {final['attribution_differ']}, "
              f"near-duplicate links differing: {final['dup_links_differ']}, integrity_check {final['integrity']}, "
              f"FTS {final['fts']}, postings {final['postings']}, leftovers: {final['leftovers'] or 'none'}")
        bad = [r["n"] for r in rows if not r["identical"]]
        print(f"kills that landed: {kills}; reruns identical to the clean store: {kills - len(bad)}"
              + (f"; NOT identical: {bad}" if bad else ""))
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------------------------------------
# serve-ingest and workers: 50 closed-loop clients against `evimap serve`


class Load:
    """Closed-loop keep-alive clients (web_load.py's raw-socket HTTP) over a mix of search API calls, search
    pages, passage pages and document pages; every answer recorded with its start time."""

    def __init__(self, port: int, paths: dict[str, list[str]], weights: dict[str, float]):
        self.port, self.paths, self.weights = port, paths, weights
        self.records: list[tuple[float, float, int, str]] = []  # (start, seconds, status, kind)
        self.errors: list[tuple[float, str]] = []

    async def client(self, go_on: Callable[[], bool], seed: int) -> None:
        rng = random.Random(seed)
        kinds, weights = list(self.weights), list(self.weights.values())
        conn = None
        while go_on():
            kind = rng.choices(kinds, weights)[0]
            path = rng.choice(self.paths[kind])
            t = time.monotonic()
            try:
                if conn is None:
                    conn = await asyncio.open_connection("127.0.0.1", self.port)
                status = await asyncio.wait_for(web_load.fetch(*conn, self.port, path), 30)
            except (OSError, asyncio.IncompleteReadError, ValueError, asyncio.TimeoutError) as exc:
                self.errors.append((t, f"{type(exc).__name__} on {kind} {path[:80]}"))
                if conn is not None:
                    conn[1].close()
                conn = None
                await asyncio.sleep(0.05)
                continue
            self.records.append((t, time.monotonic() - t, status, kind))
            if status != 200:
                self.errors.append((t, f"HTTP {status} on {kind} {path[:80]}"))
        if conn is not None:
            conn[1].close()

    async def run(self, clients: int, seconds: float, seed: int = 0, also: Callable[[], bool] = lambda: False) -> None:
        """Clients for ``seconds``, and for as long after as ``also()`` is true."""
        until = time.monotonic() + seconds
        go_on = lambda: time.monotonic() < until or also()  # noqa: E731
        await asyncio.gather(*(self.client(go_on, seed * 1000 + i) for i in range(clients)))


def load_paths(store: Path, n_passages: int = 300, n_docs: int = 100) -> dict[str, list[str]]:
    queries = make_queries(220)
    db = ro(store)
    try:
        pids = [r[0] for r in db.execute("SELECT id FROM passages WHERE dup_of IS NULL ORDER BY id").fetchall()]
        names = [r[0] for r in db.execute("SELECT name FROM documents ORDER BY name").fetchall()]
    finally:
        db.close()
    rng = random.Random(11)
    return {
        "api": [f"/api/search?q={urllib.parse.quote(q)}&per_page=10" for q in queries],
        "page": [f"/search?q={urllib.parse.quote(q)}" for q in queries],
        "passage": [f"/passages/{p}" for p in rng.sample(pids, min(n_passages, len(pids)))],
        "document": [f"/documents/{urllib.parse.quote(n)}" for n in rng.sample(names, min(n_docs, len(names)))],
    }


MIX = {"api": 0.40, "page": 0.25, "passage": 0.20, "document": 0.15}


def stats(records: list[tuple[float, float, int, str]], errors: list[tuple[float, str]], t0: float, t1: float
          ) -> dict[str, Any]:
    lat = sorted(r[1] for r in records if t0 <= r[0] < t1)
    errs = [e for e in errors if t0 <= e[0] < t1]
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")  # noqa: E731
    return {"answers": len(lat), "errors": len(errs), "examples": Counter(e[1] for e in errs).most_common(5),
            "seconds": t1 - t0, "rps": len(lat) / (t1 - t0) if t1 > t0 else float("nan"),
            "p50": q(0.50), "p95": q(0.95), "p99": q(0.99), "max": lat[-1] * 1000 if lat else float("nan")}


def fmt(name: str, s: dict[str, Any]) -> str:
    return (f"| {name} | {s['seconds']:.1f} | {s['answers']:,} | {s['rps']:.0f} | {s['errors']} | {s['p50']:.0f} | "
            f"{s['p95']:.0f} | {s['p99']:.0f} | {s['max']:.0f} |" + (f" {s['examples']}" if s["errors"] else ""))


def by_kind(records: list[tuple[float, float, int, str]], t0: float, t1: float) -> str:
    """p50/p95 in ms of each kind of request started between t0 and t1."""
    out = []
    for kind in MIX:
        lat = sorted(r[1] for r in records if t0 <= r[0] < t1 and r[3] == kind)
        if lat:
            out.append(f"{kind} {len(lat):,} answers, p50 {lat[len(lat) // 2] * 1000:.0f} / "
                       f"p95 {lat[min(len(lat) - 1, int(0.95 * len(lat)))] * 1000:.0f} ms")
    return "; ".join(out)


def get_json(port: int, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as r:
        return json.loads(r.read())


def warm(port: int, paths: dict[str, list[str]]) -> None:
    for kind in paths:
        for p in paths[kind]:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{p}", timeout=60).read()


def serve_ingest_main(args: argparse.Namespace) -> None:
    print(f"serve-ingest: {args.base} UNGDC speeches mapped, then {args.more} more ingested (-j 2) and mapped while "
          f"{args.clients} clients run {args.seconds:g} s (and {args.after:g} s after); serve --workers {args.workers}; "
          f"machine {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}", flush=True)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="evimap-serve-", dir=args.tmp))
    work.mkdir(parents=True, exist_ok=True)
    store = work / "s.db"
    files = ungdc_files(Path(args.corpus))
    base_files = files[::10][: args.base]
    more_files = files[5::10][: args.more]
    proc = None
    try:
        if not store.exists():
            src = copy_files(base_files, work / "base")
            rc, secs, _, err = run(evimap_cmd("ingest", str(src), "-j", "2", "--quiet", store=store))
            rc2, secs2, _, err2 = run(evimap_cmd("map", store=store))
            assert rc == 0 and rc2 == 0, (err, err2)
            print(f"base store: ingest {secs:.1f} s, map {secs2:.1f} s", flush=True)
        more = copy_files(more_files, work / "more")
        if args.keep_base:
            copy_store(store, work / "base.db") if not (work / "base.db").exists() else None
        with evimap.open(store, readonly=True) as c:
            st = c.status()
        print(f"store before: {st['documents']:,} documents, {st['passages']:,} passages", flush=True)
        paths = load_paths(store)
        port = web_load.free_port()
        proc = web_load.start_server(str(store), port, args.workers)
        warm(port, paths)
        load = Load(port, paths, MIX)
        writer: dict[str, Any] = {}

        def write() -> None:
            writer["start"] = time.monotonic()
            writer["ingest"] = run(evimap_cmd("ingest", str(more), "-j", "2", "--quiet", store=store))
            writer["ingested"] = time.monotonic()
            writer["map"] = run(evimap_cmd("map", store=store))
            writer["end"] = time.monotonic()

        async def scenario() -> None:
            loop = asyncio.get_running_loop()
            t0 = time.monotonic()
            clients = asyncio.ensure_future(load.run(args.clients, args.seconds, also=lambda: "end" not in writer))
            await asyncio.sleep(0.5)  # the clients are connected and answered before the writer starts
            await loop.run_in_executor(None, write)
            await clients
            writer["clients_end"] = time.monotonic()
            await load.run(args.clients, args.after, seed=1)
            writer["t0"], writer["after_end"] = t0, time.monotonic()

        asyncio.run(scenario())
        w = writer
        for step in ("ingest", "map"):
            rc, secs, out, err = w[step]
            print(f"writer {step}: exit {rc}, {secs:.1f} s" + (f"; stderr: {err.strip()[-300:]}" if rc else ""))
        print(f"writer started at +{w['start'] - w['t0']:.1f} s, ingest done +{w['ingested'] - w['t0']:.1f} s, "
              f"map done +{w['end'] - w['t0']:.1f} s; clients stopped +{w['clients_end'] - w['t0']:.1f} s")
        print("\n| phase | s | answers | answers/s | errors | p50 ms | p95 ms | p99 ms | max ms |")
        print("|---|---|---|---|---|---|---|---|---|")
        phases = [("before the writer", w["t0"], w["start"]), ("during ingest", w["start"], w["ingested"]),
                  ("during map", w["ingested"], w["end"]), ("during writes (ingest + map)", w["start"], w["end"])]
        if w["clients_end"] > w["end"]:
            phases.append(("after writes, same run", w["end"], w["clients_end"]))
        phases.append((f"the {args.after:g} s after", w["clients_end"], w["after_end"]))
        for name, a, b in phases:
            print(fmt(name, stats(load.records, load.errors, a, b)))
        print()
        for name, a, b in phases:
            if b - a > 1:
                print(f"{name}, by kind: {by_kind(load.records, a, b)}")
        kinds = Counter(r[3] for r in load.records)
        print(f"answers by kind: {dict(kinds)}; all errors: {len(load.errors)}")
        # the server's totals against a freshly opened store
        with evimap.open(store, readonly=True) as fresh:
            st2 = fresh.status()
            checks = {q: fresh.count_estimate(q)[0] for q in ("development", "nuclear disarmament", "refugees",
                                                              '"climate change"', "terror*", "peace")}
        served = get_json(port, "/api/status")
        served_counts = {q: get_json(port, f"/api/search?q={urllib.parse.quote(q)}&per_page=1")["total"] for q in checks}
        same = (served["documents"] == st2["documents"] and served["passages"] == st2["passages"]
                and served_counts == checks)
        print(f"after: server /api/status {served['documents']:,} documents, {served['passages']:,} passages; fresh store "
              f"{st2['documents']:,} / {st2['passages']:,}; search totals server {served_counts} vs fresh {checks}: "
              f"{'equal' if same else 'DIFFERENT'}")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


def cpu_seconds(pids: list[psutil.Process]) -> float:
    total = 0.0
    for p in pids:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def workers_main(args: argparse.Namespace) -> None:
    store = Path(args.store)
    with evimap.open(store, readonly=True) as c:
        st = c.status()
    print(f"workers: {store.name} ({st['documents']:,} documents, {st['passages']:,} passages), {args.clients} clients, "
          f"{args.seconds:g} s per run after a warm-up pass, order {args.order}, search cache {args.search_cache}; "
          f"machine {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}", flush=True)
    mix = {k: float(v) for k, _, v in (kv.partition("=") for kv in args.mix.split(","))} if args.mix else MIX
    paths = {k: v for k, v in load_paths(store).items() if k in mix}
    print(f"mix: {mix}")
    me = psutil.Process()
    print("\n| run | server processes | answers | answers/s | errors | p50 ms | p95 ms | CPU s: front | pool | "
          "load generator | machine busy |")
    print("|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    totals: dict[int, list[float]] = {}
    kinds: list[str] = []
    for i, workers in enumerate(int(w) for w in args.order.split(",")):
        port = web_load.free_port()
        proc = web_load.start_server(str(store), port, workers, search_cache=args.search_cache)
        try:
            warm(port, paths)
            front = psutil.Process(proc.pid)
            pool = front.children(recursive=True)
            c0 = (cpu_seconds([front]), cpu_seconds(pool), cpu_seconds([me]))
            psutil.cpu_percent(None)
            load = Load(port, paths, mix)
            t0 = time.monotonic()
            asyncio.run(load.run(args.clients, args.seconds, seed=i))
            t1 = time.monotonic()
            busy = psutil.cpu_percent(None)
            c1 = (cpu_seconds([front]), cpu_seconds(pool), cpu_seconds([me]))
        finally:
            proc.terminate()
            proc.wait(30)
        s = stats(load.records, load.errors, t0, t1)
        totals.setdefault(workers, []).append(s["rps"])
        kinds.append(f"run {i + 1} ({workers}), by kind: {by_kind(load.records, t0, t1)}")
        print(f"| {i + 1} | {workers} | {s['answers']:,} | {s['rps']:.1f} | {s['errors']} | {s['p50']:.0f} | "
              f"{s['p95']:.0f} | {c1[0] - c0[0]:.1f} | {c1[1] - c0[1]:.1f} ({len(pool)} procs) | {c1[2] - c0[2]:.1f} | "
              f"{busy:.0f}% |", flush=True)
    print("\n" + "\n".join(kinds))
    if 1 in totals and 2 in totals:
        one, two = statistics.fmean(totals[1]), statistics.fmean(totals[2])
        print(f"\nthroughput: --workers 1 {one:.1f} answers/s, --workers 2 {two:.1f} answers/s (means of the runs): "
              f"ratio {two / one:.2f}x (target >= 1.6x)")


SENTENCES = {
    "latin1": "Migrants and refugees need protection, and data on their situation is scarce in many countries. ",
    "bmp": "Migrants’ rights — and “data” on their situation — are scarce in many countries. ",
    "astral": "Migrants and refugees need protection 🌍 and data on their situation is scarce. ",
}


def huge_line_main(args: argparse.Namespace) -> None:
    sentence = SENTENCES[args.script]
    target = int(args.mb * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="evimap-huge-", dir=args.tmp) as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        path = folder / f"huge-{args.script}.txt"
        unit = sentence.encode("utf-8")
        with path.open("wb") as fh:
            for _ in range(target // len(unit)):
                fh.write(unit)
            fh.write(b"\n")
        size = path.stat().st_size
        cmd = evimap_cmd("ingest", str(folder), "-j", "1", store=Path(tmp) / "store.db")
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = 0
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                rss = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
                peak = max(peak, rss)
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.2)
        seconds = time.monotonic() - started
        out, err = proc.communicate()
    print(f"huge-line ({args.script}): {size:,} bytes, {len(sentence)} characters a sentence; exit {proc.returncode}, "
          f"{seconds:.1f} s, peak RSS {peak / 1048576:.0f} MB; machine {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    tail = (out.strip().splitlines() or [""])[-1]
    print(f"last line of the output: {tail}" + (f"; stderr: {err.strip()[-200:]}" if err.strip() else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="part", required=True)
    p = sub.add_parser("inputs", help="ingest time of adversarial text files at three sizes")
    p.add_argument("--sizes", default="100,250,1000", help="sizes in KB, comma separated")
    p.add_argument("--only", default="", help="comma-separated input names (default: all)")
    p = sub.add_parser("kills", help="kill -9 at random points of ingest, map and reindex, then rerun and compare")
    p.add_argument("--files", type=int, default=300)
    p.add_argument("--seed", type=int, default=20261206)
    p.add_argument("--ingest-kills", type=int, default=10)
    p.add_argument("--map-kills", type=int, default=5)
    p.add_argument("--reindex-kills", type=int, default=5)
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p = sub.add_parser("serve-ingest", help="clients against `serve` while another process ingests and maps")
    p.add_argument("--base", type=int, default=1000, help="speeches in the store before (mapped)")
    p.add_argument("--more", type=int, default=200, help="speeches ingested while the clients run")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--after", type=float, default=10)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--work", default="", help="work folder kept afterwards (the base store is reused if there)")
    p.add_argument("--keep-base", action="store_true", help="keep a copy of the base store as WORK/base.db")
    p = sub.add_parser("workers", help="throughput of serve --workers 2 against --workers 1, same load")
    p.add_argument("--store", required=True)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--order", default="1,2,1,2", help="server process counts, one run each, in this order")
    p.add_argument("--search-cache", type=int, default=2048, help="as `serve --search-cache` (0 = off)")
    p.add_argument("--mix", default="", help="request kinds and weights, e.g. api=0.6,page=0.4 (default: "
                   + ",".join(f"{k}={v}" for k, v in MIX.items()) + ")")
    p = sub.add_parser("huge-line", help="peak memory of ingesting one text file that is a single huge line")
    p.add_argument("--mb", type=float, default=100)
    p.add_argument("--script", choices=sorted(SENTENCES), default="bmp")
    for p in sub.choices.values():
        if p.prog.split()[-1] != "inputs":
            p.add_argument("--corpus", default=str(UNGDC), help="the UNGDC folder")
            p.add_argument("--tmp", default=None, help="where temporary folders go")
    args = parser.parse_args()
    {"inputs": inputs_main, "kills": kills_main, "serve-ingest": serve_ingest_main, "workers": workers_main,
     "huge-line": huge_line_main}[args.part](args)

if __name__ == "__main__":
    main()
