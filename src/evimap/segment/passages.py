"""Group blocks into paragraphs, find sections, split long paragraphs, assign provenance."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from ..records import BLANK, FOOTNOTE, HEADING, LINE, LIST_ITEM, PARAGRAPH, TABLE_ROW, Block, Passage, Section
from .headings import Heading, SectionStack, classify_heading, paragraph_label, starts_new_item
from .structure import REFERENCE, is_citation_note, is_list_caption, is_lone_number, is_reference_section, looks_like_list_entry

TERMINAL_RE = re.compile(r"[.!?:;][\"”’)\]]*$")
SENTENCE_END_RE = re.compile(r"[.!?][\"”’)\]]*$")


@dataclass
class Para:
    text: str
    page: int | None
    page_end: int | None
    source_kind: str  # block kind it came from
    level: int | None = None
    label: str | None = None
    # (character offset in text, page) where the text moves to a new page
    page_breaks: list[tuple[int, int]] | None = None


def _percentile(values: list[int], q: float) -> int:
    if not values:
        return 0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def group_lines(blocks: list[Block]) -> list[Para]:
    """Turn physical lines into paragraphs; structural blocks pass through unchanged.

    Two layouts are recognised from the line-length distribution: one paragraph per line
    (long lines, e.g. the UN General Debate files) and wrapped text (PDF text layers, slides),
    where a paragraph ends at a blank line, a list marker, a heading, or a short line that
    ends a sentence.
    """
    line_lengths = [len(b.text) for b in blocks if b.kind == LINE and b.text]
    one_per_line = _percentile(line_lengths, 0.5) > 250
    wrap = max(40, _percentile(line_lengths, 0.8))
    paras: list[Para] = []
    cur: list[str] = []
    cur_page: int | None = None
    cur_page_end: int | None = None
    breaks: list[tuple[int, int]] = []

    def flush() -> None:
        nonlocal cur, breaks
        if cur:
            paras.append(Para(" ".join(cur), cur_page, cur_page_end, LINE, page_breaks=breaks or None))
            cur = []
            breaks = []

    # A line followed by a lower-case continuation line is never a heading.
    continued = [False] * len(blocks)
    for i in range(len(blocks) - 1):
        nxt = blocks[i + 1]
        continued[i] = nxt.kind == LINE and nxt.text[:1].islower()

    def heading_line(i: int, text: str) -> bool:
        return not continued[i] and classify_heading(text) is not None

    prev_index = -1
    for index, b in enumerate(blocks):
        if b.kind == BLANK or (b.kind == LINE and not b.text):
            flush()
            continue
        if b.kind != LINE:
            flush()
            paras.append(Para(b.text, b.page, b.page, b.kind, b.level, b.label))
            continue
        text = b.text
        if one_per_line:
            flush()
            cur, cur_page, cur_page_end = [text], b.page, b.page
            flush()
            continue
        if cur:
            prev = cur[-1]
            new_page = b.page != cur_page_end
            if (
                starts_new_item(text)
                or heading_line(index, text)
                or (len(cur) == 1 and heading_line(prev_index, prev))
                or (TERMINAL_RE.search(prev) and len(prev) < 0.75 * wrap)
                or (new_page and (SENTENCE_END_RE.search(prev) or not text[:1].islower()))
                or (len(prev) < 0.5 * wrap and not TERMINAL_RE.search(prev) and text[:1].isupper()
                    and not prev.rstrip().endswith((",", "-", "and", "or", "of", "the", "to", "in")))
            ):
                flush()
        if not cur:
            cur_page = b.page
        elif b.page != cur_page_end and b.page is not None:
            breaks.append((sum(len(c) + 1 for c in cur), b.page))
        cur.append(text)
        cur_page_end = b.page
        prev_index = index
    flush()
    return paras


_ABBREV_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|No|Nos|para|paras|art|arts|Art|St|Rev|Gen|Sr|Jr|vol|pp|p|cf|e\.g|i\.e|etc|approx|H\.E|U\.S|U\.N|Corp|Inc|Ltd)\.|\b[A-Z]\.)$"
)
_SPLIT_RE = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[A-Z0-9“\"(‘])")


_NONSPACE_RE = re.compile(r"\S")


def iter_sentences(text: str) -> Iterator[str]:
    """The sentences of ``text`` one at a time, keeping abbreviations ("Mr.", "e.g.", initials) intact."""
    start = 0
    for m in _SPLIT_RE.finditer(text):
        if _ABBREV_RE.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        if _NONSPACE_RE.search(text, start, m.end()):
            yield text[start : m.end()]
        start = m.end()
    if _NONSPACE_RE.search(text, start):
        yield text[start:]


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, keeping abbreviations ("Mr.", "e.g.", initials) intact."""
    return list(iter_sentences(text))


