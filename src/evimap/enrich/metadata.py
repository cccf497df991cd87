"""UN document symbols, dates, language and title."""

from __future__ import annotations

import re
from collections import Counter

# UN document symbols start with a series prefix and have at least one numeric component:
# A/69/207, A/RES/71/1, ESA/P/WP/249, E/CN.3/2014/20, S/2017/123, A/HRC/RES/35/17, UN/POP/MIG-16CM/2018/1.
_SERIES = r"(?:A|E|S|ST|ESA|TD|DP|UNEP|CCPR|CERD|CEDAW|CRC|CMW|CAT|ECE|UN|UNW|ICCD|FCCC|IDB|HRC)"
_SYMBOL_RE = re.compile(
    rf"(?<![\w/]){_SERIES}(?:/(?:[A-Z][A-Za-z]*(?:\.\d+)?|[A-Z]+-\d+[A-Z]*|\d+(?:[A-Za-z]|\.\d+)*(?:/Add\.\d+|/Rev\.\d+|/Corr\.\d+)?))+"
)


def extract_symbols(text: str) -> list[str]:
    """UN document symbols in order of first appearance (a symbol needs a numeric component)."""
    seen: dict[str, None] = {}
    for m in _SYMBOL_RE.finditer(text):
        sym = m.group().rstrip(".")
        parts = sym.split("/")
        if len(parts) < 2 or not any(any(c.isdigit() for c in p) for p in parts[1:]):
            continue
        seen.setdefault(sym, None)
    return list(seen)


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_NUM = {m: i for i, m in enumerate(_MONTHS.split("|"), 1)}
_DATE_RES = [
    # 3 October 2013, 16-17 February 2017, 3 and 4 October 2013
    re.compile(rf"\b(\d{{1,2}})(?:\s*(?:-|–|and|to)\s*\d{{1,2}})?\s+({_MONTHS}),?\s+((?:19|20)\d\d)\b"),
    # October 3, 2013
    re.compile(rf"\b({_MONTHS})\s+(\d{{1,2}}),\s+((?:19|20)\d\d)\b"),
    # 2013-10-03
    re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b"),
    # August 2017
    re.compile(rf"\b({_MONTHS})\s+((?:19|20)\d\d)\b"),
]


def extract_dates(text: str, limit: int = 50) -> list[str]:
    """ISO dates (YYYY-MM-DD, or YYYY-MM when no day is given) found in the text, first ``limit``."""
    found: dict[str, int] = {}
    for pattern_no, regex in enumerate(_DATE_RES):
        for m in regex.finditer(text):
            g = m.groups()
            if pattern_no == 0:
                iso = f"{g[2]}-{_MONTH_NUM[g[1]]:02d}-{int(g[0]):02d}"
            elif pattern_no == 1:
                iso = f"{g[2]}-{_MONTH_NUM[g[0]]:02d}-{int(g[1]):02d}"
            elif pattern_no == 2:
                iso = f"{g[0]}-{g[1]}-{g[2]}"
            else:
                iso = f"{g[1]}-{_MONTH_NUM[g[0]]:02d}"
                if any(k.startswith(iso) for k in found):
                    continue
            found.setdefault(iso, m.start())
    return [d for d, _ in sorted(found.items(), key=lambda kv: kv[1])][:limit]


_FILENAME_YEAR_RE = re.compile(r"(?<!\d)((?:19[4-9]|20[0-4])\d)(?!\d)")


def guess_year(metadata_date: str | None, file_name: str, dates: list[str]) -> int | None:
    """Year of the document: from the file name (UNGDC ``MAR_72_2017``), the text's dates, or metadata."""
    m = _FILENAME_YEAR_RE.findall(file_name)
    if m:
        return int(m[-1])
    if dates:
        years = Counter(int(d[:4]) for d in dates[:10])
        return years.most_common(1)[0][0]
    if metadata_date and re.match(r"(?:19|20)\d\d", metadata_date):
        return int(metadata_date[:4])
    return None


_langid = None


def detect_language(text: str) -> tuple[str | None, float | None]:
    """Language code and confidence from py3langid (model shipped in its wheel; offline)."""
    global _langid
    sample = text[:4000]
    if sum(map(str.isalpha, sample)) < 20:
        return None, None
    if _langid is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _langid = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    lang, prob = _langid.classify(sample)
    return lang, round(float(prob), 3)


# Frequent English function words: a passage where they are frequent is English without asking the identifier.
_ENGLISH_WORDS = frozenset("the of and to in a is that for on are with as be by this it from which have has was "
                           "were not or their its an at all we our".split())
_WORD_RE = re.compile(r"[^\W\d_]+")


def passage_language(text: str, default: str | None) -> str | None:
    """A passage's language: English when English function words are frequent in it (a cheap test that settles
    nearly every English passage), else the identifier's answer when it is confident (p ≥ 0.7), else
    ``default`` (the document's language). Passages of fewer than eight words take ``default``."""
    words = _WORD_RE.findall(text[:500].lower())  # the first words settle it: 380,000 passages must stay cheap
    if len(words) < 8 and sum("\u4e00" <= ch <= "\u9fff" for ch in text[:200]) < 10:  # Chinese: characters
        return default
    if words and sum(w in _ENGLISH_WORDS for w in words) / len(words) >= 0.12:
        return "en"
    lang, prob = detect_language(text)
    return lang if lang and (prob or 0) >= 0.7 else default


def guess_title(metadata_title: str | None, headings: list[str], first_lines: list[str], file_name: str) -> str:
    """Title from format metadata, else the first heading, else the first short line, else the file name."""
    for candidate in [metadata_title, *first_lines, *headings[:3]]:
        if not candidate:
            continue
        candidate = " ".join(candidate.strip(" •*-–:").split())
        words = candidate.split()
        if (
            2 <= len(words) <= 30
            and candidate.lower() not in _GENERIC_TITLES
            and sum(c.isalpha() for c in candidate) >= 6
        ):
            return candidate
    return file_name


_GENERIC_TITLES = {"contents", "table of contents", "acknowledgements", "acknowledgments", "foreword", "preface",
                   "evaluation brief", "executive summary", "summary", "introduction", "abbreviations", "acronyms"}
