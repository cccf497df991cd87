"""Attribution: who said what, where — countries, regions, organisations, people, claims, events,
figures, SDG indicator codes. Runs inside ``process_file`` (worker processes) on the
passages of one document; the store saves the result with the document.

    from evimap.attribute import attribute_document
    result = attribute_document("MAR_72_2017.txt", passages)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .actors import ActorFinder, Claim, Person, learn_abbreviations
from ..enrich.metadata import extract_symbols
from .figures import Event, Figure, extract_events, extract_figures, extract_indicators, link_session_blocks, merge_events
from .gazetteer import ACTOR_TYPES, COLLECTIVE, Gazetteer, Overlay, gazetteer

__all__ = ["ACTOR_TYPES", "ATTRIBUTION_VERSION", "field_of", "Attribution", "Claim", "Event", "Figure", "Gazetteer", "Person", "attribute_document",
           "gazetteer", "speaker_from_filename"]

# Bump when attribution rules or the organisation table change: `evimap attribute` redoes older documents.
ATTRIBUTION_VERSION = "11"  # the rules version: stores attributed with an older one are attributed again
_UNGDC_RE = re.compile(r"^([A-Z]{2,4})_(\d{1,3})_((?:19|20)\d\d)\.txt$")
_DIGIT_RE = re.compile(r"\d")


@dataclass
class Attribution:
    """Everything attribution found in one document, keyed by passage id."""

    mentions: list[tuple[str, str, str, str, int]] = field(default_factory=list)  # pid, kind, code, text, offset
    claims: list[Claim] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    abbreviations: list[tuple[str, str, str]] = field(default_factory=list)
    figures: list[tuple[str, Figure]] = field(default_factory=list)
    events: list[tuple[str, Event]] = field(default_factory=list)
    # A claim for the whole document (a UNGDC file is one state's statement): it holds for every passage
    # and is stored once, not once per passage (its ``passage_id`` is empty).
    document_claim: Claim | None = None

    def passage_claims(self, pid: str) -> list[Claim]:
        """The claims of one passage, the document's own claim included."""
        own = [c for c in self.claims if c.passage_id == pid]
        if self.document_claim:
            d = self.document_claim
            own.insert(0, Claim(pid, d.actor, d.actor_type, d.method, d.evidence, d.person))
        return own

    def for_passage(self, pid: str) -> dict[str, Any]:
        return {
            "actors": [(c.actor, c.actor_type) for c in self.passage_claims(pid)],
            "countries": sorted({m[2] for m in self.mentions if m[0] == pid and m[1] == "country"}),
            "regions": sorted({m[2] for m in self.mentions if m[0] == pid and m[1] == "region"}),
            "organisations": sorted({m[2] for m in self.mentions if m[0] == pid and m[1] == "org"}),
        }


def speaker_from_filename(name: str, gaz: Gazetteer | None = None) -> str | None:
    """The speaking state of a UN General Debate file (``MAR_72_2017.txt`` -> ``MAR``)."""
    m = _UNGDC_RE.match(name)
    if not m:
        return None
    gaz = gaz or gazetteer()
    code = m.group(1)
    if code in gaz.countries:
        return code
    return "EU" if code == "EU" else None


def field_of(passage: Any, key: str, default: Any = None) -> Any:
    """A field of a ``Passage`` record or of a passage dict from the store."""
    return passage.get(key, default) if isinstance(passage, dict) else getattr(passage, key, default)


_LANGUAGES = frozenset("French English Spanish Arabic Chinese Russian Portuguese German Italian Japanese Dutch Turkish "
                       "Korean Persian Greek Polish Swedish".split())
_LANGUAGE_BEFORE_RE = re.compile(r"\b(?:in|into|speak|speaks|speaking|spoken)\s+$")
# "French-speaking", "French language", "French and Spanish languages"
_LANGUAGE_AFTER_RE = re.compile(r"^(?:-speaking|(?:(?:,\s+|\s+and\s+)[A-Z][a-z]+)*\s+(?:language|languages|speakers?|version|"
                                r"translation)\b)")


_DOLLARS_RE = re.compile(r"\s+dollars?\b|\s*\$")


