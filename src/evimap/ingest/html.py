"""HTML reader: trafilatura main-content extraction (navigation, menus and footers dropped)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import IngestError
from ..records import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, Block, RawDocument, Table
from .text import decode_text

_TAG_RE = re.compile(rb"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*?(/?)>")  # "<" excluded: linear on "<a<a<a..."
_VOID = {b"br", b"img", b"hr", b"meta", b"link", b"input", b"source", b"wbr", b"col", b"area", b"base", b"param",
         b"embed", b"track", b"p", b"li", b"td", b"tr", b"th", b"option"}


def nesting_depth(data: bytes, limit: int) -> int:
    """Approximate element nesting depth, stopping early once ``limit`` is exceeded."""
    depth = deepest = 0
    for m in _TAG_RE.finditer(data):
        name = m.group(2).lower()
        if name in _VOID or m.group(3):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
    return deepest


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def read_html(path: Path, data: bytes, encodings: list[str], max_depth: int) -> RawDocument:
    import trafilatura
    from lxml import etree, html as lxml_html

    depth = nesting_depth(data, max_depth)
    if depth > max_depth:
        raise IngestError(f"HTML nested more than {max_depth} elements deep (set max_html_depth to allow)")
    try:
        text, encoding = decode_text(data, encodings + ["utf-8", "cp1252"])
    except IngestError:
        text, encoding = data.decode("utf-8", errors="replace"), "utf-8 (with replacements)"
    try:
        xml = trafilatura.extract(
            text,
            output_format="xml",
            include_tables=True,
            include_comments=False,
            include_links=False,
            with_metadata=True,
            favor_recall=True,
            deduplicate=False,
        )
    except RecursionError:
        raise IngestError("HTML too deeply nested to parse") from None
    if not xml:
        raise IngestError("no main text content found in the HTML page")
    root = etree.fromstring(xml.encode("utf-8"))
    blocks: list[Block] = []
    tables: list[Table] = []
    main = root.find("main")
    main = main if main is not None else root
    for el in main.iter("head", "p", "item", "table", "quote"):
        if el.tag == "table":
            rows = [[_text(c) for c in row.iter("cell")] for row in el.iter("row")]
            rows = [r for r in rows if any(r)]
            if rows:
                name = f"Table {len(tables) + 1}"
                tables.append(Table(name=name, rows=rows, source=f"{path.name} table {len(tables) + 1}"))
                for i, r in enumerate(rows, 1):
                    blocks.append(Block(" | ".join(c for c in r if c), TABLE_ROW, label=f"{name} r{i}"))
            continue
        if any(a.tag in ("table", "item", "quote") for a in el.iterancestors()) and el.tag == "p":
            continue
        if el.tag == "item" and any(a.tag == "table" for a in el.iterancestors()):
            continue
        value = _text(el)
        if not value:
            continue
        if el.tag == "head":
            rend = el.get("rend") or "h2"
            level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
            blocks.append(Block(value, HEADING, level=level))
        elif el.tag == "item":
            blocks.append(Block(value, LIST_ITEM))
        else:
            blocks.append(Block(value, PARAGRAPH))
    extracted = sum(len(b.text) for b in blocks)
    try:
        page = lxml_html.fromstring(text)
        for bad in page.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        full = len(" ".join(page.text_content().split()))
    except Exception:
        full = extracted
    return RawDocument(
        path=str(path),
        format="html",
        blocks=blocks,
        title=root.get("title") or None,
        date=root.get("date") or None,
        tables=tables,
        metadata={k: root.get(k) for k in ("author", "sitename", "url") if root.get(k)} | {"encoding": encoding},
        removed={"web_chrome_chars": max(0, full - extracted)} if full > extracted else {},
    )
