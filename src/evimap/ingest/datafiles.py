"""Tell a document from data: catalogue JSON, exports of records, and a folder's own notes.

A folder of documents often carries files about the documents — the catalogue they came from
(JSON), a spreadsheet export with one row per document, a README or SOURCE note. Read as prose they
become some of the largest "documents" of an evidence map. ``recognise`` decides from the file's
name and content what a file is; the ingest settings (``data_files``) decide what is done with it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..records import Table

DOCUMENT = "document"
RECORDS = "records"  # a CSV/XLSX export of records: many short fields, dates, URLs, ids, yes/no
CATALOGUE = "catalogue"  # JSON (or JSON lines) of metadata
NOTES = "notes"  # README, SOURCE, LICENSE … files that describe the folder


@dataclass(frozen=True)
class FileKind:
    """What a file is (``kind``) and, for a data file, the evidence in a few words (``why``)."""

    kind: str
    why: str = ""

    @property
    def is_data(self) -> bool:
        return self.kind != DOCUMENT


AS_DOCUMENT = FileKind(DOCUMENT)

# The names a folder's own notes go by; "SOURCE-iom-evaluations.txt" is one too when its text reads like
# a note about files (it names files or a licence), while "sources-of-remittances.txt" stays a document.
_NOTE_NAME_RE = re.compile(
    r"^(readme|read[-_ ]me|sources?|licen[cs]e|copying|notice|changelog|changes|citation|authors|contributing|"
    r"manifest)(?P<rest>[-_. ].*)?$", re.IGNORECASE)
_NOTE_SUFFIXES = {"", ".txt", ".md", ".markdown", ".rst", ".text", ".cff"}
_FILE_NAME_RE = re.compile(r"(?<![\w%-])[\w%-]+\.(?:pdf|docx?|xlsx?|csv|json|txt|md|html?|zip)\b", re.IGNORECASE)
_LICENCE_RE = re.compile(r"\b(?:licen[cs]e[ds]?|copyright|all rights reserved)\b", re.IGNORECASE)


def recognise_notes(path: Path, head: bytes) -> FileKind | None:
    """A README/SOURCE/LICENSE-style file describing the folder, or None."""
    if path.suffix.lower() not in _NOTE_SUFFIXES:
        return None
    m = _NOTE_NAME_RE.match(path.stem)
    if not m:
        return None
    if m.group("rest"):  # a prefixed name: only a note when the text is about files or their licence
        text = head[:65536].decode("utf-8", "replace")
        if len(_FILE_NAME_RE.findall(text)) < 2 and not _LICENCE_RE.search(text):
            return None
    return FileKind(NOTES, f"a note about the folder ({m.group(1).upper()} file)")


def recognise_json(data: bytes) -> FileKind | None:
    """JSON or JSON lines holding objects or arrays (bare NaN allowed, as pandas writes it), or None."""
    try:
        return _recognise_json(data)
    except RecursionError:  # "[[[[…" thousands deep: no catalogue is nested so; read it as the text it is
        return None


def _recognise_json(data: bytes) -> FileKind | None:
    start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start not in (b"{", b"["):
        return None
    text = data.decode("utf-8", "replace").lstrip("\ufeff")
    try:
        value = json.loads(text)
    except ValueError:
        lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
        try:
            rows = [json.loads(ln) for ln in lines]
        except ValueError:
            return None
        if not rows or not all(isinstance(r, dict) for r in rows):
            return None
        return FileKind(CATALOGUE, "JSON lines of records")
    if isinstance(value, list):
        objects = sum(isinstance(v, dict) for v in value)
        return FileKind(CATALOGUE, f"JSON list of {len(value):,} {'records' if objects else 'values'}")
    if isinstance(value, dict):
        return FileKind(CATALOGUE, f"JSON object with {len(value):,} keys")
    return None


_URL_RE = re.compile(r"^(?:https?://|www\.)\S+(?:[,;\s]+(?:https?://|www\.)\S+)*$", re.IGNORECASE)
_DATE_RE = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|"
    r"(?:mon|tue|wed|thu|fri|sat|sun)\w*,? \d{1,2}/\d{1,2}/\d{4}.*|"
    r"\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w* \d{4})$", re.IGNORECASE)
_YEAR_RE = re.compile(r"^(?:1[89]|20)\d{2}(?:\s*[-–/]\s*(?:\d{2}|(?:1[89]|20)\d{2}))?$")
_ID_RE = re.compile(r"^(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9._:/-]{3,}$|^[0-9a-f]{12,}$")
_NUMBER_RE = re.compile(r"^[-+−]?(?:\d[\d,  ]*)(?:\.\d+)?\s*%?$")
_FLAGS = {"yes", "no", "y", "n", "true", "false", "x", "oui", "non", "sí", "si"}
_METADATA_TYPES = ("url", "date", "year", "id", "flag")


def cell_type(cell: str) -> str:
    """url, date, year, id, flag, number, prose or text — the shape of one spreadsheet cell."""
    c = cell.strip()
    if _URL_RE.match(c):
        return "url"
    if _YEAR_RE.match(c):
        return "year"
    if _DATE_RE.match(c):
        return "date"
    if c.lower() in _FLAGS:
        return "flag"
    if _NUMBER_RE.match(c):
        return "number"
    if _ID_RE.match(c) and not c.isalpha():
        return "id"
    words = c.split()
    if len(words) >= 12 and re.search(r"[.!?;:](?:\s|$)", c):
        return "prose"
    return "text"


SAMPLE_ROWS = 500


def table_shape(rows: list[list[str]]) -> dict[str, object]:
    """The figures the records rule reads: data rows, columns, column types, prose share, median cell length."""
    body = rows[1:SAMPLE_ROWS + 1]  # the first row is taken as the header
    n_cols = max((len(r) for r in rows[:SAMPLE_ROWS + 1]), default=0)
    columns: list[Counter[str]] = [Counter() for _ in range(n_cols)]
    lengths: list[int] = []
    prose_chars = all_chars = 0
    for row in body:
        for j, cell in enumerate(row):
            if not cell.strip():
                continue
            t = cell_type(cell)
            columns[j][t] += 1
            lengths.append(len(cell))
            all_chars += len(cell)
            prose_chars += len(cell) if t == "prose" else 0
    types = [c.most_common(1)[0][0] for c in columns if c]
    lengths.sort()
    return {
        "rows": len(rows) - 1, "columns": n_cols, "types": Counter(types),
        "prose_share": prose_chars / all_chars if all_chars else 0.0,
        "median_cell": lengths[len(lengths) // 2] if lengths else 0,
    }


def recognise_table(rows: list[list[str]]) -> FileKind:
    """``records`` for an export of records — at least 5 rows and 4 columns, two or more columns of
    URLs, dates, years, ids or yes/no flags, short fields (median under 60 characters), under half
    the columns numeric (a statistical table stays a document) and under 40% of its text prose
    sentences (a recommendations matrix stays a document); otherwise ``document``."""
    shape = table_shape(rows)
    types: Counter[str] = shape["types"]  # type: ignore[assignment]
    n_cols = len(list(types.elements()))
    metadata = sum(types[t] for t in _METADATA_TYPES)
    if (
        shape["rows"] >= 5 and n_cols >= 4 and metadata >= 2  # type: ignore[operator]
        and types["number"] < n_cols / 2
        and shape["prose_share"] < 0.4  # type: ignore[operator]
        and shape["median_cell"] < 60  # type: ignore[operator]
    ):
        named = ", ".join(f"{types[t]} {t}" for t in _METADATA_TYPES if types[t])
        return FileKind(RECORDS, f"{shape['rows']:,} rows × {shape['columns']} columns of records ({named} columns)")
    return AS_DOCUMENT


def recognise_tables(tables: list[Table]) -> FileKind:
    """A spreadsheet is records when every sheet with 5 rows or more is (and there is one)."""
    sized = [t for t in tables if len(t.rows) > 5]
    kinds = [recognise_table(t.rows) for t in sized]
    if kinds and all(k.is_data for k in kinds):
        return kinds[0] if len(kinds) == 1 else FileKind(RECORDS, f"{len(kinds)} sheets of records; " + kinds[0].why)
    return AS_DOCUMENT


def recognise_before_reading(path: Path, data: bytes) -> FileKind | None:
    """What the name and bytes alone tell: a folder note or a JSON catalogue (None: read the file to know)."""
    return recognise_notes(path, data) or recognise_json(data)
