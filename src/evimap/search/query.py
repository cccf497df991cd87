"""Turning user input into FTS5 queries, and search hits into citable results."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from ..errors import QueryError
from .syntax import check_limits

HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"


def cite(doc_name: str, page: int | None = None, section: str = "", label: str | None = None,
         kind: str = "paragraph", part: int = 0, page_end: int | None = None) -> str:
    """A human citation: "004.txt · §III.G · ¶66" or "report.pdf · p.12"."""
    bits = [doc_name]
    if page is not None:
        bits.append(f"p.{page}" + (f"–{page_end}" if page_end and page_end != page else ""))
    if section:
        bits.append(f"§{section}")
    if label:
        if kind == "table_row":
            bits.append(label)
        elif kind == "footnote":
            bits.append(f"fn.{label}")
        elif kind != "heading":
            bits.append(f"¶{label}")
    if part:
        bits.append(f"part {part}")
    return " · ".join(bits)


def cite_passage(p: dict[str, Any], doc_name: str | None = None) -> str:
    """The citation of a stored passage row (its document name from the row unless given)."""
    return cite(doc_name or p["doc_name"], p["page"], p["section"], p["label"], p["kind"], p.get("part", 0),
                p.get("page_end"))


_TOKEN_RE = re.compile(r"\w+(?:[./-]\w+)*\*?", re.UNICODE)


def escape_query(text: str) -> str:
    """Make arbitrary text a safe FTS5 query: every token becomes a quoted phrase, ANDed. Text beyond the
    query limits (``search.syntax.check_limits``) raises QueryError rather than being searched without them."""
    check_limits(text)
    tokens = _TOKEN_RE.findall(text)
    if not tokens:
        raise QueryError(f"query {text!r} contains no searchable words")
    out = []
    for t in tokens:
        star = t.endswith("*")
        t = t.rstrip("*").replace('"', '""')
        out.append(f'"{t}"' + ("*" if star else ""))
    return " ".join(out)


def any_of(terms: str | list[str]) -> str:
    """A keyword family as one query: "data, statistics, analys*" -> data OR statistics OR analys*.

    Multi-word terms become phrases.
    """
    if isinstance(terms, str):
        terms = [t for t in re.split(r"[,;\n]", terms)]
    parts = []
    for term in terms:
        term = term.strip()
        if not term:
            continue
        words = term.split()
        if len(words) > 1:
            parts.append('"' + " ".join(w.replace('"', "") for w in words) + '"')
        elif re.fullmatch(r"\w+\*?", term):
            parts.append(term)
        else:
            parts.append(escape_query(term))
    if not parts:
        raise QueryError("empty keyword list")
    return " OR ".join(parts)


def parse_years(value: str | int | None) -> tuple[int | None, int | None]:
    """"2017" -> (2017, 2017); "2010-2015" -> (2010, 2015); "2010-" -> (2010, None)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, int):
        return value, value
    m = re.fullmatch(r"\s*(\d{4})?\s*(?:(-|–|\.\.)\s*(\d{4})?)?\s*", str(value))
    if not m or not (m.group(1) or m.group(3)):
        raise QueryError(f"year filter {value!r} must look like 2017, 2010-2015, 2010- or -2015")
    start = int(m.group(1)) if m.group(1) else None
    end = int(m.group(3)) if m.group(3) else (None if m.group(2) else start)
    return start, end


@dataclass
class Hit:
    passage_id: str
    doc_id: str
    doc_name: str
    doc_title: str
    format: str
    language: str | None
    year: int | None
    kind: str
    label: str | None
    page: int | None
    page_end: int | None
    section: str
    section_title: str
    start: int
    end: int
    text: str
    snippet: str
    score: float
    citation: str
    duplicates: int = 0
    # with a search by actor: what of the passage that actor says (actor, person, start, end, text), when it is
    # only part of the passage (a meeting report's passage holds several speakers)
    statement: dict[str, Any] | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Hit":
        return cls(
            passage_id=row["id"], doc_id=row["doc_id"], doc_name=row["doc_name"], doc_title=row["doc_title"],
            format=row["format"], language=row["language"], year=row["year"], kind=row["kind"],
            label=row["label"], page=row["page"], page_end=row["page_end"], section=row["section"],
            section_title=row["section_title"], start=row["start"], end=row["end"], text=row["text"],
            snippet=row["snippet"], score=round(-float(row["score"]), 4),
            citation=cite_passage(row),
            duplicates=row.get("duplicates", 0) or 0,
        )

    def highlighted(self, start: str = "[", end: str = "]") -> str:
        return self.snippet.replace(HIGHLIGHT_START, start).replace(HIGHLIGHT_END, end)

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}  # flat values: no deep copy needed
        d["snippet"] = self.highlighted("<mark>", "</mark>")
        return d
