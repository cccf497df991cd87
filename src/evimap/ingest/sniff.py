"""Decide a file's format from its bytes (magic numbers), using the extension only as a tie-breaker."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import IngestError

TEXT_EXTENSIONS = {".txt", ".text", ".md", ".markdown", ".csv", ".tsv", ".htm", ".html", ".xhtml"}


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise IngestError("corrupt zip container (truncated or damaged)") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise IngestError("zip archive that is neither DOCX nor XLSX")


def sniff(path: Path, head: bytes) -> str:
    """Return one of pdf, docx, xlsx, html, md, csv, txt — or raise IngestError with the reason."""
    ext = path.suffix.lower()
    if not head:
        raise IngestError("empty file (0 bytes)")
    if head.startswith(b"%PDF-") or head[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError("legacy Office binary format (.doc/.xls) is not supported; save as DOCX/XLSX")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(head):
        return "md" if ext in (".md", ".markdown") else "txt"
    if ext in (".pdf", ".docx", ".xlsx") :
        kind = "binary data" if _looks_binary(head) else "text"
        raise IngestError(f"content is {kind}, not a {ext[1:].upper()} file (no {ext[1:].upper()} signature)")
    if _looks_binary(head):
        raise IngestError("binary content of unknown type")
    lowered = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or (
        ext in (".htm", ".html", ".xhtml") and b"<" in lowered[:200]
    ):
        return "html"
    if ext in (".csv", ".tsv"):
        return "csv"
    if ext in (".md", ".markdown") or _looks_markdown(head):
        return "md"
    return "txt"


_MD_SIGNS = (
    re.compile(rb"^#{1,6} \S", re.MULTILINE),
    re.compile(rb"\*\*[^*\n]+\*\*"),
    re.compile(rb"<sup>|\]\([^)\]\s]*\)"),  # "]" excluded: linear on "](](](..."
)


def _looks_markdown(head: bytes) -> bool:
    """Markdown saved as .txt (seed 004): at least two kinds of markdown markup in the first 64 KB."""
    sample = head[:65536]
    return sum(1 for r in _MD_SIGNS if r.search(sample)) >= 2


def utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 text written without a byte-order mark, else None.

    Text in a Latin script has a zero high byte in almost every code unit: zeros at nearly all odd
    offsets (little-endian) or nearly all even ones (big-endian), and almost none on the other side.
    """
    sample = head[:8192]
    if len(sample) < 64:
        return None
    even, odd = sample[0::2], sample[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd > 0.6 and zero_even < 0.02:
        return "utf-16-le"
    if zero_even > 0.6 and zero_odd < 0.02:
        return "utf-16-be"
    return None


def _looks_binary(head: bytes) -> bool:
    sample = head[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.1
