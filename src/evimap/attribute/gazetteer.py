"""Names of countries, regions and organisations, and one fast matcher for all of them.

Countries come from maintained libraries: pycountry (ISO 3166 names, codes, historic states) and
countryinfo (demonyms, alternative spellings and the UN M49 region, sub-region and intermediate
region). Organisations come from the curated table ``data/organisations.yaml``. Everything is loaded
once per process (about 0.1 s) and matched with a single scan per passage: a regular expression finds
runs of capitalised words (joined by "of", "and", "the"…), and the longest known name starting at
each word wins, so "Organization of American States" is an organisation, not "American", and
"Papua New Guinea" is not "Guinea".
"""

from __future__ import annotations

import glob
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..records import ACTOR_TYPES  # noqa: F401  (kept importable from here)
# Collective or role actors: usable as speakers, but not recorded as organisation mentions.
COLLECTIVE = {"Member States", "Civil society", "Co-facilitators", "Chair"}

# Names the libraries do not carry but UN documents use (facts: official UN short names and common forms).
_COUNTRY_ALIASES = {
    "USA": ["United States", "United States of America", "U.S.", "USA"],
    "GBR": ["United Kingdom", "United Kingdom of Great Britain and Northern Ireland", "Great Britain", "UK", "Britain"],
    "RUS": ["Russian Federation", "Russia"],
    "KOR": ["Republic of Korea", "South Korea"],
    "PRK": ["Democratic People's Republic of Korea", "Democratic People’s Republic of Korea", "North Korea", "DPRK"],
    "IRN": ["Iran", "Islamic Republic of Iran"],
    "SYR": ["Syria", "Syrian Arab Republic"],
    "LAO": ["Lao People's Democratic Republic", "Lao People’s Democratic Republic", "Laos", "Lao PDR"],
    "VNM": ["Viet Nam", "Vietnam"],
    "TZA": ["United Republic of Tanzania", "Tanzania"],
    "BOL": ["Bolivia", "Plurinational State of Bolivia"],
    "VEN": ["Venezuela", "Bolivarian Republic of Venezuela"],
    "MDA": ["Republic of Moldova", "Moldova"],
    "COD": ["Democratic Republic of the Congo", "DRC", "DR Congo"],
    "COG": ["Congo", "Republic of the Congo"],
    "CIV": ["Côte d'Ivoire", "Côte d’Ivoire", "Cote d'Ivoire", "Ivory Coast"],
    "CZE": ["Czechia", "Czech Republic"],
    "TUR": ["Türkiye", "Turkey"],
    "MKD": ["North Macedonia", "The former Yugoslav Republic of Macedonia"],
    "PSE": ["State of Palestine", "Palestine"],
    "VAT": ["Holy See"],
    "SWZ": ["Eswatini", "Swaziland"],
    "CPV": ["Cabo Verde", "Cape Verde"],
    "MMR": ["Myanmar", "Burma"],
    "FSM": ["Micronesia", "Federated States of Micronesia"],
    "BRN": ["Brunei Darussalam", "Brunei"],
    "TLS": ["Timor-Leste", "East Timor"],
    "ARE": ["United Arab Emirates", "UAE"],
    "NLD": ["Netherlands", "Kingdom of the Netherlands"],
    "MAR": ["Kingdom of Morocco"],
    "HKG": ["Hong Kong"],
    "MAC": ["Macao", "Macau"],
    "TWN": ["Taiwan"],
    "XKX": ["Kosovo"],
}
_DEMONYM_EXTRA = {"MAR": ["Moroccans"], "PHL": ["Filipino", "Filipinos", "Philippine"], "GBR": ["British"],
                  "NLD": ["Dutch"], "CHE": ["Swiss"], "USA": ["American", "Americans"], "SOM": ["Somalian"],
                  "TUR": ["Turkish"], "KOR": ["Korean"], "CZE": ["Czech"], "BGD": ["Bangladeshi"],
                  "LKA": ["Sri Lankan"], "SWE": ["Swedish"], "ETH": ["Ethiopians"], "MEX": ["Mexicans"]}
