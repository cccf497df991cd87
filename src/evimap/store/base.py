"""The store interface every backend implements (the SQLite store is the default)."""

from __future__ import annotations

import os

from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol

from ..records import ProcessedDocument


def file_version(path: str) -> tuple[int, ...]:
    """Modification time and size of a store file and of its WAL: any commit to the store moves them.
    Caches of what a store holds (the web app's, the facet arrays) are keyed by it."""
    out: list[int] = []
    for suffix in ("", "-wal"):
        try:
            st = os.stat(path + suffix)
            out += [st.st_mtime_ns, st.st_size]
        except OSError:
            out += [0, 0]
    return tuple(out)


@dataclass
class StoredDocument:
    id: str
    path: str
    name: str
    sha256: str
    format: str
    title: str
    pages: int | None
    language: str | None
    year: int | None
    n_passages: int
    size: int
    symbols: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    duplicate_of: str | None = None
    duplicate_similarity: float | None = None
    language_score: float | None = None
    ingested_at: str | None = None
    warnings: list[str] = field(default_factory=list)  # what the reader repaired or guessed


@dataclass
class SearchQuery:
    """A full-text query plus filters. ``match`` uses the FTS5 query language."""

    match: str
    limit: int = 20
    offset: int = 0
    documents: list[str] = field(default_factory=list)  # document ids
    formats: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    kinds: list[str] = field(default_factory=list)
    collapse_duplicates: bool = True
    labels: list[tuple[str, str, float | None]] = field(default_factory=list)  # (framework, code, min score)
    # attribution facets: actor ids, actor types, ISO3 codes (said by or mentioned), regions, event ids/names
    actors: list[str] = field(default_factory=list)
    actor_types: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    @property
    def attributed(self) -> bool:
        return bool(self.actors or self.actor_types or self.countries or self.regions or self.events)


class Store(Protocol):
    """What the pipeline needs from storage. Each method is one transaction."""

    path: str

    def known_sha(self, path: str) -> str | None: ...
    def put_document(self, doc: ProcessedDocument) -> str: ...
    def record_failure(self, path: str, reason: str, sha256: str | None = None, size: int | None = None) -> None: ...
    def clear_failure(self, path: str) -> None: ...
    def failures(self) -> list[dict[str, Any]]: ...
    def documents(self) -> list[StoredDocument]: ...
    def document(self, doc_id: str) -> StoredDocument | None: ...
    def find_documents(self, ref: str) -> list[StoredDocument]: ...
    def passages(self, doc_id: str | None = None) -> Iterator[dict[str, Any]]: ...
    def passage(self, passage_id: str) -> dict[str, Any] | None: ...
    def search(self, query: SearchQuery) -> list[dict[str, Any]]: ...
    def count(self, query: SearchQuery) -> int: ...
    def facet_counts(self, query: SearchQuery, facets: list[str], limit: int = 10,
                     budget_ms: float = 200.0) -> dict[str, list[tuple[Any, int]] | None]: ...
    def neighbours(self, passage_id: str, before: int = 2, after: int = 2) -> list[dict[str, Any]]: ...
    def refresh_duplicates(self) -> dict[str, int]: ...
    def refresh_rank_index(self, force: bool = False) -> dict[str, Any] | None: ...
    def rank_index_state(self) -> str: ...
    def stats(self) -> dict[str, Any]: ...
    def close(self) -> None: ...