def split_long(text: str, max_chars: int) -> list[str]:
    """Split a paragraph longer than ``max_chars`` into parts on sentence boundaries.

    The parts concatenate back to exactly ``text``. A sentence longer than ``max_chars``
    is cut at the last space before the limit.
    """
    if len(text) <= max_chars:
        return [text]
    parts: list[str] = []
    cur = ""
    for sentence in iter_sentences(text):  # one at a time: a huge paragraph has a million of them
        # cut a long sentence by moving an offset, never by re-slicing the rest (quadratic on one huge line)
        at = 0
        while len(sentence) - at > max_chars:
            cut = sentence.rfind(" ", at, at + max_chars) - at
            cut = cut + 1 if cut > max_chars // 3 else max_chars
            if cur:
                parts.append(cur)
                cur = ""
            parts.append(sentence[at : at + cut])
            at += cut
        sentence = sentence[at:]
        if cur and len(cur) + len(sentence) > max_chars:
            parts.append(cur)
            cur = ""
        cur += sentence
    if cur:
        parts.append(cur)
    return parts


_HASH_WORDS_RE = re.compile(r"\w+")


# A numbered heading in capitals that runs on into its first paragraph, as where a page or a report was
# flattened into one line: "III. INTERNATIONAL COOPERATION AND GOVERNANCE OF MIGRATION In his capacity as …".
# The capitals end where a capitalised word in lower case begins.
_RUN_ON_HEADING_RE = re.compile(
    r"^(?P<heading>(?P<label>[IVXLC]{1,6}|[A-H]|\d{1,2})\.\s+[A-Z0-9][A-Z0-9’'&/-]*[:,]?"
    r"(?:\s+(?:[A-Z0-9][A-Z0-9’'&/-]*[:,]?|[–-]))*)"
    r"\s+(?=[A-Z][a-z])")


def run_on_heading(text: str) -> tuple[str, str] | None:
    """(heading, rest) when ``text`` opens with a numbered heading in capitals that runs on into prose."""
    m = _RUN_ON_HEADING_RE.match(text)
    if not m or len(text) - m.end() < 80:
        return None
    heading = m.group("heading")
    words = [w for w in heading.split()[1:] if any(c.isalpha() for c in w)]
    # a roman numeral may head one word ("I. OPENING"); a letter or a number needs two ("2. UNHCR Said …" is prose)
    roman = set(m.group("label")) <= set("IVXLC") and m.group("label") not in ("C", "L")
    if len(words) < (1 if roman else 2) or len(heading) > 160 or (len(words) == 1 and len(words[0]) < 4):
        return None
    return heading, text[m.end():]


# A document of tens of thousands of tiny paragraphs (a word list, a log, a file of bare headings) would
# make as many passages, each with its rows, index entries, attribution and mapping: 100,000 one-word
# headings took 12 s to ingest. Past these bounds its paragraphs are packed into passages of up to
# ``max_chars`` characters, read as plain text (no headings, no sections).
DENSE_MIN_PARAS = 20_000
DENSE_MAX_MEAN_CHARS = 60


def is_dense(paras: list[Para]) -> bool:
    """Whether ``paras`` are so many and so short that they are packed (see DENSE_MIN_PARAS)."""
    return len(paras) >= DENSE_MIN_PARAS and sum(len(p.text) for p in paras) < DENSE_MAX_MEAN_CHARS * len(paras)