# Regions and other places that must win over a country inside them ("Latin American" is not "American").
_REGIONS = {
    "Africa": "Africa", "Sub-Saharan Africa": "Sub-Saharan Africa", "Northern Africa": "Northern Africa",
    "North Africa": "Northern Africa", "Eastern Africa": "Eastern Africa", "East Africa": "Eastern Africa",
    "Western Africa": "Western Africa", "West Africa": "Western Africa", "Southern Africa": "Southern Africa",
    "Middle Africa": "Middle Africa", "Central Africa": "Middle Africa", "Horn of Africa": "Eastern Africa",
    "Sahel": "Sub-Saharan Africa", "Asia": "Asia", "Western Asia": "Western Asia", "Central Asia": "Central Asia",
    "Southern Asia": "Southern Asia", "South Asia": "Southern Asia", "Eastern Asia": "Eastern Asia",
    "East Asia": "Eastern Asia", "South-Eastern Asia": "South-eastern Asia", "South-eastern Asia": "South-eastern Asia",
    "South-East Asia": "South-eastern Asia", "Southeast Asia": "South-eastern Asia", "Asia and the Pacific": "Asia",
    "Middle East": "Western Asia", "Europe": "Europe", "Eastern Europe": "Eastern Europe",
    "Western Europe": "Western Europe", "Northern Europe": "Northern Europe", "Southern Europe": "Southern Europe",
    "Latin America and the Caribbean": "Latin America and the Caribbean", "Latin America": "Latin America and the Caribbean",
    "Latin American": "Latin America and the Caribbean", "Caribbean": "Latin America and the Caribbean",
    "Central America": "Central America", "Central American": "Central America", "South America": "South America",
    "South American": "South America", "North America": "Northern America", "Northern America": "Northern America",
    "North American": "Northern America", "Oceania": "Oceania", "Pacific": "Oceania", "Pacific Islands": "Oceania",
    "Mediterranean": "Southern Europe", "Indian Ocean": None, "Atlantic": None, "Atlantic Ocean": None,
    "Arab region": "Western Asia", "Arab States": "Western Asia", "Gulf": "Western Asia",
    # not places in a country: blockers so the country inside does not match
    "New Jersey": None, "New Mexico": None, "New South Wales": None, "Mexico City": None, "Guinea worm": None,
    "Georgia State": None, "Jordan River": None, "Chad Basin": None, "Lake Chad": None,
    "African American": None, "African Americans": None, "Pan American": None, "British Journal": None,
}


# Meeting places that are not capitals (UN venues and consultation sites).
_VENUES = {"Geneva": "CHE", "New York": "USA", "Vienna": "AUT", "Puerto Vallarta": "MEX", "Marrakech": "MAR",
           "Nadi": "FJI", "Washington": "USA", "Washington DC": "USA", "Sydney": "AUS", "Istanbul": "TUR",
           "Mexico City": "MEX", "Casablanca": "MAR", "Johannesburg": "ZAF", "Mechelen": "BEL", "Bonn": "DEU",
           "Hague": "NLD", "The Hague": "NLD", "Turin": "ITA", "Montreal": "CAN", "Rabat": "MAR", "Bali": "IDN",
           "Dhaka": "BGD", "Quito": "ECU", "Santiago": "CHL", "Beirut": "LBN", "Addis Ababa": "ETH", "Bangkok": "THA",
           "Brussels": "BEL", "Berlin": "DEU", "Bamako": "MLI", "Nairobi": "KEN", "Cairo": "EGY", "Dakar": "SEN"}


@dataclass(frozen=True)
class Entry:
    kind: str  # country | demonym | region | org | block
    code: str | None  # ISO3, region name, organisation id
    name: str  # canonical display name


@dataclass
class Country:
    iso3: str
    name: str
    region: str | None
    subregion: str | None
    intermediate: str | None


@dataclass
class Organisation:
    id: str
    type: str
    names: list[str]
    abbr: list[str] = field(default_factory=list)
    parent: str | None = None


class Overlay(dict):
    """Names known only in one document (its learned abbreviations): token key -> Entry, plus the bodies
    they name. Kept apart from the shared gazetteer so one document's "MFA" never leaks into the next."""

    def __init__(self) -> None:
        super().__init__()
        self.organisations: dict[str, "Organisation"] = {}
        self._shape: tuple[int, set[str], int] = (-1, set(), 0)

    def shape(self) -> tuple[set[str], int]:
        """(first tokens, longest key), recomputed only after the overlay grew."""
        if self._shape[0] != len(self):
            self._shape = (len(self), {k[0] for k in self}, max((len(k) for k in self), default=0))
        return self._shape[1], self._shape[2]


@dataclass
class Match:
    entry: Entry
    start: int
    end: int
    text: str


