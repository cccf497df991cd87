"""Attribution of loose texts, without a store: each text is read as one paragraph of an unknown document.

    from evimap.attribute.batch import attribute_texts
    for row in attribute_texts([{"id": "a", "text": "Mr. Nadir of Morocco stressed that …"}]):
        print(row["claims"])

A claim is who speaks (or writes, or commits) in the text: the actor, its code and type, the person when
one is named, the sentences that carry the claim (``start``/``end``: character offsets in the text, from
the sentence that holds the evidence through those that go on with the same speaker — "He highlighted …",
"Mr. Nadir emphasized …" — up to the next speaker), the rule that decided (``method``) and its ``evidence``. ``score`` is 1.0: the rules decide and do
not grade their decisions. ``mentions`` are the states, regions and bodies the text names, which are not
claims: a country named is not a country speaking.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from ..segment.passages import iter_sentences
from . import attribute_document, gazetteer


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Character offsets (start, end) of the sentences of ``text``, as evimap splits them."""
    bounds = []
    start = 0
    for sentence in iter_sentences(text):
        start = text.find(sentence, start)
        bounds.append((start, start + len(sentence)))
        start += len(sentence)
    return bounds


# a sentence that goes on with the same speaker: a personal pronoun, or "the speaker"/"the representative" as its
# subject ("It was suggested …" is nobody's)
_GOES_ON_RE = re.compile(r"^(?:(?:Further|Furthermore|Moreover|In addition|Also|Finally|Lastly|However),?\s+)?"
                         r"(?:He|She|They|The (?:speaker|representative|delegate|delegation|minister|ambassador))\b")
_NAMED_SUBJECT_RE = re.compile(r"^(?:(?:Further|Furthermore|Moreover|In addition|Also|Finally|Lastly|However),?\s+|"
                               r"[A-Z][^,.;:]{0,60},\s+)?"
                               r"(?:Mr|Ms|Mrs|Dr|Professor|Prof|Ambassador)\.?\s+(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)")
# a sentence that hands the floor to someone else or back to the report: other participants, a moderator, a new
# section ("In the ensuing discussion, a participant …", "Participants agreed …", "V. TOWARDS 2018: NEXT STEPS …")
_NEW_TURN_RE = re.compile(
    r"^(?:[A-Z][^,.;:]{0,60},\s+)?(?:(?:a|an|the|another|one|several|many|some|other|others|various|most|all|"
    r"both|two|three)\s+(?:of\s+the\s+)?)?(?:participants?|panell?ists?|delegates?|delegations?|speakers?|"
    r"representatives?|moderators?|chairs?|co-chairs?|member states|states|countries|experts?|discussants?|"
    r"respondents?|facilitators?|the floor|the session|the meeting|the panel)\b", re.IGNORECASE)
_SECTION_START_RE = re.compile(r"^(?:[IVXLC]+|[A-Z]|\d{1,2})\.\s+[A-Z][A-Z]|^[A-Z][A-Z ,:'’-]{12,}")


def claim_span(text: str, evidence: str, person: str | None = None, others: tuple[str, ...] = (),
               method: str | None = None) -> tuple[int, int]:
    """The sentences of ``text`` that hold ``evidence`` (the whole text when it is not found in it), and those
    after them that go on with the same speaker: a pronoun or "the representative" as subject, or the person
    named again ("Mr. Nadir emphasized …"); after a named speaker (``person``), any sentence that does not hand
    the floor on — reported speech goes on without a verb of saying ("In recent years, Morocco had evolved …").
    The turn ends at a sentence that holds another claim's evidence (``others``), names someone else as its
    subject, or turns to other participants, a moderator or a new section. A presenter of an agenda or a programme (``method`` "presenter") is
    its entry alone: an agenda is one run of entries, not sentences."""
    at = text.find(evidence) if evidence else -1
    if at < 0:
        return 0, len(text)
    end = at + len(evidence)
    if method == "presenter":
        return at, end
    bounds = sentence_bounds(text)
    covering = [k for k, (s, e) in enumerate(bounds) if s < end and e > at]
    if not covering:
        return at, end
    last = covering[-1]
    surname = person.split()[-1] if person else None
    for k in range(last + 1, len(bounds)):
        sentence = text[bounds[k][0]:bounds[k][1]]
        if any(o and o in sentence for o in others):
            break
        named = _NAMED_SUBJECT_RE.match(sentence)
        if named:
            if surname and named.group("name").split()[-1] == surname:
                last = k
                continue
            break
        hands_on = _NEW_TURN_RE.match(sentence) or _SECTION_START_RE.match(sentence)
        if not _GOES_ON_RE.match(sentence) and not (surname and not hands_on):
            break
        last = k
    return bounds[covering[0]][0], len(text[: bounds[last][1]].rstrip())


def statement_span(text: str, claim: Any, claims: list[Any]) -> tuple[int | None, int | None]:
    """Where ``claim`` (a record with ``actor``, ``evidence``, ``person``, ``method``, as stored or as found) speaks
    in its passage ``text``, among the passage's ``claims``: ``claim_span``'s offsets, or (None, None) when it
    holds for the whole passage (no evidence, a document's claim, or a span that is the whole text)."""
    get = (lambda c, k: c.get(k)) if isinstance(claim, dict) else (lambda c, k: getattr(c, k, None))
    evidence = get(claim, "evidence")
    if not text or not evidence or get(claim, "method") == "document":
        return None, None
    others = tuple(get(o, "evidence") for o in claims
                   if o is not claim and get(o, "actor") != get(claim, "actor") and get(o, "evidence"))
    start, end = claim_span(text, evidence, get(claim, "person"), others, get(claim, "method"))
    return (None, None) if (start, end) == (0, len(text)) else (start, end)


def attribute_text(text: str, text_id: Any = None) -> dict[str, Any]:
    """Claims and mentions of one text (see the module's docstring)."""
    gaz = gazetteer()
    pid = "t"
    result = attribute_document("", [{"id": pid, "text": text, "kind": "paragraph"}], text)
    claims = []
    found = result.passage_claims(pid)
    for c in found:
        others = tuple(o.evidence for o in found if o.evidence != c.evidence)
        start, end = claim_span(text, c.evidence, c.person, others, c.method)
        claims.append({"actor": gaz.display(c.actor), "code": c.actor, "type": c.actor_type, "person": c.person,
                       "start": start, "end": end, "score": 1.0, "method": c.method, "evidence": c.evidence})
    mentions = [{"kind": kind, "code": code, "text": found, "start": offset, "end": offset + len(found)}
                for _, kind, code, found, offset in result.mentions]
    return {"id": text_id, "claims": claims, "mentions": mentions}


def attribute_texts(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``attribute_text`` over records ``{"id": …, "text": …}``, in order."""
    for rec in records:
        yield attribute_text(str(rec["text"]), rec.get("id"))
