"""The Python API: ``evimap.open(path)`` returns a Corpus with ingest, search, documents, passages."""

from __future__ import annotations

import builtins
import dataclasses
import errno
import fnmatch
import hashlib
import json
import os
import re
import stat
import time
import zipfile
from xml.etree import ElementTree as ET
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from .errors import EvimapError, IngestError, NotFoundError, QueryError
from .memory import exit_with_parent, paused_gc
from .ingest.pipeline import SkippedDataFile, process_file, recognise_file
from .pipeline import executor_label, open_executor
from .records import ProcessedDocument
from .search.query import Hit, any_of, escape_query, parse_years
from .search.syntax import check_limits
from .settings import Settings
from .store import SearchQuery, SQLiteStore, StoredDocument
from .frameworks import BUILTIN as BUILTIN_FRAMEWORKS

# on_event(kind, path, detail): kind is added | updated | alias | skipped | failed
EventCallback = Callable[[str, str, str], None]


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    skipped: int = 0
    aliases: int = 0
    passages: int = 0
    pages: int = 0
    bytes: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    duplicates: dict[str, int] = field(default_factory=dict)
    rank_index: dict[str, Any] | None = None  # the search postings rebuilt (store/postings.py), if they were
    # Files recognised as data about documents (ingest/datafiles.py): path, kind, why, and "skipped" or "tables"
    data_files: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False  # stopped by Ctrl+C: what is counted is stored, a rerun does the rest

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added, "updated": self.updated, "skipped": self.skipped, "aliases": self.aliases,
            "passages": self.passages, "pages": self.pages, "bytes": self.bytes,
            "failed": [{"path": p, "reason": r} for p, r in self.failed],
            "duplicates": self.duplicates, "rank_index": self.rank_index, "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted, "kinds": self.kinds(), "data_files": self.data_files,
        }

    def kinds(self) -> dict[str, int]:
        """Files read this run by what they are: {"document": 12, "records": 2, "catalogue": 1, "notes": 1}."""
        out = {"document": self.added + self.updated + self.aliases - sum(d["stored"] == "tables" for d in self.data_files)}
        for d in self.data_files:
            out[d["kind"]] = out.get(d["kind"], 0) + 1
        return out


def iter_files(paths: Iterable[str | Path], exclude: Iterable[str] = (), include: Iterable[str] = ()) -> Iterator[Path]:
    """Regular files under ``paths`` (recursively, sorted), skipping hidden files and ``exclude`` globs (and, when
    ``include`` globs are given, files matching none); anything that cannot be read as a file is left out
    (``walk_inputs`` says why)."""
    for path, problem in walk_inputs(paths, exclude, include):
        if problem is None:
            yield path


def walk_inputs(paths: Iterable[str | Path], exclude: Iterable[str] = (),
                include: Iterable[str] = ()) -> Iterator[tuple[Path, str | None]]:
    """Every entry under ``paths`` as (path as the user would name it, None if it is a regular file to read,
    else why it is not read). Links to folders are followed, but never into a folder already walked (so a
    link loop cannot recurse); a FIFO, device or socket is never opened (reading one would block or never end).
    With ``include`` globs, only files matching one of them are read (every folder is still walked)."""
    patterns, wanted = list(exclude), list(include)
    top = Path(".")

    def matches(globs: list[str], p: Path, folder: bool = False) -> bool:
        """A glob matches the path relative to the folder given (``metadata/*``, ``*/drafts/*``), the whole
        path, or the name alone (``*.csv``); a folder matches when its relative path followed by a
        slash does (``metadata/*`` leaves out the folder ``metadata``)."""
        rel = p.relative_to(top).as_posix() if p.is_relative_to(top) else p.as_posix()
        names = [str(p), p.name, rel, *((rel + "/",) if folder else ())]
        return any(fnmatch.fnmatch(n, pat) for pat in globs for n in names)

    def excluded(p: Path, folder: bool = False) -> bool:
        return matches(patterns, p, folder) or (not folder and bool(wanted) and not matches(wanted, p))

    for raw in paths:
        p = Path(raw)
        top = p
        if _is_real_dir(p):
            seen: set[tuple[int, int]] = set()  # folders walked, by device and inode: a link back is a loop
            for root, dirs, files in os.walk(p, followlinks=True):
                st = os.stat(root)
                seen.add((st.st_dev, st.st_ino))
                keep, looped = [], []
                for d in sorted(dirs):
                    dp = Path(root) / d
                    if d.startswith(".") or excluded(dp, folder=True):
                        continue
                    try:
                        dst = os.stat(dp)
                    except OSError:
                        looped.append(d)
                        continue
                    (looped if (dst.st_dev, dst.st_ino) in seen else keep).append(d)
                dirs[:] = keep
                for d in looped:
                    yield Path(root) / d, "symbolic link loop (leads back to a folder already walked)"
                for name in sorted(files):
                    fp = Path(root) / name
                    if not name.startswith(".") and not excluded(fp):
                        yield fp, unreadable_reason(fp)
        elif not excluded(p):
            yield p, unreadable_reason(p)


class PlannedFile(NamedTuple):
    """One entry of an ingest plan: ``reason`` is None for a file that would be read; ``kind`` is what a
    read file is (document, records, catalogue, notes) and ``why`` the evidence for a data file."""

    path: str
    reason: str | None
    kind: str | None = None
    why: str = ""


def ingest_plan(paths: Iterable[str | Path], exclude: Iterable[str] = (), settings: Settings | None = None,
                include: Iterable[str] = ()) -> list[PlannedFile]:
    """What ``Corpus.ingest`` would do with ``paths``, opening no store: a file it would read has no
    ``reason``; a refused one or a data file it would skip has one. Files are read only as far as telling
    a document from data needs (a JSON or a note's head, a spreadsheet's rows)."""
    settings = settings or Settings()
    limit = settings.max_file_mb * 1024 * 1024
    plan = [PlannedFile(str(p), "no such file or folder") for p in paths if not os.path.lexists(p)]
    given = [p for p in paths if os.path.lexists(p)]
    for path, problem in walk_inputs(given, [*settings.exclude, *exclude], [*settings.include, *include]):
        if problem is None and path.stat().st_size > limit:
            problem = f"larger than the {settings.max_file_mb:g} MB limit"
        if problem is not None:
            plan.append(PlannedFile(str(path), problem))
            continue
        kind = recognise_file(path, settings)
        skipped = kind.is_data and (settings.data_files == "skip" or kind.kind != "records")
        plan.append(PlannedFile(str(path), f"data file ({kind.kind}: {kind.why})" if skipped else None, kind.kind,
                                kind.why))
    return plan


def _is_real_dir(p: Path) -> bool:
    try:
        return p.is_dir()
    except OSError:  # a link loop given on the command line
        return False


