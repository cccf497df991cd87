"""Repairs that need more than one line: page furniture, hyphenation, web chrome."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import islice

from ..records import BLANK, LINE, Block
from .repairs import repair_pieces

_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*[-–—])?\s*$",
    re.IGNORECASE,
)


def _furniture_key(text: str) -> str:
    """Header/footer lines differ across pages only in numbers: compare them without digits."""
    return re.sub(r"\d+", "#", text.strip().lower())


def strip_page_furniture(blocks: list[Block], min_share: float = 0.3) -> tuple[list[Block], dict[str, int]]:
    """Remove running headers, footers and page numbers from paged documents.

    A line counts as furniture when it is among the first or last three non-blank lines of a
    page and the same text (digits ignored) recurs in that position on at least ``min_share``
    of the pages (and on at least three pages). Lone page numbers at the top or bottom of a
    page are removed too. Returns the kept blocks and counts of what was removed.
    """
    pages: dict[int, list[int]] = defaultdict(list)
    for i, b in enumerate(blocks):
        if b.page is not None and b.kind == LINE and b.text.strip():
            pages[b.page].append(i)
    removed = {"header_footer_lines": 0, "page_numbers": 0}
    if len(pages) < 2:
        return blocks, removed
    edge = 3
    position_counts: Counter[tuple[str, str]] = Counter()
    for idxs in pages.values():
        seen = set()
        for where, chosen in (("top", idxs[:edge]), ("bottom", idxs[-edge:])):
            for i in chosen:
                key = (where, _furniture_key(blocks[i].text))
                if key not in seen:
                    seen.add(key)
                    position_counts[key] += 1
    threshold = max(3, min_share * len(pages))
    drop: set[int] = set()
    for idxs in pages.values():
        for where, chosen in (("top", idxs[:edge]), ("bottom", idxs[-edge:])):
            for i in chosen:
                text = blocks[i].text
                if _PAGE_NUMBER_RE.match(text):
                    if i not in drop:
                        drop.add(i)
                        removed["page_numbers"] += 1
                elif position_counts[(where, _furniture_key(text))] >= threshold and len(text) < 200:
                    if i not in drop:
                        drop.add(i)
                        removed["header_footer_lines"] += 1
    return [b for i, b in enumerate(blocks) if i not in drop], removed


_CHROME_MARKER_RE = re.compile(
    r"\b(skip to (?:main )?(?:content|navigation)|main navigation|main menu|toggle navigation|breadcrumb)\b",
    re.IGNORECASE,
)
_FOOTER_RE = re.compile(
    r"^\W*(copyright|©|terms of use|privacy( notice| policy)?|fraud alert|help|contact us|site ?map|"
    r"cookie(s| policy)?|accessibility|faq)\b[^.]{0,40}$",
    re.IGNORECASE,
)


_WORD_TOKEN_RE = re.compile(r"\S+")


def _has_words(text: str, n: int) -> bool:
    """Whether ``text`` holds at least ``n`` words, reading no further than the n-th (str.split on a
    100 MB line would make millions of strings)."""
    return sum(1 for _ in islice(_WORD_TOKEN_RE.finditer(text), n)) >= n


def _is_menu_line(text: str) -> bool:
    t = text.strip().lstrip("•●▪*-–· ").strip()
    return len(t.split()) <= 6 and not t.endswith((".", ":", ";", "?", "!"))


MAX_MENU_LINES = 500


def strip_web_chrome(blocks: list[Block]) -> tuple[list[Block], dict[str, int]]:
    """Drop website navigation captured in text dumps of web pages ("Skip to content", menus, footers).

    Only the leading run of short menu-like lines is removed, and only when it contains a
    navigation marker; trailing footer links are removed when they match footer vocabulary.
    """
    removed = {"web_chrome_lines": 0}
    nonblank = [i for i, b in enumerate(blocks) if b.text.strip()]
    if not nonblank:
        return blocks, removed
    drop: set[int] = set()
    # The leading region runs to the first sentence-long line; within it, everything up to the
    # last menu bullet is navigation, provided a navigation marker shows it is a web page. A menu is
    # not longer than MAX_MENU_LINES lines: a file of short lines is not read to its end here.
    region: list[int] = []
    for i in nonblank[:MAX_MENU_LINES]:
        if _has_words(blocks[i].text, 15):
            break
        region.append(i)
    if any(_CHROME_MARKER_RE.search(blocks[i].text) for i in region):
        last_menu = max(
            (k for k, i in enumerate(region) if _CHROME_MARKER_RE.search(blocks[i].text)
             or (blocks[i].text.lstrip()[:1] in "•●▪*·" and _is_menu_line(blocks[i].text))),
            default=-1,
        )
        drop.update(region[: last_menu + 1])
    for i in reversed(nonblank):
        if _FOOTER_RE.match(blocks[i].text.strip()):
            drop.add(i)
        else:
            break
    removed["web_chrome_lines"] = len(drop)
    return [b for i, b in enumerate(blocks) if i not in drop], removed


# the lookbehind starts a try only at a word start: without it a long run of letters is rescanned
# from every position (quadratic in line length)
_HYPHEN_END_RE = re.compile(r"(?<![A-Za-z])([A-Za-z]{2,})-$")
_WORD_START_RE = re.compile(r"^([a-z]{2,})")
_WORD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def document_vocabulary(texts: list[str]) -> Counter[str]:
    return Counter(_WORD_RE.findall("\n".join(texts).lower()))


def dehyphenate_lines(blocks: list[Block], vocab: Counter[str] | None = None) -> tuple[list[Block], int]:
    """Join words hyphenated across line ends: "informa-" + "tion is" -> "information is".

    The document's own vocabulary decides: if the joined word occurs elsewhere in the document it
    is joined; if the hyphenated form occurs, or both halves are words of the document, the hyphen
    is kept ("migration-" + "related" -> "migration-related"); otherwise the word is joined.
    Returns the blocks and the number of joins made.
    """
    if not any(b.kind == LINE and _HYPHEN_END_RE.search(b.text) for b in blocks):
        return blocks, 0  # nothing to join: skip the vocabulary
    if vocab is None:
        vocab = document_vocabulary([b.text for b in blocks if b.kind == LINE])
    out = [Block(b.text, b.kind, b.page, b.level, b.label) for b in blocks]
    joins = 0
    for i in range(len(out) - 1):
        cur = out[i]
        if cur.kind != LINE:
            continue
        m = _HYPHEN_END_RE.search(cur.text)
        if not m:
            continue
        j = i + 1
        while j < len(out) and out[j].kind == LINE and not out[j].text.strip():
            j += 1
        if j >= len(out) or out[j].kind != LINE:
            continue
        nxt = out[j]
        m2 = _WORD_START_RE.match(nxt.text.lstrip())
        if not m2:
            continue
        head, tail = m.group(1), m2.group(1)
        joined = (head + tail).lower()
        hyphenated = f"{head}-{tail}".lower()
        if vocab.get(joined, 0) > 0:
            keep_hyphen = False
        elif vocab.get(hyphenated, 0) > 0:
            keep_hyphen = True
        else:
            keep_hyphen = vocab.get(head.lower(), 0) > 0 and vocab.get(tail, 0) > 0 and len(head) > 3
        rest = nxt.text.lstrip()[len(tail):]
        cur.text = cur.text[: m.start(1)] + head + ("-" if keep_hyphen else "") + tail
        nxt.text = rest.lstrip()
        if not nxt.text:
            nxt.kind = BLANK
        joins += 1
    return out, joins


def normalise_blocks(blocks: list[Block], paged: bool, min_share: float = 0.3,
                     consume: bool = False) -> tuple[list[Block], dict[str, int]]:
    """Run every repair over a reader's blocks. Returns repaired blocks and removal counts.

    ``consume``: ``blocks`` is emptied and each block let go once repaired, so that a caller holding no
    other reference never has a huge text in memory twice over (the reader's and the repaired)."""
    removed: dict[str, int] = {}
    given = blocks
    if paged:
        blocks, counts = strip_page_furniture(blocks, min_share)
        removed.update(counts)
    else:
        blocks, counts = strip_web_chrome(blocks)
        removed.update(counts)
    if consume and blocks is not given:
        given.clear()
    repaired = []
    for k in range(len(blocks)):
        b = blocks[k]
        if consume:
            blocks[k] = None  # type: ignore[call-overload]
        pieces = repair_pieces(b.text) if b.text else [""]
        if len(pieces) == 1:
            text = pieces[0]
        else:  # a huge line: its pieces are joined once the reader's copy is gone (if nothing else holds it)
            original = b
            b = Block("", original.kind, original.page, original.level, original.label)
            del original
            text = "".join(pieces).strip()
        del pieces
        kind = b.kind if text or b.kind != LINE else BLANK
        # an unchanged block is kept as it is (the reader's blocks are not used again)
        repaired.append(b if text is b.text and kind == b.kind else Block(text, kind, b.page, b.level, b.label))
        del b
    if consume:
        blocks.clear()
    repaired, joins = dehyphenate_lines(repaired)
    removed["hyphenation_joins"] = joins
    return repaired, {k: v for k, v in removed.items() if v}