def _language_use(text: str, start: int, end: int) -> bool:
    """A demonym used for a language ("trainings delivered in French", "French-speaking", "a hotline in five
    languages (Amharic, English, Afan Oromo, Tigrigna and Somali)"), not a country."""
    opened = text.rfind("(", max(0, start - 120), start)
    if opened >= 0 and ")" not in text[opened:start] and re.search(r"\blanguages?\s*$", text[max(0, opened - 20):opened]):
        return True
    if text[start:end].rstrip(".") not in _LANGUAGES:  # the match may hold the full stop ("French.")
        return False
    if _LANGUAGE_AFTER_RE.match(text[end:end + 60]):
        return True
    after = text[end:end + 14]
    # "in French.", "in French, Spanish …", "into English and Arabic": a language closes the phrase or a list of them
    if not _LANGUAGE_BEFORE_RE.search(text[max(0, start - 10):start]):
        return False
    if re.search(r"[”\")]\s*(?:\([^()]{1,20}\)\s*)?in\s+$", text[max(0, start - 40):start]):
        return True  # a name given in that language: "“Comités de Suivi de Proximité” (CSP) in French"
    closes = re.match(r"(?:\s*$|\s*[.,;:)]|\s+(?:and|or)\s+([A-Z]\w+))", after)
    return text[end - 1] == "." or bool(closes and (closes.group(1) is None or closes.group(1) in _LANGUAGES))


def attribute_document(name: str, passages: list[Any], text: str = "") -> Attribution:
    """Attribute every passage of one document (``Passage`` records or dicts with id, text, kind)."""
    gaz = gazetteer()
    out = Attribution()
    speaker = speaker_from_filename(name, gaz)
    if speaker:
        out.document_claim = Claim("", speaker, gaz.actor_type(speaker), "document", f"file name {name}")
    overlay = Overlay()
    if speaker is None:  # a statement by one speaker needs no abbreviations to tell who speaks
        texts = [field_of(p, "text") for p in passages] + (_list_sections(text) if text else [])
        overlay, out.abbreviations = learn_abbreviations(texts, gaz)
    finder = ActorFinder(gaz, overlay)
    last_text = ""
    for p in passages:
        pid, ptext, kind = field_of(p, "id"), field_of(p, "text"), field_of(p, "kind")
        prev_text, last_text = last_text, ptext  # the passage before this one, for an event's name
        matches = gaz.find(ptext, overlay)
        for m in matches:
            e = m.entry
            if e.code == "USA" and _DOLLARS_RE.match(ptext, m.end):
                continue  # the unit of account, not the country: "from United States dollars to Ethiopian birr"
            if e.kind == "country" or (e.kind == "demonym" and not _language_use(ptext, m.start, m.end)):
                out.mentions.append((pid, "country", e.code, m.text, m.start))
            elif e.kind == "region":
                out.mentions.append((pid, "region", e.code, m.text, m.start))
            elif e.kind == "org" and e.code not in COLLECTIVE:
                out.mentions.append((pid, "org", e.code, m.text, m.start))
        if speaker is None and (kind != "heading" or len(ptext) < 300):  # with a speaker: out.document_claim
            out.claims.extend(finder.passage(pid, ptext, kind, matches))
        if _DIGIT_RE.search(ptext):
            for fig in extract_figures(ptext):
                out.figures.append((pid, fig))
            for code, tier, offset in extract_indicators(ptext):
                out.mentions.append((pid, "indicator", code, code + (f", tier {tier}" if tier else ""), offset))
            if "/" in ptext:  # UN document symbols cited in the passage: "Report of the Secretary-General (A/72/643)"
                for sym in extract_symbols(ptext):
                    out.mentions.append((pid, "symbol", sym, sym, ptext.find(sym)))
            if speaker is None:
                for ev in extract_events(ptext, gaz.places, field_of(p, "section_title") or "", prev_text):
                    out.events.append((pid, ev))
    out.people = finder.found_people
    out.events = merge_events(out.events)
    out.events += link_session_blocks([(field_of(p, "id"), field_of(p, "text")) for p in passages], out.events)
    return out


def _list_sections(text: str) -> list[str]:
    """Abbreviation lists in the document text, which may span several passages."""
    out = []
    for m in re.finditer(r"(?:EXPLANATORY NOTES|ABBREVIATIONS|ACRONYMS|LIST OF ABBREVIATIONS|LIST OF ACRONYMS)\b",
                         text):
        out.append(text[m.start(): m.start() + 3000])
    return out
