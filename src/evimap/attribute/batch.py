"""Attribution of loose texts, without a store: each text is read as one paragraph of an unknown document.

    from evimap.attribute.batch import attribute_texts
    for row in attribute_texts([{"id": "a", "text": "Mr. Nadir of Morocco stressed that …"}]):
        print(row["claims"])

A claim is who speaks (or writes, or commits) in the text: the actor, its code and type, the person when
one is named, the sentence or sentences that carry the claim (``start``/``end``: character offsets in the
text), the rule that decided (``method``) and its ``evidence``. ``score`` is 1.0: the rules decide and do
not grade their decisions. ``mentions`` are the states, regions and bodies the text names, which are not
claims: a country named is not a country speaking.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from ..segment.passages import iter_sentences
from . import attribute_document, gazetteer


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds = []
    start = 0
    for sentence in iter_sentences(text):
        start = text.find(sentence, start)
        bounds.append((start, start + len(sentence)))
        start += len(sentence)
    return bounds


def claim_span(text: str, evidence: str) -> tuple[int, int]:
    """The sentences of ``text`` that hold ``evidence`` (the whole text when it is not found in it)."""
    at = text.find(evidence) if evidence else -1
    if at < 0:
        return 0, len(text)
    end = at + len(evidence)
    covering = [(s, e) for s, e in _sentence_bounds(text) if s < end and e > at]
    if not covering:
        return at, end
    return covering[0][0], len(text[: covering[-1][1]].rstrip())


def attribute_text(text: str, text_id: Any = None) -> dict[str, Any]:
    """Claims and mentions of one text (see the module's docstring)."""
    gaz = gazetteer()
    pid = "t"
    result = attribute_document("", [{"id": pid, "text": text, "kind": "paragraph"}], text)
    claims = []
    for c in result.passage_claims(pid):
        start, end = claim_span(text, c.evidence)
        claims.append({"actor": gaz.display(c.actor), "code": c.actor, "type": c.actor_type, "person": c.person,
                       "start": start, "end": end, "score": 1.0, "method": c.method, "evidence": c.evidence})
    mentions = [{"kind": kind, "code": code, "text": found, "start": offset, "end": offset + len(found)}
                for _, kind, code, found, offset in result.mentions]
    return {"id": text_id, "claims": claims, "mentions": mentions}


def attribute_texts(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``attribute_text`` over records ``{"id": …, "text": …}``, in order."""
    for rec in records:
        yield attribute_text(str(rec["text"]), rec.get("id"))
