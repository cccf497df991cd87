"""DOCX reader (python-docx): paragraphs and tables in body order, heading styles, list items."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from ..errors import IngestError
from ..records import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, Block, RawDocument, Table

_HEADING_STYLE_RE = re.compile(r"^(?:heading|titre|título|überschrift)\s*(\d)", re.IGNORECASE)


def _cell_texts(row) -> list[str]:
    cells: list[str] = []
    previous = None
    for cell in row.cells:
        # Merged cells are returned once per grid column; keep each merged cell once.
        if previous is not None and cell._tc is previous:
            continue
        previous = cell._tc
        cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
    return cells


def _docx_problem(data: bytes, exc: Exception) -> str:
    """What is wrong with a DOCX package, in the package's terms rather than the library's."""
    import zipfile

    from lxml import etree

    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            for part in ("[Content_Types].xml", "word/document.xml", "word/_rels/document.xml.rels", "_rels/.rels"):
                if part not in zf.namelist():
                    return f"the package has no {part}"
                try:
                    etree.fromstring(zf.read(part))
                except etree.XMLSyntaxError as xml_error:
                    return f"{part} is not well-formed XML ({str(xml_error)[:60]})"
    except zipfile.BadZipFile:
        return "corrupt zip container"
    return f"{type(exc).__name__}: {str(exc)[:80]}"


def read_docx(path: Path, data: bytes) -> RawDocument:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(BytesIO(data))
    except Exception as exc:  # python-docx raises several types for broken packages
        raise IngestError(f"not a readable DOCX ({_docx_problem(data, exc)})") from None
    blocks: list[Block] = []
    tables: list[Table] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, document)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            m = _HEADING_STYLE_RE.match(style)
            if m or style.lower() == "title":
                blocks.append(Block(text, HEADING, level=int(m.group(1)) if m else 1))
            elif style.lower().startswith("list") or child.find(".//{*}numPr") is not None:
                blocks.append(Block(text, LIST_ITEM))
            else:
                blocks.append(Block(text, PARAGRAPH))
        elif tag == "tbl":
            table = DocxTable(child, document)
            rows = [_cell_texts(r) for r in table.rows]
            rows = [r for r in rows if any(c for c in r)]
            if not rows:
                continue
            name = f"Table {len(tables) + 1}"
            tables.append(Table(name=name, rows=rows, source=f"{path.name} table {len(tables) + 1}"))
            for i, r in enumerate(rows, 1):
                text = " | ".join(c for c in r if c)
                blocks.append(Block(text, TABLE_ROW, label=f"{name} r{i}"))
    props = document.core_properties
    date = None
    for value in (props.created, props.modified):
        if value is not None:
            date = value.date().isoformat()
            break
    return RawDocument(
        path=str(path),
        format="docx",
        blocks=blocks,
        title=(props.title or "").strip() or None,
        date=date,
        tables=tables,
        metadata={k: v for k, v in (("author", props.author), ("subject", props.subject)) if v},
    )
