"""Document structure that is not content: tables of contents, lone numbers, reference lists.

A contents page read as text becomes a section per entry (each entry reads like a heading) and a
passage per line; a page or footnote number left alone on a line becomes a passage; the entries
of a bibliography, a list of people interviewed or of acronyms are quoted in syntheses as if they
were findings. Contents pages and lone numbers are dropped before segmentation; reference-list
passages keep their place in the document but are marked with the kind ``reference``.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from ..records import LINE, Block

REFERENCE = "reference"  # passage kind: an entry of a bibliography, annex list of documents or people, acronyms

# A contents entry: a title, a leader of dots, underscores or ellipses, and a page number (arabic or roman).
_MAX_ENTRY = 300
_LEADER_ENTRY_RE = re.compile(r"^\S.*?\s*(?:[._…·‧]\s?){3,}\s*(?:\d{1,3}|[ivxlc]{1,6})$", re.IGNORECASE)
# The same without a leader ("Findings 12"): an entry only on a page already known to be a contents page.
_PLAIN_ENTRY_RE = re.compile(r"^\S.*\D\s+(?:\d{1,3}|[ivxlc]{1,6})$", re.IGNORECASE)
_CONTENTS_TITLE_RE = re.compile(
    r"^(?:table of contents|contents|content|sommaire|table des mati[èe]res|[íi]ndice|contenido|"
    r"list of (?:figures|tables|boxes|figures and tables|tables and figures|charts|graphs)|"
    r"liste des (?:tableaux|figures|graphiques|encadr[ée]s))\W*$", re.IGNORECASE)
_LONE_NUMBER_RE = re.compile(r"^[-–—(\[]?\s*(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—)\]]?$", re.IGNORECASE)


def drop_contents_pages(blocks: list[Block]) -> tuple[list[Block], int]:
    """Remove tables of contents (and lists of figures and tables) from a paged document.

    A page is a contents page when at least three of its lines are entries with a leader and a page
    number and they make up at least 40% of its lines, or when it has a contents title followed by
    two such entries. On it, everything from the title (or first entry) to the last entry goes: the
    entries, entries without a leader, and titles wrapped over several lines. Returns the blocks kept
    and the number of lines dropped.
    """
    pages: dict[int, list[int]] = defaultdict(list)
    for i, b in enumerate(blocks):
        if b.page is not None and b.kind == LINE and b.text.strip():
            pages[b.page].append(i)
    drop: set[int] = set()
    for idxs in pages.values():
        texts = [blocks[i].text.strip() for i in idxs]
        # a contents entry is one short line; the length test also keeps the leader pattern off long lines,
        # where its lazy title and run of leaders would backtrack quadratically (a line of 2,000 dots: 0.5 s)
        leader = [k for k, t in enumerate(texts) if len(t) <= _MAX_ENTRY and _LEADER_ENTRY_RE.match(t)]
        titled = [k for k, t in enumerate(texts) if _CONTENTS_TITLE_RE.match(t)]
        is_contents = (len(leader) >= 3 and len(leader) >= 0.4 * len(texts)) or (
            titled and sum(k > titled[0] for k in leader) >= 2)
        if not is_contents:
            continue
        first = min([*titled, *leader])
        last = first
        for k in range(first + 1, len(texts)):  # the run of entries, with at most three wrapped lines between two
            if k in leader or _PLAIN_ENTRY_RE.match(texts[k]):
                last = k
            elif k - last > 3:
                break
        drop.update(idxs[first:max(last, *leader) + 1])  # a dotted entry is one wherever it stands on the page
    return [b for i, b in enumerate(blocks) if i not in drop], len(drop)


def is_lone_number(text: str) -> bool:
    """A page number, footnote marker or table figure standing alone: "12", "- 3 -", "Page 4", "xii"."""
    return bool(_LONE_NUMBER_RE.match(text.strip()))


_REFERENCE_SECTION_RE = re.compile(
    r"\b(?:bibliograph(?:y|ie)|references|r[ée]f[ée]rences(?: bibliographiques)?|works cited|sources consulted|"
    r"documents? (?:consulted|reviewed|cited)|(?:reviewed|consulted) documents|desk review documents|"
    r"list of (?:documents|documentation|references|sources|persons|people|interviewees|stakeholders|key informants|"
    r"informants|participants|acronyms|abbreviations)|(?:persons|people|stakeholders|informants) "
    r"(?:met|interviewed|consulted)|documentation (?:reviewed|consulted)|annex\b.*\binterviews|acronyms|"
    r"abbr[ée]?viations?|abbrevations?|"
    r"liste des (?:documents|personnes|participants|sigles|acronymes)|documents consult[ée]s|"
    r"personnes (?:rencontr[ée]es|interrog[ée]es)|sigles(?: et (?:abr[ée]viations|acronymes))?)\b", re.IGNORECASE)
_NOT_REFERENCE_RE = re.compile(r"\bterms of reference\b|\btermes de r[ée]f[ée]rence\b", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # asked for every title above every passage: a document has few distinct ones
def is_reference_section(title: str) -> bool:
    """A section holding a reference list: bibliography, documents reviewed, people interviewed, acronyms."""
    return bool(_REFERENCE_SECTION_RE.search(title)) and not _NOT_REFERENCE_RE.search(title)


_CAPTION_LEAD_RE = re.compile(r"^(?:(?:annex|appendix|annexe|table|tableau)\s+[\w.]+\s*[:.–-]?\s*|[A-Z]\.\d*\s+)?", re.IGNORECASE)
_CITATION_RE = re.compile(r"\b(?:19|20)\d{2}\b|https?://|www\.")


def is_list_caption(text: str) -> bool:
    """A line that is only the title of a reference list: "References", "Table 2: List of persons met",
    "ANNEX V: List of documents reviewed" (not a sentence that mentions one)."""
    rest = _CAPTION_LEAD_RE.sub("", text.strip(), count=1)
    return (bool(_REFERENCE_SECTION_RE.match(rest)) and len(rest.split()) <= 8 and not rest.endswith(".")
            and is_reference_section(text))


def looks_like_list_entry(text: str) -> bool:
    """An entry of a reference list: short (a name and role, an acronym), or a citation with a year or link."""
    return len(text.split()) <= 25 or bool(_CITATION_RE.search(text))


# a footnote or endnote that only cites a source: a note marker, then author, a quoted or series title,
# and a place, year, number or link — "[15] ACP Observatory, “Migration and development …”, Research
# Series, No. 46 (Geneva, 2013)". A note that argues or reports ("145 The increased availability of …
# was achieved mainly through …") is content and keeps its kind.
_NOTE_MARKER_RE = re.compile(r"^\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}(?=\s+[A-Z])|[¹²³⁰⁴-⁹]+)\s*")
_TITLE_MARK_RE = re.compile(r"[“\"«][^”\"»]{8,}[”\"»]|\*[^*]{8,}\*|\b(?:et al\.|pp?\.\s*\d|vol\.\s*\d|no\.\s*\d|"
                            r"ibid\b|op\. cit\b|available (?:at|from)\b)", re.IGNORECASE)
_QUOTED_TITLE_RE = re.compile(r"[“\"«][^”\"»]*[”\"»]|\*[^*]*\*")
_CLAUSE_VERB_RE = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|should|can|could|may|must|stressed|"
                             r"noted|said|found|showed|highlighted|reported|stated|emphasi[sz]ed|recommended|"
                             r"concluded|explained|argued|suggested)\b", re.IGNORECASE)
_PLACE_YEAR_RE = re.compile(r"\(\s*[A-Z][\w .,-]{1,40}?,?\s*(?:19|20)\d{2}\s*\)|https?://|www\.")


def is_citation_note(text: str) -> bool:
    """A numbered note that only cites a source (see ``_NOTE_MARKER_RE``): at most 60 words, a title or a
    bibliographic token (et al., p. 4, No. 46), a year, place or link, and no verb outside the quoted title
    (a note that reports or argues is content)."""
    m = _NOTE_MARKER_RE.match(text)
    if not m or len(text.split()) > 60:
        return False
    rest = text[m.end():]
    if _CLAUSE_VERB_RE.search(_QUOTED_TITLE_RE.sub(" ", rest)):  # a sentence outside the cited title: a note that says something
        return False
    return bool(_TITLE_MARK_RE.search(rest)) and bool(_PLACE_YEAR_RE.search(rest) or _CITATION_RE.search(rest))
