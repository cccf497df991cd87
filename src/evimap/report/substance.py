"""How much a passage *says*: claims, findings and recommendations up; methods, logframe indicator
lines, procedure and meeting formalities down. A small additive scorer over features evimap already
has (text cues, the innermost section title, passage kind, attribution claims, the mapping evidence
of the theme label), with every cue phrase and weight in ``data/synthesis.yaml``, so a score can be
explained as a list of (reason, weight) and changed without touching code.

Also here: which sentences are recommendations, and the phrase that names a cluster of them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_PATH = Path(__file__).parent / "data" / "synthesis.yaml"
# a sentence ends at . ! ? ; before a capital, digit or bullet — not after a title or "e.g." ("Ms. Kelley")
_SENTENCE = re.compile(r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bNo\.)(?<!\bMrs\.)(?<!\be\.g\.)(?<!\bi\.e\.)"
                       r"(?<=[.!?;])\s+(?=[\"“‘(\[]?[A-Z0-9•➢▪–-])|\n+")
_WORDS = re.compile(r"\w+(?:[-'’]\w+)*")


def _cue_pattern(cues: list[str]) -> re.Pattern[str]:
    """One regex for a list of cue phrases: whole words, case-insensitive, "*" = any word ending;
    each cue is its own named group so a match says which cue it was."""
    parts = []
    for cue in cues:
        body = r"\s+".join(re.escape(w).replace(r"\*", r"\w*").replace(r"\[0\-9\]\+", "[0-9]+")
                           .replace(r"\[0\-9\.\]\+", "[0-9.]+") for w in cue.split())
        lead = r"\b" if re.match(r"\w", cue) else ""
        tail = r"\b" if re.search(r"[\w*]$", cue) else ""
        parts.append(f"{lead}{body}{tail}")
    return re.compile("|".join(f"({p})" for p in parts), re.I)


@dataclass
class CueFamily:
    name: str
    weight: float
    cap: float
    cues: list[str]
    pattern: re.Pattern[str]

    def hits(self, text: str) -> list[str]:
        """The distinct cues found (as written in the lexicon)."""
        found: list[str] = []
        for m in self.pattern.finditer(text):
            cue = self.cues[m.lastindex - 1] if m.lastindex else m.group(0)
            if cue not in found:
                found.append(cue)
        return found

    def score(self, text: str) -> tuple[float, list[str]]:
        hits = self.hits(text)
        total = self.weight * len(hits)
        return (max(total, self.cap) if self.cap < 0 else min(total, self.cap)), hits


@dataclass
class Lexicon:
    data: dict[str, Any]
    text: list[CueFamily] = field(default_factory=list)
    sections: list[CueFamily] = field(default_factory=list)

    def number(self, key: str) -> float:
        """A top-level number of the lexicon: substance_weight, min_substance, min_relevance, max_substance,
        diversity_penalty."""
        return float(self.data[key])


def _family(name: str, spec: dict[str, Any]) -> CueFamily:
    weight = float(spec["weight"])
    return CueFamily(name, weight, float(spec.get("cap", weight)), list(spec["cues"]), _cue_pattern(spec["cues"]))


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    data = yaml.safe_load(Path(path or LEXICON_PATH).read_text(encoding="utf-8"))
    lex = Lexicon(data)
    lex.text = [_family(name, spec) for name, spec in data["text"].items()]
    lex.sections = [_family(f"section {name}", spec) for name, spec in data["section"].items()]
    rec = data["recommendation"]
    data["_calls"] = _cue_pattern(rec["calls"])
    data["_modals"] = _cue_pattern(rec["modals"])
    data["_imperative"] = re.compile(r"(?:%s)\b" % "|".join(re.escape(v) for v in sorted(rec["imperatives"], key=len, reverse=True)),
                                     re.I)
    data["_label"] = re.compile(rec["label"], re.I)
    data["_breaks"] = re.compile("|".join(rec["name_breaks"]), re.I)
    data["_indicator"] = re.compile(r"^\W*(?:[0-9]+(?:\.[0-9]+)*\s+)?(?:%s)\b" % "|".join(
        re.escape(h) for h in data["indicator_line"]["heads"]), re.I)
    data["_contents"] = re.compile(data["contents_line"]["pattern"])
    data["_dated_heading"] = re.compile(data["dated_heading"]["pattern"])
    data["_method_words"] = {w.lower() for w in data["evidence"]["method_words"]}
    return lex


@dataclass
class Substance:
    score: float
    reasons: list[tuple[str, float]]  # (why, weight), largest effect first
    # the theme's matched words sit in too few of the passage's sentences: it mentions the theme in passing
    # (a synthesis sets it aside whatever its score); None when unknown (no rule or term evidence)
    passing: bool = False

    def explain(self) -> str:
        return "; ".join(f"{why} {w:+.2f}" for why, w in self.reasons)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def _strip_label(sentence: str, lex: Lexicon) -> str:
    return lex.data["_label"].sub("", sentence, count=1)


def recommendation_sentence(text: str, lex: Lexicon | None = None) -> tuple[str, int] | None:
    """The first sentence of ``text`` that recommends something, and where in it the recommended action
    starts (after a call verb: "called for |a reduction…"; the clause start for a modal: "|Member States
    should…"; the verb of an instruction: "|Use administrative records…"). None when there is none."""
    lex = lex or load_lexicon()
    d = lex.data
    if d["_contents"].search(text):
        return None
    for s in sentences(text):
        if s.rstrip().endswith("?"):
            continue
        body = _strip_label(s, lex)
        offset = len(s) - len(body)
        if d["_imperative"].match(body):
            return s, offset
        call = d["_calls"].search(s)
        if call:
            return s, call.end() + (len(s[call.end():]) - len(s[call.end():].lstrip()))
        modal = d["_modals"].search(s)
        if modal:
            before = s[:modal.start()]
            # the clause that holds the modal; after "that" when someone is reported ("reiterated that …")
            cut = max([before.rfind(c) for c in ",;:"] + [before.rfind(" that ") + 5 if " that " in before else -1])
            start = max(offset, cut + 1)
            return s, start + (len(s[start:]) - len(s[start:].lstrip()))
    return None


def is_recommendation(text: str, lex: Lexicon | None = None) -> bool:
    return recommendation_sentence(text, lex) is not None


def recommendation_phrase(text: str, lex: Lexicon | None = None) -> str | None:
    """A short phrase naming what ``text`` recommends, taken verbatim (whitespace collapsed) from its first
    recommendation sentence: from where the action starts to the first clause break, at most
    ``name_max_words`` words, without trailing function words."""
    lex = lex or load_lexicon()
    found = recommendation_sentence(text, lex)
    if not found:
        return None
    sentence, start = found
    rest = " ".join(sentence[start:].split())
    rec = lex.data["recommendation"]
    words = list(_WORDS.finditer(rest))
    if len(words) > rec["name_min_words"]:
        after = words[rec["name_min_words"] - 1].end()
        brk = lex.data["_breaks"].search(rest, after)
        if brk:
            rest = rest[:brk.start()]
    words = list(_WORDS.finditer(rest))[:rec["name_max_words"]]
    while words and words[-1].group(0).lower() in _TRAILING:
        words.pop()
    if not words:
        return None
    return rest[words[0].start():words[-1].end()]


_TRAILING = frozenset("a an and or of the to by in for with on at as from that which their its is are be".split())


def substance(passage: dict[str, Any], lex: Lexicon | None = None) -> Substance:
    """Score one passage. ``passage`` holds ``text`` and, when known, ``kind``, ``section_title``,
    ``category_title`` (the title of the category being synthesised),
    ``claimed`` (the passage has its own attribution claim), ``evidence`` (the theme label's mapping
    evidence, as stored)."""
    lex = lex or load_lexicon()
    d = lex.data
    text = passage["text"]
    reasons: list[tuple[str, float]] = []
    for fam in lex.text:
        w, hits = fam.score(text)
        if hits:
            reasons.append((f"{fam.name}: {', '.join(hits[:4])}", w))
    if is_recommendation(text, lex):
        reasons.append(("recommendation sentence", float(d["text"]["finding"]["weight"]) * 2))
    n_words = len(_WORDS.findall(text))
    if d["_contents"].search(text):
        reasons.append(("table-of-contents line", float(d["contents_line"]["weight"])))
    if d["_indicator"].match(text) and n_words <= d["indicator_line"]["max_words"]:
        reasons.append(("reads as an indicator line", float(d["indicator_line"]["weight"])))
    if n_words < d["fragment"]["min_words"] and not re.search(r"[.!?…”\"’]\s*$", text.strip()) \
            and not is_recommendation(text, lex):
        reasons.append(("title-like fragment", float(d["fragment"]["weight"])))
    if n_words <= d["dated_heading"]["max_words"] and d["_dated_heading"].search(text[-80:]) \
            and not re.search(r"[a-z]{2}[.!?]\s", text):
        reasons.append(("heading with a meeting's place and date", float(d["dated_heading"]["weight"])))
    title = passage.get("section_title") or ""
    for fam in lex.sections:
        w, hits = fam.score(title)
        if hits:
            reasons.append((f"{fam.name} ({title[:40]})", fam.weight))
    kind_w = d["kind"].get(passage.get("kind") or "", 0)
    if kind_w:
        reasons.append((f"kind {passage['kind']}", float(kind_w)))
    if passage.get("claimed"):
        reasons.append(("attributed to an actor", float(d["claim"]["weight"])))
    restated = _restated_title(text, passage.get("category_title") or "", lex)
    if restated:
        reasons.append(restated)
    if _table_row(text, lex):
        reasons.append(("reads as a table row", float(d["table_row"]["weight"])))
    reasons += _evidence_reasons(passage.get("evidence"), lex)
    passing = False
    if passage.get("evidence") is not None:
        focus, passing = _focus_reasons(text, passage["evidence"], lex)
        reasons += focus
    reasons.sort(key=lambda r: -abs(r[1]))
    return Substance(round(min(sum(w for _, w in reasons), lex.number("max_substance")), 4), reasons, passing)


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in _TRAILING]