def unreadable_reason(path: Path) -> str | None:
    """None if ``path`` is (or links to) a regular file; otherwise a short reason it is not read."""
    try:
        st = os.stat(path)  # follows links
    except OSError as exc:
        if os.path.islink(path):
            if exc.errno == errno.ELOOP:
                return "symbolic link loop"
            return "broken symbolic link (its target does not exist)"
        return f"cannot read file ({exc.strerror or exc})"
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return None
    kind = ("FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode)
            else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file")
    return f"not a regular file ({kind})"


def _belongs_to_store(path: Path, store_path: str) -> bool:
    """True for the store's own files: STORE, STORE-wal, STORE-shm, STORE.rank/…"""
    real = os.path.realpath(path)
    return real == store_path or real.startswith((store_path + "-", store_path + ".rank"))


def printable_path(path: str) -> str:
    """A path safe to print on one terminal line: control characters (newlines, ANSI escapes) escaped."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in path)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with builtins.open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _work(path: str, settings: Settings, sha256: str | None = None) -> tuple[str, Any]:
    """Runs in a worker process: never raises, returns ("ok", doc) or ("failed", reason)."""
    try:
        result = process_file(path, settings, sha256=sha256)
        return ("data" if isinstance(result, SkippedDataFile) else "ok"), result
    except IngestError as exc:
        return "failed", exc.reason
    except Exception as exc:  # last line of defence: one bad file must not stop the batch
        return "failed", f"internal error while reading ({type(exc).__name__}: {str(exc)[:100]})"


def _work_many(items: list[tuple[str, str | None]], settings: Settings) -> list[tuple[str, Any]]:
    """Several files in one task (a Dask task costs milliseconds of scheduling: small files go in groups)."""
    return [_work(path, settings, sha) for path, sha in items]


DASK_FILES_PER_TASK = 16  # files per Dask ingest task (local processes take one at a time)


class Corpus:
    """A store of documents and passages. Create with ``evimap.open(path)``."""

    def __init__(self, path: str | Path = "evimap.db", settings: Settings | None = None, readonly: bool = False):
        if isinstance(path, str) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", path):
            raise EvimapError(f"{_without_password(path)}: only SQLite stores (a file path) are supported in this "
                              "version; a database URL is not opened (nothing was created)")
        self.settings = settings or Settings()
        if not self.settings.ocr_cache:  # recognised pages are kept beside the store: a long scan's OCR resumes
            self.settings = dataclasses.replace(self.settings, ocr_cache=f"{path}.ocr")
        self.store = SQLiteStore(path, readonly=readonly)
        self.path = str(path)
        self.last_mode = "lexical"  # how the last search was answered (hybrid falls back to lexical without vectors)

    # -- ingest -----------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[str | Path] | str | Path,
        exclude: Iterable[str] = (),
        workers: int | None = None,
        include: Iterable[str] = (),
        on_event: EventCallback | None = None,
        on_total: Callable[[int], None] | None = None,
        executor: str | None = None,
    ) -> IngestReport:
        """Ingest files and folders. Unchanged files (same SHA-256 at the same path) are skipped;
        bad files are recorded as failures and the batch goes on. Data files (catalogue JSON, exports of
        records, folder notes) are skipped or stored as tables as ``settings.data_files`` says, and listed
        in ``report.data_files``. ``include`` globs, when given, are the only files read."""
        if isinstance(paths, (str, Path)):
            paths = [paths]
        started = time.perf_counter()
        report = IngestReport()
        emit = on_event or (lambda kind, path, detail: None)
        limit = self.settings.max_file_mb * 1024 * 1024
        todo: list[tuple[str, str | None]] = []  # (path, its SHA-256 as hashed for the skip check)
        missing = [str(p) for p in paths if not os.path.lexists(p)]
        for m in missing:
            reason = "no such file or folder"
            report.failed.append((m, reason))
            emit("failed", m, reason)
        entries = list(walk_inputs([p for p in paths if os.path.lexists(p)], [*self.settings.exclude, *exclude],
                                   [*self.settings.include, *include]))
        if on_total:
            on_total(len(entries))
        own = os.path.realpath(self.store.path)
        for f, problem in entries:
            if _belongs_to_store(f, own):  # a store kept inside the folder it indexes
                continue
            if problem is not None:
                self._fail(report, emit, str(f), problem)
                continue
            try:
                resolved = str(f.resolve())
                size = f.stat().st_size
                sha = _sha256_file(f) if size <= limit else None
            except OSError as exc:
                self._fail(report, emit, resolved, f"cannot read file ({exc.strerror or exc})")
                continue
            if sha is not None and self.store.known_sha(resolved) == sha:
                report.skipped += 1
                emit("skipped", resolved, "unchanged")
                continue
            todo.append((resolved, sha))
        n_workers = workers if workers is not None else (self.settings.workers or os.cpu_count() or 1)
        try:
            spec = executor_label(executor or self.settings.executor)
            with self.store.bulk_writes():
                if spec == "local" and (n_workers <= 1 or len(todo) < 8):
                    for path, sha in todo:
                        self._handle(report, emit, path, *_work(path, self.settings, sha))
                elif todo:
                    self._run_pool(report, emit, todo, n_workers, spec)
                if report.added or report.updated or report.aliases:
                    report.duplicates = self.store.refresh_duplicates()
        except KeyboardInterrupt:
            # Ctrl+C: every document stored so far is committed whole (one transaction each); the rest is
            # left for a rerun, which skips what is stored. The postings are rebuilt by that rerun.
            report.interrupted = True
            report.seconds = time.perf_counter() - started
            return report
        try:  # the search postings follow the store (a no-op when they match it already)
            report.rank_index = self.reindex()
        except OSError as exc:  # e.g. a read-only folder: searches are then answered by FTS5 alone
            report.rank_index = {"error": f"{self.store.path}.rank: cannot write the search postings ({exc})"}
        report.seconds = time.perf_counter() - started
        return report

    def reindex(self, force: bool = False) -> dict[str, Any] | None:
        """Rebuild the search postings beside the store (``STORE.rank/``) unless they match it already
        (then None); returns what was built. Ingest does this at its end."""
        return self.store.refresh_rank_index(force=force)

    def reindex_vectors(self, force: bool = False) -> dict[str, Any] | None:
        """Lay the passage vectors out for search by meaning (``STORE.vec/``) unless that is current (then
        None; also None when the store has no vectors). A search by meaning does this itself when needed."""
        from .search.semantic import VectorIndex, build, read_meta

        built = None
        for multilingual in (False, True):
            state = list(self.store.vectors_state(multilingual))
            if state[0] == 0:
                continue
            folder = VectorIndex.folder_for(self.store.path, multilingual)
            meta = read_meta(folder)
            if not force and meta is not None and meta.get("state") == state:
                continue
            meta = build(self.store, folder, state, multilingual)
            if built is None:
                built = meta
            else:
                built["multilingual"] = meta
        return built

    def search_postings(self) -> str:
        """State of the search postings: "current", "stale" or "missing" (searches then use FTS5 alone)."""
        return self.store.rank_index_state()

    def _run_pool(
        self, report: IngestReport, emit: EventCallback, todo: list[tuple[str, str | None]], n_workers: int,
        spec: str = "local",
    ) -> None:
        # local: spawned processes, which never inherit the open SQLite connection or the progress thread;
        # Dask: its workers (pipeline/executors.py). Either way the documents come back here to be stored.
        in_flight_max = n_workers * 4  # bounded memory: at most this many tasks' documents wait
        per_task = 1 if spec == "local" else DASK_FILES_PER_TASK
        groups = (todo[i:i + per_task] for i in range(0, len(todo), per_task))
        with open_executor(spec, n_workers, exit_with_parent, (os.getpid(),)) as pool:
            pending: dict[Any, list[str]] = {}
            for group in groups:
                pending[pool.submit(_work_many, group, self.settings)] = [path for path, _ in group]
                if len(pending) >= in_flight_max:
                    break
            try:
                self._drain(report, emit, pool, pending, groups)
            except KeyboardInterrupt:
                pool.shutdown(wait=True, cancel_futures=True)  # files being read finish; queued ones never start
                raise

    def _drain(self, report: IngestReport, emit: EventCallback, pool: Any,
               pending: dict[Any, list[str]], groups: Iterator[list[tuple[str, str | None]]]) -> None:
        """Store each parsed document as its worker hands it back, keeping the pool fed from ``groups``."""
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                paths = pending.pop(fut)
                try:
                    results = fut.result()
                except EvimapError:  # the Dask scheduler is gone: stop; a rerun goes on from what is stored
                    raise
                except Exception as exc:  # a worker died (e.g. killed by the OS for memory)
                    results = [("failed", f"worker crashed ({type(exc).__name__})")] * len(paths)
                for path, (status, payload) in zip(paths, results):
                    self._handle(report, emit, path, status, payload)
                group = next(groups, None)
                if group is not None:
                    pending[pool.submit(_work_many, group, self.settings)] = [path for path, _ in group]

    def _fail(self, report: IngestReport, emit: EventCallback, path: str, reason: str) -> None:
        try:
            size = Path(path).stat().st_size
        except OSError:
            size = None
        self.store.record_failure(path, reason, None, size)
        report.failed.append((path, reason))
        emit("failed", path, reason)

    def _handle(self, report: IngestReport, emit: EventCallback, path: str, status: str, payload: Any) -> None:
        if status == "data":
            skipped: SkippedDataFile = payload
            report.data_files.append({"path": path, "kind": skipped.kind.kind, "why": skipped.kind.why, "stored": "skipped"})
            emit("data", path, f"{skipped.kind.kind}, skipped: {skipped.kind.why}")
            return
        if status != "ok":
            self._fail(report, emit, path, payload)
            return
        doc: ProcessedDocument = payload
        if doc.metadata.get("data_kind"):
            report.data_files.append({"path": path, "kind": doc.metadata["data_kind"], "why": doc.metadata["data_why"],
                                      "stored": "tables"})
        outcome = self.store.put_document(doc)
        if outcome == "alias":
            report.aliases += 1
            emit("alias", path, f"identical to a stored document ({doc.doc_id})")
            return
        report.added += outcome == "added"
        report.updated += outcome == "updated"
        report.passages += len(doc.passages)
        report.pages += doc.pages or 0
        report.bytes += doc.size
        emit(outcome, path, f"{len(doc.passages)} passages")

    # -- reading ----------------------------------------------------------------------------
    def documents(self) -> list[StoredDocument]:
        return self.store.documents()

    def document(self, ref: str) -> StoredDocument:
        """A document by id (or id prefix), file name or path. Raises EvimapError if none or ambiguous."""
        found = self.store.find_documents(ref)
        if not found:
            raise NotFoundError(f"no document matches {ref!r}")
        exact = [d for d in found if ref in (d.id, d.name, d.path)]
        if len(exact) == 1:
            return exact[0]
        if len(found) > 1:
            names = ", ".join(d.name for d in found[:5])
            raise EvimapError(f"{ref!r} matches {len(found)} documents ({names}); be more specific")
        return found[0]

    def passages(self, document: str | None = None) -> list[dict[str, Any]]:
        doc_id = self.document(document).id if document else None
        return list(self.store.passages(doc_id))

    def passage(self, passage_id: str) -> dict[str, Any]:
        p = self.store.passage(passage_id)
        if p is None:
            raise NotFoundError(f"no passage with id {passage_id!r}")
        return p

    def sections(self, document: str) -> list[dict[str, Any]]:
        return self.store.sections(self.document(document).id)

    def tables(self, document: str | None = None) -> list[dict[str, Any]]:
        return self.store.tables(self.document(document).id if document else None)

    def text(self, document: str) -> str:
        return self.store.document_text(self.document(document).id)

    def _query(self, query: str | None, any_terms: str | list[str] | None, **filters: Any) -> SearchQuery:
        parts = []
        if query and query.strip():
            parts.append(f"({query})" if any_terms else query)
        if any_terms:
            parts.append(f"({any_of(any_terms)})")
        if not parts:
            raise QueryError("empty query: give search words or --any terms")
        check_limits(" AND ".join(parts))  # every search path, FTS5 alone included, refuses hostile queries
        years = parse_years(filters.pop("year", None))
        docs = filters.pop("document", None)
        doc_ids = []
        for ref in ([docs] if isinstance(docs, str) else docs or []):
            found = self.store.find_documents(ref)
            if not found:
                raise NotFoundError(f"no document matches {ref!r}")
            doc_ids.extend(d.id for d in found)
        as_list = lambda v: [v] if isinstance(v, str) else list(v or [])  # noqa: E731
        return SearchQuery(
            match=" AND ".join(parts),
            limit=filters.pop("limit", 20),
            offset=filters.pop("offset", 0),
            documents=doc_ids,
            formats=as_list(filters.pop("format", None)),
            languages=as_list(filters.pop("language", None)),
            kinds=as_list(filters.pop("kind", None)),
            year_from=years[0],
            year_to=years[1],
            collapse_duplicates=filters.pop("collapse", True),
            labels=parse_labels(filters.pop("label", None), filters.pop("min_score", None)),
            actors=[resolve_actor(a) for a in as_list(filters.pop("actor", None))],
            actor_types=[resolve_actor_type(t) for t in as_list(filters.pop("actor_type", None))],
            countries=[resolve_country(c) for c in as_list(filters.pop("country", None))],
            regions=[resolve_region(r) for r in as_list(filters.pop("region", None))],
            events=as_list(filters.pop("event", None)),
        )

    # ---- mapping -----------------------------------------------------------------
    def map(self, frameworks: str | list[str] = ("gcm", "sdg", "themes", "sg8"), *, model: str = "static",
            batch: int = 4000, workers: int | None = None,
            progress: Callable[[str, int, int], None] | None = None, executor: str | None = None) -> dict[str, int]:
        """Score every passage not yet scored against each framework; returns passages scored per framework.

        Incremental: a passage is rescored only if the framework file or model changed (fingerprint).
        Each batch is tokenised and embedded once and shared by all frameworks. With more than one
        worker (default: one per core) and enough passages, batches are scored in worker processes
        while this process writes to the store. ``executor`` (default ``settings.executor``): where those
        workers run — "local" processes, "dask" (a LocalCluster) or a Dask scheduler's address (pipeline/)."""
        from .map import fingerprint

        fws = self.frameworks(frameworks)
        for fw in fws:  # a framework of one's own is kept with the store: reviews, learning, reports find it by id
            if fw.id not in BUILTIN_FRAMEWORKS and fw.path and os.path.isfile(fw.path) and not self.store.readonly:
                self.store.put_framework(fw.id, Path(fw.path).read_text(encoding="utf-8"), str(Path(fw.path).resolve()))
        fps = {fw.id: fingerprint(fw, model) for fw in fws}
        # workers get a built-in's id, or the YAML of a framework of one's own (as kept in the store: the file may be gone)
        refs: list[Any] = [fw.id if fw.id in BUILTIN_FRAMEWORKS else self._framework_source(fw) for fw in fws]
        totals = {fid: self.store.count_unmapped(fid, fp) for fid, fp in fps.items()}
        fresh = {fid for fid in fps if not self.store.has_labels(fid)}  # first mapping: nothing to replace
        done = dict.fromkeys(fps, 0)
        n_workers = workers if workers is not None else (self.settings.workers or os.cpu_count() or 1)

        def write(rows: list[tuple[int, str, str, list[str]]], result: dict[str, list[tuple[int, list[Any]]]]) -> None:
            vectors = result.pop(_VECTORS, None)
            if vectors:  # the embeddings the scoring computed, kept for search by meaning
                for space in sorted({m for _, _, m in vectors}):
                    self.store.put_vectors(model if space == "main" else space,
                                           [(rows[i][0], vec) for i, vec, m in vectors if m == space])
            for fid, scored in result.items():
                self.store.put_labels(fid, fps[fid], [(rows[i][1], labs) for i, labs in scored], replace=fid not in fresh)
                done[fid] += len(scored)
                if progress:
                    progress(fid, done[fid], totals[fid])

        targets = list(fps.items())
        spec = executor_label(executor or self.settings.executor)
        with self.store.bulk_writes():  # many small label transactions in a row
            if spec == "local" and (n_workers <= 1 or max(totals.values(), default=0) < 4 * batch):
                _map_init(refs, model)
                last = 0
                while rows := self.store.unmapped_any(targets, batch, after=last):
                    last = rows[-1][0]
                    write(rows, _map_batch(rows))
                self.embed_missing(model)
                return done
            # Workers score; this process pages through the store by rowid and writes results.
            in_flight: dict[Any, list[tuple[int, str, str, list[str]]]] = {}
            last = 0
            with open_executor(spec, n_workers, _map_worker_init, (refs, model, os.getpid())) as pool:
                while True:
                    while len(in_flight) < n_workers * 2 and (rows := self.store.unmapped_any(targets, batch, after=last)):
                        last = rows[-1][0]
                        in_flight[pool.submit(_map_task, refs, model, rows)] = rows
                    if not in_flight:
                        break
                    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        write(in_flight.pop(fut), fut.result())
            self.embed_missing(model)
            return done

    def _framework_source(self, fw: Any) -> Any:
        """("yaml", path, text) of a framework of one's own: the store's copy, else its file."""
        kept = self.store.framework_yaml(fw.id)
        if kept is not None:
            return ("yaml", kept[1] or f"{fw.id}.yaml", kept[0])
        return ("yaml", fw.path, Path(fw.path).read_text(encoding="utf-8")) if fw.path and os.path.isfile(fw.path) \
            else fw.path

    def embed_missing(self, model: str = "static", batch: int = 4000) -> int:
        """Embed the passages that have no stored vector yet (a store mapped before vectors were kept, or
        passages no framework needed to rescore); returns how many. Headings are not embedded."""
        import numpy as np

        from .map.embed import get_embedder
        from .map.engine import FOREIGN, prepare
        from .map.multilingual import available as multilingual_available

        done = 0
        embedder = None
        last = 0
        while rows := self.store.unembedded(batch, after=last):
            last = rows[-1][0]
            embedder = embedder or get_embedder(model)
            prepared = prepare([text for _, text in rows], embedder)
            vecs = prepared.vecs
            self.store.put_vectors(model, [(rid, v.astype(np.float16).tobytes()) for (rid, _), v in zip(rows, vecs)])
            foreign = [i for i, lang in enumerate(prepared.langs) if lang in FOREIGN]
            if foreign and model != "multilingual" and multilingual_available():
                self.store.put_vectors("multilingual", [(rows[i][0], v.astype(np.float16).tobytes())
                                                        for i, v in zip(foreign, prepared.foreign_vecs(foreign))])
            done += len(rows)
        return done

    def map_like_before(self, workers: int | None = 1) -> dict[str, int]:
        """Map passages added since the last ``map`` to every built-in framework the store is already mapped
        to (nothing, for a store never mapped) — what an upload into a mapped store needs."""
        mapped = [fw for fw in BUILTIN_FRAMEWORKS if self.store.has_labels(fw)]
        return self.map(mapped, workers=workers) if mapped else {}

    def review(self, passage_id: str, label: str, decision: str, *, reviewer: str | None = None,
               reason: str | None = None) -> dict[str, Any]:
        """Accept, reject or add a label of a passage (``label`` "gcm:23") or a claim ("actor:MAR": Morocco said
        it; a rejected claim leaves profiles, searches by actor and reports by actor), or undo the decision in force. The
        decision is appended to the trail with the reviewer (``reviewer`` or $EVIMAP_REVIEWER), the time, the
        label as it was and the reason, and it holds over the machine's label in every report, map and export and
        through re-mapping. Returns the trail entry."""

        who = (reviewer or os.environ.get("EVIMAP_REVIEWER") or "").strip()
        if not who:
            raise EvimapError("a review needs a reviewer: --reviewer NAME or EVIMAP_REVIEWER")
        if decision not in self.store.REVIEW_DECISIONS:
            raise EvimapError(f"unknown decision {decision!r} (choose from: {', '.join(self.store.REVIEW_DECISIONS)})")
        fw_id, _, code = label.partition(":")
        if not code:
            raise EvimapError(f"{label!r}: give the label as FRAMEWORK:CODE, e.g. gcm:23, or a claim as actor:MAR")
        if fw_id.lower() == "actor":  # a claim: this actor said (part of) the passage
            from .attribute import gazetteer

            actor = resolve_actor(code)
            gaz = gazetteer()
            if actor not in gaz.countries and actor not in gaz.organisations:
                raise EvimapError(f"unknown actor {code!r} (give an ISO3 code such as MAR, an organisation id such as "
                                  "UNHCR, or a name)")
            p = self.passage(passage_id)
            return self.store.add_claim_review(p["id"], actor, gaz.actor_type(actor), decision, who, reason)
        fw = self.frameworks(fw_id)[0]
        code = fw.category(code).code  # raises, listing the codes, for one the framework does not have
        p = self.passage(passage_id)
        return self.store.add_review(p["id"], fw.id, code, decision, who, reason)

    def frameworks(self, refs: str | list[str]) -> list[Any]:
        """Frameworks by built-in id (any case), file path, or the id of a framework of one's own this store was
        mapped with (its YAML is kept in the store)."""
        from .frameworks import FrameworkError, parse
        from .map import load_frameworks

        out = []
        for ref in ([r for r in refs.split(",") if r.strip()] if isinstance(refs, str) else list(refs)):
            ref = ref.strip()
            kept = None if ref.lower() in BUILTIN_FRAMEWORKS or os.path.exists(ref) else self.store.framework_yaml(ref)
            if kept is None:
                out.extend(load_frameworks([ref]))
                continue
            try:
                out.append(parse(kept[0], kept[1] or f"{ref}.yaml"))
            except FrameworkError as exc:
                raise EvimapError(f"framework {ref!r} kept in the store no longer validates: {exc}") from None
        return out

    def save_codebook(self, yaml_text: str) -> Any:
        """Keep a codebook (a framework of one's own, as YAML) with the store, validated like a framework file: it
        is then mapped, reviewed, queued and learned by its id (``map(frameworks=[id])``). A built-in id is
        refused; an existing codebook of the same id is replaced. Returns the framework."""
        from .frameworks import FrameworkError, parse

        try:
            fw = parse(yaml_text, "codebook")
        except FrameworkError as exc:
            raise EvimapError(str(exc)) from None
        if fw.id.lower() in BUILTIN_FRAMEWORKS:
            raise EvimapError(f"{fw.id!r} is a built-in framework's id: give your codebook another")
        self.store.put_framework(fw.id, yaml_text, None)
        return fw

    def codebooks(self) -> list[Any]:
        """The codebooks kept with this store (frameworks of one's own it was mapped with or given)."""
        return self.frameworks(self.store.own_frameworks()) if self.store.own_frameworks() else []

    def review_queue(self, framework: str = "gcm", limit: int = 20) -> list[dict[str, Any]]:
        """The passages where a decision teaches the most: for each category, the unreviewed labels the machine
        was least sure of (score closest to one half, given or not), taken in turn across categories so that
        every label gets its share; each entry holds the label, its score and threshold, and the passage."""
        fw = self.frameworks(framework)[0]
        thresholds = {c.code: fw.threshold_for(c) for c in fw.categories}
        # the queue takes the codes in turn: each needs about limit / codes candidates (twice that, for passages
        # that two codes share), not ``limit`` — on 115,000 passages that made the review page's queue 60 → 20 ms
        per_code = max(1, min(limit, 2 + 2 * -(-limit // max(1, len(thresholds)))))
        rows = self.store.review_candidates(fw.id, list(thresholds), per_code=per_code)
        by_code: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            r["threshold"] = thresholds[r["code"]]
            r["assigned"] = bool(r["assigned"])
            by_code.setdefault(r["code"], []).append(r)
        queue: list[dict[str, Any]] = []
        seen: set[str] = set()
        while len(queue) < limit and any(by_code.values()):
            for code in sorted(by_code, key=lambda c: by_code[c][0]["margin"] if by_code[c] else 9):
                if by_code[code] and len(queue) < limit:
                    r = by_code[code].pop(0)
                    if r["passage_id"] not in seen:
                        seen.add(r["passage_id"])
                        queue.append(r)
        return queue

    def review_search(self, query: str, label: str, decision: str, *, reviewer: str | None = None,
                      reason: str | None = None, limit: int = 100, **filters: Any) -> list[dict[str, Any]]:
        """The same decision on every passage a (lexical) search finds, at most ``limit`` ("these 40 passages are
        not objective 23"): one trail entry each. A reject only touches passages that carry the label."""
        hits = self.search(query, limit=limit, mode="lexical", **filters)
        fw_id, _, code = label.partition(":")
        done = []
        for h in hits:
            if decision == "reject" and not any(lab["code"] == code for lab in self.labels(h.passage_id, fw_id.lower())):
                continue
            done.append(self.review(h.passage_id, label, decision, reviewer=reviewer, reason=reason))
        return done

    def learn(self, framework: str = "gcm", *, apply: bool = True) -> dict[str, Any]:
        """Fit the store's learned layer from reviewers' decisions (review/learn.py), measure it held out by
        document against the machine, and apply it unless it does worse (``apply=False``: measure only).
        Returns the measure, whether it was applied and how many labels it changed."""
        import numpy as np

        from .review.learn import adjust, cross_validate

        fw = self.frameworks(framework)[0]
        codes = [c.code for c in fw.categories]
        index = self.store.semantic_index()
        if index is None:
            raise EvimapError("learning needs the passage vectors `evimap map` keeps: map this store first")
        rowids = [int(r) for r in index.rowids]
        vecs = np.asarray(index.vectors, dtype=np.float32)
        machine, scores, decisions = self.store.label_matrix(fw.id, codes, rowids)
        if not decisions:
            raise EvimapError(f"no review decisions on {fw.id} labels yet: `evimap review` some passages first")
        info = self.store.passage_keys()
        doc_ids = sorted({info[r][1] for r in rowids if r in info})
        doc_of = {d: i for i, d in enumerate(doc_ids)}
        docs = np.array([doc_of.get(info.get(r, (None, None))[1], -1) for r in rowids])
        rows, cols, ys = (np.array(x) for x in zip(*decisions))
        measure = cross_validate(machine, vecs, docs, rows, cols, ys, scores)
        out = {"framework": fw.id, "decisions": measure.decisions, "documents": measure.documents,
               "machine_f1": measure.machine_f1, "learned_f1": measure.learned_f1, "applied": False, "changed": 0}
        if not apply:
            return out
        if measure.documents < 2 or not measure.better:
            out["refused"] = ("decisions from one document only: nothing to measure the layer on" if measure.documents < 2
                              else f"the learned layer does worse on held-out documents ({measure.learned_f1:.3f} < "
                                   f"{measure.machine_f1:.3f}); the model's labels stay")
            return out
        learned = adjust(machine, vecs, rows, cols, ys, scores)
        diff = np.argwhere(learned != machine)
        changes = [(info[rowids[i]][0], codes[j], bool(learned[i, j]), 1.0 if learned[i, j] else 0.0) for i, j in diff
                   if rowids[i] in info]
        self.store.put_learned(fw.id, changes, layer=f"{measure.decisions} decisions")
        out.update(applied=True, changed=len(changes))
        return out

    def export_qdpx(self, path: str | Path, frameworks: str | list[str] = ("gcm", "sdg", "themes")) -> dict[str, int]:
        """Write a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti or MAXQDA: documents, code trees, coded passages
        (review/qdpx.py); reviewed labels under their own trees."""
        from .review.qdpx import export_qdpx

        return export_qdpx(self, Path(path), [frameworks] if isinstance(frameworks, str) else list(frameworks))

    def import_qdpx(self, path: str | Path, frameworks: str | list[str] = ("gcm", "sdg", "themes"), *,
                    reviewer: str | None = None) -> dict[str, Any]:
        """Record the codings of a .qdpx project as reviewed labels ("add" decisions) on the passages they cover."""
        from .review.qdpx import import_qdpx

        path = Path(path)
        if not path.is_file():
            raise EvimapError(f"{path}: no such file")
        try:
            return import_qdpx(self, path, [frameworks] if isinstance(frameworks, str) else list(frameworks),
                               reviewer or os.environ.get("EVIMAP_REVIEWER") or "qdpx import")
        except (KeyError, zipfile.BadZipFile, ET.ParseError) as exc:
            raise EvimapError(f"{path}: not a REFI-QDA project ({type(exc).__name__}: {exc})") from None

    def add_reviewer(self, name: str) -> str:
        """Register a reviewer and return their access token — shown this once; the store keeps its SHA-256. With
        it they review in the web app (typed once on the review page) and through the API (``Authorization:
        Bearer``), and the trail names them; a server started without ``--token`` accepts reviewers' decisions
        but no uploads."""
        return self.store.add_reviewer(name)

    def revoke_reviewer(self, name: str) -> None:
        if not self.store.revoke_reviewer(name):
            raise NotFoundError(f"no reviewer {name!r} with an open token (see `evimap reviewers list`)")

    def reviewers(self) -> list[dict[str, Any]]:
        """Registered reviewers: name, created, revoked (None while their token works)."""
        return self.store.reviewers()

    def review_log(self, passage_id: str | None = None) -> list[dict[str, Any]]:
        """The review trail, oldest first: id, at, reviewer, passage_id, framework, code, decision, reason, before."""
        return self.store.reviews(self.passage(passage_id)["id"] if passage_id else None)

    def labels(self, passage_id: str, framework: str | None = None, assigned_only: bool = True) -> list[dict[str, Any]]:
        """Stored labels of a passage (after ``map``), best first per framework."""
        rows = self.store.labels(passage_id, framework)
        for r in rows:
            r["evidence"] = json.loads(r["evidence"]) if r["evidence"] else []
            r["assigned"] = bool(r["assigned"])
        return [r for r in rows if r["assigned"] or not assigned_only]

    def explain(self, passage_id: str, framework: str | list[str] = ("gcm", "sdg", "themes", "sg8"),
                model: str = "static") -> list[dict[str, Any]]:
        """Why each label was (not) given: every category's score, signals, threshold and evidence."""
        from .map import Mapper

        p = self.passage(passage_id)  # raises for an unknown id
        out = []
        for fw in self.frameworks(framework):
            mapper = Mapper(fw, model)
            labs = mapper.score([p["text"]])[0]
            for c, lab, why in zip(fw.categories, labs, mapper.reasons(labs)):
                d = lab.to_dict(features=True)
                d.update(framework=fw.id, title=c.title, threshold=mapper.fw.threshold_for(c), level=fw.level_of(c),
                         facet=c.facet, parent=c.parent, reason=why)
                out.append(d)
        return out

    def search(
        self,
        query: str | None = None,
        *,
        any_terms: str | list[str] | None = None,
        limit: int = 20,
        offset: int = 0,
        document: str | list[str] | None = None,
        format: str | list[str] | None = None,
        language: str | list[str] | None = None,
        year: str | int | None = None,
        kind: str | list[str] | None = None,
        collapse: bool = True,
        label: str | list[str] | None = None,
        min_score: float | None = None,
        actor: str | list[str] | None = None,
        actor_type: str | list[str] | None = None,
        country: str | list[str] | None = None,
        region: str | list[str] | None = None,
        event: str | list[str] | None = None,
        mode: str = "lexical",
    ) -> list[Hit]:
        """Full-text search with the FTS5 query language (phrases, OR/AND/NOT, NEAR, prefix*).

        ``mode``: "lexical" (BM25, the default here), "semantic" (passages closest in meaning to the query's
        words, from the embeddings `evimap map` stores; search/semantic.py) or "hybrid" (both rankings fused;
        the CLI's, API's and web's default). A store without vectors (never mapped) answers "hybrid"
        lexically and refuses "semantic" with a line saying so.

        Ranked by BM25. Duplicate passages (copies in near-duplicate documents, identical
        paragraphs) are collapsed into the first stored copy unless ``collapse=False``.
        A query that is not valid FTS5 syntax is retried with every word quoted.
        Attribution facets: ``actor`` (an id such as "UNHCR" or "MAR", or a name), ``actor_type``
        ("UN entity", "Member State" …), ``country`` (said by or mentioning; ISO3 or name), ``region``
        (M49 region, said by a state there or naming it), ``event`` (event id or name).
        """
        q = self._query(query, any_terms, limit=limit, offset=offset, document=document, format=format,
                        language=language, year=year, kind=kind, collapse=collapse, label=label,
                        min_score=min_score, actor=actor, actor_type=actor_type, country=country, region=region,
                        event=event)
        if mode not in SEARCH_MODES:
            raise QueryError(f"unknown search mode {mode!r} (choose from: {', '.join(SEARCH_MODES)})")
        self.last_mode = "lexical"
        if mode != "lexical" and (query or any_terms):
            ranked = self._by_meaning(q, query, any_terms, mode)
            if ranked is not None:
                self.last_mode = mode
                hits = [Hit.from_row(r) for r in self.store.rows_for(ranked[offset:offset + limit], q.match)]
                if actor:
                    self._add_statements(hits, [actor] if isinstance(actor, str) else list(actor))
                return hits
        hits = [Hit.from_row(r) for r in self._run(self.store.search, q, query, any_terms)]
        if actor:
            self._add_statements(hits, [actor] if isinstance(actor, str) else list(actor))
        return hits

    def _by_meaning(self, q: SearchQuery, query: str | None, any_terms: Any, mode: str) -> list[tuple[int, float]] | None:
        """The semantic or hybrid ranking of a query, filters applied, as (rowid, -score) for ``rows_for`` (None:
        the store has no vectors and the mode is hybrid, so the lexical search answers)."""
        from .map.embed import get_embedder
        from .search.semantic import POOL, fuse

        indexes = [ix for ix in (self.store.semantic_index(), self.store.semantic_index(multilingual=True)) if ix]
        if not indexes:
            if mode == "semantic":
                raise QueryError("search by meaning needs the passage vectors `evimap map` stores: map this store first")
            return None
        raw = " ".join(x for x in (query, any_terms if isinstance(any_terms, str) else " ".join(any_terms or [])) if x)
        words = " ".join(w for w in SEARCH_WORD_RE.findall(raw) if w not in _OPERATORS)
        if not words:
            return None
        pool = max(POOL, q.offset + q.limit)
        # one ranking per vector space: the main model's (English passages) and the multilingual model's (passages
        # in other languages, found from a query in any language); fused like the lexical ranking
        semantic: list[list[int]] = []
        sims: dict[int, float] = {}
        from .map.multilingual import LANGUAGES, language_of

        lang = language_of(words)
        for index in indexes:
            qvec = get_embedder(index.model.split(",")[0] or "static").encode([words])[0]
            if lang != "en" and lang in LANGUAGES and index.model.split(",")[0] in ("", "static"):
                # a query in another language: its multilingual vector, carried into the English passages' space
                multi = get_embedder("multilingual")
                mapped = multi.to_static(multi.encode([words], langs=[lang]))
                qvec = mapped[0] if mapped is not None else qvec
            found = dict(index.top(qvec, pool * 3))  # room for the filters to drop some
            keep = self.store.filter_rowids(q, list(found))
            semantic.append([rid for rid in found if rid in keep][:pool])
            sims.update(found)
        def spaces(rid: int) -> int:  # how many vector spaces hold the passage (two: a projected foreign one)
            return sum(index.holds(rid) for index in indexes)

        if mode == "semantic":
            if len(semantic) == 1:
                return [(rid, -sims[rid]) for rid in semantic[0]]
            return [(rid, -score) for rid, score in fuse(*semantic, lists=spaces)]
        lexical_q = SearchQuery(**{**vars(q), "limit": pool, "offset": 0})
        try:
            lexical = [rid for rid, _ in self._run(self.store.ranked, lexical_q, query, any_terms)]
        except QueryError:
            lexical = []
        if len(semantic) == 1:
            return [(rid, -score) for rid, score in fuse(lexical, *semantic)]
        return [(rid, -score) for rid, score in fuse(lexical, *semantic, lists=lambda rid: 1 + spaces(rid))]

    def _add_statements(self, hits: list[Hit], actors: list[str]) -> None:
        """Each hit of a search by actor gets the span of the passage that actor says, when it is not all of it."""
        codes = [resolve_actor(a) for a in actors]
        for h in hits:
            for code in codes:
                st = self._statement({"id": h.passage_id, "text": h.text, "said_by": True}, code)
                if st["span"] and st["span"] != [0, len(h.text)]:
                    h.statement = {"actor": code, "person": st["person"], "start": st["span"][0],
                                   "end": st["span"][1], "text": st["statement"]}
                    break

    def count(self, query: str | None = None, **filters: Any) -> int:
        """Number of passages ``search`` would find with the same query and filters."""
        any_terms = filters.pop("any_terms", None)
        return self._run(self.store.count, self._query(query, any_terms, **filters), query, any_terms)

    def count_estimate(self, query: str | None = None, exact_up_to: int = 20_000, **filters: Any) -> tuple[int, bool]:
        """(count, exact): ``count``, except that above ``exact_up_to`` matches it may include duplicate passages."""
        any_terms = filters.pop("any_terms", None)
        return self._run(lambda q: self.store.count_estimate(q, exact_up_to), self._query(query, any_terms, **filters),
                         query, any_terms)

    def facets(self, query: str | None = None, facets: Iterable[str] = ("language", "year", "actor_type"), *,
               limit: int = 10, budget_ms: float = 200.0, **filters: Any) -> dict[str, list[tuple[Any, int]] | None]:
        """What the passages ``search`` would find are, counted per facet value (see ``SQLiteStore.facet_counts``):
        ``{"language": [("en", 812), …], "label:gcm": [("17", 40), …], …}``. A facet that does not finish
        within ``budget_ms`` comes back as None."""
        any_terms = filters.pop("any_terms", None)
        q = self._query(query, any_terms, **filters)
        return self._run(lambda qq: self.store.facet_counts(qq, list(facets), limit, budget_ms), q, query, any_terms)

    def neighbours(self, passage_id: str, before: int = 2, after: int = 2) -> list[dict[str, Any]]:
        """A passage with the ``before`` passages preceding it and the ``after`` following it in its document."""
        return self.store.neighbours(self.passage(passage_id)["id"], before, after)

    def cell(self, framework: str, code: str, *, by: str = "document", group: str | None = None,
             theme: str | None = None, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """The passages behind one cell of an evidence map: assigned ``framework:code`` and (with ``group``)
        whose ``by`` value is ``group``, best score first, duplicates left out as the map counts them."""
        from .report.coverage import grouping, parse_theme

        fw = self.frameworks(framework)[0]
        fw.category(code)  # raises for an unknown code
        return self.store.labelled_passages(fw.id, code, limit=limit, offset=offset, grouping=grouping(by, self),
                                            group=group, theme=parse_theme(theme))

    @staticmethod
    def _run(execute: Callable[[SearchQuery], Any], q: SearchQuery, query: str | None, any_terms: Any) -> Any:
        """Run a store query; a plain query that is not valid FTS5 is retried with its words quoted."""
        try:
            return execute(q)
        except QueryError:
            if any_terms or not query:
                raise
            q.match = escape_query(query)
            return execute(q)

    # ---- attribution -------------------------------------------------------------
    def attribute(self, *, force: bool = False, progress: Callable[[int, int], None] | None = None) -> int:
        """Attribute documents stored before attribution existed or under an older rule version
        (``force``: all documents). Returns the number of documents attributed."""
        from .attribute import ATTRIBUTION_VERSION, attribute_document
        from .attribute.tables import structure_table

        todo = [d.id for d in self.store.documents()] if force else self.store.unattributed(ATTRIBUTION_VERSION)
        for n, doc_id in enumerate(todo, 1):
            doc = self.store.document(doc_id)
            passages = list(self.store.passages(doc_id))
            result = attribute_document(doc.name, passages, self.store.document_text(doc_id))
            structures = [(t["seq"], structure_table(t["rows"])) for t in self.store.tables(doc_id)]
            self.store.put_attribution(doc_id, result, passages, structures)
            if progress:
                progress(n, len(todo))
        return len(todo)

    def claims(self, passage_id: str) -> list[dict[str, Any]]:
        """Who a passage is attributed to: actor, actor type, person, method and the supporting span; with
        ``statement`` and ``span`` (character offsets in the passage) when the claim holds only part of the
        passage: its sentences through the same speaker's next ones (a meeting report's passage holds several)."""
        p = self.passage(passage_id)
        claims = self.store.claims(p["id"])
        for c in claims:
            start, end = _span_of(p["text"], c, claims)
            whole = start is None or (start, end) == (0, len(p["text"]))
            c["statement"], c["span"] = (None, None) if whole else (p["text"][start:end], [start, end])
        return claims

    def mentions(self, passage_id: str) -> list[dict[str, Any]]:
        return self.store.mentions(self.passage(passage_id)["id"])

    def actors(self, limit: int = 50, actor_type: str | None = None) -> list[dict[str, Any]]:
        return self.store.actor_counts(limit, resolve_actor_type(actor_type) if actor_type else None)

    def people(self, document: str | None = None) -> list[dict[str, Any]]:
        return self.store.attribution_rows("people", self.document(document).id if document else None)

    def figures(self, document: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        return self.store.attribution_rows("figures", self.document(document).id if document else None, limit)

    def events(self, document: str | None = None) -> list[dict[str, Any]]:
        return self.store.attribution_rows("events", self.document(document).id if document else None)

    def table(self, document: str, number: int) -> dict[str, Any]:
        """One stored table with its structure (header, label columns, values, unit) and totals check."""
        tables = self.tables(document)
        if not 1 <= number <= len(tables):
            raise NotFoundError(f"{document}: no table {number} (the document has {len(tables)})")
        return _checked(tables[number - 1])

    def table_summaries(self, document: str | None = None) -> list[dict[str, Any]]:
        """Every stored table (or one document's): where it is, its size and unit, and how many totals add up."""
        tables = self.tables(document)
        if document is None:
            names = {d.id: d.name for d in self.store.documents()}
        else:  # one document's tables name one document: the whole list is not read (a document page asks this)
            names = {doc.id: doc.name for doc in [self.store.document(t["doc_id"]) for t in tables[:1]] if doc}
        out = []
        for t in map(_checked, tables):
            structure, checks = t["structure"], t["checks"]
            out.append({"document": names.get(t["doc_id"], t["doc_id"]), "table": t["seq"] + 1, "name": t["name"],
                        "caption": t["caption"], "source": t["source"], "page": t["page"], "rows": t["n_rows"],
                        "columns": len(structure["columns"]), "unit": structure.get("unit"),
                        "totals_checked": len(checks), "totals_ok": sum(c["ok"] for c in checks)})
        return out

    def profile(self, ref: str) -> dict[str, Any]:
        """What the corpus says by and about a country (ISO3 or name) or an organisation (id or name)."""
        from .attribute import gazetteer

        gaz = gazetteer()
        code = resolve_actor(ref)
        known = [a["actor"] for a in self.store.actor_counts(limit=100_000)]
        if code not in gaz.countries and code not in gaz.organisations:  # learned from a document: its id, any case
            code = next((a for a in known if a.lower() == code.lower()), code)
        kind = "country" if code in gaz.countries else "org"
        out = self.store.profile_rows(code, kind)
        if not out["by"]["passages"] and not out["about"]["passages"]:
            raise NotFoundError(f"no actor {ref!r} in this store{_did_you_mean(ref, known)}")
        out.update({"code": code, "name": gaz.display(code), "kind": kind, "actor_type": gaz.actor_type(code)})
        for p in out["passages"]:
            p.update(self._statement(p, code))
        if kind == "country":
            out["region"], out["subregion"] = gaz.region_of(code)
        return out

    def _statement(self, passage: dict[str, Any], code: str) -> dict[str, Any]:
        """What of a passage ``code`` says: the sentences from its claim's evidence through those that go on with
        the same speaker, up to the next one (a passage of a meeting report holds several speakers), and who
        spoke. Nothing when the passage is not its statement or the whole passage is (a UNGDC file's)."""
        claims = self.store.claims(passage_id=passage["id"])
        own = [c for c in claims if c["actor"] == code]
        if not passage.get("said_by") or not own:
            return {"statement": None, "person": None, "span": None}
        c = own[0]
        start, end = _span_of(passage["text"], c, claims)
        if start is None:  # the whole passage is the actor's
            start, end = 0, len(passage["text"])
        return {"statement": passage["text"][start:end], "person": c.get("person"), "span": [start, end]}

    def status(self) -> dict[str, Any]:
        return self.store.stats()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _without_password(url: str) -> str:
    """A database URL as it may be shown: the password, if any, replaced by ***."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        if parts.password:
            host = parts.hostname or ""
            netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
            return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return url.split("://", 1)[0] + "://…"
    return url


def open(path: str | Path = "evimap.db", settings: Settings | None = None, readonly: bool = False) -> Corpus:  # noqa: A001
    """Open (or create) an evimap store."""
    return Corpus(path, settings=settings, readonly=readonly)


def _checked(table: dict[str, Any]) -> dict[str, Any]:
    """A stored table with its ``structure`` (derived now for stores attributed before v4 tables) and ``checks``."""
    from .attribute.tables import check_totals, structure_table

    table["structure"] = table.get("structure") or structure_table(table["rows"])
    table["checks"] = check_totals(table["structure"])
    return table


SEARCH_MODES = ("lexical", "semantic", "hybrid")
SEARCH_WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")  # the words of a query, without its operators
_OPERATORS = frozenset({"OR", "AND", "NOT", "NEAR"})


def _span_of(text: str, claim: dict[str, Any], claims: list[dict[str, Any]]) -> tuple[int | None, int | None]:
    """A stored claim's statement span in its passage (attribution stores it); for a claim stored before spans
    were (``span_start`` NULL on a row whose method is not whole-passage), computed the same way now."""
    if claim.get("span_start") is not None:
        return claim["span_start"], claim["span_end"]
    from .attribute.batch import statement_span

    return statement_span(text, claim, claims)


def _did_you_mean(ref: str, codes: list[str]) -> str:
    """" (did you mean: Morocco (MAR)?)" for the actors among ``codes`` whose id or name is close to ``ref``."""
    import difflib

    from .attribute import gazetteer

    gaz = gazetteer()
    names: dict[str, str] = {}
    for code in codes:
        label = gaz.display(code) if code in gaz.countries else code
        shown = f"{label} ({code})" if label != code else code
        names.setdefault(code.lower(), shown)
        names.setdefault(label.lower(), shown)
    close = dict.fromkeys(names[m] for m in difflib.get_close_matches(ref.strip().lower(), names, n=5, cutoff=0.6))
    return f" (did you mean: {', '.join(list(close)[:3])}?)" if close else ""


def resolve_actor(ref: str) -> str:
    """An actor id from an id ("UNHCR", "MAR") or a name ("Morocco", "International Organization for Migration")."""
    from .attribute import gazetteer

    gaz = gazetteer()
    ref = ref.strip()
    if ref.upper() in gaz.countries and len(ref) == 3:
        return ref.upper()
    if ref in gaz.organisations:
        return ref
    entry = gaz.lookup_any_case(ref)
    if entry is not None and entry.kind in ("country", "demonym", "org"):
        return entry.code or ref
    return ref  # an actor learned from one document's abbreviations, stored under its own id


def resolve_country(ref: str) -> str:
    from .attribute import gazetteer

    code = resolve_actor(ref)
    if code not in gazetteer().countries:
        raise EvimapError(f"unknown country {ref!r} (give an ISO3 code such as MAR or a name such as Morocco)")
    return code


def resolve_region(ref: str) -> str:
    from .attribute import gazetteer

    gaz = gazetteer()
    entry = gaz.lookup(ref)
    if entry is not None and entry.kind == "region":
        return entry.code or ref
    known = {c.region for c in gaz.countries.values() if c.region} | {c.subregion for c in gaz.countries.values() if c.subregion}
    if ref in known:
        return ref
    raise EvimapError(f"unknown region {ref!r} (e.g. Africa, Asia, Europe, Americas, Oceania, Western Asia)")


def resolve_actor_type(ref: str | None) -> str:
    from .attribute import ACTOR_TYPES

    for t in ACTOR_TYPES:
        if ref and ref.strip().lower().replace("-", " ") in (t.lower(), t.lower().replace("-", " ")):
            return t
    raise EvimapError(f"unknown actor type {ref!r} (choose from: {', '.join(ACTOR_TYPES)})")


def parse_labels(refs: str | list[str] | None, min_score: float | None) -> list[tuple[str, str, float | None]]:
    """"gcm:1" → ("gcm", "1", min_score). Without --min-score, only assigned labels match."""
    out = []
    for ref in [refs] if isinstance(refs, str) else refs or []:
        fw, sep, code = ref.partition(":")
        if not sep or not fw or not code:
            raise QueryError(f"label {ref!r} must be FRAMEWORK:CODE, e.g. gcm:1 or sdg:10.7")
        if min_score is not None and not 0 <= min_score <= 1:
            raise QueryError(f"--min-score must be between 0 and 1, got {min_score}")
        fw = fw.strip().lower()  # framework ids are lowercase: GCM:1 is gcm:1
        if fw in BUILTIN_FRAMEWORKS:  # the code as the framework spells it; an unknown one names the valid ones
            from .frameworks import load

            code = load(fw).category(code.strip()).code
        out.append((fw, code, min_score))
    return out


# ---- mapping workers (module level so that spawned processes can import them) --------------------
_MAPPERS: dict[str, Any] = {}


def _map_worker_init(refs: list[str], model: str, parent: int) -> None:
    exit_with_parent(parent)
    _map_init(refs, model)


def _map_init(refs: list[Any], model: str) -> None:
    """Mappers for ``refs``: built-in ids or framework paths, or ("yaml", path, text) for a framework of one's own."""
    from .frameworks import parse
    from .map import Mapper, load_frameworks

    _MAPPERS.clear()
    for ref in refs:
        fw = parse(ref[2], ref[1]) if isinstance(ref, tuple) else load_frameworks([ref])[0]
        _MAPPERS[fw.id] = Mapper(fw, model)
    _MAPPERS_FOR[:] = [(tuple(refs), model)]


_MAPPERS_FOR: list[tuple[tuple[str, ...], str]] = []  # what _MAPPERS were built for


def _map_task(refs: list[Any], model: str, rows: list[tuple[int, str, str, list[str]]]) -> dict[str, Any]:
    """One batch in any worker: the mappers are built on the worker's first batch (a Dask worker has no
    initializer; one that joins late or replaces a dead one starts here)."""
    if _MAPPERS_FOR != [(tuple(refs), model)]:
        _map_init(refs, model)
    return _map_batch(rows)


_VECTORS = "__vectors__"  # the key of a batch result that holds the passages' embeddings, not labels


def _map_batch(rows: list[tuple[int, str, str, list[str]]]) -> dict[str, list[tuple[int, list[Any]]]]:
    """Score one batch for the frameworks each passage still needs: {framework: [(row, label tuples)]}, and
    under ``_VECTORS`` each row's embedding (float16 bytes) for search by meaning."""
    import numpy as np

    from .map import prepare
    from .map.engine import FOREIGN
    from .map.multilingual import available as multilingual_available

    mappers = list(_MAPPERS.values())
    out: dict[str, list[tuple[int, list[Any]]]] = {}
    with paused_gc():
        prepared = prepare([r[2] for r in rows], mappers[0].embedder)
        out[_VECTORS] = [(i, v.tobytes(), "main") for i, v in enumerate(np.asarray(prepared.vecs, dtype=np.float16))]
        foreign = [i for i, lang in enumerate(prepared.langs) if lang in FOREIGN]
        if foreign and mappers[0].embedder.name != "multilingual" and multilingual_available():
            # a passage the multilingual model reads is found by meaning in its space (from any language)
            for i, v in zip(foreign, np.asarray(prepared.foreign_vecs(foreign), dtype=np.float16)):
                out[_VECTORS][i] = (i, v.tobytes(), "multilingual")
        for fid, mapper in _MAPPERS.items():
            pick = [i for i, r in enumerate(rows) if fid in r[3]]
            if not pick:
                continue
            sub = prepared if len(pick) == len(rows) else prepared.subset(pick)
            labels = mapper.score(sub, floor=mapper.store_floor, evidence="assigned")
            out[fid] = [(i, [(lab.code, lab.score, lab.assigned,
                              json.dumps(lab.evidence[:5], ensure_ascii=False) if lab.assigned else None)
                             for lab in labs]) for i, labs in zip(pick, labels)]
    return out
