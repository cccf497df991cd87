"""Document-level enrichment: metadata (symbols, dates, language, title) and near-duplicates."""

from .metadata import detect_language, extract_dates, extract_symbols, guess_title, guess_year, passage_language
from .duplicates import fingerprints, find_near_duplicates

__all__ = [
    "detect_language",
    "extract_dates",
    "extract_symbols",
    "find_near_duplicates",
    "fingerprints",
    "guess_title",
    "guess_year",
    "passage_language",
]