def _restated_title(text: str, title: str, lex: Lexicon) -> tuple[str, float] | None:
    """A short passage that is the category's own title quoted in a document ("(17) Eliminate all forms of
    discrimination and promote …"): it names the objective and says nothing about it."""
    spec = lex.data.get("restated_title")
    if not spec or not title or len(text.split()) > spec["max_words"]:
        return None
    words, title_words = _content_words(text), set(_content_words(title))
    if not words or not title_words:
        return None
    share = sum(1 for w in words if w in title_words) / len(words)
    return ("restates the category's title", float(spec["weight"])) if share >= spec["min_overlap"] else None


_CELL_RE = re.compile(r"^(?:[-+]?\d+(?:[.,]\d+)*%?|n/?a|–|-|—)$", re.IGNORECASE)


def _table_row(text: str, lex: Lexicon) -> bool:
    """Cells of a table read as one line: a good share of its tokens are numbers, percentages or "n/a", and
    it holds no sentence end ("Border and identify solutions 2.7 n/a 3.3 2.6 n/a Migration research 3.2")."""
    spec = lex.data.get("table_row")
    tokens = text.split()
    if not spec:
        return False
    if len(tokens) < spec["min_tokens"] or re.search(r"[a-z]{2}[.!?]\s", text + " "):
        return False
    return sum(1 for t in tokens if _CELL_RE.match(t)) / len(tokens) >= spec["min_cell_share"]


