"""Typed records passed between pipeline stages.

ingest -> ``RawDocument`` (blocks with page numbers and structural hints)
normalise -> the same blocks, repaired, plus a ``BoilerplateReport``
segment -> ``Passage`` records with provenance
enrich -> ``DocumentMeta`` (title, symbols, dates, language, fingerprints)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Block kinds produced by readers. "line" means "a physical line whose paragraph
# membership is still unknown" (PDF, plain text); the others are already structural.
LINE = "line"
PARAGRAPH = "paragraph"
HEADING = "heading"
LIST_ITEM = "list_item"
TABLE_ROW = "table_row"
FOOTNOTE = "footnote"
BLANK = "blank"


@dataclass
class Block:
    text: str
    kind: str = LINE
    page: int | None = None
    level: int | None = None  # heading level when the format says so (DOCX style, <h2>, ##)
    label: str | None = None  # item label when the format says so (table name, list number)


@dataclass
class Table:
    """A table found in a document: header row(s) and body rows of cell strings."""

    name: str
    rows: list[list[str]]
    caption: str | None = None
    page: int | None = None
    source: str | None = None  # e.g. sheet name or "docx table 3"
    structure: dict[str, Any] | None = None  # header/label columns/values (attribute.tables.structure_table)


@dataclass
class RawDocument:
    """What a reader returns: content blocks in reading order plus format metadata."""

    path: str
    format: str
    blocks: list[Block]
    pages: int | None = None
    title: str | None = None
    date: str | None = None
    tables: list[Table] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)  # boilerplate dropped by the reader
    ocr_pages: dict[int, float] = field(default_factory=dict)  # page (1-based) -> Tesseract's mean word confidence


@dataclass
class Passage:
    """One citable unit of text with full provenance."""

    id: str
    doc_id: str
    seq: int
    text: str
    kind: str  # paragraph | numbered | item | bullet | heading | table_row | footnote
    start: int  # character span in the normalised document text
    end: int
    page: int | None = None
    page_end: int | None = None
    section: str = ""  # section labels joined with "." e.g. "III.G"
    section_title: str = ""  # title of the innermost section
    section_path: list[str] = field(default_factory=list)  # full titles, outermost first
    label: str | None = None  # paragraph/item label e.g. "66", "a"
    part: int = 0  # >0 when a long paragraph was split on sentence boundaries
    text_hash: str = ""
    dup_of: str | None = None
    ocr: float | None = None  # read by OCR from a scanned page: Tesseract's mean word confidence there (0–1)
    language: str | None = None  # the passage's own language (a report mixes them); see enrich.metadata.passage_language


@dataclass
class Section:
    label: str | None
    title: str
    level: int
    path: str
    start: int
    page: int | None = None


@dataclass
class DocumentMeta:
    title: str
    language: str | None
    language_score: float | None
    symbols: list[str]
    dates: list[str]
    year: int | None


@dataclass
class ProcessedDocument:
    """Everything the store needs to save one document, produced without touching the store."""

    doc_id: str
    path: str
    name: str
    sha256: str
    size: int
    format: str
    pages: int | None
    text: str
    passages: list[Passage]
    sections: list[Section]
    tables: list[Table]
    meta: DocumentMeta
    removed: dict[str, int]
    warnings: list[str]
    fingerprints: bytes  # sampled word-shingle hashes (uint64, little-endian) for near-duplicates
    metadata: dict[str, Any] = field(default_factory=dict)
    attribution: Any = None  # evimap.attribute.Attribution (None when attribution is switched off)


# The kinds of actor attribution assigns; here, not in attribute/, so that the CLI's help can list them
# without importing the attribution rules.
ACTOR_TYPES = (
    "Member State", "UN entity", "other intergovernmental organisation", "regional commission", "civil society",
    "academia", "private sector", "parliament", "local government", "co-facilitators/chair", "unknown",
)
