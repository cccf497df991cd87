"""Contents pages, lone numbers and repeated table cells are no passages or sections; reference lists are
marked with the passage kind ``reference`` and kept out of syntheses."""

from __future__ import annotations

from evimap.records import BLANK, LINE, Block
from evimap.segment import segment
from evimap.segment.structure import (
    drop_contents_pages, is_citation_note, is_list_caption, is_lone_number, is_reference_section)

from conftest import IOM, needs_shared


def page(n: int, *lines: str) -> list[Block]:
    return [Block(t, LINE, page=n) for t in lines] + [Block("", BLANK, page=n)]


def paragraphs(n: int, *texts: str) -> list[Block]:
    """One page whose lines are each a paragraph of their own (blank lines between)."""
    return [b for t in texts for b in (Block(t, LINE, page=n), Block("", BLANK, page=n))]


BODY = ("The evaluation found that data on returnees were collected in every country, but rarely shared "
        "with the governments that needed them.")


def test_a_contents_page_is_dropped_with_wrapped_and_leaderless_entries_and_the_body_stays():
    blocks = page(2, "CONTENTS",
                  "1. Introduction ........................................ 3",
                  "2. Specific Objective 1: partner countries and relevant stakeholders developed or strengthened",
                  "evidence-based return procedures ........................ 7",
                  "Findings 12",
                  "Annex I Data Sources ____________________________ 20") + page(3, "1. Introduction", BODY)
    kept, dropped = drop_contents_pages(blocks)
    assert dropped == 6
    passages, sections, _ = segment(kept, "d" * 16)
    assert [s.title for s in sections] == ["Introduction"]
    assert [p.text for p in passages if p.kind != "heading"] == [BODY]


def test_a_page_with_a_few_dotted_lines_among_prose_is_not_a_contents_page():
    lines = [BODY] * 6 + ["Total .......... 45", "Mean .......... 12", "Median .......... 11"]
    kept, dropped = drop_contents_pages(page(5, *lines))
    assert dropped == 0 and len(kept) == 10


def test_lone_numbers_on_pages_are_no_passages_and_say_how_many_went():
    blocks = paragraphs(4, BODY, "87", "- 4 -", "Page 5", "xii", "The 2021 census counted 45 000 emigrants.")
    removed: dict[str, int] = {}
    passages, _, _ = segment(blocks, "d" * 16, removed=removed)
    assert [p.text for p in passages] == [BODY, "The 2021 census counted 45 000 emigrants."]
    assert removed == {"lone_numbers": 4}
    assert is_lone_number("12") and not is_lone_number("12.") and not is_lone_number("2 000")


def test_a_line_repeated_on_its_page_is_a_table_cell_not_a_heading():
    blocks = page(11, "Organisation Year Title", "IOM 2024", "Integrated Workplan 2024 for the region.",
                  "IOM 2024", "Regional Data Hub achievements in 2024.")
    passages, sections, _ = segment(blocks, "d" * 16)
    assert sections == []
    assert sum(p.text == "IOM 2024" for p in passages) == 2


def test_reference_lists_are_marked_under_their_heading_or_caption_until_prose_returns():
    blocks = paragraphs(9, "5. BIBLIOGRAPHY", "IOM (2020). AAP Framework. Geneva.",
                        "IASC (2015). Commitments on accountability to affected people.") + paragraphs(
        10, "6. FINDINGS", BODY, "Table 2: List of persons met", "Olga Aymerich, Regional Data Hub Coordinator, IOM",
        "Gabriela Alvarez, Data Analyst, IOM", " ".join([BODY] * 3))
    passages, _, _ = segment(blocks, "d" * 16)
    kinds = {p.text[:30]: p.kind for p in passages}
    assert kinds["IOM (2020). AAP Framework. Gen"] == "reference"
    assert kinds["IASC (2015). Commitments on ac"] == "reference"
    assert kinds["Olga Aymerich, Regional Data H"] == "reference"
    assert kinds["Table 2: List of persons met"] == "reference"
    assert kinds[BODY[:30]] == "paragraph"  # before the caption, and the long prose after the list
    assert [p.kind for p in passages][-1] == "paragraph"


def test_reference_section_titles_and_captions():
    for title in ("BIBLIOGRAPHY", "References", "ANNEX E. KEY INFORMANT INTERVIEWS", "List of Acronyms",
                  "Annex V: List of documents reviewed", "Liste des personnes rencontrées", "Sigles et abréviations"):
        assert is_reference_section(title), title
    for title in ("ANNEX G. TERMS OF REFERENCE", "Data Sources", "Recommendations", "Remote interviews"):
        assert not is_reference_section(title), title
    assert is_list_caption("Table 1: List of persons met")
    assert not is_list_caption("The list of persons met is in the annex and was agreed with the mission.")


def test_a_note_that_only_cites_a_source_is_a_reference_and_a_note_that_reports_is_content():
    cites = ("[15] ACP Observatory on Migration, “Migration and development within the South: new evidence from "
             "African, Caribbean and Pacific countries”, Migration Research Series, No. 46 (Geneva, 2013).")
    reports = ("145 The increased availability of migration data (result 1.1.) was achieved mainly through the "
               "production and the publication of migration data and reports in 2019.")
    for note in (cites, "12 See IOM, World Migration Report 2020 (Geneva, 2019), p. 4.",
                 "³ Smith et al., Return and reintegration, 2021, https://example.org/return"):
        assert is_citation_note(note), note
    for text in (reports, BODY, "IOM (2020). AAP Framework. Geneva.",  # an entry of a list, not a note
                 "[3] Member States stressed the importance of “safe and dignified return” in 2018 and after."):
        assert not is_citation_note(text), text
    passages, _, _ = segment(paragraphs(4, "2. FINDINGS", BODY, cites, reports), "e" * 16)
    kinds = {p.text[:12]: p.kind for p in passages}
    assert kinds[cites[:12]] == "reference" and kinds[reports[:12]] == "paragraph" and kinds[BODY[:12]] == "paragraph"


@needs_shared
def test_no_contents_line_or_lone_number_is_left_in_the_iom_report_on_accountability():
    """File: iom-evaluations/aap-evaluation-report.pdf (contents page 3 with underscore leaders, bibliography p.92)."""
    from evimap.ingest import process_file
    from evimap.settings import Settings

    doc = process_file(IOM / "aap-evaluation-report.pdf", Settings(attribute=False))
    titles = [s.title for s in doc.sections]
    assert not any("____" in t for t in titles) and "TABLE OF CONTENTS" not in titles
    assert not any(is_lone_number(p.text) for p in doc.passages)
    assert doc.removed["contents_lines"] >= 30
    assert any(p.kind == "reference" and p.page == 92 for p in doc.passages)
    assert all(p.kind != "reference" for p in doc.passages if p.page in range(16, 34))  # the findings
