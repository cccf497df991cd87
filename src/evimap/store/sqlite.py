"""SQLite store: one file, WAL mode, FTS5 index (Porter-stemmed English) over passages.

Every document is written in one transaction, so a crash or ``kill -9`` leaves every
committed document intact; the next run skips unchanged files by their SHA-256.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import secrets
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from ..enrich.duplicates import find_near_duplicates
from ..errors import QueryError, StoreError
from ..records import ProcessedDocument
from . import postings
from .facets import SAID_FACETS, passage_codes
from .groups import Grouping, sqlite_expression
from .facets import arrays as facet_arrays
from .base import SearchQuery, StoredDocument

SCHEMA_VERSION = 14


def _migration_1(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            format TEXT NOT NULL,
            pages INTEGER,
            title TEXT NOT NULL,
            language TEXT,
            language_score REAL,
            year INTEGER,
            symbols TEXT NOT NULL DEFAULT '[]',
            dates TEXT NOT NULL DEFAULT '[]',
            metadata TEXT NOT NULL DEFAULT '{}',
            removed TEXT NOT NULL DEFAULT '{}',
            warnings TEXT NOT NULL DEFAULT '[]',
            n_passages INTEGER NOT NULL,
            n_chars INTEGER NOT NULL,
            text TEXT NOT NULL,
            fingerprints BLOB NOT NULL,
            duplicate_of TEXT,
            duplicate_similarity REAL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE document_paths (
            path TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            sha256 TEXT NOT NULL
        );
        CREATE TABLE sections (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            label TEXT,
            title TEXT NOT NULL,
            level INTEGER NOT NULL,
            path TEXT NOT NULL,
            start INTEGER NOT NULL,
            page INTEGER,
            PRIMARY KEY (doc_id, seq)
        );
        CREATE TABLE passages (
            rowid INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            label TEXT,
            part INTEGER NOT NULL DEFAULT 0,
            page INTEGER,
            page_end INTEGER,
            section TEXT NOT NULL DEFAULT '',
            section_title TEXT NOT NULL DEFAULT '',
            section_path TEXT NOT NULL DEFAULT '[]',
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            dup_of TEXT
        );
        CREATE INDEX passages_doc ON passages(doc_id, seq);
        CREATE INDEX passages_hash ON passages(text_hash);
        CREATE INDEX passages_dup ON passages(dup_of) WHERE dup_of IS NOT NULL;
        CREATE VIRTUAL TABLE passages_fts USING fts5(
            text, content='passages', content_rowid='rowid',
            tokenize='porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
            INSERT INTO passages_fts(rowid, text) VALUES (new.rowid, new.text);
        END;
        CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
            INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
        END;
        CREATE TABLE doc_tables (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            name TEXT NOT NULL,
            caption TEXT,
            page INTEGER,
            source TEXT,
            n_rows INTEGER NOT NULL,
            rows TEXT NOT NULL,
            PRIMARY KEY (doc_id, seq)
        );
        CREATE TABLE failures (
            path TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            sha256 TEXT,
            size INTEGER,
            at TEXT NOT NULL
        );
        """
    )


def _migration_2(db: sqlite3.Connection) -> None:
    """Framework labels per passage. Only scores >= LABEL_FLOOR are kept."""
    db.executescript(
        """
        CREATE TABLE labels (
            framework TEXT NOT NULL,
            code TEXT NOT NULL,
            passage_id TEXT NOT NULL,
            score REAL NOT NULL,
            assigned INTEGER NOT NULL,
            evidence TEXT,
            PRIMARY KEY (framework, code, passage_id)
        ) WITHOUT ROWID;
        CREATE INDEX labels_passage ON labels(passage_id, framework);
        CREATE TABLE mapped (
            framework TEXT NOT NULL,
            passage_id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            PRIMARY KEY (framework, passage_id)
        ) WITHOUT ROWID;
        """
    )


def _migration_3(db: sqlite3.Connection) -> None:
    """Document embeddings for similar-document search, computed on first use and cached."""
    db.executescript(
        """
        CREATE TABLE doc_vectors (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            vec BLOB NOT NULL,
            PRIMARY KEY (doc_id, model)
        ) WITHOUT ROWID;
        """
    )


def _migration_4(db: sqlite3.Connection) -> None:
    """Attribution: mentions, claims (who said it), people, figures, events, abbreviations,
    and the structure of each stored table. Stores made before it are filled by `evimap attribute`."""
    db.executescript(
        """
        CREATE TABLE mentions (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            passage_id TEXT NOT NULL,
            kind TEXT NOT NULL,          -- country | region | org | indicator
            code TEXT NOT NULL,
            text TEXT NOT NULL,
            offset INTEGER NOT NULL
        );
        CREATE INDEX mentions_code ON mentions(kind, code);
        CREATE INDEX mentions_passage ON mentions(passage_id);
        CREATE INDEX mentions_doc ON mentions(doc_id);
        CREATE TABLE claims (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            passage_id TEXT NOT NULL,
            actor TEXT NOT NULL,
            actor_type TEXT NOT NULL,
            country TEXT,                -- ISO3 when the actor is a state
            region TEXT,                 -- M49 region of that state
            person TEXT,
            method TEXT NOT NULL,
            evidence TEXT NOT NULL
        );
        CREATE INDEX claims_passage ON claims(passage_id);
        CREATE INDEX claims_actor ON claims(actor);
        CREATE INDEX claims_type ON claims(actor_type);
        CREATE INDEX claims_doc ON claims(doc_id);
        CREATE TABLE people (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            affiliation TEXT,
            passage_id TEXT NOT NULL
        );
        CREATE INDEX people_doc ON people(doc_id);
        CREATE TABLE figures (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            passage_id TEXT NOT NULL,
            value REAL NOT NULL,
            unit TEXT NOT NULL,
            year INTEGER,
            subject TEXT NOT NULL,
            text TEXT NOT NULL,
            offset INTEGER NOT NULL
        );
        CREATE INDEX figures_passage ON figures(passage_id);
        CREATE INDEX figures_doc ON figures(doc_id);
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            passage_id TEXT NOT NULL,
            name TEXT NOT NULL,
            start_date TEXT NOT NULL,
            end_date TEXT,
            place TEXT,
            country TEXT,
            evidence TEXT NOT NULL
        );
        CREATE TABLE event_passages (
            event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
            passage_id TEXT NOT NULL,
            PRIMARY KEY (event_id, passage_id)
        ) WITHOUT ROWID;
        CREATE INDEX event_passages_passage ON event_passages(passage_id);
        CREATE TABLE abbreviations (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            abbr TEXT NOT NULL,
            expansion TEXT NOT NULL,
            actor TEXT NOT NULL
        );
        CREATE TABLE attributed (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            version TEXT NOT NULL
        );
        ALTER TABLE doc_tables ADD COLUMN structure TEXT;
        """
    )


def _migration_5(db: sqlite3.Connection) -> None:
    """A narrow covering index over the document columns searches filter and count by. Without it each
    lookup reads a document's whole row, stored text included (one page or more per document)."""
    db.execute("CREATE INDEX IF NOT EXISTS documents_attrs ON documents(id, year, language, format, name)")


def _migration_6(db: sqlite3.Connection) -> None:
    """Claims that hold for a whole document (a UNGDC file is one state's statement) are kept once per
    document in ``doc_claims`` instead of once per passage: 368,702 rows and their four index entries
    each on the full UNGDC became 10,952."""
    db.executescript(
        """
        CREATE TABLE doc_claims (
            doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            actor TEXT NOT NULL,
            actor_type TEXT NOT NULL,
            country TEXT,
            region TEXT,
            person TEXT,
            method TEXT NOT NULL,
            evidence TEXT NOT NULL
        );
        CREATE INDEX doc_claims_actor ON doc_claims(actor);
        INSERT OR IGNORE INTO doc_claims (doc_id, actor, actor_type, country, region, person, method, evidence)
            SELECT doc_id, actor, actor_type, country, region, person, method, evidence FROM claims
            WHERE method = 'document' ORDER BY rowid;
        DELETE FROM claims WHERE method = 'document';
        """
    )


# Migration N brings a store from schema N-1 to N. Later issues append here.
def _migration_7(db: sqlite3.Connection) -> None:
    """A claim's statement: the character offsets, inside its passage, of the sentences that carry it (from the
    sentence of its evidence through those where the same speaker goes on, up to the next speaker); the whole
    passage when the claim holds for all of it. NULL on claims stored before (computed when read until the
    document is attributed again)."""
    have = {r[1] for r in db.execute("PRAGMA table_info(claims)")}
    for column in ("span_start", "span_end"):
        if column not in have:
            db.execute(f"ALTER TABLE claims ADD COLUMN {column} INTEGER")


def _migration_8(db: sqlite3.Connection) -> None:
    """A passage read by OCR from a scanned page keeps Tesseract's mean word confidence on that page (0–1;
    NULL for text from a text layer), and every passage its own language (NULL on passages stored before: their
    document's language holds)."""
    have = {r[1] for r in db.execute("PRAGMA table_info(passages)")}
    if "ocr" not in have:
        db.execute("ALTER TABLE passages ADD COLUMN ocr REAL")
    if "language" not in have:
        db.execute("ALTER TABLE passages ADD COLUMN language TEXT")


def _migration_9(db: sqlite3.Connection) -> None:
    """Passage embeddings for search by meaning, written by `evimap map` (which computes them anyway): one
    float16 vector per mapped passage, keyed by the passage's rowid and gone with the passage."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS passage_vectors (
            rowid INTEGER PRIMARY KEY,   -- the passage's rowid
            model TEXT NOT NULL,
            vec BLOB NOT NULL            -- float16, L2-normalised
        );
        CREATE TRIGGER IF NOT EXISTS passages_vec_ad AFTER DELETE ON passages BEGIN
            DELETE FROM passage_vectors WHERE rowid = old.rowid;
        END;
        """
    )


def _migration_10(db: sqlite3.Connection) -> None:
    """Reviewers' decisions on labels: an append-only trail (``reviews``: never updated or deleted; an undo is a
    decision of its own), and on each label what the machine said (``machine``: NULL while no one reviewed it)
    and the decision in force (``reviewed``: accept, reject or add), so that ``assigned`` is what reports use."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS reviews (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            reviewer TEXT NOT NULL,
            passage_id TEXT NOT NULL,
            framework TEXT NOT NULL,
            code TEXT NOT NULL,
            decision TEXT NOT NULL,          -- accept | reject | add | undo
            reason TEXT,
            before TEXT                      -- the label as it was: machine / reviewed, assigned, score
        );
        CREATE INDEX IF NOT EXISTS reviews_label ON reviews(passage_id, framework, code);
        CREATE TRIGGER IF NOT EXISTS reviews_no_update BEFORE UPDATE ON reviews BEGIN
            SELECT RAISE(ABORT, 'the review trail is append-only');
        END;
        CREATE TRIGGER IF NOT EXISTS reviews_no_delete BEFORE DELETE ON reviews BEGIN
            SELECT RAISE(ABORT, 'the review trail is append-only');
        END;
        """
    )
    have = {r[1] for r in db.execute("PRAGMA table_info(labels)")}
    if "machine" not in have:
        db.execute("ALTER TABLE labels ADD COLUMN machine INTEGER")
    if "reviewed" not in have:
        db.execute("ALTER TABLE labels ADD COLUMN reviewed TEXT")


def _migration_11(db: sqlite3.Connection) -> None:
    """Reviewers: a name and the SHA-256 of the access token given to them once (the token itself is never
    stored); a revoked reviewer's token no longer opens anything, and their decisions stay in the trail."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS reviewers (
            name TEXT PRIMARY KEY,
            token_sha256 TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            revoked TEXT
        );
        """
    )


def _migration_12(db: sqlite3.Connection) -> None:
    """Claims a reviewer rejected: moved out of ``claims`` (so that every reader of claims sees the decisions in
    force) into ``claims_rejected``, whence an undo brings them back."""
    db.execute("CREATE TABLE IF NOT EXISTS claims_rejected AS SELECT * FROM claims WHERE 0")
    db.execute("CREATE INDEX IF NOT EXISTS claims_rejected_passage ON claims_rejected(passage_id)")