def _focus_reasons(text: str, evidence: list[dict[str, Any]], lex: Lexicon) -> tuple[list[tuple[str, float]], bool]:
    """The focus penalty and whether the theme is only mentioned in passing: its rule or term matches sit in
    fewer than ``min_share`` of the sentences (a label without such matches, by similarity alone, is
    penalised but not called passing: there is nothing to count)."""
    spec = lex.data["focus"]
    quotes = {" ".join(q.lower().split()) for e in evidence if e.get("type") in ("rule", "term") for q in e.get("quotes", [])}
    sents = [" ".join(s.lower().split()) for s in sentences(text)] or [text.lower()]
    on_theme = sum(1 for s in sents if any(q in s for q in quotes))
    share = on_theme / len(sents)
    if share >= spec["min_share"]:
        return [], False
    why = f"theme in {on_theme} of {len(sents)} sentences"
    passing = bool(quotes) and bool(spec.get("set_aside_passing", False))
    return [(why + (" (in passing)" if passing else ""),
             round(float(spec["weight"]) * (1 - share / spec["min_share"]), 3))], passing


def _evidence_reasons(evidence: list[dict[str, Any]] | None, lex: Lexicon) -> list[tuple[str, float]]:
    if not evidence:
        return []
    spec = lex.data["evidence"]
    out: list[tuple[str, float]] = []
    if any(e.get("type") == "flag" for e in evidence):
        out.append(("mapping flagged the passage as unreliable", float(spec["unreliable"])))
    quotes = [q.lower() for e in evidence if e.get("type") in ("rule", "term") for q in e.get("quotes", [])]
    if quotes and all(q in lex.data["_method_words"] for q in quotes):
        out.append(("theme matched through methods words only", float(spec["method_words_only"])))
    return out
