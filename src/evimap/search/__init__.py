"""Query helpers and citations. Execution lives in the store (FTS5 for SQLite)."""

from .query import Hit, any_of, cite, escape_query, parse_years

__all__ = ["Hit", "any_of", "cite", "escape_query", "parse_years"]