def _migration_13(db: sqlite3.Connection) -> None:
    """Frameworks of one's own (codebooks) a store was mapped with: their YAML kept, so that reviews, the review
    queue, learning and reports find them by id."""
    db.execute("CREATE TABLE IF NOT EXISTS frameworks (id TEXT PRIMARY KEY, yaml TEXT NOT NULL, path TEXT, "
               "updated TEXT NOT NULL)")


def _migration_14(db: sqlite3.Connection) -> None:
    """Language is a passage's own: passages stored before they had one take their document's, and an index
    on it serves the language filter and facet of search (a report mixes languages; its French annex is
    found under French)."""
    db.execute("UPDATE passages SET language = (SELECT d.language FROM documents d WHERE d.id = passages.doc_id) "
               "WHERE language IS NULL")
    db.execute("CREATE INDEX IF NOT EXISTS passages_language ON passages(language)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migration_1, _migration_2, _migration_3, _migration_4,
                                                          _migration_5, _migration_6, _migration_7, _migration_8,
                                                          _migration_9, _migration_10, _migration_11, _migration_12,
                                                          _migration_13, _migration_14]
ACTOR_REVIEWS = "actor"  # the ``framework`` of a review decision on a claim (``code``: the actor id)
_REVIEWER_NAME_RE = re.compile(r"^[\w.@-]{1,64}$")
LABEL_FLOOR = 0.05
_ADDED_EVIDENCE = '[{"type": "review", "decision": "add"}]'  # the evidence of a label a reviewer added


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SQLiteStore:
    """The default store. Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = str(path)
        self.readonly = readonly
        self._dups: tuple[tuple[int, int], set[int]] | None = None  # rowids of duplicate passages, see _fts_only
        self._langs: tuple[Any, tuple[np.ndarray, list[str]]] | None = None  # passages' language codes, see _language_mask
        self._last_eval: tuple[Any, Any] | None = None  # the last query evaluated over the postings (search, then count)
        self._last_rows: tuple[Any, np.ndarray] | None = None  # the last FTS5-only query's matched rows (count, facets)
        self._rank_memo: tuple[tuple[int, int], Any, float] | None = None  # see _rank_index_for
        self.use_postings = True  # False: every search in FTS5 (benchmarks and tests compare the two)
        p = Path(self.path)
        if readonly and not p.exists():
            raise StoreError(f"{self.path}: no such store (run `evimap ingest` first)")
        if p.exists() and p.is_file() and p.stat().st_size > 0:
            with open(p, "rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    raise StoreError(f"{self.path}: not an evimap store (the file is not a SQLite database)")
        elif p.exists() and not p.is_file():
            raise StoreError(f"{self.path}: is a directory, not a store file")
        try:
            if readonly:
                self.db = sqlite3.connect(f"file:{p.resolve()}?mode=ro", uri=True, check_same_thread=False)
            else:
                p.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open store ({exc})") from None
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA busy_timeout = 10000")
            if not readonly:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA cache_size = -65536")
            self._migrate(readonly)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(f"{self.path}: not a usable evimap store ({exc})") from None

    @contextlib.contextmanager
    def bulk_writes(self, wal_pages: int = 20_000) -> Iterator[None]:
        """Many small transactions in a row (ingest, map): let the WAL grow to ``wal_pages`` pages
        (80 MB) before it is copied back into the database, instead of SQLite's 1,000. Pages changed
        by several transactions are then copied once; each transaction still commits on its own, so
        durability is unchanged (figures in benchmarks/RESULTS.md). The WAL is checkpointed when the
        block ends."""
        self.db.execute(f"PRAGMA wal_autocheckpoint = {int(wal_pages)}")
        try:
            yield
        finally:
            self.db.execute("PRAGMA wal_autocheckpoint = 1000")
            try:
                self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.OperationalError:  # a reader holds it: SQLite checkpoints later
                pass

    # -- schema -----------------------------------------------------------------------------
    def _migrate(self, readonly: bool) -> None:
        if not readonly:
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError:
            raise StoreError(f"{self.path}: not an evimap store (no meta table)") from None
        version = int(row[0]) if row else 0
        if version == 0 and not readonly:
            tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables - {"meta"}:
                raise StoreError(f"{self.path}: a SQLite file that is not an evimap store")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: made by a newer evimap (schema {version}, this version reads up to {SCHEMA_VERSION})"
            )
        if version < SCHEMA_VERSION:
            if readonly:
                raise StoreError(f"{self.path}: store needs migrating; open it once without read-only mode")
            for number in range(version + 1, SCHEMA_VERSION + 1):
                with self.db:
                    MIGRATIONS[number - 1](self.db)
                    self.db.execute(
                        "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(number),)
                    )

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])

    # -- writing ----------------------------------------------------------------------------
    def known_sha(self, path: str) -> str | None:
        row = self.db.execute("SELECT sha256 FROM document_paths WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    def doc_id_for_sha(self, sha256: str) -> str | None:
        row = self.db.execute("SELECT id FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def _delete_path(self, path: str) -> None:
        row = self.db.execute("SELECT doc_id FROM document_paths WHERE path = ?", (path,)).fetchone()
        if not row:
            return
        doc_id = row[0]
        self.db.execute("DELETE FROM document_paths WHERE path = ?", (path,))
        others = self.db.execute("SELECT path FROM document_paths WHERE doc_id = ? LIMIT 1", (doc_id,)).fetchone()
        if others:
            self.db.execute("UPDATE documents SET path = ? WHERE id = ? AND path = ?", (others[0], doc_id, path))
            return
        self.db.execute("UPDATE passages SET dup_of = NULL WHERE dup_of IN (SELECT id FROM passages WHERE doc_id = ?)", (doc_id,))
        self.db.execute("UPDATE documents SET duplicate_of = NULL, duplicate_similarity = NULL WHERE duplicate_of = ?", (doc_id,))
        for table in ("labels", "mapped"):
            self.db.execute(f"DELETE FROM {table} WHERE passage_id IN (SELECT id FROM passages WHERE doc_id = ?)",
                            (doc_id,))
        self.db.execute("DELETE FROM passages WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def put_document(self, doc: ProcessedDocument) -> str:
        """Store a processed document atomically, replacing any older version at the same path.

        Returns "added", "updated" or "alias" (identical content already stored under another path).
        """
        with self.db:
            replaced = self.known_sha(doc.path) is not None
            if replaced:
                self._delete_path(doc.path)
            existing = self.db.execute("SELECT id FROM documents WHERE id = ?", (doc.doc_id,)).fetchone()
            if existing:
                self.db.execute(
                    "INSERT OR REPLACE INTO document_paths(path, doc_id, sha256) VALUES (?, ?, ?)",
                    (doc.path, doc.doc_id, doc.sha256),
                )
                self.db.execute("DELETE FROM failures WHERE path = ?", (doc.path,))
                return "alias"
            m = doc.meta
            self.db.execute(
                """INSERT INTO documents (id, path, name, sha256, size, format, pages, title, language,
                   language_score, year, symbols, dates, metadata, removed, warnings, n_passages, n_chars, text,
                   fingerprints, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (
                    doc.doc_id, doc.path, doc.name, doc.sha256, doc.size, doc.format, doc.pages, m.title,
                    m.language, m.language_score, m.year, json.dumps(m.symbols), json.dumps(m.dates),
                    json.dumps(doc.metadata, default=str), json.dumps(doc.removed), json.dumps(doc.warnings),
                    len(doc.passages), len(doc.text), doc.text, doc.fingerprints, _now(),
                ),
            )
            self.db.execute(
                "INSERT OR REPLACE INTO document_paths(path, doc_id, sha256) VALUES (?, ?, ?)",
                (doc.path, doc.doc_id, doc.sha256),
            )
            self.db.executemany(
                "INSERT INTO sections (doc_id, seq, label, title, level, path, start, page) VALUES (?,?,?,?,?,?,?,?)",
                [(doc.doc_id, i, s.label, s.title, s.level, s.path, s.start, s.page) for i, s in enumerate(doc.sections)],
            )
            self.db.executemany(
                """INSERT INTO passages (id, doc_id, seq, kind, label, part, page, page_end, section, section_title,
                   section_path, start, end, text, text_hash, ocr, language) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                [
                    (p.id, p.doc_id, p.seq, p.kind, p.label, p.part, p.page, p.page_end, p.section, p.section_title,
                     json.dumps(p.section_path), p.start, p.end, p.text, p.text_hash, p.ocr, p.language)
                    for p in doc.passages
                ],
            )
            self.db.executemany(
                "INSERT INTO doc_tables (doc_id, seq, name, caption, page, source, n_rows, rows, structure) "
                "VALUES (?,?,?,?,?,?,?,?,?)",
                [(doc.doc_id, i, t.name, t.caption, t.page, t.source, len(t.rows), json.dumps(t.rows),
                  json.dumps(t.structure) if t.structure is not None else None)
                 for i, t in enumerate(doc.tables)],
            )
            if doc.attribution is not None:
                self._put_attribution(doc.doc_id, doc.attribution, doc.passages)
            self.db.execute("DELETE FROM failures WHERE path = ?", (doc.path,))
        return "updated" if replaced else "added"

    def _put_attribution(self, doc_id: str, a: Any, passages: list[Any]) -> None:
        """Write one document's attribution (inside the caller's transaction), replacing any older one."""
        import hashlib

        from ..attribute import ATTRIBUTION_VERSION, field_of, gazetteer
        from ..attribute.batch import statement_span

        def _stored_span(text: str, c: Any, claims: list[Any]) -> tuple[int, int]:
            start, end = statement_span(text, c, claims)
            return (0, len(text)) if start is None else (start, end)  # NULL is left for rows stored before spans

        gaz = gazetteer()
        for table in ("mentions", "claims", "claims_rejected", "doc_claims", "people", "figures", "abbreviations",
                      "events", "attributed"):
            self.db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
        self.db.executemany("INSERT INTO mentions (doc_id, passage_id, kind, code, text, offset) VALUES (?,?,?,?,?,?)",
                            [(doc_id, *m) for m in a.mentions])
        def claim_row(c: Any) -> tuple[Any, ...]:
            country = c.actor if c.actor in gaz.countries else None
            return (c.actor, c.actor_type, country, gaz.region_of(country)[0] if country else None, c.person,
                    c.method, c.evidence)

        text_of = {field_of(p, "id"): field_of(p, "text") for p in passages}
        by_passage: dict[str, list[Any]] = {}
        for c in a.claims:
            by_passage.setdefault(c.passage_id, []).append(c)
        self.db.executemany("INSERT INTO claims (doc_id, passage_id, actor, actor_type, country, region, person, method, "
                            "evidence, span_start, span_end) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                            [(doc_id, c.passage_id, *claim_row(c),
                              *_stored_span(text_of.get(c.passage_id) or "", c, by_passage[c.passage_id]))
                             for c in a.claims])
        if a.document_claim is not None:
            self.db.execute("INSERT INTO doc_claims (doc_id, actor, actor_type, country, region, person, method, evidence) "
                            "VALUES (?,?,?,?,?,?,?,?)", (doc_id, *claim_row(a.document_claim)))
        self.db.executemany("INSERT INTO people (doc_id, name, role, affiliation, passage_id) VALUES (?,?,?,?,?)",
                            [(doc_id, p.name, p.role, p.affiliation, p.passage_id) for p in a.people])
        self.db.executemany("INSERT INTO figures (doc_id, passage_id, value, unit, year, subject, text, offset) "
                            "VALUES (?,?,?,?,?,?,?,?)",
                            [(doc_id, pid, f.value, f.unit, f.year, f.subject, f.text, f.start) for pid, f in a.figures])
        self.db.executemany("INSERT INTO abbreviations (doc_id, abbr, expansion, actor) VALUES (?,?,?,?)",
                            [(doc_id, *x) for x in a.abbreviations])
        texts = [(field_of(p, "id"), field_of(p, "text"), field_of(p, "section_title") or "") for p in passages]
        # two meetings of one name (the High-level Dialogues of 2006 and 2013): a passage naming it is linked to the
        # one whose year it gives
        dates_of: dict[str, set[str]] = {}
        for _, ev in a.events:
            dates_of.setdefault(ev.name, set()).add(ev.start_date)
        for pid, ev in a.events:
            eid = hashlib.sha1(f"{doc_id}|{ev.name}|{ev.start_date}".encode()).hexdigest()[:16]
            self.db.execute("INSERT OR IGNORE INTO events (id, doc_id, passage_id, name, start_date, end_date, place, "
                            "country, evidence) VALUES (?,?,?,?,?,?,?,?,?)",
                            (eid, doc_id, pid, ev.name, ev.start_date, ev.end_date, ev.place, ev.country, ev.text))
            linked = {pid}
            key = ev.name if len(ev.name.split()) >= 3 else None
            if key:
                year = ev.start_date[:4] if len(dates_of[ev.name]) > 1 else ""
                linked |= {q for q, t, sec in texts if (key in t and year in t) or sec == key}
            self.db.executemany("INSERT OR IGNORE INTO event_passages (event_id, passage_id) VALUES (?, ?)",
                                [(eid, q) for q in linked])
        self.db.execute("INSERT INTO attributed (doc_id, version) VALUES (?, ?)", (doc_id, ATTRIBUTION_VERSION))
        if self._has_reviews():  # reviewers' decisions on claims hold through a new attribution
            for (pid,) in self.db.execute(
                    "SELECT DISTINCT r.passage_id FROM reviews r JOIN passages p ON p.id = r.passage_id "
                    "WHERE r.framework = ? AND p.doc_id = ?", (ACTOR_REVIEWS, doc_id)).fetchall():
                self._apply_claim_reviews(pid)

    def put_attribution(self, doc_id: str, attribution: Any, passages: list[Any],
                        structures: list[tuple[int, Any]] | None = None) -> None:
        """Replace the attribution of one stored document (used to attribute stores made before it)."""
        with self.db:
            self._put_attribution(doc_id, attribution, passages)
            for seq, structure in structures or []:
                self.db.execute("UPDATE doc_tables SET structure = ? WHERE doc_id = ? AND seq = ?",
                                (json.dumps(structure), doc_id, seq))

    def unattributed(self, version: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT d.id FROM documents d LEFT JOIN attributed a ON a.doc_id = d.id AND a.version = ? "
            "WHERE a.doc_id IS NULL ORDER BY d.rowid", (version,))]

    def record_failure(self, path: str, reason: str, sha256: str | None = None, size: int | None = None) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO failures (path, reason, sha256, size, at) VALUES (?,?,?,?,?)",
                (path, reason, sha256, size, _now()),
            )

    def clear_failure(self, path: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM failures WHERE path = ?", (path,))

    def failures(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM failures ORDER BY path")]

    # -- duplicates -------------------------------------------------------------------------
    def refresh_duplicates(self, min_containment: float = 0.5) -> dict[str, int]:
        """Recompute near-duplicate documents and duplicate passages for the whole store."""
        rows = self.db.execute("SELECT id, fingerprints, n_chars FROM documents ORDER BY rowid").fetchall()
        pairs = find_near_duplicates([(r[0], r[1], r[2]) for r in rows], min_containment=min_containment)
        best: dict[str, tuple[str, float]] = {}
        for pair in pairs:
            if pair.doc_id not in best or pair.containment > best[pair.doc_id][1]:
                best[pair.doc_id] = (pair.original_id, pair.containment)
        # Follow chains so every copy points at a document that is not itself a copy.
        resolved: dict[str, tuple[str, float]] = {}
        for copy, (orig, sim) in best.items():
            seen = {copy}
            while orig in best and orig not in seen:
                seen.add(orig)
                orig = best[orig][0]
            if orig != copy:
                resolved[copy] = (orig, sim)
        with self.db:
            self.db.execute("UPDATE documents SET duplicate_of = NULL, duplicate_similarity = NULL")
            self.db.executemany(
                "UPDATE documents SET duplicate_of = ?, duplicate_similarity = ? WHERE id = ?",
                [(orig, sim, copy) for copy, (orig, sim) in resolved.items()],
            )
            self.db.execute("UPDATE passages SET dup_of = NULL WHERE dup_of IS NOT NULL")
            # Exact duplicates (same words) across documents: keep the earliest stored passage.
            self.db.execute(
                """
                WITH ranked AS (
                    SELECT p.text_hash, p.rowid AS rid, p.doc_id,
                           ROW_NUMBER() OVER (PARTITION BY p.text_hash
                               ORDER BY (d.duplicate_of IS NOT NULL), p.rowid) AS rn
                    FROM passages p JOIN documents d ON d.id = p.doc_id
                    WHERE length(p.text) >= 40 AND p.kind != 'heading'
                      AND p.text_hash IN (SELECT text_hash FROM passages GROUP BY text_hash HAVING COUNT(*) > 1)
                ),
                firsts AS (SELECT text_hash, rid AS first_rowid FROM ranked WHERE rn = 1)
                UPDATE passages SET dup_of = (SELECT p2.id FROM passages p2 JOIN firsts f ON p2.rowid = f.first_rowid
                                              WHERE f.text_hash = passages.text_hash)
                WHERE text_hash IN (SELECT text_hash FROM firsts)
                  AND rowid NOT IN (SELECT first_rowid FROM firsts)
                """
            )
            near = 0
            for copy, (orig, _) in resolved.items():
                near += self._link_near_duplicate_passages(copy, orig)
        exact = self.db.execute("SELECT COUNT(*) FROM passages WHERE dup_of IS NOT NULL").fetchone()[0]
        return {"duplicate_documents": len(resolved), "duplicate_passages": exact}

    def _link_near_duplicate_passages(self, copy: str, original: str, min_share: float = 0.8) -> int:
        """Within a near-duplicate document pair, mark each copy passage whose words mostly occur
        in one original passage (differently wrapped or truncated copies of the same text)."""
        from ..enrich.duplicates import _WORD_RE

        def grams(text: str) -> set[tuple[str, ...]]:
            words = _WORD_RE.findall(text.lower())
            return {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))}

        originals = [(r["id"], grams(r["text"])) for r in
                     self.db.execute("SELECT id, text FROM passages WHERE doc_id = ? AND kind != 'heading'", (original,))]
        index: dict[tuple[str, ...], list[int]] = {}
        for k, (_, g) in enumerate(originals):
            for gram in g:
                index.setdefault(gram, []).append(k)
        updates = []
        for r in self.db.execute(
            "SELECT id, text FROM passages WHERE doc_id = ? AND dup_of IS NULL AND kind != 'heading'", (copy,)
        ).fetchall():
            g = grams(r["text"])
            if len(g) < 5:
                continue
            counts: dict[int, int] = {}
            for gram in g:
                for k in index.get(gram, ()):
                    counts[k] = counts.get(k, 0) + 1
            if not counts:
                continue
            k, shared = max(counts.items(), key=lambda kv: kv[1])
            if shared / len(g) >= min_share:
                updates.append((originals[k][0], r["id"]))
        self.db.executemany("UPDATE passages SET dup_of = ? WHERE id = ?", updates)
        return len(updates)

    # -- reading ----------------------------------------------------------------------------
    @staticmethod
    def _doc(row: sqlite3.Row) -> StoredDocument:
        return StoredDocument(
            id=row["id"], path=row["path"], name=row["name"], sha256=row["sha256"], format=row["format"],
            title=row["title"], pages=row["pages"], language=row["language"], year=row["year"],
            n_passages=row["n_passages"], size=row["size"], symbols=json.loads(row["symbols"]),
            dates=json.loads(row["dates"]), removed=json.loads(row["removed"]), metadata=json.loads(row["metadata"]),
            duplicate_of=row["duplicate_of"], duplicate_similarity=row["duplicate_similarity"],
            language_score=row["language_score"], ingested_at=row["ingested_at"],
            warnings=json.loads(row["warnings"]),
        )

    _DOC_COLUMNS = ("id, path, name, sha256, format, title, pages, language, year, n_passages, size, symbols, dates, "
                    "removed, metadata, duplicate_of, duplicate_similarity, language_score, ingested_at, warnings")

    def documents(self) -> list[StoredDocument]:
        return [self._doc(r) for r in self.db.execute(f"SELECT {self._DOC_COLUMNS} FROM documents ORDER BY name, path")]

    def document(self, doc_id: str) -> StoredDocument | None:
        row = self.db.execute(f"SELECT {self._DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return self._doc(row) if row else None

    def find_documents(self, ref: str) -> list[StoredDocument]:
        """Documents whose id starts with ``ref``, or whose name or path equals or contains it."""
        rows = self.db.execute(
            f"""SELECT {self._DOC_COLUMNS} FROM documents WHERE id LIKE ? || '%' OR name = ? OR path = ?
                OR id IN (SELECT doc_id FROM document_paths WHERE path = ?)""",
            (ref, ref, ref, ref),
        ).fetchall()
        if not rows:
            rows = self.db.execute(
                f"SELECT {self._DOC_COLUMNS} FROM documents WHERE name LIKE '%' || ? || '%' ORDER BY name", (ref,)
            ).fetchall()
        return [self._doc(r) for r in rows]

    def document_text(self, doc_id: str) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else ""

    def sections(self, doc_id: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM sections WHERE doc_id = ? ORDER BY seq", (doc_id,))]

    def tables(self, doc_id: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM doc_tables" + (" WHERE doc_id = ?" if doc_id else "") + " ORDER BY doc_id, seq"
        out = []
        for r in self.db.execute(sql, (doc_id,) if doc_id else ()):
            d = dict(r)
            d["rows"] = json.loads(d["rows"])
            d["structure"] = json.loads(d["structure"]) if d.get("structure") else None
            out.append(d)
        return out

    @staticmethod
    def _passage(row: sqlite3.Row) -> dict[str, Any]:
        d = dict(row)
        d.pop("rowid", None)
        if "section_path" in d:
            d["section_path"] = json.loads(d["section_path"])
        return d

    def passages(self, doc_id: str | None = None) -> Iterator[dict[str, Any]]:
        if doc_id:
            cur = self.db.execute("SELECT * FROM passages WHERE doc_id = ? ORDER BY seq", (doc_id,))
        else:
            cur = self.db.execute("SELECT * FROM passages ORDER BY doc_id, seq")
        for row in cur:
            yield self._passage(row)

    def passage(self, passage_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM passages WHERE id = ?", (passage_id,)).fetchone()
        return self._passage(row) if row else None

    _FROM = """FROM passages_fts
            JOIN passages p ON p.rowid = passages_fts.rowid
            JOIN documents d ON d.id = p.doc_id"""

    def _where(self, q: SearchQuery) -> tuple[str, list[Any]]:
        """The WHERE clause of a search over ``passages_fts`` alone: the match, then each filter as the set of
        passage rowids it allows (``+rowid IN (…)``, built once per query from covering indexes and
        checked while FTS5 walks its matches). Joining every match to ``passages`` and ``documents``
        instead reads one wide row per match: 0.1–0.9 s for a common word narrowed to a year on the full
        UNGDC, against 3–20 ms this way (benchmarks/RESULTS.md). The ``+`` keeps SQLite from handing
        the rowid list to FTS5 as lookups, which is slower still."""
        clauses = ["passages_fts MATCH ?"]
        params: list[Any] = [q.match]
        ph = lambda v: ",".join("?" * len(v))  # noqa: E731
        allow = "+passages_fts.rowid IN (SELECT rowid FROM passages WHERE id IN ({}))"
        if q.collapse_duplicates:
            clauses.append("+passages_fts.rowid NOT IN (SELECT rowid FROM passages WHERE dup_of IS NOT NULL)")
        doc, doc_params = self._document_conditions(q)
        if doc:
            sql, args = self._in_documents(f"SELECT id FROM documents WHERE {doc}", doc_params)
            clauses.append(sql)
            params.extend(args)
        if q.languages:
            sql, args = self._in_languages(list(q.languages))
            clauses.append(sql)
            params.extend(args)
        if q.kinds:  # no index on kind: checked on the passage row of each match
            clauses.append(f"(SELECT kind FROM passages WHERE rowid = passages_fts.rowid) IN ({ph(q.kinds)})")
            params.extend(q.kinds)
        for framework, code, min_score in q.labels:
            clauses.append(allow.format("SELECT passage_id FROM labels WHERE framework = ? AND code = ? AND "
                                        + ("score >= ?" if min_score is not None else "assigned = 1")))
            params.extend([framework, code] + ([min_score] if min_score is not None else []))
        # said in the passage (its claims; for places also named in it), or by its whole document (doc_claims:
        # every passage of a UNGDC speech)
        for column, values in (("actor", q.actors), ("actor_type", q.actor_types), ("country", q.countries),
                               ("region", q.regions)):
            if not values:
                continue
            own = f"SELECT passage_id FROM claims WHERE {column} IN ({ph(values)})"
            own_params = list(values)
            if column in ("country", "region"):
                own += f" UNION SELECT passage_id FROM mentions WHERE kind = '{column}' AND code IN ({ph(values)})"
                own_params += values
            whole, whole_params = self._in_documents(f"SELECT doc_id FROM doc_claims WHERE {column} IN ({ph(values)})",
                                                     list(values))
            clauses.append(f"({allow.format(own)} OR {whole})")
            params.extend(own_params + whole_params)
        if q.events:
            clauses.append(allow.format("SELECT ep.passage_id FROM event_passages ep JOIN events e ON e.id = ep.event_id "
                                        f"WHERE e.id IN ({ph(q.events)}) OR e.name IN ({ph(q.events)})"))
            params.extend(q.events * 2)
        return " AND ".join(clauses), params

    @staticmethod
    def _document_conditions(q: SearchQuery) -> tuple[str, list[Any]]:
        """The document filters of ``q`` (document, format, years) as one condition on ``documents`` ("" when
        there are none), with its parameters. Language is a passage's own (``_in_languages``)."""
        conds: list[str] = []
        params: list[Any] = []
        for column, values in (("id", q.documents), ("format", q.formats)):
            if values:
                conds.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        for cond, value in (("year >= ?", q.year_from), ("year <= ?", q.year_to)):
            if value is not None:
                conds.append(cond)
                params.append(value)
        return " AND ".join(conds), params

    def _in_documents(self, docs: str, params: list[Any]) -> tuple[str, list[Any]]:
        """A rowid restriction to the passages of the documents ``docs`` selects. When they are most of the
        store (English, Member States on the UNGDC) the list of the other documents' passages is built
        instead: listing 370,000 rowids cost 0.25–0.7 s a query."""
        n = self.db.execute(f"SELECT COUNT(*) FROM ({docs})", params).fetchone()[0]
        if 2 * n <= self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]:
            return f"+passages_fts.rowid IN (SELECT rowid FROM passages WHERE doc_id IN ({docs}))", params
        return ("+passages_fts.rowid NOT IN (SELECT rowid FROM passages WHERE doc_id IN "
                f"(SELECT id FROM documents WHERE id NOT IN ({docs})))"), params

    def _in_languages(self, languages: list[str]) -> tuple[str, list[Any]]:
        """A rowid restriction to the passages in ``languages`` (each passage's own language, by its index).
        When they are most of the store (English on the UNGDC) the other passages are listed instead."""
        ph = ",".join("?" * len(languages))
        n = self.db.execute(f"SELECT COUNT(*) FROM passages WHERE language IN ({ph})", languages).fetchone()[0]
        if 2 * n <= self.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]:
            return f"+passages_fts.rowid IN (SELECT rowid FROM passages WHERE language IN ({ph}))", list(languages)
        return (f"+passages_fts.rowid NOT IN (SELECT rowid FROM passages WHERE language IS NULL OR language NOT IN ({ph}))",
                list(languages))

    def _language_mask(self, languages: list[str], size: int) -> np.ndarray:
        """Which passage rowids below ``size`` are in ``languages``: each passage's language code is read once
        until the store changes (facets.passage_codes), then a filter is one ``isin``."""
        key = (self._view_version(), size)
        if self._langs is None or self._langs[0] != key:
            self._langs = (key, passage_codes(self.db, "language", size))
        codes, values = self._langs[1]
        wanted = [i for i, v in enumerate(values) if v in set(languages)]
        return np.isin(codes, np.array(wanted, dtype=np.int16))

    def search(self, q: SearchQuery) -> list[dict[str, Any]]:
        """Rank first (bm25 only), then read the page of results alone, with snippets (``rows_for``)."""
        return self.rows_for(self.ranked(q), q.match, strict=True)

    # Facets of a search: what the matching passages are, counted per value. The matches are written
    # once to a temporary table (one FTS query), then each facet is a GROUP BY joining it by index.
    _FACETS = {
        "language": "SELECT p.language AS v, COUNT(*) AS n FROM temp.facet_hits h CROSS JOIN passages p ON p.rowid = h.rid",
        "year": "SELECT d.year AS v, COUNT(*) AS n FROM temp.facet_hits h CROSS JOIN documents d ON d.id = h.doc_id",
        "format": "SELECT d.format AS v, COUNT(*) AS n FROM temp.facet_hits h CROSS JOIN documents d ON d.id = h.doc_id",
        "document": "SELECT d.name AS v, COUNT(*) AS n FROM temp.facet_hits h CROSS JOIN documents d ON d.id = h.doc_id",
    }
    _SAID = SAID_FACETS  # from claims and doc_claims (country, region: mentions too)
    FACET_NAMES = (*_FACETS, *_SAID, "label:FRAMEWORK")

    def facet_counts(self, q: SearchQuery, facets: list[str], limit: int = 10,
                     budget_ms: float = 200.0) -> dict[str, list[tuple[Any, int]] | None]:
        """Per facet, the ``limit`` commonest values among the passages ``q`` matches, as (value, passages).

        Facets: language, year, format, document, actor_type, actor, country and region (said by or
        named in the passage, as the search filters mean them), and ``label:FRAMEWORK`` (assigned
        categories). The whole call gets ``budget_ms``: facets not finished by then (a very common word
        on a big store) come back as None instead of holding up the page."""
        for f in facets:
            if f not in self._FACETS and f not in self._SAID and not f.startswith("label:"):
                raise QueryError(f"unknown facet {f!r} (choose from: {', '.join(self.FACET_NAMES)})")
        out: dict[str, list[tuple[Any, int]] | None] = dict.fromkeys(facets)
        deadline = time.perf_counter() + budget_ms / 1000
        rows = self._matched_rows(q)
        if rows is not None:
            # counted in memory (store/facets.py): milliseconds each, once a facet's arrays are loaded (the first
            # count of a facet after the store changed loads them, up to a few seconds on the full UNGDC)
            fa = facet_arrays(self.db, self.path, rows[1])
            for facet in facets:
                if time.perf_counter() > deadline:
                    break
                out[facet] = fa.count(self.db, facet, rows[0], limit)
            return out
        where, params = self._where(q)
        self.db.set_progress_handler(lambda: time.perf_counter() > deadline, 1000)
        try:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS facet_hits (rid INTEGER PRIMARY KEY, pid TEXT, doc_id TEXT)")
            self.db.execute("DELETE FROM temp.facet_hits")
            self.db.execute(f"INSERT INTO temp.facet_hits SELECT p.rowid, p.id, p.doc_id {self._FROM} WHERE {where}", params)
            for facet in facets:
                if time.perf_counter() > deadline:
                    break
                sql, args = self._facet_sql(facet)
                out[facet] = [(r[0], r[1]) for r in self.db.execute(sql, [*args, limit])]
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise QueryError(f"cannot parse query {q.match!r}: {exc}") from None
        finally:
            self.db.set_progress_handler(None, 0)
            if self.db.in_transaction:
                self.db.rollback()
        return out

    def _facet_sql(self, facet: str) -> tuple[str, list[Any]]:
        tail = " GROUP BY v ORDER BY n DESC, v LIMIT ?"
        if facet in self._FACETS:
            return self._FACETS[facet] + " WHERE v IS NOT NULL" + tail, []
        if facet in self._SAID:  # said by (a passage's claims or its document's) or, for places, named in it
            named = ("" if facet in ("actor", "actor_type") else
                     " UNION ALL SELECT m.code AS v, h.rid AS rid FROM temp.facet_hits h CROSS JOIN mentions m "
                     f"ON m.passage_id = h.pid WHERE m.kind = '{facet}'")
            return (f"""SELECT v, COUNT(DISTINCT rid) AS n FROM (
                          SELECT c.{facet} AS v, h.rid AS rid FROM temp.facet_hits h CROSS JOIN claims c ON c.passage_id = h.pid
                          WHERE c.{facet} IS NOT NULL
                          UNION ALL
                          SELECT dc.{facet} AS v, h.rid AS rid FROM temp.facet_hits h CROSS JOIN doc_claims dc
                          ON dc.doc_id = h.doc_id WHERE dc.{facet} IS NOT NULL{named})""" + tail, [])
        return ("SELECT l.code AS v, COUNT(*) AS n FROM temp.facet_hits h CROSS JOIN labels l INDEXED BY labels_passage ON l.passage_id = h.pid "
                "WHERE l.framework = ? AND l.assigned = 1" + tail, [facet.split(":", 1)[1]])

    def neighbours(self, passage_id: str, before: int = 2, after: int = 2) -> list[dict[str, Any]]:
        """The passages around one, in reading order (the passage itself included)."""
        row = self.db.execute("SELECT doc_id, seq FROM passages WHERE id = ?", (passage_id,)).fetchone()
        if row is None:
            return []
        return [self._passage(r) for r in self.db.execute(
            "SELECT * FROM passages WHERE doc_id = ? AND seq BETWEEN ? AND ? ORDER BY seq",
            (row[0], row[1] - before, row[1] + after))]

    # Above this many duplicate passages, collapsing is done in SQL instead of by over-fetching.
    _MAX_OVERFETCH = 5000

    def _view_version(self) -> tuple[int, int]:
        """Changes whenever this connection's view of the store does: another connection's commit moves
        data_version, ours total_changes."""
        return self.db.execute("PRAGMA data_version").fetchone()[0], self.db.total_changes

    def _duplicate_rowids(self) -> set[int]:
        """Rowids of duplicate passages, kept until the store changes (another connection's commit moves
        data_version, ours total_changes)."""
        version = self._view_version()
        if self._dups is None or self._dups[0] != version:
            self._dups = (version, {r[0] for r in self.db.execute("SELECT rowid FROM passages WHERE dup_of IS NOT NULL")})
        return self._dups[1]

    def _fts_only(self, q: SearchQuery) -> set[int] | None:
        """Rowids to drop when ``q`` can be answered from the FTS table alone, else None."""
        if any((q.documents, q.formats, q.languages, q.kinds, q.labels)) or q.attributed or q.year_from is not None or q.year_to is not None:
            return None
        if not q.collapse_duplicates:
            return set()
        dups = self._duplicate_rowids()
        return dups if len(dups) <= self._MAX_OVERFETCH else None

    # ---- ranking from the postings (store/postings.py) --------------------------------------
    def rank_index_state(self) -> str:
        """"current", "stale" (the store changed since it was built) or "missing"."""
        built = postings.built_state(self.path)
        if built is None:
            return "missing"
        return "current" if built == postings.fts_state(self.db) and postings.current(self.db, self.path) is not None else "stale"

    def refresh_rank_index(self, force: bool = False) -> dict[str, Any] | None:
        """Rebuild the postings beside the store unless they match it already (then None). Ingest
        calls this; without them searches are answered by FTS5 alone, with the same results."""
        if not force and self.rank_index_state() == "current":
            return None
        return postings.build(self.db, self.path)

    def _rank_index_for(self, q: SearchQuery) -> "postings.RankIndex | None":
        """The current rank index when ``q``'s filters can all be applied with it (not passage kind, labels or
        attribution, which need SQL), else None."""
        if not self.use_postings or q.kinds or q.labels or q.attributed:
            return None
        # checking that the index matches the FTS table reads and hashes FTS5's structure record: done once per
        # state of this connection's view of the store (a missing index is looked for again after a few seconds)
        version = self._view_version()
        memo = self._rank_memo
        if memo is not None and memo[0] == version and (memo[1] is not None or time.monotonic() - memo[2] < 5.0):
            return memo[1]
        ri = postings.current(self.db, self.path)
        self._rank_memo = (version, ri, time.monotonic())
        return ri

    def _postings_eval(self, q: SearchQuery) -> "postings.Evaluation | None":
        """``q`` evaluated over the postings, or None when FTS5 must answer it (no current index, a
        filter the postings do not carry, or query syntax)."""
        ri = self._rank_index_for(q)
        if ri is None:
            return None
        key = self._eval_key(q, ri)
        if self._last_eval is not None and self._last_eval[0] == key:
            return self._last_eval[1]
        try:
            ev = postings.evaluate(ri, q.match, self._allowed(q, ri))
        except postings.Unsupported:
            ev = None  # remembered too: the next call of the same query goes straight to FTS5
        self._last_eval = (key, ev)
        return ev

    def _eval_key(self, q: SearchQuery, ri: "postings.RankIndex") -> tuple[Any, ...]:
        """What the passages a query matches depend on: the index state, the query and its document filters,
        and the duplicates when they are collapsed."""
        if q.collapse_duplicates:
            self._duplicate_rowids()  # brings self._dups up to date: its version is part of the key
        return (ri.state, q.match, tuple(q.documents), tuple(q.formats), tuple(q.languages), q.year_from, q.year_to,
                q.collapse_duplicates, self._dups[0] if q.collapse_duplicates and self._dups else None)

    def _allowed(self, q: SearchQuery, ri: "postings.RankIndex") -> np.ndarray | None:
        """The passages ``q``'s document filters and duplicate collapsing keep, as a mask by rowid (None: all)."""
        dups = self._duplicate_rowids() if q.collapse_duplicates else set()
        allowed = None
        if dups:
            allowed = np.ones(ri.size, dtype=bool)
            dup_rows = np.fromiter(dups, dtype=np.int64, count=len(dups))
            allowed[dup_rows[dup_rows < ri.size]] = False
        doc, doc_params = self._document_conditions(q)
        if doc:
            ids = np.array([r[0] for r in self.db.execute(f"SELECT rowid FROM documents WHERE {doc}", doc_params)],
                           dtype=np.int64)
            ok = np.zeros(max(int(ri.doc_of.max(initial=0)), int(ids.max(initial=0))) + 1, dtype=bool)
            ok[ids] = True
            in_docs = ok[ri.doc_of]
            allowed = in_docs if allowed is None else allowed & in_docs
        if q.languages:
            in_langs = self._language_mask(list(q.languages), ri.size)
            allowed = in_langs if allowed is None else allowed & in_langs
        return allowed

    def _matched_rows(self, q: SearchQuery) -> "tuple[np.ndarray, postings.RankIndex] | None":
        """The rowids ``q`` matches, sorted, with the current rank index — for facet counting in memory. From the
        postings, or for what only FTS5 can match (NEAR …) from an unranked FTS5 match, the same filters
        applied as masks. None when a filter needs SQL (passage kind, labels, attribution) or no index is current."""
        ri = self._rank_index_for(q)
        if ri is None:
            return None
        ev = self._postings_eval(q)
        if ev is not None:
            return ev.rows, ri
        # what only FTS5 can match (NEAR): one unranked match, remembered for the page's count and facets
        key = self._eval_key(q, ri)
        if self._last_rows is not None and self._last_rows[0] == key:
            return self._last_rows[1], ri
        try:
            rows = np.array([r[0] for r in self.db.execute(
                "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rowid", (q.match,))], dtype=np.int64)
        except sqlite3.OperationalError as exc:
            raise QueryError(f"cannot parse query {q.match!r}: {exc}") from None
        rows = rows[rows < ri.size]
        allowed = self._allowed(q, ri)
        rows = rows if allowed is None else rows[allowed[rows]]
        self._last_rows = (key, rows)
        return rows, ri

    def ranked(self, q: SearchQuery) -> list[tuple[int, float]]:
        """(rowid, bm25) of one page of results, best first (``_ranked``), a query FTS5 cannot parse as QueryError."""
        try:
            return self._ranked(q)
        except sqlite3.OperationalError as exc:
            raise QueryError(f"cannot parse query {q.match!r}: {exc}") from None

    def _ranked(self, q: SearchQuery) -> list[tuple[int, float]]:
        """(rowid, bm25) of one page of results, best first.

        From the postings when they can answer (same scores as FTS5's bm25, see store/postings.py).
        Else, with no filter but duplicate collapsing, rank in the FTS table alone: joining every
        match to ``passages`` before sorting triples the cost of common words (10⁵ matches).
        Duplicates are few, so fetching that many extra rows and dropping them here is exact.
        """
        ev = self._postings_eval(q)
        if ev is not None:
            return ev.top(q.offset, q.limit)
        where, params = self._where(q)
        dups = self._fts_only(q)
        if dups is not None:
            rows = self.db.execute(
                """SELECT rowid, bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ?
                   ORDER BY score, rowid LIMIT ?""", (q.match, q.offset + q.limit + len(dups))).fetchall()
            kept = [(r[0], r[1]) for r in rows if r[0] not in dups]
            return kept[q.offset: q.offset + q.limit]
        ranked = f"""
            SELECT passages_fts.rowid AS rid, bm25(passages_fts) AS score
            FROM passages_fts
            WHERE {where}
            ORDER BY score, passages_fts.rowid
            LIMIT ? OFFSET ?"""
        return [(r[0], r[1]) for r in self.db.execute(ranked, [*params, q.limit, q.offset])]

    # ---- labels (mapping) ------------------------------------------------------------------
    def unmapped_any(self, targets: list[tuple[str, str]], limit: int,
                     after: int = 0) -> list[tuple[int, str, str, list[str]]]:
        """(rowid, passage id, text, frameworks that still need it) for passages after rowid ``after`` not yet
        scored with the given fingerprint by at least one of ``targets`` [(framework, fingerprint)], in
        rowid order — pass the last rowid back as ``after`` to page through without rescanning."""
        joins = "".join(f" LEFT JOIN mapped m{i} ON m{i}.framework = ? AND m{i}.passage_id = p.id AND "
                        f"m{i}.fingerprint = ?" for i in range(len(targets)))
        flags = ", ".join(f"m{i}.passage_id IS NULL" for i in range(len(targets)))
        where = " OR ".join(f"m{i}.passage_id IS NULL" for i in range(len(targets)))
        params = [v for t in targets for v in t] + [after, limit]
        rows = self.db.execute(f"SELECT p.rowid, p.id, p.text, {flags} FROM passages p{joins} "
                               f"WHERE p.rowid > ? AND p.kind != 'heading' AND ({where}) ORDER BY p.rowid LIMIT ?",
                               params)
        return [(r[0], r[1], r[2], [fw for (fw, _), need in zip(targets, r[3:]) if need]) for r in rows]

    def has_labels(self, framework: str) -> bool:
        return self.db.execute("SELECT 1 FROM mapped WHERE framework = ? LIMIT 1", (framework,)).fetchone() is not None

    def count_unmapped(self, framework: str, fingerprint: str) -> int:
        return self.db.execute(
            """SELECT COUNT(*) FROM passages p
               LEFT JOIN mapped m ON m.framework = ? AND m.passage_id = p.id AND m.fingerprint = ?
               WHERE m.passage_id IS NULL AND p.kind != 'heading'""", (framework, fingerprint)).fetchone()[0]

    def put_labels(self, framework: str, fingerprint: str,
                   scored: list[tuple[str, list[tuple[str, float, bool, str | None]]]], replace: bool = True) -> None:
        """Replace the labels of each passage for ``framework`` in one transaction (``replace=False``: the
        caller knows the passages have no labels for it yet, so no deletes are needed — unless reviewers added some)."""
        with self.db:
            replace = replace or self._has_reviews()
            if replace:
                self.db.executemany("DELETE FROM labels WHERE passage_id = ? AND framework = ?",
                                    [(pid, framework) for pid, _ in scored])
            self.db.executemany(
                "INSERT INTO labels(framework, code, passage_id, score, assigned, evidence) VALUES (?,?,?,?,?,?)",
                [(framework, code, pid, score, int(assigned), ev) for pid, labels in scored
                 for code, score, assigned, ev in labels if score >= LABEL_FLOOR])
            self.db.executemany("INSERT OR REPLACE INTO mapped(framework, passage_id, fingerprint) VALUES (?,?,?)",
                                [(framework, pid, fingerprint) for pid, _ in scored])
            if replace and self._has_reviews():  # a re-map never overwrites a reviewer's decision: re-applied
                for pid, _ in scored:
                    self._apply_reviews(pid, framework)

    # ---- frameworks of one's own, kept with the store ------------------------------------------------------
    def put_framework(self, fw_id: str, yaml_text: str, path: str | None) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO frameworks (id, yaml, path, updated) VALUES (?,?,?,?)",
                            (fw_id, yaml_text, path, _now()))

    def framework_yaml(self, fw_id: str) -> tuple[str, str | None] | None:
        """(YAML, the path it was read from) of a framework of one's own the store was mapped with, else None."""
        row = self.db.execute("SELECT yaml, path FROM frameworks WHERE id = ?", (fw_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def count_labelled(self, framework: str) -> int:
        """Passages with at least one assigned label of ``framework``."""
        return self.db.execute("SELECT COUNT(DISTINCT passage_id) FROM labels WHERE framework = ? AND assigned = 1",
                               (framework,)).fetchone()[0]

    def own_frameworks(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM frameworks ORDER BY id")]

    # ---- reviewers: per-user access tokens, stored hashed ----------------------------------------------
    def add_reviewer(self, name: str) -> str:
        """A new reviewer (or a revoked one again) with a fresh access token, returned once: only its SHA-256
        is stored."""
        name = (name or "").strip()
        if not _REVIEWER_NAME_RE.match(name):
            raise StoreError(f"reviewer name {name!r}: 1 to 64 letters, digits, '.', '@', '_' or '-'")
        row = self.db.execute("SELECT revoked FROM reviewers WHERE name = ?", (name,)).fetchone()
        if row is not None and row[0] is None:
            raise StoreError(f"reviewer {name!r} exists: revoke them first (`evimap reviewers revoke {name}`) to "
                             "give a new token")
        token = secrets.token_urlsafe(24)
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO reviewers(name, token_sha256, revoked) VALUES (?, ?, NULL)",
                            (name, hashlib.sha256(token.encode()).hexdigest()))
        return token

    def revoke_reviewer(self, name: str) -> bool:
        """Close a reviewer's token (their decisions stay in the trail); False when there is no such reviewer."""
        with self.db:
            cur = self.db.execute("UPDATE reviewers SET revoked = ? WHERE name = ? AND revoked IS NULL", (_now(), name))
        return cur.rowcount > 0

    def reviewers(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT name, created, revoked FROM reviewers ORDER BY name")]

    def reviewer_for_token(self, token: str | None) -> str | None:
        """The reviewer whose (not revoked) token this is, else None."""
        if not token:
            return None
        row = self.db.execute("SELECT name FROM reviewers WHERE token_sha256 = ? AND revoked IS NULL",
                              (hashlib.sha256(token.encode()).hexdigest(),)).fetchone()
        return row[0] if row else None

    def reviewer_key(self, name: str) -> str | None:
        """What signs a reviewer's web session (their token's hash; revoking them ends their sessions)."""
        row = self.db.execute("SELECT token_sha256 FROM reviewers WHERE name = ? AND revoked IS NULL", (name,)).fetchone()
        return row[0] if row else None

    def has_reviewers(self) -> bool:
        return self.db.execute("SELECT 1 FROM reviewers WHERE revoked IS NULL LIMIT 1").fetchone() is not None

    # ---- reviews: reviewed beats machine -----------------------------------------------------------------
    REVIEW_DECISIONS = ("accept", "reject", "add", "undo")

    def _has_reviews(self) -> bool:
        return self.db.execute("SELECT 1 FROM reviews LIMIT 1").fetchone() is not None

    def add_review(self, passage_id: str, framework: str, code: str, decision: str, reviewer: str,
                   reason: str | None = None) -> dict[str, Any]:
        """Record one decision (appended to the trail) and apply it to the label; returns the trail row."""
        if decision not in self.REVIEW_DECISIONS:
            raise ValueError(decision)
        with self.db:
            row = self.db.execute("SELECT assigned, score, machine, reviewed FROM labels WHERE framework = ? AND code = ? "
                                  "AND passage_id = ?", (framework, code, passage_id)).fetchone()
            before = None if row is None else json.dumps(
                {"assigned": row["assigned"], "score": round(row["score"], 4), "machine": row["machine"],
                 "reviewed": row["reviewed"]})
            cur = self.db.execute("INSERT INTO reviews (reviewer, passage_id, framework, code, decision, reason, before) "
                                  "VALUES (?,?,?,?,?,?,?)", (reviewer, passage_id, framework, code, decision, reason, before))
            self._apply_reviews(passage_id, framework, code)
            return dict(self.db.execute("SELECT * FROM reviews WHERE id = ?", (cur.lastrowid,)).fetchone())

    def add_claim_review(self, passage_id: str, actor: str, actor_type: str, decision: str, reviewer: str,
                         reason: str | None = None) -> dict[str, Any]:
        """Record one decision on a claim — ``actor`` said (part of) this passage — and apply it: a rejected claim
        leaves every profile, search by actor and report; an added one joins them; undo gives the machine's back."""
        if decision not in self.REVIEW_DECISIONS:
            raise ValueError(decision)
        with self.db:
            said = self.db.execute("SELECT method FROM claims WHERE passage_id = ? AND actor = ?",
                                   (passage_id, actor)).fetchone()
            before = json.dumps({"claimed": said is not None, "method": said[0] if said else None})
            cur = self.db.execute("INSERT INTO reviews (reviewer, passage_id, framework, code, decision, reason, before) "
                                  "VALUES (?,?,?,?,?,?,?)", (reviewer, passage_id, ACTOR_REVIEWS, actor, decision, reason,
                                                            before))
            self._apply_claim_reviews(passage_id, actor, actor_type)
            return dict(self.db.execute("SELECT * FROM reviews WHERE id = ?", (cur.lastrowid,)).fetchone())

    def _apply_claim_reviews(self, passage_id: str, actor: str | None = None, actor_type: str | None = None) -> None:
        """Put the latest decision on each reviewed claim of a passage (one actor, or all) in force."""
        latest = self.db.execute(
            "SELECT code, decision FROM reviews r WHERE passage_id = ? AND framework = ?"
            + (" AND code = ?" if actor else "")
            + " AND id = (SELECT MAX(id) FROM reviews r2 WHERE r2.passage_id = r.passage_id AND r2.framework = r.framework"
              " AND r2.code = r.code)",
            (passage_id, ACTOR_REVIEWS, actor) if actor else (passage_id, ACTOR_REVIEWS)).fetchall()
        for code, decision in latest:
            where, args = "passage_id = ? AND actor = ?", (passage_id, code)
            if decision in ("reject", "undo"):  # the reviewer's own claim goes either way
                self.db.execute(f"DELETE FROM claims WHERE {where} AND method = 'review'", args)
            if decision == "reject":
                self.db.execute(f"INSERT INTO claims_rejected SELECT * FROM claims WHERE {where}", args)
                self.db.execute(f"DELETE FROM claims WHERE {where}", args)
            elif decision == "undo":
                self.db.execute(f"INSERT INTO claims SELECT * FROM claims_rejected WHERE {where}", args)
                self.db.execute(f"DELETE FROM claims_rejected WHERE {where}", args)
            elif decision in ("add", "accept") and self.db.execute(f"SELECT 1 FROM claims WHERE {where}",
                                                                    args).fetchone() is None:
                from ..attribute import gazetteer

                gaz = gazetteer()
                doc = self.db.execute("SELECT doc_id FROM passages WHERE id = ?", (passage_id,)).fetchone()
                country = code if code in gaz.countries else None
                self.db.execute(
                    "INSERT INTO claims (doc_id, passage_id, actor, actor_type, country, region, person, method, evidence)"
                    " VALUES (?,?,?,?,?,?,NULL,'review',?)",
                    (doc[0], passage_id, code, actor_type or gaz.actor_type(code), country,
                     gaz.region_of(country)[0] if country else None, '[{"type": "review", "decision": "add"}]'))

    def _apply_reviews(self, passage_id: str, framework: str, code: str | None = None) -> None:
        """Put the latest decision on each reviewed label of a passage (one code, or all of the framework) in force."""
        latest = self.db.execute(
            "SELECT code, decision FROM reviews r WHERE passage_id = ? AND framework = ?"
            + (" AND code = ?" if code else "")
            + " AND id = (SELECT MAX(id) FROM reviews r2 WHERE r2.passage_id = r.passage_id AND r2.framework = r.framework"
              " AND r2.code = r.code)", (passage_id, framework, code) if code else (passage_id, framework)).fetchall()
        for c, decision in latest:
            row = self.db.execute("SELECT assigned, machine, evidence FROM labels WHERE framework = ? AND code = ? AND "
                                  "passage_id = ?", (framework, c, passage_id)).fetchone()
            if decision == "undo":
                if row is not None and row["machine"] is not None:
                    if row["evidence"] == _ADDED_EVIDENCE:  # added by hand: the machine never gave it
                        self.db.execute("DELETE FROM labels WHERE framework = ? AND code = ? AND passage_id = ?",
                                        (framework, c, passage_id))
                    else:
                        self.db.execute("UPDATE labels SET assigned = machine, machine = NULL, reviewed = NULL "
                                        "WHERE framework = ? AND code = ? AND passage_id = ?", (framework, c, passage_id))
                continue
            assigned = 0 if decision == "reject" else 1
            if row is None:
                if decision == "reject":
                    continue  # nothing the machine gave: nothing to reject
                self.db.execute("INSERT INTO labels (framework, code, passage_id, score, assigned, evidence, machine, "
                                "reviewed) VALUES (?,?,?,?,?,?,?,?)",
                                (framework, c, passage_id, 1.0, 1, _ADDED_EVIDENCE, 0, decision))
            else:
                self.db.execute("UPDATE labels SET machine = COALESCE(machine, assigned), assigned = ?, reviewed = ? "
                                "WHERE framework = ? AND code = ? AND passage_id = ?",
                                (assigned, decision, framework, c, passage_id))

    def review_candidates(self, framework: str, codes: list[str], per_code: int, pivot: float = 0.5) -> list[dict[str, Any]]:
        """For each code, the ``per_code`` unreviewed labels whose score is closest to ``pivot`` (a calibrated
        probability of one half: the machine's least certain decisions, either side), originals only, with the
        passage text."""
        out: list[dict[str, Any]] = []
        for code in codes:
            # the nearest labels first, from the labels table alone (a join per label row cost 120 ms a page on
            # 115,000 passages), then their passages; copies are dropped after, so a few more are taken
            got = [dict(r) for r in self.db.execute(
                """SELECT l.framework, l.code, l.passage_id, l.score, l.assigned, p.text, p.page, d.name AS document,
                          ABS(l.score - ?) AS margin
                   FROM (SELECT framework, code, passage_id, score, assigned FROM labels
                         WHERE framework = ? AND code = ? AND reviewed IS NULL
                         ORDER BY ABS(score - ?), passage_id LIMIT ?) l
                   JOIN passages p ON p.id = l.passage_id JOIN documents d ON d.id = p.doc_id
                   WHERE p.dup_of IS NULL ORDER BY margin, l.passage_id""",
                (pivot, framework, code, pivot, 4 * per_code))]
            if len(got) < per_code and len(got) < self.db.execute(  # many copies among them: the slow way
                    "SELECT COUNT(*) FROM labels WHERE framework = ? AND code = ? AND reviewed IS NULL",
                    (framework, code)).fetchone()[0]:
                got = [dict(r) for r in self.db.execute(
                    """SELECT l.framework, l.code, l.passage_id, l.score, l.assigned, p.text, p.page, d.name AS document,
                              ABS(l.score - ?) AS margin
                       FROM labels l JOIN passages p ON p.id = l.passage_id JOIN documents d ON d.id = p.doc_id
                       WHERE l.framework = ? AND l.code = ? AND l.reviewed IS NULL AND p.dup_of IS NULL
                       ORDER BY ABS(l.score - ?), l.passage_id LIMIT ?""", (pivot, framework, code, pivot, per_code))]
            out += got[:per_code]
        return out

    def label_matrix(self, framework: str, codes: list[str],
                     rowids: list[int]) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, int]]]:
        """For passages ``rowids`` (in that order): the machine's decisions (n × len(codes) booleans: what the
        model said, before any review or learned layer), its scores (0 where it stored none: below the floor),
        and the decisions in force as (row, code index, 0/1)."""
        at = {rid: i for i, rid in enumerate(rowids)}
        col = {c: j for j, c in enumerate(codes)}
        machine = np.zeros((len(rowids), len(codes)), dtype=bool)
        scores = np.zeros((len(rowids), len(codes)), dtype=np.float32)
        decisions: list[tuple[int, int, int]] = []
        for rid, code, m, score, reviewed, evidence in self.db.execute(
                "SELECT p.rowid, l.code, COALESCE(l.machine, l.assigned), l.score, l.reviewed, l.evidence FROM labels l "
                "JOIN passages p ON p.id = l.passage_id WHERE l.framework = ?", (framework,)):
            i, j = at.get(rid), col.get(code)
            if i is None or j is None:
                continue
            machine[i, j] = bool(m)
            added = evidence is not None and evidence.startswith('[{"type": "learned"') or evidence == _ADDED_EVIDENCE
            scores[i, j] = 0.0 if added else score  # a label the model never gave has no model score
            if reviewed is not None:
                decisions.append((i, j, 0 if reviewed == "reject" else 1))
        return machine, scores, decisions

    def put_learned(self, framework: str, changes: list[tuple[str, str, bool, float]], layer: str) -> None:
        """Replace the learned layer of ``framework``: first give every label it had changed back to the model,
        then write ``changes`` (passage id, code, decision, learned probability) on labels no reviewer decided."""
        with self.db:
            self.db.execute("DELETE FROM labels WHERE framework = ? AND reviewed IS NULL AND evidence LIKE "
                            "'[{\"type\": \"learned\"%'", (framework,))
            self.db.execute("UPDATE labels SET assigned = machine, machine = NULL WHERE framework = ? AND "
                            "reviewed IS NULL AND machine IS NOT NULL", (framework,))
            for pid, code, decision, p in changes:
                row = self.db.execute("SELECT reviewed FROM labels WHERE framework = ? AND code = ? AND passage_id = ?",
                                      (framework, code, pid)).fetchone()
                if row is None:
                    if decision:
                        self.db.execute("INSERT INTO labels (framework, code, passage_id, score, assigned, evidence, "
                                        "machine) VALUES (?,?,?,?,1,?,0)",
                                        (framework, code, pid, round(p, 4), json.dumps([{"type": "learned", "layer": layer}])))
                elif row[0] is None:
                    self.db.execute("UPDATE labels SET machine = COALESCE(machine, assigned), assigned = ? WHERE "
                                    "framework = ? AND code = ? AND passage_id = ?", (int(decision), framework, code, pid))

    def reviews(self, passage_id: str | None = None) -> list[dict[str, Any]]:
        """The trail, oldest first (one passage's, or all)."""
        sql = "SELECT * FROM reviews" + (" WHERE passage_id = ?" if passage_id else "") + " ORDER BY id"
        return [dict(r) for r in self.db.execute(sql, (passage_id,) if passage_id else ())]

    def review_counts(self, framework: str) -> dict[str, int]:
        """Assigned labels of a framework by who decided: reviewed (a decision in force) and machine."""
        row = self.db.execute("SELECT SUM(reviewed IS NOT NULL), SUM(reviewed IS NULL) FROM labels "
                              "WHERE framework = ? AND assigned = 1", (framework,)).fetchone()
        return {"reviewed": row[0] or 0, "machine": row[1] or 0}

    # ---- passage vectors (search by meaning: search/semantic.py) ------------------------------------------
    def put_vectors(self, model: str, rows: list[tuple[int, bytes]]) -> None:
        """Store the embeddings of passages (rowid, float16 bytes) computed by a map, replacing older ones."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO passage_vectors(rowid, model, vec) VALUES (?,?,?)",
                                [(rid, model, vec) for rid, vec in rows])

    def unembedded(self, limit: int, after: int = 0) -> list[tuple[int, str]]:
        """(rowid, text) of passages after rowid ``after`` with no stored vector (headings aside), in rowid order."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT p.rowid, p.text FROM passages p LEFT JOIN passage_vectors v ON v.rowid = p.rowid "
            "WHERE p.rowid > ? AND v.rowid IS NULL AND p.kind != 'heading' ORDER BY p.rowid LIMIT ?", (after, limit))]

    @staticmethod
    def _vector_space(multilingual: bool) -> str:
        return "model = 'multilingual'" if multilingual else "model != 'multilingual'"

    def vectors_state(self, multilingual: bool = False) -> tuple[int, int, int, str]:
        """What the stored vectors of one space are, cheaply: (count, sum of rowids, max rowid, models) — any add,
        delete or change of model changes it. Two spaces: the main model's vectors (English passages, or all with
        ``map --model``), and with ``multilingual`` those of the passages the multilingual model read."""
        where = self._vector_space(multilingual)
        n, total, top = self.db.execute("SELECT COUNT(*), COALESCE(SUM(rowid), 0), COALESCE(MAX(rowid), 0) "
                                        f"FROM passage_vectors WHERE {where}").fetchone()
        models = ",".join(r[0] for r in self.db.execute(
            f"SELECT DISTINCT model FROM passage_vectors WHERE {where} ORDER BY 1"))
        return n, total, top, models

    def iter_vectors(self, batch: int = 20_000, multilingual: bool = False, languages: tuple[str, ...] | None = None):
        """(rowids, float16 bytes) of every stored vector of one space (see :meth:`vectors_state`), in rowid
        order, a batch at a time; with ``languages``, only those of passages in these languages."""
        last = 0
        where = self._vector_space(multilingual)
        langs: list[str] = []
        if languages is not None:
            where += (f" AND rowid IN (SELECT rowid FROM passages WHERE language IN ({','.join('?' * len(languages))}))"
                      if languages else " AND 0")
            langs = list(languages)
        while True:
            rows = self.db.execute(f"SELECT rowid, vec FROM passage_vectors WHERE rowid > ? AND {where} "
                                   "ORDER BY rowid LIMIT ?", (last, *langs, batch)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [r[0] for r in rows], [r[1] for r in rows]

    def semantic_index(self, multilingual: bool = False):
        """The vector index beside the store (``STORE.vec/``; ``STORE.vec-multilingual/`` for the passages the
        multilingual model read), rebuilt from the stored vectors when they changed; None when the store has no
        such vectors or the folder cannot be written."""
        from ..search.semantic import VectorIndex

        version = self._view_version()
        memos = self.__dict__.setdefault("_vec_memos", {})
        memo = memos.get(multilingual)
        if memo is not None and memo[0] == version:
            return memo[1]
        index = VectorIndex.current(self, multilingual)
        memos[multilingual] = (version, index)
        return index

    def filter_rowids(self, q: SearchQuery, rowids: list[int]) -> set[int]:
        """Which of ``rowids`` pass ``q``'s filters (documents, language, years, kinds, labels, attribution,
        duplicates) — the lexical search's own conditions, on a list of candidates instead of a match."""
        if not rowids:
            return set()
        where, params = self._where(SearchQuery(match="", **{k: v for k, v in vars(q).items()
                                                             if k not in ("match", "limit", "offset")}))
        where = where.replace("passages_fts MATCH ?", f"passages_fts.rowid IN ({','.join('?' * len(rowids))})", 1)
        params = list(rowids) + params[1:]
        return {r[0] for r in self.db.execute(f"SELECT passages_fts.rowid FROM passages_fts WHERE {where}", params)}

    def rows_for(self, ranked: list[tuple[int, float]], match: str | None, strict: bool = False) -> list[dict[str, Any]]:
        """Result rows, in the order given, for (rowid, score) pairs; snippets highlight ``match`` when there is one
        (a match FTS5 cannot parse: plain snippets, or QueryError when ``strict``). Snippets are built in a scratch
        FTS5 table holding just these passages (store/postings.py: Scratch): snippet() over the store's own index
        evaluates the whole query again first (50 ms for a prefix like develop*)."""
        if not ranked:
            return []
        scores = dict(ranked)
        rowids = list(scores)
        rows = self.db.execute(f"""
            SELECT p.rowid AS rid, p.id, p.doc_id, p.seq, p.kind, p.label, p.part, p.page, p.page_end, p.section,
                   p.section_title, p.start, p.end, p.text,
                   d.name AS doc_name, d.title AS doc_title, d.format, COALESCE(p.language, d.language) AS language, d.year,
                   (SELECT COUNT(*) FROM passages p3 WHERE p3.dup_of = p.id) AS duplicates
            FROM passages p JOIN documents d ON d.id = p.doc_id
            WHERE p.rowid IN ({",".join("?" * len(rowids))})""", rowids).fetchall()
        out = [dict(r) for r in rows]
        snippets: dict[int, str] = {}
        if match:
            try:
                snippets = postings.scratch(self.db).snippets(match, {d["rid"]: d["text"] for d in out},
                                                              "\x02", "\x03", "…", 32)
            except sqlite3.OperationalError as exc:
                if strict:
                    raise QueryError(f"cannot parse query {match!r}: {exc}") from None
                snippets = {}
        order = {rid: i for i, rid in enumerate(rowids)}
        out.sort(key=lambda d: order[d["rid"]])
        for d in out:
            rid = d.pop("rid")
            d["snippet"] = snippets.get(rid) or (d["text"][:240] + ("…" if len(d["text"]) > 240 else ""))
            d["score"] = scores[rid]
        return out

    def labels(self, passage_id: str, framework: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM labels WHERE passage_id = ?" + (" AND framework = ?" if framework else "")
        sql += " ORDER BY framework, score DESC"
        return [dict(r) for r in self.db.execute(sql, (passage_id, framework) if framework else (passage_id,))]

    # ---- reports --------------------------------------------------------------------
    def _report_filter(self, theme: tuple[str, str] | None, doc_ids: list[str] | None,
                       originals: bool = True) -> tuple[str, list[Any]]:
        sql, params = (" AND p.dup_of IS NULL AND d.duplicate_of IS NULL" if originals else ""), []
        if theme:
            sql += (" AND p.id IN (SELECT passage_id FROM labels WHERE framework = ? AND code = ? AND assigned = 1)")
            params += list(theme)
        if doc_ids is not None:
            sql += f" AND d.id IN ({','.join('?' * len(doc_ids))})"
            params += doc_ids
        return sql, params

    def coverage(self, framework: str, grouping: Grouping, *, theme: tuple[str, str] | None = None,
                 doc_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Assigned labels of ``framework`` per (code, group): passages, distinct documents, mean score.
        Duplicate passages and near-duplicate documents are counted once (their original)."""
        where, params = self._report_filter(theme, doc_ids)
        group_sql = sqlite_expression(grouping)
        return [dict(r) for r in self.db.execute(
            f"""SELECT l.code AS code, {group_sql} AS grp, COUNT(*) AS passages, COUNT(DISTINCT p.doc_id) AS documents,
                       AVG(l.score) AS mean_score
                FROM labels l JOIN passages p ON p.id = l.passage_id JOIN documents d ON d.id = p.doc_id
                WHERE l.framework = ? AND l.assigned = 1 {where}
                GROUP BY l.code, grp""", [framework, *params])]

    def group_sizes(self, grouping: Grouping, *, theme: tuple[str, str] | None = None,
                    doc_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Passages and documents per group (the denominators of a coverage map)."""
        where, params = self._report_filter(theme, doc_ids)
        group_sql = sqlite_expression(grouping)
        return [dict(r) for r in self.db.execute(
            f"""SELECT {group_sql} AS grp, COUNT(*) AS passages, COUNT(DISTINCT p.doc_id) AS documents
                FROM passages p JOIN documents d ON d.id = p.doc_id
                WHERE p.kind != 'heading' {where} GROUP BY grp""", params)]

    def cell_passages(self, framework: str, grouping: Grouping, per_cell: int, *, theme: tuple[str, str] | None = None,
                      doc_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """The best ``per_cell`` passages behind each (code, group) cell, with provenance."""
        where, params = self._report_filter(theme, doc_ids)
        group_sql = sqlite_expression(grouping)
        return [dict(r) for r in self.db.execute(
            f"""SELECT * FROM (
                  SELECT l.code AS code, {group_sql} AS grp, l.score AS score, p.id AS passage_id, d.name AS document,
                         d.title AS title, p.page AS page, p.section AS section, p.label AS paragraph, p.seq AS seq,
                         p.text AS text,
                         ROW_NUMBER() OVER (PARTITION BY l.code, {group_sql} ORDER BY l.score DESC, p.id) AS rank
                  FROM labels l JOIN passages p ON p.id = l.passage_id JOIN documents d ON d.id = p.doc_id
                  WHERE l.framework = ? AND l.assigned = 1 {where})
                WHERE rank <= ? ORDER BY code, grp, rank""", [framework, *params, per_cell])]

    def labelled_passages(self, framework: str, code: str, *, limit: int, doc_ids: list[str] | None = None,
                          grouping: Grouping | None = None, originals: bool = True, group: str | None = None,
                          theme: tuple[str, str] | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Passages assigned ``framework:code``, best first, with provenance and document metadata
        (``originals``: leave out duplicate passages and near-duplicate documents; ``group``: only those
        whose ``grouping`` value — by document unless given — is this, "(none)" for no value: one cell of an
        evidence map)."""
        where, params = self._report_filter(theme, doc_ids, originals)
        group_sql = sqlite_expression(grouping or Grouping("document"))
        if group is not None:
            where += f" AND {group_sql} IS NULL" if group == "(none)" else f" AND CAST({group_sql} AS TEXT) = ?"
            params += [] if group == "(none)" else [group]
        return [dict(r) for r in self.db.execute(
            f"""SELECT l.score AS score, p.id AS passage_id, p.doc_id AS doc_id, d.name AS document, d.title AS title,
                       d.year AS year, d.format AS format, p.page AS page, p.section AS section,
                       p.section_title AS section_title, p.label AS paragraph, p.seq AS seq, p.kind AS kind,
                       p.text AS text, p.text_hash AS text_hash, COALESCE(p.language, d.language) AS language,
                       {group_sql} AS grp
                FROM labels l JOIN passages p ON p.id = l.passage_id JOIN documents d ON d.id = p.doc_id
                WHERE l.framework = ? AND l.code = ? AND l.assigned = 1 {where}
                ORDER BY l.score DESC, p.id LIMIT ? OFFSET ?""", [framework, code, *params, limit, offset])]

    def coded_segments(self, doc_id: str, framework: str) -> list[tuple[str, int, int, str, Any, str | None]]:
        """The assigned labels of ``framework`` in one document, in reading order, as (passage id, start, end, code,
        reviewed — None for the machine's —, the reviewer of the last decision on it)."""
        return [tuple(r) for r in self.db.execute(
            "SELECT p.id, p.start, p.end, l.code, l.reviewed, (SELECT reviewer FROM reviews r WHERE "
            "r.passage_id = p.id AND r.framework = l.framework AND r.code = l.code ORDER BY r.id DESC LIMIT 1) "
            "FROM labels l JOIN passages p ON p.id = l.passage_id WHERE p.doc_id = ? AND l.framework = ? "
            "AND l.assigned = 1 ORDER BY p.start, l.code", (doc_id, framework))]

    def passage_keys(self) -> dict[int, tuple[str, str]]:
        """Every passage's rowid → (passage id, document id)."""
        return {r[0]: (r[1], r[2]) for r in self.db.execute("SELECT rowid, id, doc_id FROM passages")}

    def assigned_codes(self, passage_ids: list[str], framework: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for i in range(0, len(passage_ids), 900):
            chunk = passage_ids[i:i + 900]
            for pid, code in self.db.execute(
                    f"SELECT passage_id, code FROM labels WHERE framework = ? AND assigned = 1 AND passage_id IN "
                    f"({','.join('?' * len(chunk))}) ORDER BY score DESC", [framework, *chunk]):
                out.setdefault(pid, []).append(code)
        return out

    def document_label_summary(self, doc_id: str, framework: str) -> dict[str, dict[str, Any]]:
        """Per code: passages of the document assigned it, and its best score there."""
        return {r["code"]: dict(r) for r in self.db.execute(
            """SELECT l.code AS code, SUM(l.assigned) AS passages, MAX(l.score) AS max_score
               FROM labels l JOIN passages p ON p.id = l.passage_id WHERE p.doc_id = ? AND l.framework = ?
               GROUP BY l.code""", (doc_id, framework))}

    # ---- attribution -----------------------------------------------------------------
    def claims(self, passage_id: str) -> list[dict[str, Any]]:
        """Who a passage is attributed to: its document's own claim first (it holds for every passage of the
        document — the speaker of a UNGDC statement), then the passage's own claims."""
        whole = self.db.execute("SELECT c.* FROM doc_claims c JOIN passages p ON p.doc_id = c.doc_id WHERE p.id = ?",
                                (passage_id,)).fetchone()
        own = [dict(r) for r in self.db.execute("SELECT * FROM claims WHERE passage_id = ? ORDER BY rowid", (passage_id,))]
        return ([{"passage_id": passage_id, **dict(whole)}] if whole else []) + own

    def mentions(self, passage_id: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM mentions WHERE passage_id = ? ORDER BY rowid",
                                                 (passage_id,))]

    def attribution_rows(self, table: str, doc_id: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Rows of people, figures, events or abbreviations (optionally of one document)."""
        if table not in ("people", "figures", "events", "abbreviations"):
            raise ValueError(table)
        sql = f"SELECT * FROM {table}" + (" WHERE doc_id = ?" if doc_id else "") + " ORDER BY rowid"
        sql += f" LIMIT {int(limit)}" if limit else ""
        return [dict(r) for r in self.db.execute(sql, (doc_id,) if doc_id else ())]

    def actor_counts(self, limit: int = 50, actor_type: str | None = None) -> list[dict[str, Any]]:
        where = " WHERE actor_type = ?" if actor_type else ""
        sql = f"""SELECT actor, actor_type, SUM(n) AS passages, COUNT(DISTINCT doc_id) AS documents FROM (
                      SELECT actor, actor_type, doc_id, COUNT(*) AS n FROM claims{where} GROUP BY actor, actor_type, doc_id
                      UNION ALL
                      SELECT actor, actor_type, doc_id, (SELECT COUNT(*) FROM passages p WHERE p.doc_id = dc.doc_id)
                      FROM doc_claims dc{where})
                  GROUP BY actor, actor_type ORDER BY passages DESC, actor LIMIT ?"""
        return [dict(r) for r in self.db.execute(sql, ((actor_type,) * 2 if actor_type else ()) + (limit,))]

    def profile_rows(self, code: str, kind: str) -> dict[str, Any]:
        """Passages said by ``code`` (claims) and about it (mentions of that kind), with labels, figures and events
        (held in the country, or with passages it speaks in)."""
        one = lambda sql, *a: self.db.execute(sql, a).fetchone()  # noqa: E731
        # passages said by it: its own claims, and every passage of a document it is the speaker of
        said = ("SELECT passage_id, doc_id FROM claims WHERE actor = ? UNION SELECT p.id, p.doc_id FROM doc_claims dc "
                "JOIN passages p ON p.doc_id = dc.doc_id WHERE dc.actor = ?")
        by = one(f"SELECT COUNT(DISTINCT passage_id), COUNT(DISTINCT s.doc_id), MIN(d.year), MAX(d.year) FROM ({said}) s "
                 "JOIN documents d ON d.id = s.doc_id", code, code)
        about = one("SELECT COUNT(DISTINCT passage_id), COUNT(DISTINCT doc_id) FROM mentions WHERE kind = ? AND code = ?",
                    kind, code)
        labels = [dict(r) for r in self.db.execute(
            f"""SELECT l.framework, l.code, COUNT(DISTINCT x.passage_id) AS passages, SUM(src = 'by') AS said_by,
                      SUM(src = 'about') AS about
               FROM (SELECT passage_id, 'by' AS src FROM ({said})
                     UNION SELECT passage_id, 'about' AS src FROM mentions WHERE kind = ? AND code = ?) x
               JOIN labels l ON l.passage_id = x.passage_id AND l.assigned = 1
               GROUP BY l.framework, l.code ORDER BY l.framework, passages DESC""", (code, code, kind, code))]
        figures = [dict(r) for r in self.db.execute(
            f"""SELECT f.*, d.name AS document, p.page AS page FROM figures f JOIN passages p ON p.id = f.passage_id
               JOIN documents d ON d.id = f.doc_id
               WHERE f.passage_id IN (SELECT passage_id FROM ({said})
                                      UNION SELECT passage_id FROM mentions WHERE kind = ? AND code = ?)
               ORDER BY f.rowid LIMIT 30""", (code, code, kind, code))]
        # meetings held in the country, and meetings whose passages it speaks in
        events = [dict(r) for r in self.db.execute(
            f"""SELECT e.id, e.passage_id, e.name, e.start_date, e.end_date, e.place, e.country, d.name AS document
               FROM events e
               JOIN documents d ON d.id = e.doc_id
               WHERE e.country = ? OR e.id IN (SELECT ep.event_id FROM event_passages ep
                                                WHERE ep.passage_id IN (SELECT passage_id FROM ({said})))
               ORDER BY e.start_date, e.name LIMIT 30""", (code, code, code))]
        # examples: passages attributed to it by their own words (not only by whose file they are in), or naming it
        passages = [dict(r) for r in self.db.execute(
            """SELECT p.id, p.text, p.page, p.section, p.label, p.kind, d.name AS document, d.year AS year,
                      (EXISTS(SELECT 1 FROM claims c WHERE c.passage_id = p.id AND c.actor = ?)
                       OR EXISTS(SELECT 1 FROM doc_claims dc WHERE dc.doc_id = p.doc_id AND dc.actor = ?)) AS said_by
               FROM passages p JOIN documents d ON d.id = p.doc_id
               WHERE p.dup_of IS NULL AND p.id IN (SELECT passage_id FROM claims WHERE actor = ?
                              UNION SELECT passage_id FROM mentions WHERE kind = ? AND code = ?)
               ORDER BY said_by DESC, d.year DESC, p.rowid LIMIT 10""", (code, code, code, kind, code))]
        return {"by": {"passages": by[0], "documents": by[1], "years": [by[2], by[3]]},
                "about": {"passages": about[0], "documents": about[1]}, "labels": labels, "figures": figures,
                "events": events, "passages": passages}

    def doc_vectors(self, model: str) -> dict[str, tuple[str, bytes]]:
        return {r[0]: (r[1], r[2]) for r in self.db.execute("SELECT doc_id, sha256, vec FROM doc_vectors WHERE model = ?",
                                                            (model,))}

    def put_doc_vectors(self, model: str, rows: list[tuple[str, str, bytes]]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO doc_vectors(doc_id, model, sha256, vec) VALUES (?,?,?,?)",
                                [(d, model, sha, vec) for d, sha, vec in rows])

    def doc_fingerprints(self) -> list[tuple[str, bytes]]:
        return [(r[0], r[1]) for r in self.db.execute("SELECT id, fingerprints FROM documents ORDER BY rowid")]

    def count(self, q: SearchQuery) -> int:
        return self.count_estimate(q, exact_up_to=None)[0]

    def count_estimate(self, q: SearchQuery, exact_up_to: int | None = 20_000) -> tuple[int, bool]:
        """(count, exact). Above ``exact_up_to`` matches of an unfiltered query, duplicates are not
        subtracted — that costs ~0.1 s on 10⁵ matches — so the count may exceed ``count`` by at most
        the number of duplicate passages (``stats()["duplicate_passages"]``). None: always exact."""
        try:
            ev = self._postings_eval(q)
            if ev is not None:
                return len(ev), True
            matched = self._matched_rows(q)  # NEAR …: FTS5 matches once, remembered for the page's facets
            if matched is not None:
                return len(matched[0]), True
            where, params = self._where(q)
            dups = self._fts_only(q)
            if dups is None:
                return self.db.execute(f"SELECT COUNT(*) FROM passages_fts WHERE {where}", params).fetchone()[0], True
            # FTS5 counts its own matches without reading rows
            n = self.db.execute("SELECT COUNT(*) FROM passages_fts WHERE passages_fts MATCH ?", (q.match,)).fetchone()[0]
            if exact_up_to is not None and n > exact_up_to:
                return n, False
            if dups:  # matches that are duplicates: FTS rowids checked against the (few) duplicates' —
                # looking each match up in `passages` reads 10⁴ wide rows (~0.9 s cold on the full UNGDC)
                n -= self.db.execute("SELECT COUNT(*) FROM passages_fts WHERE passages_fts MATCH ? AND +rowid IN "
                                     "(SELECT rowid FROM passages WHERE dup_of IS NOT NULL)", (q.match,)).fetchone()[0]
            return n, True
        except sqlite3.OperationalError as exc:
            raise QueryError(f"cannot parse query {q.match!r}: {exc}") from None

    def stats(self) -> dict[str, Any]:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        formats = {r[0]: r[1] for r in self.db.execute("SELECT format, COUNT(*) FROM documents GROUP BY format")}
        languages = {r[0] or "unknown": r[1] for r in
                     self.db.execute("SELECT language, COUNT(*) FROM documents GROUP BY language ORDER BY 2 DESC")}
        passage_languages = {r[0] or "unknown": r[1] for r in
                             self.db.execute("SELECT language, COUNT(*) FROM passages GROUP BY language ORDER BY 2 DESC")}
        duplicates = [
            dict(r) for r in self.db.execute(
                """SELECT c.name AS name, c.id AS id, o.name AS duplicate_of_name, c.duplicate_of AS duplicate_of,
                          c.duplicate_similarity AS similarity
                   FROM documents c JOIN documents o ON o.id = c.duplicate_of ORDER BY c.name""")
        ]
        removed: dict[str, int] = {}
        for (blob,) in self.db.execute("SELECT removed FROM documents"):
            for k, v in json.loads(blob).items():
                removed[k] = removed.get(k, 0) + v
        return {
            "store": self.path,
            "schema_version": self.schema_version,
            "documents": one("SELECT COUNT(*) FROM documents"),
            "passages": one("SELECT COUNT(*) FROM passages"),
            "duplicate_passages": one("SELECT COUNT(*) FROM passages WHERE dup_of IS NOT NULL"),
            "pages": one("SELECT COALESCE(SUM(pages), 0) FROM documents"),
            "tables": one("SELECT COUNT(*) FROM doc_tables"),
            "characters": one("SELECT COALESCE(SUM(n_chars), 0) FROM documents"),
            "formats": formats,
            "languages": languages,
            "passage_languages": passage_languages,
            "removed": removed,
            "duplicates": duplicates,
            "failures": self.failures(),
            "search_postings": self.rank_index_state(),
        }

    def close(self) -> None:
        try:
            self.db.close()
        except sqlite3.Error:
            pass

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

