"""Repairs that work on one string at a time."""

from __future__ import annotations

import re
from typing import Iterator

import ftfy

_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_LIGATURE_RE = re.compile("[" + "".join(_LIGATURES) + "]")
# Characters that signal probable mojibake (UTF-8 read as Latin-1/cp1252) or stray controls.
_SUSPECT_RE = re.compile("[\u00c2\u00c3\u00e2\u00c5\u00ef\u00f0\ufffd\x80-\x9f]")


def fix_encoding(text: str) -> str:
    """Expand ligatures and repair mojibake ("migrantsâ€™" -> "migrants’").

    ftfy is only run when the text contains characters typical of mojibake, so clean
    ASCII/Unicode text (the vast majority) costs one regex scan. Curly quotes are kept:
    quotations must stay verbatim.
    """
    if _LIGATURE_RE.search(text):
        text = _LIGATURE_RE.sub(lambda m: _LIGATURES[m.group()], text)
    if text.isascii() or not _SUSPECT_RE.search(text):
        return text
    return ftfy.fix_text(
        text,
        uncurl_quotes=False,
        fix_character_width=False,
        normalization="NFC",
        explain=False,
    )


# A run of at least four single visible characters separated by one or two spaces, e.g.
# "R e c o m m e n d a t i o n s  f o r". Two or more spaces separate words in such runs.
_SPACED_RUN_RE = re.compile(r"(?<!\S)(?:\S {1,3}){3,}\S(?!\S)")
_BULLETS = "•●▪◦■"


def fix_letter_spacing(text: str) -> str:
    """Rejoin letter-spaced text ("d a t a  f o r" -> "data for").

    PDF-to-text conversions of presentations space every letter and use a wider gap between
    words. Glued bullets ("d a t a•A c h") are separated first so they end a run.
    """
    if "  " not in text and not re.search(r"(?:\S ){4}", text):
        return text
    text = re.sub(rf"(?<=\S)([{_BULLETS}])(?=\S)", r"  \1  ", text)

    def join(match: re.Match[str]) -> str:
        run = match.group()
        words = re.split(r" {2,}", run)
        if len(words) == 1 and len(run) < 12:
            # "a b c d" alone is more likely a list of letters than a spaced word.
            return run
        return " ".join(w.replace(" ", "") for w in words)

    return _SPACED_RUN_RE.sub(join, text)


# U+FFFE is not a character: pdfium reports a soft hyphen that broke a word at a line end as U+FFFE inside
# the word ("ac\ufffecount"), which otherwise splits it for search and for name matching
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffe]")
_SPACES_RE = re.compile("[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise_whitespace(text: str) -> str:
    """Drop zero-width characters, soft hyphens and controls; collapse runs of spaces."""
    text = _ZERO_WIDTH_RE.sub("", text)
    text = _CONTROL_RE.sub(" ", text)
    text = _SPACES_RE.sub(" ", text)
    return text.strip()


# "policies.12 The", "development3 and", "Assembly,4" — a footnote number glued to a word.
# The word must be lowercase-ending and at least 3 letters, so "COVID19", "G77", "A4" and
# "in 2013" are left alone; the number is at most 3 digits and followed by a space or end.
_DIGIT_RE = re.compile(r"\d")
_GLUED_FOOTNOTE_RE = re.compile(r"(?<=[a-z\)][a-z]{2})([.,;:]?)(\d{1,3})(?=\s+[A-Z(“\"]|\s*$)")


def detach_footnote_markers(text: str) -> str:
    """Turn a footnote number glued to a word into a bracketed marker: "data.12 The" -> "data.[12] The".

    The marker is kept (never silently dropped) but no longer corrupts the word for search.
    """
    if not _DIGIT_RE.search(text):
        return text
    return _GLUED_FOOTNOTE_RE.sub(r"\1[\2]", text)


def _repair(text: str) -> str:
    text = fix_encoding(text)
    text = fix_letter_spacing(text)
    text = normalise_whitespace(text)
    return detach_footnote_markers(text)


# Lines longer than this are repaired piece by piece: ``re.sub`` gathers every piece of its result
# before joining them, which on one 100 MB line of words is over a gigabyte of small strings.
LONG_LINE = 1 << 20
_CHUNK = 1 << 18
# A place where every repair gives the same result on both sides as on the whole: a single space
# between two lower-case words of two letters or more. No letter-spaced run, mojibake sequence,
# run of spaces or glued footnote number can straddle it.
_SAFE_CUT_RE = re.compile(r"(?<=[a-z]{2}) (?=[a-z]{2})")


def _iter_pieces(text: str, size: int) -> Iterator[str]:
    start = 0
    while len(text) - start > size:
        cut = _SAFE_CUT_RE.search(text, start + size, start + 2 * size)
        if cut is None:  # no safe place in the next stretch: keep it whole with the rest
            break
        yield text[start : cut.end()]
        start = cut.end()
    yield text[start:]


def _pieces(text: str, size: int) -> list[str]:
    return list(_iter_pieces(text, size))


def repair_pieces(text: str) -> list[str]:
    """``repair_text(text)`` as pieces whose concatenation, stripped, is the repaired text: a caller that
    lets ``text`` go before joining them never holds three copies of a huge line (the line, its pieces
    and their join)."""
    if not _needs_repair(text):
        return [text]
    if len(text) <= LONG_LINE:
        return [_repair(text)]
    out: list[str] = []
    pieces = _iter_pieces(text, _CHUNK)
    prev = next(pieces)
    for piece in pieces:
        # a piece ends in the space of its cut, which the "x" shields from the strip meant for the ends of the whole
        out.append(_repair(prev + "x")[:-1])
        prev = piece
    out.append(_repair(prev))
    return out


# In printable ASCII text without leading/trailing or double spaces, only a digit (a glued footnote
# number) or four single characters each followed by a space (a letter-spaced run) can change.
_ASCII_CUE_RE = re.compile(r"\d|(?:\S ){4}")


def _needs_repair(text: str) -> bool:
    if not text.isascii() or not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        return True
    return _ASCII_CUE_RE.search(text) is not None


def repair_text(text: str) -> str:
    """All single-string repairs, in the order that makes each one safe."""
    pieces = repair_pieces(text)
    return pieces[0] if len(pieces) == 1 else "".join(pieces).strip()