def pack_dense(paras: list[Para], max_chars: int) -> list[Para]:
    """Consecutive paragraphs joined by a space into paragraphs of at most ``max_chars`` characters
    (a longer one stays alone and is split like any long paragraph), page changes kept as breaks."""
    out: list[Para] = []
    texts: list[str] = []
    size = 0
    page = page_end = None
    breaks: list[tuple[int, int]] = []

    def flush() -> None:
        nonlocal texts, size, breaks
        if texts:
            out.append(Para(" ".join(texts), page, page_end, PARAGRAPH, page_breaks=breaks or None))
        texts, size, breaks = [], 0, []

    for p in paras:
        text = p.text.strip()
        if not text:
            continue
        if texts and size + 1 + len(text) > max_chars:
            flush()
        if not texts:
            page = p.page
        elif p.page is not None and p.page != page_end:
            breaks.append((size + 1, p.page))
        if texts:
            size += 1
        breaks.extend((size + o, pg) for o, pg in p.page_breaks or [])
        texts.append(text)
        size += len(text)
        page_end = p.page_end if p.page_end is not None else p.page
    flush()
    return out


def text_hash(text: str) -> str:
    """Hash of a passage's words, case- and punctuation-insensitive (for duplicate collapsing)."""
    norm = " ".join(_HASH_WORDS_RE.findall(text.lower()))
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).hexdigest()


def passage_id(doc_id: str, seq: int, text: str) -> str:
    """16 hex characters: the document id's first 6, then a hash of (document, sequence, text).

    The shared prefix keeps one document's passages next to each other in every index keyed by
    passage id (labels, claims, mentions, figures), so writing a document touches a few index pages
    instead of one page per passage."""
    digest = hashlib.blake2b(f"{doc_id}\x00{seq}\x00{text}".encode("utf-8"), digest_size=5).hexdigest()
    return doc_id[:6] + digest


_BODY_KINDS = ("paragraph", "numbered", "item", "bullet")


def _merge_continuations(items: list[dict]) -> list[dict]:
    """Rejoin paragraphs cut by a page break or a footnote block.

    A paragraph that starts in lower case continues the previous body paragraph when that one
    does not end a sentence. Footnotes found in between are moved after the rejoined paragraph.
    """
    out: list[dict] = []
    for it in items:
        if it["kind"] == "paragraph" and it["text"][:1].islower():
            j = len(out) - 1
            moved = []
            while j >= 0 and out[j]["kind"] == "footnote":
                moved.append(out[j])
                j -= 1
            if j >= 0 and out[j]["kind"] in _BODY_KINDS and not SENTENCE_END_RE.search(out[j]["text"]):
                target = out[j]
                base = len(target["text"].rstrip()) + 1
                breaks = target.setdefault("breaks", [])
                if it["page"] is not None and it["page"] != (target["page_end"] or target["page"]):
                    breaks.append((base, it["page"]))
                breaks.extend((base + o, pg) for o, pg in it.get("breaks", []))
                target["text"] = target["text"].rstrip() + " " + it["text"].lstrip()
                target["page_end"] = it["page_end"] or target["page_end"]
                continue
        out.append(it)
    return out


