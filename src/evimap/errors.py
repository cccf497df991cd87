"""Exceptions evimap raises. The CLI turns each into one line for the user."""

from __future__ import annotations


class EvimapError(Exception):
    """Base class for every error evimap reports to users."""


class IngestError(EvimapError):
    """A file could not be turned into passages. ``reason`` is one line for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StoreError(EvimapError):
    """The store file is missing, locked, from a newer evimap, or otherwise unusable."""


class QueryError(EvimapError):
    """A search query could not be parsed."""


class NotFoundError(EvimapError):
    """A document, passage, table, actor or framework category that the store does not have."""
