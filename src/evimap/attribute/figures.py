"""Quantitative statements, SDG indicator codes and events found in passage text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..enrich.metadata import _MONTH_NUM, _MONTHS


@dataclass
class Figure:
    value: float
    unit: str  # "persons", "per cent", "USD", "" (a count of the subject)
    year: int | None
    subject: str
    text: str
    start: int


_SCALE = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9, "trillion": 1e12}
_NUM = r"(?<![\w.,/-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_FIGURE_RE = re.compile(
    rf"(?P<cur>US\$|USD|\$|€|EUR|£)?\s?{_NUM}\s?(?P<scale>thousand|millions?|billions?|trillion)?\s?"
    r"(?P<unit>per ?cent|percent|%|percentage points|US dollars|dollars|euros)?"
    r"(?:\s*(?:of\s+(?:the\s+)?)?(?P<subject>(?:[a-z][\w-]*\s){0,3}?(?:migrants|refugees|persons|people|workers|"
    r"returnees|beneficiaries|children|women|men|households|cases|countries|Member States|deaths|victims|"
    r"remittances|displaced persons|asylum[- ]seekers|students|participants|respondents|staff|projects|"
    r"applications|arrivals|nationals|inhabitants|jobs|population|migrant stock|international migrants|"
    r"of the (?:world's |global )?population)))?")
# a subject the closed list above does not know: "73 per cent of complaints and feedback were …" (after a share),
# "the target of 70%", "an inflation rate of 51%", "a final total of EUR 64,702,979" (a quantity noun before)
_SHARE_OF_RE = re.compile(r"^\s*of\s+(?:the\s+|all\s+|these\s+|those\s+|its\s+|their\s+)?"
                          r"(?P<s>[a-z][\w-]*(?:\s+(?:and\s+)?[a-z][\w-]*){0,2}?)(?=\s+(?:who|that|which|had|have|has|"
                          r"were|was|are|is|in|at|from|with|to|for|felt|did|do|can|could|would|will|perceive|consider|"
                          r"believe|agree|[a-z]+ed)\b|\s*[,.;:)]|$)")
_QUANTITY_OF_RE = re.compile(r"\b(?P<s>(?:(?!(?:the|a|an|its|their|this|that|of)\s)[a-z][\w-]*\s+)?"
                             r"(?:target|rate|total|budget|share|proportion|average|increase|decrease|growth|cost|costs|"
                             r"value|level|number))\s+of\s*$")
# "Budget: EUR 64.7 million" (a label of one to three words, then a colon, at the start of the text or of a sentence)
_LABEL_RE = re.compile(r"(?P<s>(?!(?i:of|to|in|for|and|or|the|from|by|with|at|on)\b)[A-Z]?[a-z][\w-]*"
                       r"(?:\s+[a-z][\w-]*){0,2}):\s*$")

# "The initial budget of the programme was 25 million" (a quantity noun, then a verb of being, before the number)
_QUANTITY_WAS_RE = re.compile(r"\b(?i:the|its|their|this|that)\s+(?P<s>(?:[a-z][\w-]*\s+)?(?:budget|cost|costs|total|"
                              r"number|population|value|amount|share|rate|stock|funding)(?:\s+of\s+(?:the\s+)?"
                              r"[a-z][\w-]*)?)\s+(?:was|is|were|are|amounted to|stood at|reached|totalled|totaled)\s+"
                              r"(?:about\s+|around\s+|approximately\s+|nearly\s+|over\s+|some\s+|almost\s+)?$")
_YEAR_RE = re.compile(r"\b(?:in|by|during|since|as of|for|of)\s+((?:19|20)\d\d)\b|\b((?:19|20)\d\d)\b")


def _label_before(text: str, lead: int) -> re.Match | None:
    """``_LABEL_RE`` just before ``lead``, if the label starts the text or a sentence (or a line)."""
    m = _LABEL_RE.search(text[max(0, lead - 40): lead])
    if not m:
        return None
    start = max(0, lead - 40) + m.start()
    return m if start == 0 or re.search(r"[.;]\s+$|\n\s*$", text[max(0, start - 3): start]) else None


# three or more numbers in a row, only spaces between: a table row or a chart axis flattened into text ("N/A 70%
# 97%", "0% 10% 20% 30%")
_CELL = r"(?:\d[\d.,]*\s*%|N/A|n/a)"
_CELL_RUN_RE = re.compile(rf"(?<![\w.,]){_CELL}(?:\s+(?:\d[\d.,]*\s*%?|N/A|n/a)){{2,}}(?![\w%])")


def extract_figures(text: str) -> list[Figure]:
    """Numbers with a scale, a unit or a counted subject: "232 million international migrants in 2013",
    "3 per cent", "US$ 600 billion", "84 percent". Bare numbers (years, paragraph numbers) are left out, and so are
    the cells of a table row or chart axis flattened into text (three or more numbers in a row with only spaces
    between, at least one a percentage or N/A: "N/A 70% 97%"; the tables themselves are kept as tables)."""
    out: list[Figure] = []
    runs = [r.span() for r in _CELL_RUN_RE.finditer(text)] if "%" in text or "N/A" in text else []
    for m in _FIGURE_RE.finditer(text):
        raw, scale, unit, cur, subject = m.group(2), m.group("scale"), m.group("unit"), m.group("cur"), m.group("subject")
        if not (scale or unit or cur or subject):
            continue
        if any(a <= m.start(2) < b for a, b in runs):
            continue
        value = float(raw.replace(",", ""))
        if not (scale or unit or cur) and re.fullmatch(r"(?:19|20)\d\d", raw):
            continue  # a year before a noun ("2017 migrants" is rare; "in 2017 refugees" is common)
        value *= _SCALE.get((scale or "").lower(), 1)
        if unit and unit.lower().replace(" ", "") in ("percent", "%"):
            unit_name = "per cent"
        elif unit == "percentage points":
            unit_name = "percentage points"
        elif cur or (unit and unit.lower() in ("us dollars", "dollars")):
            unit_name = "USD" if (cur or "").startswith(("US", "$")) or (unit or "").lower().endswith("dollars") else cur
        elif unit:
            unit_name = unit
        else:
            unit_name = ""
        sentence_end = text.find(". ", m.end())
        window = text[m.end(): sentence_end if sentence_end != -1 else len(text)][:120]
        y = _YEAR_RE.search(window)
        year = int(y.group(1) or y.group(2)) if y else None
        if not subject:
            after = _SHARE_OF_RE.match(text[m.end(): m.end() + 80]) if unit_name == "per cent" else None
            lead = m.start("cur") if cur else m.start(2)
            before = (_QUANTITY_OF_RE.search(text[max(0, lead - 60): lead])
                      or _QUANTITY_WAS_RE.search(text[max(0, lead - 80): lead]) or _label_before(text, lead))
            subject = (after or before).group("s") if (after or before) else ""
        out.append(Figure(value, unit_name, year, (subject or "").strip(), m.group().strip(), m.start()))
    return out


_INDICATOR_RE = re.compile(r"(?<![\w.])((?:1[0-7]|[1-9])\.(?:[1-9]|1[0-9]|[a-c])\.(?:[1-9]))(?![\w.]\d)"
                           r"(?:,\s*tier\s*(I{1,3}))?")


def extract_indicators(text: str) -> list[tuple[str, str | None, int]]:
    """SDG indicator codes ("10.7.2", "17.18.1, tier III") as (code, tier, offset)."""
    return [(m.group(1), m.group(2), m.start()) for m in _INDICATOR_RE.finditer(text)]


@dataclass
class Event:
    name: str
    start_date: str
    end_date: str | None
    place: str | None
    country: str | None
    text: str
    item: str | None = None  # its number in a numbered list of meetings ("2. Addressing drivers …"), if any


# day range + month + year, or month day-range, year
_DATE_RANGE_RE = re.compile(
    rf"(?:(?:from\s+)?(?P<d1>\d{{1,2}})(?:\s*(?:-|–|to|and)\s*(?P<d2>\d{{1,2}}))?\s+(?P<m>{_MONTHS})"
    rf"(?:\s*(?:-|–|to)\s*(?P<d3>\d{{1,2}})\s+(?P<m2>{_MONTHS}))?,?\s+(?P<y>(?:19|20)\d\d))"
    rf"|(?:(?P<mb>{_MONTHS})\s+(?P<db1>\d{{1,2}})(?:\s*(?:-|–)\s*(?P<db2>\d{{1,2}}))?,\s+(?P<yb>(?:19|20)\d\d))")
_EVENT_WORDS = re.compile(r"\b(?:session|meeting|consultation|consultations|dialogue|conference|summit|forum|workshop|"
                          r"hearing|hearings|seminar|symposium|round ?table|panel|side event|briefing|retreat|"
                          r"High-level|Coordination Meeting|Assembly|debate|event)\b", re.I)


_NOT_EVENT_DATE = re.compile(r"(?:resolutions?|decisions?|[A-Z]+/\S+|adopted|published|dated|signed|letter|note)"
                             r"[^.;]{0,25}?\b(?:of|on)\s*$", re.I)
_EVENT_NAME_RE = re.compile(  # the lookbehind: tries start at word starts only (linear on "A-A-A-…")
    r"(?<![\w()’'-])(?:(?:[A-Z][\w()’'-]*|on|of|and|for|the|in|\d+(?:st|nd|rd|th))\s+)*?"
    r"(?:[A-Z][\w’'-]*\s+|\([a-z][\w\s-]{0,28}\)\s+|"  # "Preparatory (stocktaking) meeting"
    r"(?:informal|interactive|thematic|regional|preparatory|annual|global|high-level)\s+)*"
    r"(?:Meeting|Dialogue|Conference|Summit|Forum|Consultations?|[Ss]ession|meeting|summit|Workshop|[Hh]earings?|"
    r"Seminar|Symposium|Retreat|[Rr]ound ?[Tt]able|[Ss]ide [Ee]vent|[Dd]ebate|"
    r"MEETING|DIALOGUE|CONFERENCE|SUMMIT|FORUM|CONSULTATIONS?|SESSION|WORKSHOP|SEMINAR|SYMPOSIUM)"
    r"(?:\s+\([^)]{1,30}\))?(?:\s+(?:on|of|for)\s+(?:(?:[A-Z][\w’'-]*|and|the|of|in|on)\s*)+)?")
_CAPS_RE = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}")
# a date that is a deadline, an incident or a document's dateline, not a meeting: "submitted … on or before midnight
# 22 September 2023", "Russia’s invasion of Ukraine on the 24 February 2022", "Brussels, 24 September 2008 (07.10)
# (OR. fr)"
_DEADLINE_RE = re.compile(r"\b(?:on or before|no later than|deadline|due (?:on|by)|submitted by|until|invasion|attack)\b"
                          r"[^.;]{0,40}$", re.I)
_DATELINE_AFTER_RE = re.compile(r"\s*\((?:\d{2}\.\d{2}|OR\.)")
# a document named for its date, not a meeting: "MECHELEN DECLARATION ON CITIES AND MIGRATION, Bern, 19 September 2017"
_DOCUMENT_NAME_RE = re.compile(r"\b(?:declaration|letter|note|communication|council of the european union|limite|"
                               r"position|statement|submission|contribution|input|paper|brief|memorandum)\b", re.I)


_ORGANISED_BY_RE = re.compile(r"(?:Co-?)?(?:[Oo]rgani[sz]ed|[Hh]osted|[Cc]onvened|[Cc]haired)\s+by\s")
# a venue, not the name of what met there: "United Nations, New York, 26 July 2017 - Four panels:"
_VENUE_RE = re.compile(r"^(?:the\s+)?(?:United Nations|UN)(?:\s+(?:Headquarters|HQ|Office at \w+))?$|"
                       r"^Palais des Nations$", re.I)


def clean_event_name(name: str) -> str:
    """An event name without what the text put before it: a note marker (*[a]*, *216*), a word's broken tail or
    connecting words (*on of the 16th Coordination Meeting*), a heading in capitals before the name (*PREFACE The
    Fifteenth …*, *REPORT OF THE ANNUAL … The Fifteenth …*), a logo's glued words (*SocialAffairsEconomic&*), and
    *Report of the* before a conference's name. A name that only says who organised the meeting (*Organized by the
    Governments of Bangladesh and Switzerland*) becomes *Meeting organized by …*."""
    name = re.sub(r"^(?:\[\w{1,3}\]|\(\w{1,3}\)|\d{1,3}(?:\.\d{1,2})*\.?)\s+(?=[A-Za-z])", "", name.strip())
    name = re.sub(r"^(?:[A-Z][a-z]+[A-Z]\w*&?\s+)+", "", name)  # "SocialAffairsEconomic& FIFTEENTH …"
    caps = re.match(r"^(?:[A-Z0-9&’'-]{2,}\s+)+(?=(?:The\s+)?[A-Z][a-z])", name)
    # a heading (three words or more, or one long word: PREFACE), not an acronym before the name (GFMD, UN DESA)
    heading = caps.group().split() if caps else []
    if caps and len(name) - caps.end() >= 12 and (len(heading) >= 3 or max(map(len, heading)) >= 7):
        name = name[caps.end():]
    name = re.sub(r"^(?:(?:on|of|and|for|in|at)\s+)+(?:the\s+)?(?=\S)", "", name)
    name = re.sub(r"^(?:The\s+)?Report of the\s+(?=[A-Z])", "", name)
    name = re.sub(r"(?:\s+(?:of|the|on|in|and|for|to|at))+$", "", name)  # "… in the Context of the" (cut at a line)
    name = name.strip(" ,;:")
    if _ORGANISED_BY_RE.match(name):  # a note that only says who organised it: "Organized by the Governments of …"
        name = "Meeting " + name[0].lower() + name[1:]
    return name


_ORDINALS = {w: i for i, w in enumerate(("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                                          "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                                          "nineteenth twentieth").split(), 1)}
_ORDINAL_WORD_RE = re.compile(r"\b(?:\d{1,2}(?:st|nd|rd|th)|(?:" + "|".join(_ORDINALS) + r")\b)", re.I)


def _name_score(name: str) -> tuple[int, int, int]:
    """How good a name is for an event: numbered (*Sixteenth …*), in mixed case, with an event word; then the more
    specific (more capitalised words: *High-level Dialogue on International Migration and Development* over *The
    High-level Dialogue*), then the shorter."""
    return (2 * bool(_ORDINAL_WORD_RE.search(name)) + 2 * (name != name.upper()) + bool(_EVENT_WORDS.search(name)),
            min(len(re.findall(r"\b[A-Z][a-z]", name)), 8), -len(name))


def merge_events(found: list[tuple[str, Event]]) -> list[tuple[str, Event]]:
    """One event per meeting in a document: events found in several passages with the same start date, and an end
    date and place that agree where both are known, become one, named by its best name (see ``_name_score``); every
    passage stays linked; events dated by month only (``YYYY-MM``) must also be named alike. Returns (passage id,
    merged event) pairs in the order found."""
    groups: list[list[tuple[str, Event]]] = []
    for pid, ev in found:
        for g in groups:
            first = g[0][1]
            ends = {e.end_date for _, e in g if e.end_date} | ({ev.end_date} if ev.end_date else set())
            places_ = {e.place for _, e in g if e.place} | ({ev.place} if ev.place else set())
            same_name = len(ev.start_date) > 7 or _name_key(first.name) == _name_key(ev.name)  # a month: the name too
            if first.start_date == ev.start_date and len(ends) <= 1 and len(places_) <= 1 and same_name:
                g.append((pid, ev))
                break
        else:
            groups.append([(pid, ev)])
    groups = _merge_within_range(groups)
    out = []
    for g in groups:
        best = max((e for _, e in g), key=lambda e: _name_score(e.name))
        end = next((e.end_date for _, e in g if e.end_date), None)
        where = next(((e.place, e.country) for _, e in g if e.place), (None, None))
        start = max((e.start_date for _, e in g), key=len)  # a day rather than a month
        merged = Event(best.name, start, end, where[0], where[1], best.text,
                       next((e.item for _, e in g if e.item), None))
        out.extend((pid, merged) for pid, _ in g)
    return out


def _name_key(name: str) -> str:
    """A name compared across spellings: lower case, no leading *the*, ordinals as numbers (*Sixteenth* = *16th*)."""
    key = re.sub(r"^the\s+", "", name.lower().strip())
    key = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", key)
    return re.sub(r"\b[a-z]+\b", lambda m: str(_ORDINALS.get(m.group(), m.group())), key)


def _within(day: str, lo: str, hi: str) -> bool:
    """``lo`` ≤ ``day`` ≤ ``hi`` at the precision the dates share (a month, ``2018-02``, is within 15–16 February)."""
    n = min(len(day), len(lo), len(hi))
    return lo[:n] <= day[:n] <= hi[:n]


def _merge_within_range(groups: list[list[tuple[str, Event]]]) -> list[list[tuple[str, Event]]]:
    """Groups of ``merge_events`` named alike (``_name_key``) whose dates fall within one another's range become one:
    *Sixteenth Coordination Meeting …, 15-16 February 2018* and *… 16th Coordination Meeting … Friday, 16 February
    2018* (a session of that meeting), or *… held in February 2018*. Places must agree where both are known; the
    merged event keeps the most precise dates."""
    out: list[list[tuple[str, Event]]] = []
    for g in groups:
        ev = g[0][1]
        for h in out:
            other = h[0][1]
            lo, hi = other.start_date, max((e.end_date or e.start_date for _, e in h))
            places_ = {e.place for _, e in h + g if e.place}
            names = {_name_key(e.name) for _, e in h}
            if (len(places_) <= 1 and any(_name_key(e.name) in names for _, e in g)
                    and (_within(ev.start_date, lo, hi) or _within(lo, ev.start_date, ev.end_date or ev.start_date))):
                h.extend(g)
                break
        else:
            out.append(g)
    return out


_ITEM_START_RE = re.compile(r"^\s*(?:\d{1,2}\.|[a-z]\)|\(\w\)|[•\-–])\s+")


def extract_events(text: str, places: dict[str, str | None], section_title: str = "",
                   previous: str = "") -> list[Event]:
    """Meetings with a date (range) and a place near it: "Vienna, 4-5 September 2017", "Asia 4-5 August 2017
    (Bangkok, Thailand)", "held … in New York from 16 to 17 February 2017". ``places`` maps city and
    country names to ISO3 (None for a city whose country is not known). A list item ending in its place and date
    is named by the item ("2. Addressing drivers of migration, … New York, 22-23 May 2017"); a passage holding only
    a place and a date by ``previous``, the passage before it, when that is a short list item or a title line (no
    final punctuation, no date of its own)."""
    out: list[Event] = []
    for m in _DATE_RANGE_RE.finditer(text):
        if m.group("y"):
            mon, d1, d2, y = _MONTH_NUM[m.group("m")], int(m.group("d1")), m.group("d2"), int(m.group("y"))
            start = f"{y}-{mon:02d}-{d1:02d}"
            if m.group("d3"):
                end = f"{y}-{_MONTH_NUM[m.group('m2')]:02d}-{int(m.group('d3')):02d}"
            else:
                end = f"{y}-{mon:02d}-{int(d2):02d}" if d2 else None
        else:
            mon, y = _MONTH_NUM[m.group("mb")], int(m.group("yb"))
            start = f"{y}-{mon:02d}-{int(m.group('db1')):02d}"
            end = f"{y}-{mon:02d}-{int(m.group('db2')):02d}" if m.group("db2") else None
        place, country = _nearest_place(text, m.start(), m.end(), places)
        before = text[: m.start()]
        if _NOT_EVENT_DATE.search(before[-40:]):
            continue  # "resolution 58/208 of 13 February 2004", "adopted on 19 December 2016"
        if _DEADLINE_RE.search(before[-60:]) or _DATELINE_AFTER_RE.match(text[m.end():]):
            continue
        if place and place in before[-60:]:
            before = before[: before.rfind(place)]
        clause = re.split(r"(?<=[.;:)])\s+(?=[A-Z])", before.rstrip(" ,(–-"))[-1]
        item = None
        named = list(_EVENT_NAME_RE.finditer(before[-300:]))
        if named:
            name = named[-1].group().strip(" ,")
        elif (len(text) <= 220 or (_ITEM_START_RE.match(text) and len(text) - m.end() <= 40)) and len(clause) >= 4:
            name = re.sub(r"^\s*(?:\d+\.|[a-z]\)|\(\w\)|[•\-–])\s*", "", clause).strip(" ,(–-")
            item = _item_number(text)
        elif len(clause) < 4 and place and len(text) <= 80 and (
                (_ITEM_START_RE.match(previous) and len(previous) <= 300) or _title_line(previous)):
            # "1. Human rights of all migrants, …" then "Geneva, 8-9 May 2017"
            name = _ITEM_START_RE.sub("", previous).strip(" ,(–-")
            item = _item_number(previous)
        elif section_title and place and _EVENT_WORDS.search(section_title):
            name = section_title  # not "2.2. External factors affecting …" for the date of a war
        else:
            continue
        if re.search(rf"\d\s*(?:{_MONTHS})|(?:{_MONTHS})\s*\d", name):
            if not (section_title and place):
                continue
            name = section_title  # a list of dates ("26 July 2017 (New York) 11 October 2017 …")
        name = clean_event_name(name)
        if _VENUE_RE.match(name):  # where it met, not what met: the title line before, or the section's title
            name = next((clean_event_name(t) for t in (previous, section_title)
                         if _title_line(t) and _EVENT_WORDS.search(t)), name)
        if place and re.fullmatch(r"[A-Za-z-]+", name) and _EVENT_WORDS.fullmatch(name):
            name = f"{name[0].upper()}{name[1:]} in {place}"  # "Consultations in Türkiye took place between 4 and …"
        if len(name) < 4 or len(name) > 240 or not (place or _EVENT_WORDS.search(name)):
            continue
        if _DOCUMENT_NAME_RE.search(name) and not _EVENT_WORDS.search(name):
            continue
        out.append(Event(name, start, end, place, country, text[max(0, m.start() - 60): m.end() + 40].strip(), item))
    return out + _held_in_month(text, places)


def _nearest_place(text: str, start: int, end: int, places: dict[str, str | None]) -> tuple[str | None, str | None]:
    """The known place (city or country) nearest to ``text[start:end]``, within 60 characters before it and 40
    after: (name, ISO3 or None), or (None, None)."""
    lo = max(0, start - 60)
    best = None
    for cm in _CAPS_RE.finditer(text[lo: end + 40]):
        words = cm.group().split()
        for k in range(len(words), 0, -1):
            cand = " ".join(words[:k])
            if cand in places:
                dist = abs(cm.start() - (start - lo))
                if best is None or dist < best[0]:
                    best = (dist, cand, places[cand])
                break
    return (best[1], best[2]) if best else (None, None)


# "the Arab Summit held in Cairo in June 1996", "the twelfth coordination meeting, held in February 2014", "to be held
# in Beijing in September 1995": a meeting named just before a verb of holding, dated by month and year only
_HELD_IN_MONTH_RE = re.compile(
    rf"(?:,\s*|\s+)(?:which\s+was\s+|that\s+was\s+|to\s+be\s+)?(?:held|convened|(?:which\s+|that\s+)?took\s+place)"
    rf"\s+(?:in\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){{0,2}}\s*,?\s+)?(?:in|during)\s+(?:early\s+|late\s+|mid-)?"
    rf"(?P<m>{_MONTHS})\s+(?P<y>(?:19|20)\d\d)\b")
_NAME_STOP = {"the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "at", "in", "of", "by",
              "to", "from", "with", "during", "and", "for", "on", "as", "which", "was", "were", "is", "be"}
# what a meeting produced, named before the meeting: "the Programme of Action of the Third … Conference …, held in …"
_OUTCOME_OF_RE = re.compile(r"^(?:(?:Programme|Plan|Platform) (?:of|for) Action|Declaration|Report|Outcome|Results?|"
                            r"Conclusions|Recommendations|Decisions?|Resolutions?) of (?:the )?(?=[A-Z0-9])", re.I)


def _held_in_month(text: str, places: dict[str, str | None]) -> list[Event]:
    """Meetings dated by month and year only, named just before *held* / *convened* / *took place*: start date
    ``YYYY-MM``. The name is the meeting phrase ending at the verb, stretched back over the lower-case words before
    a bare *meeting* or *session* (*the twelfth coordination meeting*); a name that is only an ordinal and a
    meeting word (*its first session*) is not taken."""
    out = []
    for m in _HELD_IN_MONTH_RE.finditer(text):
        ahead = text[max(0, m.start() - 200): m.start()]
        named = list(_EVENT_NAME_RE.finditer(ahead))
        if not named or named[-1].end() < len(ahead.rstrip(" ,")):
            continue
        lead = re.match(r"(?:(?:and|or|at|in|on|of|for|the|its|their)\s+)*", named[-1].group())
        name = named[-1].group()[lead.end():].strip(" ,")  # not "and the" of "… and the African Union Summit"
        words = ahead[: named[-1].start() + lead.end()].split()
        if name[:1].islower() or len(name.split()) == 1:  # "meeting", "session of the Human Rights Council"
            while words and words[-1].lower() not in _NAME_STOP and not words[-1].endswith((".", ",", ";", ":")):
                name = f"{words.pop()} {name}"
        elif words and _ORDINAL_WORD_RE.fullmatch(words[-1].split("-")[-1]):  # "the nineteenth International …"
            name = f"{words[-1]} {name}"
        name = _OUTCOME_OF_RE.sub("", clean_event_name(re.sub(r"^(?:(?:At|In|During)\s+)?(?:the|its|their)\s+", "",
                                                             name, flags=re.I)))
        content = [w for w in name.split() if not _ORDINAL_WORD_RE.fullmatch(w.split("-")[-1])]
        if len(content) < 2 and not re.search(r"[A-Z]", name[1:]):
            continue  # "first session", "meeting"
        if _DOCUMENT_NAME_RE.search(name) and not _EVENT_WORDS.search(name):
            continue
        place, country = _nearest_place(text, m.start(), m.end(), places)
        out.append(Event(name[0].upper() + name[1:], f"{m.group('y')}-{_MONTH_NUM[m.group('m')]:02d}", None, place,
                         country, text[max(0, m.start() - 60): m.end() + 10].strip()))
    return out


def _title_line(text: str) -> bool:
    """A title line: short, no final punctuation, no date of its own (*Middle-East and North Africa (MENA)*)."""
    return (4 <= len(text) <= 80 and not text.rstrip().endswith((".", ":", ";", ","))
            and not _DATE_RANGE_RE.search(text))


def _item_number(text: str) -> str | None:
    m = re.match(r"^\s*(\d{1,2})\.\s", text)
    return m.group(1) if m else None


# a slide or section header naming one meeting of a numbered list: "Thematic session 2: Drivers of migration"
_SESSION_HEADER_RE = re.compile(r"^(?:Informal\s+)?[Tt]hematic\s+[Ss]ession\s+(?P<n>\d{1,2})\s*[:.–-]\s*"
                                r"(?P<title>[^.;]{3,80})")
_BULLET_RE = re.compile(r"^\s*(?:[●▪◦•\-–*]|\d{1,2}[.)]|[a-z][.)]|\([a-z0-9]{1,3}\))\s*")
_COMMON_WORDS = {"migration", "migrants", "migrant", "including", "international", "with", "from", "their", "other"}


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _COMMON_WORDS}


def link_session_blocks(passages: list[tuple[str, str]], found: list[tuple[str, Event]]) -> list[tuple[str, Event]]:
    """Passages reporting on a numbered meeting: after a header *Thematic session N: title* naming the N-th item of a
    list of meetings (sharing a content word with its name: *Drivers of migration* / *2. Addressing drivers of
    migration, …*), every passage up to the next title line — a short line without final punctuation that is not
    that header again nor a list item — is linked to the meeting (seed 001: the co-facilitators' summaries and the
    statements from the floor of each session). ``passages``: (id, text) in document order. Returns the extra (passage id, event)
    pairs."""
    numbered = {}
    for _, ev in found:
        if ev.item and ev.item not in numbered:
            numbered[ev.item] = ev
    if not numbered:
        return []
    extra: list[tuple[str, Event]] = []
    current: Event | None = None
    for pid, text in passages:
        h = _SESSION_HEADER_RE.match(text)
        if h:
            ev = numbered.get(h.group("n"))
            title = re.split(r"(?<=[a-z])(?=[A-Z])", h.group("title"))[0]  # "…migrationStatements from the floor:"
            current = ev if ev is not None and _content_words(title) & _content_words(ev.name) else None
        elif (current is not None and len(text) <= 80 and not text.rstrip().endswith((".", ":", ";", ",", "”", '"'))
              and not _BULLET_RE.match(text)):
            current = None  # the next slide or section: "Four (five) United Nations Regional Commissions"
        if current is not None:
            extra.append((pid, current))
    return extra
