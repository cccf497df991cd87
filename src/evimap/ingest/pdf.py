"""PDF reader: the pypdfium2 text layer, one block per physical line, page numbers kept."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import IngestError
from ..records import LINE, Block, RawDocument

_LINE_SPLIT_RE = re.compile(r"\r\n|\r|\n")


def _pdf_date(value: str | None) -> str | None:
    m = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?", value or "")
    if not m:
        return None
    year, month, day = m.group(1), m.group(2) or "01", m.group(3) or "01"
    return f"{year}-{month}-{day}"


def read_pdf(path: Path, data: bytes) -> RawDocument:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise IngestError("encrypted PDF (a password is required to read it)") from None
        raise IngestError(f"corrupt or truncated PDF ({message.split(':')[-1].strip() or message})") from None
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise IngestError("PDF has no pages")
        blocks: list[Block] = []
        chars = 0
        for index in range(n_pages):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                finally:
                    textpage.close()
            finally:
                page.close()
            chars += len(text.strip())
            for line in _LINE_SPLIT_RE.split(text):
                blocks.append(Block(line.strip(), LINE, page=index + 1))
            blocks.append(Block("", "blank", page=index + 1))
        if chars == 0:
            raise IngestError(f"no text layer in {n_pages} page(s) (scanned PDF? OCR is not enabled)")
        try:
            meta = pdf.get_metadata_dict(skip_empty=True)
        except Exception:  # metadata is optional; a damaged info dict must not lose the text
            meta = {}
    finally:
        pdf.close()
    title = (meta.get("Title") or "").strip() or None
    if title and re.match(r"^(microsoft word|untitled|document\d*)\b", title, re.IGNORECASE):
        title = None
    return RawDocument(
        path=str(path),
        format="pdf",
        blocks=blocks,
        pages=n_pages,
        title=title,
        date=_pdf_date(meta.get("CreationDate")),
        metadata={k: v for k, v in meta.items() if k in ("Author", "Producer", "Creator", "Subject")},
    )