_CAP = r"(?:[A-ZÀ-Ý][\w'’&]*(?:[-.][\w'’&]+)*\.?|d[’']\w+)"
_LINK = r"(?:of|the|and|for|on|de|la|du|des|in|to|&)"
_PHRASE_RE = re.compile(rf"(?<![\w-]){_CAP}(?:[ ,]\s*(?:{_LINK}\s+)*{_CAP})*")


def _phrase_re(lower_words: set[str]) -> re.Pattern[str]:
    """Runs of capitalised words, and the lower-case words of French and Spanish country names after them
    ("République dominicaine", "República Centroafricana" is capitalised anyway)."""
    if not lower_words:
        return _PHRASE_RE
    low = "|".join(sorted((re.escape(w) for w in lower_words), key=len, reverse=True))
    return re.compile(rf"(?<![\w-]){_CAP}(?:[ ,]\s*(?:{_LINK}\s+)*(?:{_CAP}|(?:{low})(?![\w'’-])))*")


# French and Spanish names of countries (pycountry's translations), for reports in those languages; not the ones
# that are also common words or first names in English text
_TRANSLATED = ("fr", "es")
_NOT_TRANSLATED = {"Maurice", "Mauricio", "Dominique", "Grenade", "Granada", "Jersey", "Salvador", "Guadalupe", "Chili"}
_TOKEN_RE = re.compile(r"[\w'’&]+(?:[-.][\w'’&]+)*\.?|,")


_FOOTNOTE_RE = re.compile(r"(?<=[a-z]{3})\d{1,3}$")


def _norm(tok: str) -> str:
    """Token as looked up: possessive and sentence full stop removed ("IOM's" -> "IOM"; "U.S." kept)."""
    if tok.endswith(("'s", "’s")):
        tok = tok[:-2]
    elif tok[-1:].isdigit() and _FOOTNOTE_RE.search(tok):
        tok = _FOOTNOTE_RE.sub("", tok)  # a footnote number glued to the word: "Djibouti294"
    return tok if tok.endswith("S.") and len(tok) > 2 else tok.rstrip(".")


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_norm(t) for t in _TOKEN_RE.findall(text))


# a national statistics office named after its country is a body: "Statistics Sweden", "Statistics Canada"
_OFFICE_BEFORE_RE = re.compile(r"\b(?:Statistics|Stats)\s+$")
# a country name that begins a body's name is not the country: "United States Council for International Business",
# "Danish Refugee Council", "Ethiopian Community Centre"
_BODY_WORD_RE = re.compile(r"(?:\s+[A-Z][\w-]+){0,2}\s+(?:Council|Institute|Center|Centre|Agency|Association|Chamber|Foundation|Bureau|"
                           r"Corporation|Society|Federation|Confederation|Network|Forum)\b")


_SUFFIX_RE = re.compile(r"^(?:Jr|Sr|[IVX]{1,4})\.?$")


def _titles(post: str) -> list[str]:
    """How a text names the holder of ``post`` before the surname."""
    p = post.lower()
    if "vice" in p:
        return ["Vice President", "Vice-President"]
    if "deputy prime minister" in p:
        return ["Deputy Prime Minister"]
    if "prime minister" in p or "head of government" in p or "premier" in p:
        return ["Prime Minister", "Premier"]
    if "president" in p or "head of state" in p:
        return ["President"]
    if "foreign" in p or "foregn" in p or "external affairs" in p or "secretary of state" in p:
        return ["Foreign Minister", "Minister", "Secretary"]
    for title in ("king", "queen", "amir", "emir", "sultan", "crown prince", "prince", "chancellor"):
        if title in p:
            return [title.title()] + (["Emir"] if title == "amir" else [])
    return []


