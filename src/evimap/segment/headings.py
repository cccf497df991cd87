"""Recognise section headings and paragraph/item labels in UN-style documents."""

from __future__ import annotations

import re
from dataclasses import dataclass

ROMAN_RE = re.compile(r"^(?P<label>(?=[IVXL])X{0,3}(?:IX|IV|V?I{0,3}))\.\s+(?P<title>\S.*)$")
LETTER_RE = re.compile(r"^(?P<label>[A-Z])\.\s+(?P<title>[A-Z0-9“\"(].*)$")
ARABIC_RE = re.compile(r"^(?P<label>\d{1,2}\.\d{1,2}(?:\.\d{1,2}){0,2}|\d{1,2}(?=\.))\.?\s+(?P<title>[A-Z“\"(].*)$")
DOT_LEADER_RE = re.compile(r"(?:\.\s?){4,}|…{2,}")
TERMINAL = (".", ";", ",")


@dataclass
class Heading:
    family: str  # "roman" | "letter" | "arabic1" | "arabic2" ... | "caps" | "h" | "docx"
    label: str | None
    title: str
    level: int = 0  # explicit level for families that carry one (markdown, DOCX styles)

    @property
    def text(self) -> str:
        return f"{self.label}. {self.title}" if self.label else self.title


_DANGLING = {"and", "or", "of", "the", "to", "in", "for", "with", "on", "by", "a", "an", "including", "from", "at", "as"}


def _short_title(title: str, max_words: int) -> bool:
    words = title.split()
    return (
        0 < len(words) <= max_words
        and len(title) <= 180
        and not DOT_LEADER_RE.search(title)
        and words[-1].lower() not in _DANGLING
        and not title.endswith((",", "-"))
    )


def classify_heading(text: str, explicit_level: int | None = None) -> Heading | None:
    """Return a Heading when ``text`` (one paragraph) is a section heading, else None.

    ``explicit_level`` is given when the format already marks the block as a heading
    (markdown ``#``, HTML ``<h2>``, DOCX "Heading 2"); then only the numbering is read from it.
    """
    text = text.strip()
    if not text:
        return None
    marked = explicit_level is not None
    for family, regex, max_words in (("roman", ROMAN_RE, 25), ("letter", LETTER_RE, 25), ("arabic", ARABIC_RE, 12)):
        m = regex.match(text)
        if not m or not m.group("label"):
            continue
        title = m.group("title").strip()
        if not marked:
            if not _short_title(title, max_words) or title.endswith(TERMINAL):
                continue
            if family == "arabic" and (":" in title[:-1] or title.count(",") > 1):
                continue
        label = m.group("label")
        if family == "arabic":
            family = f"arabic{label.count('.') + 1}"
        return Heading(family, label, title)
    if marked:
        return Heading("h", None, text, explicit_level or 1)
    letters = [c for c in text if c.isalpha()]
    if (
        len(letters) >= 3
        and text.isupper()
        and _short_title(text, 15)
        and not text.endswith(TERMINAL)
        and sum(c.isdigit() for c in text) < 5
    ):
        return Heading("caps", None, text)
    return None


_ROMAN_LETTERS = {"I": "H", "V": "U", "X": "W", "L": "K", "C": "B", "D": "C", "M": "L"}


class SectionStack:
    """Tracks the current section path while headings stream past.

    Numbering style, not typographic level, decides nesting: UN reports mark levels
    inconsistently ("### I." then "## II."), but "III." is always above "G.", which is above "1.".
    """

    def __init__(self) -> None:
        self.stack: list[Heading] = []

    def _disambiguate(self, h: Heading) -> Heading:
        # "I." after "H." is the ninth lettered section, not roman one.
        if h.family == "roman" and h.label in _ROMAN_LETTERS:
            prev = _ROMAN_LETTERS[h.label]
            if any(e.family == "letter" and e.label == prev for e in self.stack):
                return Heading("letter", h.label, h.title)
        return h

    def push(self, h: Heading) -> Heading:
        h = self._disambiguate(h)
        if h.family == "roman":
            self.stack = []
        else:
            levelled = ("h", "docx")  # families whose level comes from the format
            for i, e in enumerate(self.stack):
                if (e.family == h.family and h.family not in levelled) or (
                    h.family in levelled and e.family in levelled and e.level >= h.level
                ):
                    self.stack = self.stack[:i]
                    break
        self.stack.append(h)
        return h

    @property
    def section(self) -> str:
        return ".".join(e.label for e in self.stack if e.label)

    @property
    def titles(self) -> list[str]:
        return [e.text for e in self.stack]


# Labels at the start of a paragraph.
NUMBERED_RE = re.compile(r"^(?P<label>\d{1,3})\.\s+(?=\S)")
PAREN_ITEM_RE = re.compile(r"^\((?P<label>[a-z]{1,2}|[ivxl]{1,5}|\d{1,3}|[A-Z])\)\s*(?=\S)")
HALF_PAREN_ITEM_RE = re.compile(r"^(?P<label>[a-z]|[ivx]{1,4}|\d{1,2})\)\s+(?=\S)")
LETTER_DOT_ITEM_RE = re.compile(r"^(?P<label>[a-z])\.\s+(?=\S)")
BULLET_RE = re.compile(r"^[•●▪◦■\-–—\*·➢►✓]\s*(?=\S)")
FOOTNOTE_RE = re.compile(r"^\[(?P<label>\d{1,3})\]\s*(?=\S)")


def paragraph_label(text: str) -> tuple[str, str | None]:
    """Return (kind, label) for a paragraph from its leading marker."""
    for kind, regex in (
        ("numbered", NUMBERED_RE),
        ("item", PAREN_ITEM_RE),
        ("item", HALF_PAREN_ITEM_RE),
        ("item", LETTER_DOT_ITEM_RE),
        ("footnote", FOOTNOTE_RE),
    ):
        m = regex.match(text)
        if m:
            return kind, m.group("label")
    if BULLET_RE.match(text):
        return "bullet", None
    return "paragraph", None


def starts_new_item(line: str) -> bool:
    """True when a physical line opens a new paragraph/list item by its marker."""
    line = line.lstrip()
    return bool(
        NUMBERED_RE.match(line)
        or PAREN_ITEM_RE.match(line)
        or HALF_PAREN_ITEM_RE.match(line)
        or BULLET_RE.match(line)
        or FOOTNOTE_RE.match(line)
        or (LETTER_DOT_ITEM_RE.match(line) and len(line) > 3)
    )
