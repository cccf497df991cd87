"""Plain text and Markdown reader: lines, markdown headings, HTML tags inside markdown, tab tables."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..errors import IngestError
from ..records import BLANK, FOOTNOTE, HEADING, LINE, TABLE_ROW, Block, RawDocument, Table
from .sniff import utf16_without_bom


def decode_text(data: bytes, encodings: list[str]) -> tuple[str, str]:
    """Decode bytes strictly with the first encoding that works; BOMs are honoured."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    utf16 = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_without_bom(data[:8192])
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError as exc:
            raise IngestError(f"invalid UTF-16 text at byte {exc.start}") from None
    first_error: UnicodeDecodeError | None = None
    for enc in encodings:
        try:
            return data.decode(enc, errors="strict"), enc
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    assert first_error is not None
    tried = ", ".join(encodings)
    raise IngestError(
        f"not valid text in {tried} (undecodable byte 0x{data[first_error.start]:02x} at offset {first_error.start}); "
        "convert it to UTF-8 or add its encoding to text_encodings"
    )


# Every pattern below runs on untrusted document text, so none may rescan what a failed attempt
# already read: character classes exclude the characters that open another attempt ("[", "<", the
# emphasis delimiter), which keeps each pattern linear in line length.
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+")
_MD_LINK_RE = re.compile(r"\[([^\[\]]*)\]\((?:[^()\[\]]|\([^()\[\]]*\))*\)")
_MD_AUTOLINK_RE = re.compile(r"<(https?://[^<>\s]+)>")
_SUP_RE = re.compile(r"<sup>\s*([^<\s](?:[^<]{0,4}[^<\s])?)\s*</sup>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?(?:b|i|u|em|strong|span|sub|small|font|a|p|div|br|mark)\b[^<>]*>", re.IGNORECASE)
_EMPH_RE = re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_ITALIC_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>$])")
_RULE_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_TABLE_CAPTION_RE = re.compile(r"^\s*Table\s+(\d+[A-Za-z]?)\b", re.IGNORECASE)
# every markup pattern above needs one of these characters: a line without any is returned as it is
_MARKUP_CHAR_RE = re.compile(r"[<\[*_\\]")
_QUOTE_LINE_RE = re.compile(r"\s*>")


def _char_width(text: str) -> int:
    """Bytes a character of ``text`` takes in CPython: 1, 2 or 4, set by its widest character (read from
    the object's size: the header is under 80 bytes, negligible on the long texts this is asked about)."""
    per_char = (sys.getsizeof(text) - 80) / max(1, len(text))
    return min((1, 2, 4), key=lambda w: abs(per_char - w))


def strip_inline_markup(line: str) -> str:
    """Remove markdown emphasis/links and inline HTML tags, keeping their text.

    Superscripts become bracketed markers ("<sup>1</sup>" -> "[1]") so footnote references
    stay visible without gluing to words.
    """
    if not _MARKUP_CHAR_RE.search(line):
        return line
    line = _SUP_RE.sub(r"[\1]", line)
    line = _MD_AUTOLINK_RE.sub(r"\1", line)
    line = _MD_LINK_RE.sub(r"\1", line)
    line = _TAG_RE.sub("", line)
    for _ in range(2):
        line = _EMPH_RE.sub(r"\2", line)
    line = line.replace("****", " ").replace("**", "")
    line = _ITALIC_RE.sub(r"\1", line)
    line = _ESCAPE_RE.sub(r"\1", line)
    return line


def _heading_title(rest: str) -> str:
    """Text of an ATX heading after its opening hashes, without the optional closing hashes.

    A string scan, not a regex: a lazy title followed by a trailing-hash pattern backtracks
    quadratically on a long run of hashes or spaces inside the heading.
    """
    return rest.rstrip().rstrip("#").rstrip()


def _split_cells(line: str) -> list[str]:
    if "\t" in line:
        cells = line.split("\t")
    else:
        cells = line.strip().strip("|").split("|")
    return [strip_inline_markup(c).strip() for c in cells]


def read_text(path: Path, data: bytes, encodings: list[str], markdown: bool,
              max_text_mb: float | None = None) -> RawDocument:
    text, encoding = decode_text(data, encodings)
    in_memory = sys.getsizeof(text) / 1048576
    if max_text_mb is not None and in_memory > max_text_mb:
        width = {1: "1 byte", 2: "2 bytes", 4: "4 bytes"}[_char_width(text)]
        raise IngestError(f"text takes {in_memory:.0f} MB in memory ({width} a character), over the {max_text_mb:g} MB "
                          "limit (max_text_mb); split the file or raise the limit")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    tables: list[Table] = []
    removed = {"markup_rules": 0}
    lines = text.split("\n")
    del text  # a line is let go once read: a huge one-line file is not held twice (the text and its line)
    in_footnotes = False
    current_table: Table | None = None
    last_caption: str | None = None
    for index in range(len(lines)):
        raw = lines[index]
        lines[index] = ""
        is_table_line = raw.count("\t") >= 2 or (markdown and raw.strip().startswith("|") and raw.count("|") >= 3)
        if is_table_line:
            cells = _split_cells(raw)
            if markdown and all(re.fullmatch(r":?-{2,}:?", c) or not c for c in cells):
                continue  # markdown table separator row
            if current_table is None:
                name = f"Table {len(tables) + 1}"
                caption = last_caption
                m = _TABLE_CAPTION_RE.match(caption or "")
                if m:
                    name = f"Table {m.group(1)}"
                current_table = Table(name=name, rows=[], caption=caption, source=path.name)
                tables.append(current_table)
            current_table.rows.append(cells)
            row_text = " | ".join(c for c in cells if c)
            if row_text:
                blocks.append(Block(row_text, TABLE_ROW, label=f"{current_table.name} r{len(current_table.rows)}"))
            continue
        current_table = None
        if _RULE_RE.match(raw):
            removed["markup_rules"] += 1
            in_footnotes = markdown
            blocks.append(Block("", BLANK))
            continue
        if not raw or raw.isspace():  # not raw.strip(): that copies a huge line
            if not blocks or blocks[-1].kind != BLANK:  # a run of blank lines is one break (a million of them: one block)
                blocks.append(Block("", BLANK))
            continue
        if markdown:
            m = _MD_HEADING_RE.match(raw)
            if m:
                title = strip_inline_markup(_heading_title(raw[m.end() :])).strip()
                in_footnotes = False
                if title:
                    if not blocks or blocks[-1].kind != BLANK:
                        blocks.append(Block("", BLANK))
                    blocks.append(Block(title, HEADING, level=len(m.group(1))))
                    blocks.append(Block("", BLANK))
                continue
            line = strip_inline_markup(raw)
            if in_footnotes and re.match(r"^\s*\[\d{1,3}\]", line):
                blocks.append(Block(line.strip(), FOOTNOTE, label=re.match(r"^\s*\[(\d+)\]", line).group(1)))
                continue
            if in_footnotes and re.match(r"^\s*\\?\*\s", raw):
                blocks.append(Block(line.strip().lstrip("*").strip(), FOOTNOTE, label="*"))
                continue
            if _QUOTE_LINE_RE.match(line):
                line = line.strip().lstrip("> ")
        else:
            line = raw
        if line and not line.isspace():
            last_caption = line[:500].strip()  # a caption is short; a huge line is not copied for it
        blocks.append(Block(line, LINE))
    return RawDocument(
        path=str(path),
        format="md" if markdown else "txt",
        blocks=blocks,
        tables=tables,
        metadata={"encoding": encoding},
        removed={k: v for k, v in removed.items() if v},
    )
