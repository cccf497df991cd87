"""Storage behind an interface. SQLite (WAL, FTS5) is the embedded default."""

from .base import Store, SearchQuery, StoredDocument
from .sqlite import SCHEMA_VERSION, SQLiteStore

__all__ = ["SCHEMA_VERSION", "SQLiteStore", "SearchQuery", "Store", "StoredDocument"]