class Gazetteer:
    """Countries, regions and organisations with a longest-match phrase matcher."""

    def __init__(self) -> None:
        self.countries: dict[str, Country] = {}
        self.organisations: dict[str, Organisation] = {}
        self._index: dict[tuple[str, ...], Entry] = {}
        self._max_len = 1
        self._lower_words: set[str] = set()
        self._load_countries()
        self._load_organisations(Path(__file__).parent / "data" / "organisations.yaml")
        self._load_leaders(Path(__file__).parent / "data" / "leaders.tsv")
        self._phrase = _phrase_re(self._lower_words)
        self._first = {k[0] for k in self._index}

    # -- building ------------------------------------------------------------------------------
    def _add(self, name: str, entry: Entry, overwrite: bool = False) -> None:
        key = _tokens(name)
        if not key or (key in self._index and not overwrite):
            return
        self._index[key] = entry
        self._max_len = max(self._max_len, len(key))

    def _load_countries(self) -> None:
        import countryinfo
        import pycountry

        info: dict[str, dict] = {}
        for path in glob.glob(os.path.join(os.path.dirname(countryinfo.__file__), "data", "*.json")):
            with open(path, encoding="utf-8") as fh:
                d = json.load(fh)
            iso3 = (d.get("ISO") or {}).get("alpha3")
            if iso3:
                info[iso3] = d
        demonyms: dict[str, list[str]] = {}
        self.places: dict[str, str | None] = dict(_VENUES)
        for iso3, d in info.items():
            cap = d.get("capital")
            if isinstance(cap, str) and cap and cap[0].isupper():
                self.places.setdefault(cap, iso3)
        for c in pycountry.countries:
            d = info.get(c.alpha_3, {})
            name = getattr(c, "common_name", None) or c.name
            if "," in name:  # "Korea, Republic of" -> the alias table gives the UN form
                name = getattr(c, "official_name", None) or name
            self.countries[c.alpha_3] = Country(c.alpha_3, name, d.get("region") or None, d.get("subregion") or None,
                                                d.get("intermediateregion") or None)
            entry = Entry("country", c.alpha_3, name)
            self.places.setdefault(name, c.alpha_3)
            for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None), d.get("name")):
                if n and "," not in n and "(" not in n:
                    self._add(n, entry)
            for alt in d.get("altSpellings") or []:
                if len(alt) >= 4 and not alt.isupper() and alt[0].isupper():
                    self._add(alt, entry)
            if d.get("demonym"):
                demonyms.setdefault(d["demonym"], []).append(c.alpha_3)
        self._load_translations(pycountry)
        for iso3, names in _COUNTRY_ALIASES.items():
            if iso3 == "XKX":
                self.countries.setdefault(iso3, Country(iso3, "Kosovo", "Europe", "Southern Europe", None))
            for n in names:
                self._add(n, Entry("country", iso3, self.countries[iso3].name), overwrite=True)
        for dem, codes in demonyms.items():
            if len(codes) > 1:  # "Indian", "French", "Chinese": the sovereign, most populous state
                pops = {c: (info[c].get("population") or 0) for c in codes}
                codes = [max(codes, key=lambda c: pops[c])] if dem != "Congolese" else []
            for iso3 in codes:
                for form in (dem, dem + "s"):
                    self._add(form, Entry("demonym", iso3, self.countries[iso3].name))
        for iso3, forms in _DEMONYM_EXTRA.items():
            for form in forms:
                self._add(form, Entry("demonym", iso3, self.countries[iso3].name), overwrite=True)
        for name, region in _REGIONS.items():
            self._add(name, Entry("region" if region else "block", region, name), overwrite=True)
        for hist in pycountry.historic_countries:
            if hist.alpha_3 not in self.countries:
                self.countries[hist.alpha_3] = Country(hist.alpha_3, hist.name.split(",")[0], None, None, None)

    def _load_translations(self, pycountry) -> None:
        """Country names in French and Spanish ("Haïti", "République dominicaine", "Marruecos"), from the gettext
        catalogues pycountry ships; a name already known (in English or the other language) keeps its entry."""
        import gettext

        for lang in _TRANSLATED:
            try:
                tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
            except OSError:
                continue
            for c in pycountry.countries:
                entry = Entry("country", c.alpha_3, self.countries[c.alpha_3].name)
                for n in {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)} - {None}:
                    local = tr.gettext(n)
                    if local == n or "," in local or "(" in local or local in _NOT_TRANSLATED:
                        continue
                    words = local.split()
                    if not words[0][:1].isupper():
                        continue
                    self._lower_words.update(w for w in words[1:] if w[:1].islower() and w not in
                                             ("de", "la", "du", "des", "et", "y", "del", "las", "los", "el", "d'"))
                    self._add(local, entry)

    def _load_organisations(self, path: Path) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for row in data["organisations"]:
            org = Organisation(row["id"], row["type"], list(row.get("names") or []), list(row.get("abbr") or []),
                               row.get("parent"))
            if org.type not in ACTOR_TYPES:
                raise ValueError(f"{path.name}: {org.id}: unknown actor type {org.type!r}")
            self.organisations[org.id] = org
            for n in org.names + org.abbr:
                self._add(n, Entry("org", org.id, org.id), overwrite=True)

    def _load_leaders(self, path: Path) -> None:
        """Heads of state and government and foreign ministers who spoke for their state in the General Debate
        (data/leaders.tsv, scripts/build_leaders.py): a text naming one by title and surname ("President Biden",
        "Prime Minister Trudeau") names that state, as its government. A surname alone or a full name is no name
        here (the full name of a former minister is often that of a Secretary-General or a President of the General
        Assembly), and a form two states' leaders share is left out."""
        keys: dict[tuple[str, ...], set[str]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            iso3, name, post = line.split("\t")[:3]
            if iso3 not in self.countries:
                continue
            words = [w for w in re.split(r"[\s,]+", name) if w and not _SUFFIX_RE.match(w)]
            names = {" ".join(words[-2:]), words[-1]} if len(words) > 2 else {words[-1]}
            # by title and surname only: a full name alone ("Ban Ki-moon", "Miroslav Lajčák") often stands for a
            # UN office its holder took later, not for the state they once spoke for
            forms = {f"{title} {n}" for title in _titles(post) for n in names}
            for form in forms:
                key = _tokens(form)
                if len(key) >= 2:
                    keys.setdefault(key, set()).add(iso3)
        for key, states in keys.items():
            if len(states) == 1 and key not in self._index:
                iso3 = next(iter(states))
                self._index[key] = Entry("country", iso3, self.countries[iso3].name)
                self._max_len = max(self._max_len, len(key))

    # -- use -------------------------------------------------------------------------------------
    def lookup(self, name: str, overlay: Overlay | None = None) -> Entry | None:
        """The entry for exactly this name (the document's own names first)."""
        key = _tokens(name)
        return (overlay.get(key) if overlay else None) or self._index.get(key)

    def lookup_any_case(self, name: str) -> Entry | None:
        """The entry for this name in any letter case ("morocco", "MOROCCO", "iom"); the exact spelling first."""
        entry = self.lookup(name)
        if entry is None:
            if not hasattr(self, "_folded"):
                self._folded: dict[tuple[str, ...], Entry] = {}
                for key, e in self._index.items():
                    self._folded.setdefault(tuple(t.lower() for t in key), e)
            entry = self._folded.get(tuple(t.lower() for t in _tokens(name)))
        return entry

    def find(self, text: str, overlay: Overlay | None = None) -> list[Match]:
        """Every known name in ``text``, longest first at each position, left to right, no overlaps.

        ``overlay``: extra names known only in this document (learned abbreviations)."""
        out: list[Match] = []
        index, max_len, first = self._index, self._max_len, self._first
        ofirst: set[str] = set()
        if overlay:
            ofirst, olen = overlay.shape()
            max_len = max(max_len, olen)
        for m in self._phrase.finditer(text):
            phrase = m.group()
            spans = [(t.start(), t.end(), t.group()) for t in _TOKEN_RE.finditer(phrase)]
            toks = [_norm(s[2]) for s in spans]
            i, n = 0, len(toks)
            while i < n:
                if toks[i] not in first and toks[i] not in ofirst:
                    i += 1
                    continue
                hit = None
                for j in range(min(n, i + max_len), i, -1):
                    key = tuple(toks[i:j])
                    e = overlay.get(key) if overlay else None
                    if e is None:
                        e = index.get(key)
                    if e is not None:
                        hit = (j, e)
                        break
                if hit is None:
                    i += 1
                    continue
                j, e = hit
                s, t = m.start() + spans[i][0], m.start() + spans[j - 1][1]
                if e.kind != "block" and not (e.kind in ("country", "demonym") and (
                        _BODY_WORD_RE.match(text, t) or _OFFICE_BEFORE_RE.search(text, max(0, s - 12), s))):
                    out.append(Match(e, s, t, text[s:t]))
                i = j
        return out

    def actor_type(self, code: str, overlay: Overlay | None = None) -> str:
        if overlay is not None and code in overlay.organisations:
            return overlay.organisations[code].type
        if code in self.organisations:
            return self.organisations[code].type
        if code in self.countries:
            return "Member State"
        return "unknown"

    def display(self, code: str) -> str:
        if code in self.countries:
            return self.countries[code].name
        return code

    def region_of(self, iso3: str) -> tuple[str | None, str | None]:
        """(M49 region, sub-region) of a country; Latin America and the Caribbean counts as the sub-region."""
        c = self.countries.get(iso3)
        return (c.region, c.subregion) if c else (None, None)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()
