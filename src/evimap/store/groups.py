"""How reports group passages (by document, year, country, who said it …), as a backend-neutral record that each
store turns into its own query; here, SQLite's expressions over a passage ``p`` of a document ``d``.

Reports name a grouping (``Grouping("country", doc_countries)``) and never hold SQL; the store that runs the report
asks the grouping for its expression (``sqlite_expression``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# the groupings of evidence maps and syntheses (report/coverage.py says what each means)
NAMES = ("document", "year", "format", "language", "actor", "actor-type", "country", "region", "mentioned-country",
         "event")
# groupings the reports use internally: which rule gave a passage its country (with ``doc_countries``), and a
# document's passages by the country each names first (documents a state said as a whole left out)
INTERNAL = ("country-rule", "document-mentioned-country")


@dataclass
class Grouping:
    """One grouping of passages. ``doc_countries``: document id → (country code, rule) — the country each document
    is about, the last resort of the ``country`` grouping and what ``country-rule`` reports."""

    by: str
    doc_countries: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.by not in NAMES and self.by not in INTERNAL:
            raise ValueError(f"unknown grouping {self.by!r} (choose from: {', '.join(NAMES)})")


def _said(column: str) -> str:
    """Who said a passage: the claim of its whole document (doc_claims: a UNGDC speech is its state's), else the
    passage's first claim with that column set (most passages have one actor)."""
    return (f"COALESCE((SELECT dc.{column} FROM doc_claims dc WHERE dc.doc_id = p.doc_id), "
            f"(SELECT c.{column} FROM claims c WHERE c.passage_id = p.id AND c.{column} IS NOT NULL "
            "ORDER BY c.rowid LIMIT 1))")


_MENTIONED_COUNTRY = ("(SELECT m.code FROM mentions m WHERE m.passage_id = p.id AND m.kind = 'country' "
                      "ORDER BY m.rowid LIMIT 1)")
_SPOKEN = "EXISTS (SELECT 1 FROM doc_claims dc WHERE dc.doc_id = d.id AND dc.country IS NOT NULL)"
_EXPRESSIONS = {
    "document": "d.name",
    "year": "CAST(d.year AS TEXT)",
    "format": "d.format",
    "language": "COALESCE(p.language, d.language)",
    "actor": _said("actor"),
    "actor-type": _said("actor_type"),
    "region": _said("region"),
    "mentioned-country": _MENTIONED_COUNTRY,
    "event": "(SELECT e.name FROM event_passages ep JOIN events e ON e.id = ep.event_id "
             "WHERE ep.passage_id = p.id LIMIT 1)",
    "document-mentioned-country": f"CASE WHEN {_SPOKEN} THEN NULL ELSE d.id || ' ' || {_MENTIONED_COUNTRY} END",
}


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _document_country_case(doc_countries: dict[str, tuple[str, str]], value: str) -> str:
    """CASE over document ids giving, per document, its country (``value="code"``) or its rule."""
    by_answer: dict[str, list[str]] = {}
    for doc_id, (code, rule) in doc_countries.items():
        by_answer.setdefault(code if value == "code" else rule, []).append(doc_id)
    if not by_answer:
        return "NULL"
    whens = " ".join(f"WHEN p.doc_id IN ({', '.join(_text(d) for d in sorted(ids))}) THEN {_text(answer)}"
                     for answer, ids in sorted(by_answer.items()))
    return f"(CASE {whens} END)"


def sqlite_expression(g: Grouping) -> str:
    """The grouping's value for a passage ``p`` of a document ``d``, as a SQLite expression. ``country``: the state
    that said it, else the country it names, else the country its document is about (``doc_countries``);
    ``country-rule``: which of those gave it ('said', 'named', the document's rule, or 'none')."""
    if g.by == "country":
        return (f"COALESCE({_said('country')}, {_MENTIONED_COUNTRY}, "
                f"{_document_country_case(g.doc_countries, 'code')})")
    if g.by == "country-rule":
        return (f"CASE WHEN {_said('country')} IS NOT NULL THEN 'said' WHEN {_MENTIONED_COUNTRY} IS NOT NULL "
                f"THEN 'named' ELSE COALESCE({_document_country_case(g.doc_countries, 'rule')}, 'none') END")
    return _EXPRESSIONS[g.by]