def segment(blocks: list[Block], doc_id: str, max_chars: int = 1500,
            removed: dict[str, int] | None = None, consume: bool = False) -> tuple[list[Passage], list[Section], str]:
    """Blocks -> passages with provenance, the section outline, and the normalised document text.

    On pages, a number alone on a line (page or footnote number, stray table figure) is no passage, and
    a line repeated on its page (a table's cells) is no heading. Passages under a reference list
    (bibliography, documents reviewed, people interviewed, acronyms) get the kind ``reference``.
    ``removed``, when given, counts the lone numbers dropped. ``consume``: ``blocks`` is emptied and the
    intermediate paragraphs let go as passages are made, so that the text is held at most twice (the
    passages and the document text) when the caller keeps no other reference."""
    paras = group_lines(blocks)
    if consume:
        blocks.clear()
    if is_dense(paras):
        paras = pack_dense(paras, max_chars)
    on_page = Counter((p.page, p.text.strip()) for p in paras if p.page is not None)
    stack = SectionStack()
    items: list[dict] = []
    for p in paras:
        text = p.text.strip()
        if not text:
            continue
        if p.page is not None and p.source_kind == LINE and is_lone_number(text):
            if removed is not None:
                removed["lone_numbers"] = removed.get("lone_numbers", 0) + 1
            continue
        heading: Heading | None = None
        run_on = run_on_heading(text) if p.source_kind in (LINE, PARAGRAPH) and len(text) > 200 else None
        if run_on is not None:
            heading = classify_heading(run_on[0])
            if heading is not None:
                heading = stack.push(heading)
                items.append(dict(kind="heading", label=heading.label, text=run_on[0], page=p.page, page_end=p.page,
                                  section=stack.section, titles=stack.titles, heading=heading))
                text = run_on[1]
                heading = None
        if p.source_kind == HEADING:
            heading = classify_heading(text, explicit_level=p.level or 1)
        elif p.source_kind in (LINE, PARAGRAPH) and len(text) <= 200 and on_page[(p.page, text)] < 2:
            heading = classify_heading(text)
        if heading is not None:
            heading = stack.push(heading)
            items.append(dict(kind="heading", label=heading.label, text=text, page=p.page, page_end=p.page_end,
                              section=stack.section, titles=stack.titles, heading=heading))
            continue
        if p.source_kind == TABLE_ROW:
            kind, label = "table_row", p.label
        elif p.source_kind == FOOTNOTE:
            kind, label = "footnote", p.label
        else:
            kind, label = paragraph_label(text)
            if p.source_kind == LIST_ITEM and kind == "paragraph":
                kind = "bullet"
            if p.label and not label:
                label = p.label
        items.append(dict(kind=kind, label=label, text=text, page=p.page, page_end=p.page_end,
                          section=stack.section, titles=stack.titles, heading=None, breaks=list(p.page_breaks or [])))
    paras = p = text = None  # type: ignore[assignment]
    items = _merge_continuations(items)
    in_list = False  # after a caption such as "Table 2: List of documents reviewed", while entries follow
    for it in items:
        if it["kind"] == "heading":
            in_list = False
            continue
        if it["kind"] == "paragraph" and is_list_caption(it["text"]):
            in_list = True
        elif in_list and not looks_like_list_entry(it["text"]):
            in_list = False
        if in_list or any(is_reference_section(t) for t in it["titles"]) or is_citation_note(it["text"]):
            it["kind"] = REFERENCE

    passages: list[Passage] = []
    sections: list[Section] = []
    chunks: list[str] = []
    offset = 0
    seq = 0
    for k in range(len(items)):
        it = items[k]
        if consume:
            items[k] = None  # type: ignore[call-overload]
        parts = split_long(it["text"], max_chars) if it["kind"] != "heading" else [it["text"]]
        breaks = it.get("breaks") or []
        part_offset = 0
        for part_no, part in enumerate(parts):
            part_start, part_offset = part_offset, part_offset + len(part)
            page, page_end = it["page"], it["page_end"]
            if breaks:
                lead = len(part) - len(part.lstrip())
                page = next((pg for o, pg in reversed(breaks) if o <= part_start + lead), it["page"])
                page_end = next((pg for o, pg in reversed(breaks) if o < part_offset), it["page"])
            part_text = part.strip()
            parts[part_no] = ""  # a huge paragraph's parts are let go as passages take their place
            if not part_text:
                continue
            if chunks:
                chunks.append("\n\n")
                offset += 2
            start = offset
            chunks.append(part_text)
            offset += len(part_text)
            titles = it["titles"]
            if it["kind"] == "heading":
                h = it["heading"]
                sections.append(Section(h.label, h.title, len(titles), it["section"], start, it["page"]))
            pid = passage_id(doc_id, seq, part_text)
            passages.append(
                Passage(
                    id=pid,
                    doc_id=doc_id,
                    seq=seq,
                    text=part_text,
                    kind=it["kind"],
                    start=start,
                    end=offset,
                    page=page,
                    page_end=page_end if page_end != page else None,
                    section=it["section"],
                    section_title=titles[-1] if titles else "",
                    section_path=list(titles),
                    label=it["label"],
                    part=part_no + 1 if len(parts) > 1 else 0,
                    text_hash=text_hash(part_text),
                )
            )
            seq += 1
    it = parts = None  # type: ignore[assignment]  # the last paragraph goes before the document text is joined
    return passages, sections, "".join(chunks)
