"""PDF reader: the pypdfium2 text layer, one block per physical line, page numbers kept."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import IngestError
from ..records import LINE, Block, RawDocument

_LINE_SPLIT_RE = re.compile(r"\r\n|\r|\n")
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_TITLE_MAX_LINES = 6
_TITLE_MAX_CHARS = 300


def _sized_lines(textpage) -> list[tuple[str, float]]:
    """The page's lines with the median font size of their visible characters."""
    import statistics

    import pypdfium2.raw as pdfium_c

    lines: list[tuple[str, float]] = []
    chars: list[str] = []
    sizes: list[float] = []

    def flush() -> None:
        text = "".join(chars).strip()
        if text and sizes:
            lines.append((text, round(statistics.median(sizes), 1)))
        chars.clear()
        sizes.clear()

    for i in range(textpage.count_chars()):
        ch = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
        if ch in "\r\n":
            flush()
            continue
        chars.append(ch)
        if not ch.isspace():
            sizes.append(pdfium_c.FPDFText_GetFontSize(textpage.raw, i))
    flush()
    return lines


def title_from_font_sizes(lines: list[tuple[str, float]]) -> str | None:
    """The title of a cover page: the largest-type block of lines that reads as a title.

    Consecutive lines set in the same size form a block. Only blocks set larger than the page's
    body text count (on a cover page with little body text, larger than its smallest type);
    among them the largest wins, skipping labels of fewer than three words ("EVALUATION BRIEF",
    "July 2025") when a longer block exists.
    """
    lines = [(text, size) for text, size in lines if _WORD_RE.search(text) and size > 0]
    if not lines:
        return None
    weighted = sorted((size, len(text)) for text, size in lines)
    half, seen, body = sum(n for _, n in weighted) / 2, 0, weighted[-1][0]
    for size, n in weighted:
        seen += n
        if seen >= half:
            body = size
            break
    blocks: list[tuple[float, list[str]]] = []
    for text, size in lines:
        if blocks and abs(blocks[-1][0] - size) <= 0.6 and len(blocks[-1][1]) < _TITLE_MAX_LINES:
            blocks[-1][1].append(text)
        else:
            blocks.append((size, [text]))
    for reference in (body, weighted[0][0]):
        candidates = [(size, " ".join(texts)) for size, texts in blocks if size >= reference * 1.08]
        if candidates:
            break
    else:
        return None
    candidates.sort(key=lambda c: -c[0])  # stable: earlier blocks win ties
    for _, text in candidates:
        if len(_WORD_RE.findall(text)) >= 3 and len(text) <= _TITLE_MAX_CHARS:
            return re.sub(r"\s+", " ", text)
    text = candidates[0][1]
    return re.sub(r"\s+", " ", text) if len(text) <= _TITLE_MAX_CHARS else None


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
        cover_title = None
        for index in range(n_pages):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                    # The cover is page 1, or page 2 behind an image-only first page.
                    if index == 0 or (index == 1 and chars < 40):
                        cover_title = title_from_font_sizes(_sized_lines(textpage))
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
    # The cover page's largest type is a better title than the info dictionary, which often
    # holds a file name or a template's leftover.
    title = cover_title or title
    return RawDocument(
        path=str(path),
        format="pdf",
        blocks=blocks,
        pages=n_pages,
        title=title,
        date=_pdf_date(meta.get("CreationDate")),
        metadata={k: v for k, v in meta.items() if k in ("Author", "Producer", "Creator", "Subject")},
    )
