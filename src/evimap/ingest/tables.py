"""Spreadsheet readers: every XLSX sheet and every CSV file is a table; rows become passages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import IngestError
from ..records import HEADING, TABLE_ROW, Block, RawDocument, Table
from .text import decode_text

MAX_ROWS_PER_SHEET = 200_000


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Exactly as stored: integral values without ".0", others in the shortest form that
        # reads back to the same number (never "5.32723e+06" for 5327230.684).
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _table_blocks(table: Table) -> list[Block]:
    blocks = [Block(table.name, HEADING, level=1)]
    for i, row in enumerate(table.rows, 1):
        text = " | ".join(c for c in row if c)
        if text:
            blocks.append(Block(text, TABLE_ROW, label=f"{table.name} r{i}"))
    return blocks


def read_xlsx(path: Path, data: bytes) -> RawDocument:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise IngestError(f"not a readable XLSX ({type(exc).__name__}: {str(exc)[:80]})") from None
    tables: list[Table] = []
    blocks: list[Block] = []
    try:
        for ws in wb.worksheets:
            rows: list[list[str]] = []
            for row in ws.iter_rows(values_only=True):
                cells = [_fmt(v) for v in row]
                while cells and not cells[-1]:
                    cells.pop()
                if any(cells):
                    rows.append(cells)
                if len(rows) > MAX_ROWS_PER_SHEET:
                    raise IngestError(f"sheet {ws.title!r} has more than {MAX_ROWS_PER_SHEET:,} rows")
            if rows:
                table = Table(name=ws.title, rows=rows, source=f"{path.name} sheet {ws.title}")
                tables.append(table)
                blocks.extend(_table_blocks(table))
        title = (wb.properties.title or "").strip() or None
    finally:
        wb.close()
    return RawDocument(path=str(path), format="xlsx", blocks=blocks, tables=tables, title=title)


def read_csv(path: Path, data: bytes, encodings: list[str]) -> RawDocument:
    # Spreadsheet programs on Windows save CSV in cp1252 ("ANSI"), so a CSV that is not valid in
    # the configured encodings gets that one more try; the document records the fallback.
    fallback = [] if "cp1252" in encodings else ["cp1252"]
    text, encoding = decode_text(data, encodings + fallback)
    warnings = [f"not valid {', '.join(encodings)}; read as {encoding}"] if encoding in fallback else []
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            cells = [c.strip() for c in row]
            if any(cells):
                rows.append(cells)
            if len(rows) > MAX_ROWS_PER_SHEET:
                raise IngestError(f"CSV has more than {MAX_ROWS_PER_SHEET:,} rows")
    except csv.Error as exc:
        raise IngestError(f"malformed CSV ({exc})") from None
    table = Table(name=path.stem, rows=rows, source=path.name)
    return RawDocument(path=str(path), format="csv", blocks=_table_blocks(table), tables=[table],
                       metadata={"encoding": encoding}, warnings=warnings)
