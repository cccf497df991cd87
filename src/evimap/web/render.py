"""Turning library results into safe HTML pieces for the templates.

Everything that comes from a document is escaped here or by Jinja2's autoescape; markup is only
ever added around escaped text (search highlights, evidence terms), never taken from a document.
"""

from __future__ import annotations

import re
from typing import Any, Callable
from urllib.parse import urlencode

from markupsafe import Markup, escape

from ..search.query import HIGHLIGHT_END, HIGHLIGHT_START

# Search parameters that filter (repeatable ones may be given several times).
MULTI_PARAMS = ("label", "actor", "actor_type", "country", "region", "document", "language", "format", "kind", "event")
SINGLE_PARAMS = ("q", "any", "year", "mode")

FACET_TITLES = {
    "label:gcm": "GCM objective",
    "label:themes": "Theme",
    "label:sdg": "SDG",
    "actor_type": "Actor type",
    "country": "Country (said by or named)",
    "region": "Region (said by or named)",
    "document": "Document",
    "year": "Year",
    "language": "Language",
}
# Facets of the search page, most useful first: the time budget stops at the first ones on huge result sets.
PAGE_FACETS = ("label:gcm", "label:themes", "actor_type", "country", "region", "year", "language", "document")


def highlight(snippet: str) -> Markup:
    """An FTS5 snippet (matches between \\x02 and \\x03) as escaped HTML with <mark> around matches."""
    out = escape(snippet.replace(HIGHLIGHT_START, "\x00S").replace(HIGHLIGHT_END, "\x00E"))
    return Markup(str(out).replace("\x00S", "<mark>").replace("\x00E", "</mark>"))


def plain_snippet(snippet: str) -> str:
    return snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")


def mark_span(text: str, terms: list[str], span: tuple[int, int] | None, who: str = "") -> Markup:
    """``mark_terms`` with the characters ``span`` (a speaker's statement) wrapped in <span class="said-span">."""
    if not span:
        return mark_terms(text, terms)
    start, end = span
    title = f' title="{escape(who)}"' if who else ""
    return Markup(f"{mark_terms(text[:start], terms)}<span class=\"said-span\"{title}>{mark_terms(text[start:end], terms)}"
                  f"</span>{mark_terms(text[end:], terms)}")


def mark_terms(text: str, terms: list[str]) -> Markup:
    """``text`` escaped, with every case-insensitive occurrence of ``terms`` in <mark>."""
    terms = sorted({t for t in terms if t and len(t.strip()) > 1}, key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    parts, last = [], 0
    for m in pattern.finditer(text):
        parts.append(str(escape(text[last:m.start()])))
        parts.append(f'<mark class="evidence">{escape(m.group(0))}</mark>')
        last = m.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))


def evidence_quotes(label: dict[str, Any]) -> list[str]:
    """The spans of a passage a label rests on (rule and term matches), each once, in order."""
    return list(dict.fromkeys(q for ev in label.get("evidence") or [] for q in ev.get("quotes", [])
                              if isinstance(q, str)))


_ENCODED: dict[tuple[str, str], str] = {}


def _pair(key: str, value: Any) -> str:
    """``key=value`` as urlencode writes it, remembered: a search page links every facet value with the
    whole query (about 40 links, each re-quoting the same parameters)."""
    k = (key, str(value))
    out = _ENCODED.get(k)
    if out is None:
        if len(_ENCODED) > 20_000:
            _ENCODED.clear()
        out = _ENCODED[k] = urlencode([k])
    return out


def query_string(params: dict[str, Any]) -> str:
    return "&".join(_pair(k, item) for k, v in params.items()
                    for item in (v if isinstance(v, (list, tuple)) else [v]) if item not in (None, ""))


def with_param(params: dict[str, Any], key: str, value: Any, *, add: bool = True) -> str:
    """The search URL with ``key=value`` added (or removed), back on the first page."""
    new = {k: (list(v) if isinstance(v, list) else v) for k, v in params.items() if k != "page"}
    if key in MULTI_PARAMS:
        vals = [x for x in new.get(key, []) if x != str(value)]
        if add:
            vals.append(str(value))
        new[key] = vals
    else:
        new[key] = str(value) if add else None
    return "/search?" + query_string(new)


def facet_link(params: dict[str, Any]) -> Callable[[str, Any], str]:
    """``with_param(params, key, value)`` for many values of one page's facets: the query string without
    the new value is encoded once, and a repeatable parameter's new value is appended to it (same query)."""
    query = query_string({k: v for k, v in params.items() if k != "page"})
    base = f"/search?{query}&" if query else "/search?"

    def link(key: str, value: Any) -> str:
        if key in MULTI_PARAMS and str(value) not in params.get(key, ()):
            return base + _pair(key, value)
        return with_param(params, key, value)

    return link


HEAT_STEPS = 9


def short_name(name: str, width: int = 28) -> str:
    """``name`` cut in the middle to ``width`` characters: document names that share a start
    (hoa-joint-initiative-…) differ at the end, so both ends stay."""
    name = str(name)
    if len(name) <= width:
        return name
    tail = (width - 1) * 2 // 3
    return name[: width - 1 - tail] + "…" + name[-tail:]


def heat_class(value: int, maximum: int) -> str:
    """A CSS class h0…h9 for a heatmap cell (inline styles are not allowed by the page's CSP), on a log
    scale so that 1 and 111 passages look apart when the biggest cell has several hundred."""
    from ..report.coverage import log_share

    if not value or not maximum:
        return "h0"
    return f"h{min(HEAT_STEPS, 1 + int((HEAT_STEPS - 1) * log_share(value, maximum)))}"


def heat_legend(maximum: int) -> list[tuple[str, str]]:
    """The colour scale of a map whose biggest cell is ``maximum``: (class, range of passages) per shade in use."""
    def step(value: int) -> int:
        return int(heat_class(value, maximum)[1:])

    def first_at(k: int) -> int:  # the smallest count shaded k or darker (shades grow with the count)
        lo, hi = 1, maximum
        while lo < hi:
            mid = (lo + hi) // 2
            lo, hi = (mid + 1, hi) if step(mid) < k else (lo, mid)
        return lo

    out = [("h0", "0")]
    if maximum <= 0:
        return out
    starts = sorted({first_at(k) for k in range(1, HEAT_STEPS + 1)})
    for i, lo in enumerate(starts):
        hi = starts[i + 1] - 1 if i + 1 < len(starts) else maximum
        out.append((heat_class(lo, maximum), f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}"))
    return out
