"""How the thematic synthesis chooses and orders quotes and builds recurring recommendations, on a tiny
in-memory store (a handful of passages with given theme scores), so each rule is seen on its own."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from evimap.report import synthesis
from evimap.report.substance import is_recommendation, load_lexicon, substance


class TinyStore:
    """The part of the store a synthesis reads, over a list of passages labelled ``themes:data``."""

    def __init__(self, passages: list[dict[str, Any]]):
        self.rows = []
        for p in passages:
            doc = p.get("document", "report.pdf")
            self.rows.append({"score": p.get("score", 0.95), "passage_id": p["id"], "doc_id": doc, "document": doc,
                              "title": doc, "year": 2020, "format": "pdf", "page": p.get("page", 1), "section": "",
                              "section_title": p.get("section_title", ""), "paragraph": None, "seq": p.get("seq", 1),
                              "kind": p.get("kind", "paragraph"), "text": p["text"],
                              "text_hash": hashlib.sha1(p["text"].encode()).hexdigest(), "grp": doc})
        # as the SQLite store orders them: best score first, then passage id
        self.rows.sort(key=lambda r: (-r["score"], r["passage_id"]))

    def has_labels(self, framework: str) -> bool:
        return framework == "themes"

    def labelled_passages(self, framework: str, code: str, *, limit: int, **_: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in self.rows][:limit]

    def labels(self, passage_id: str, framework: str | None = None) -> list[dict[str, Any]]:
        return []

    def claims(self, passage_id: str) -> list[dict[str, Any]]:
        return []

    def assigned_codes(self, passage_ids: list[str], framework: str) -> dict[str, list[str]]:
        return {}


class TinyCorpus:
    def __init__(self, passages: list[dict[str, Any]]):
        self.store = TinyStore(passages)
        self.path = Path("tiny.db")


FINDING = ("Interviews revealed a clear lack of data on migration: existing tools to collect migration data were not "
           "harmonised across the region, so data on migrants between countries could not be compared.")
METHODS = ("The evaluation was built on a mixed-methods data collection approach, including key informant interviews, "
           "focus group discussions and a desk review of monitoring data on migration and returnees.")
INDICATOR = "Number of migrants in transit provided with protection and direct assistance (disaggregated by sex and specific needs)."


def test_a_finding_outranks_a_methods_passage_and_an_indicator_line_of_equal_relevance():
    corpus = TinyCorpus([{"id": "a-methods", "text": METHODS, "section_title": "3.3. Data collection"},
                         {"id": "b-indicator", "text": INDICATOR},
                         {"id": "c-finding", "text": FINDING, "section_title": "4. Findings"}])
    s = synthesis(corpus, "data")
    order = [q.passage["passage_id"] for q in s.quotes()]
    assert order[0] == "c-finding"
    assert "b-indicator" not in order  # an indicator line is set aside, not quoted
    assert {a["passage_id"] for a in s.set_aside} >= {"b-indicator"}
    assert all("indicator line" in a["reasons"] for a in s.set_aside if a["passage_id"] == "b-indicator")


def test_substance_explains_itself_and_weighs_what_the_lexicon_says():
    lex = load_lexicon()
    methods, finding = substance({"text": METHODS, "section_title": "Methodology"}, lex), substance({"text": FINDING}, lex)
    assert finding.score > 0 > methods.score
    assert any("mixed-method" in why for why, _ in methods.reasons) and "Methodology" in methods.explain()
    # a recommendation sentence counts; a question or a past description with "proposed" does not
    assert is_recommendation("Member States should include migration questions in the next census round.", lex)
    assert is_recommendation("g) Use administrative records to produce migration statistics", lex)
    assert not is_recommendation("Should census data be shared with line ministries?", lex)
    assert not is_recommendation("The programme prioritized census data and the proposed budget was approved.", lex)


def test_near_duplicate_passages_collapse_into_one_quote_with_the_other_place_cited():
    shorter = ("Interviews revealed that there was a clear lack of data on migration, and existing tools and methods to "
               "collect such data were not harmonised across the region. Therefore, data between countries could not be compared.")
    longer = ("Interviews revealed that there was a clear lack of data on migration, and existing tools and methods to "
              "collect such data were not harmonised across the region. Various stakeholders noted that efforts to "
              "streamline data collection and build capacity to analyse data were among the most important aspects of "
              "the programme, and that access to research mattered.")
    corpus = TinyCorpus([{"id": "p1", "text": longer, "document": "final-evaluation.pdf", "score": 0.96},
                         {"id": "p2", "text": shorter, "document": "abridged-evaluation.pdf", "score": 0.95},
                         {"id": "p3", "text": longer, "document": "seed-copy.txt", "score": 0.94}])
    s = synthesis(corpus, "data")
    quotes = s.quotes()
    assert len(quotes) == 1 and s.n_collapsed == 2
    assert {c.split(",")[0] for c in quotes[0].also_in} == {"abridged-evaluation.pdf", "seed-copy.txt"}


RECOMMENDATIONS = [
    ("r1", "Member States should include questions on country of birth and citizenship in the next population census round."),
    ("r2", "Countries should add census questions on country of birth and year of arrival so that census data show migrants."),
    ("r3", "e) Improve national census questionnaires by adding questions on country of birth and citizenship."),
    ("r4", "Strengthen training of officials in national statistical offices to analyse migration data from censuses."),
    ("r5", "Delegations called for more training of government statisticians on the analysis of migration data."),
    ("r6", "The statistics office should train its officials to analyse and publish migration data every year."),
]
DESCRIPTIONS = [
    ("d1", "The programme prioritized census data on migrants in 2019, and the proposed budget for data collection was approved."),
    ("d2", "Participants were invited to a workshop on migration data in Bangkok, where census data on migrants were presented."),
    ("d3", "The census of 2020 counted 1.2 million foreign-born residents, most of them from neighbouring countries."),
]


def test_recommendation_clusters_hold_only_recommendation_passages_and_are_named_by_a_member_phrase():
    corpus = TinyCorpus([{"id": pid, "text": text, "document": f"doc-{pid}.pdf", "score": 0.95 - 0.001 * n}
                         for n, (pid, text) in enumerate(RECOMMENDATIONS + DESCRIPTIONS)])
    s = synthesis(corpus, "data")
    by_qid = {q.qid: q.passage for q in s.quotes()}
    assert s.clusters
    for c in s.clusters:
        members = [by_qid[m] for m in c["members"]]
        assert {p["passage_id"] for p in members} <= {pid for pid, _ in RECOMMENDATIONS}
        assert len(members) >= 2
        assert c["name"] and any(c["name"] in " ".join(p["text"].split()) for p in members)
        assert c["name"] in " ".join(by_qid[c["named_from"]]["text"].split())
    clustered = {m for c in s.clusters for m in c["members"]}
    assert not clustered & {q.qid for q in s.quotes() if q.passage["passage_id"].startswith("d")}


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_cluster_names_are_shown_in_the_report(fmt):
    corpus = TinyCorpus([{"id": pid, "text": text, "document": f"doc-{pid}.pdf"} for pid, text in RECOMMENDATIONS])
    s = synthesis(corpus, "data")
    out = s.render(fmt)
    assert all(c["name"].split()[0] in out for c in s.clusters)


def _assigned_themes(texts):
    from evimap.map import load_frameworks
    from evimap.map.engine import Mapper

    mapper = Mapper(load_frameworks("themes")[0])
    return [{lab.code for lab in labels if lab.assigned} for labels in mapper.score(texts, evidence=False)]


def test_a_programme_monitoring_its_own_caseload_is_not_migration_data_but_statistics_on_migrants_are():
    own, census = _assigned_themes([
        "Each month the number of open files per caseworker is reported to managers, broken down by type of service, "
        "and this indicator can be disaggregated further by project and by office.",
        "The national statistics office will disaggregate census data on migrants by sex, age and country of birth, "
        "so that emigrants and immigrants become visible in official statistics.",
    ])
    assert "data" not in own
    assert {"data", "data.disaggregation", "data.census"} <= census


def test_research_topics_count_as_research_only_when_someone_studies_them():
    talk, study = _assigned_themes([
        "Speakers called attention to the challenges of irregular migration and smuggling, and to the role of "
        "governments and civil society in fighting them.",
        "A new study of smuggling routes across the Sahel analyses prices, networks and the deaths of migrants, "
        "and researchers call for more evidence on why people take these routes.",
    ])
    assert "research" not in talk
    assert "research" in study


def test_an_evaluations_own_staff_training_is_not_capacity_for_migration_data():
    own, statistics = _assigned_themes([
        "Participation in the internal evaluation training fell sharply, and evaluation staff said that turnover "
        "left offices without the skills to manage evaluations.",
        "Officials of the national statistical office were trained to analyse census and survey data on migration, "
        "with technical assistance on integrating migration questions into household surveys.",
    ])
    assert "capacity" not in own
    assert "capacity" in statistics


def test_capacity_for_data_counts_only_where_migration_is_in_view():
    other, migration = _assigned_themes([
        "Agencies in the working group were trained to use feedback data from affected communities, and "
        "technical assistance helped partners analyse complaint records across the response.",
        "Technical assistance helped the statistics office analyse border records, and officials were trained "
        "to produce statistics on emigrants and immigrants from them.",
    ])
    assert "capacity" not in other
    assert "capacity" in migration


PASSING = ("The programme opened four new offices in the region in its first year. Staff numbers doubled and a new "
           "director was appointed. Partners praised the speed of procurement. Reporting included migration data "
           "among many other topics. A second phase was approved by the donor.")


def test_a_passage_that_names_its_theme_only_in_passing_is_set_aside_with_the_reason():
    evidence = [{"type": "rule", "rule": "data NEAR/8 migra*", "quotes": ["migration data"]}]
    passing = substance({"text": PASSING, "evidence": evidence})
    focused = substance({"text": FINDING, "evidence": [{"type": "rule", "rule": "x", "quotes": ["data on migration"]}]})
    assert passing.passing and not focused.passing
    assert any("in passing" in why for why, _ in passing.reasons)
    # with no rule or term evidence there is nothing to count: penalised, not called passing
    assert not substance({"text": PASSING, "evidence": [{"type": "closest", "text": "x", "similarity": 0.7}]}).passing


def test_a_table_row_read_as_one_line_is_set_aside_and_a_sentence_with_figures_is_not():
    lex = load_lexicon()
    row = substance({"text": "Border and identify solutions 2.7 n/a 3.3 2.6 n/a Migration research 3.2 2.5 n/a n/a n/a"}, lex)
    prose = substance({"text": "In 2019, 45% of the 1,200 returnees surveyed in 3 countries found work within 6 months. "
                               "Data on the others were missing."}, lex)
    assert any("table row" in why for why, _ in row.reasons) and row.score < lex.number("min_substance")
    assert not any("table row" in why for why, _ in prose.reasons)


def test_a_passage_that_only_restates_the_category_title_or_signposts_its_document_is_set_aside():
    lex = load_lexicon()
    title = "Eliminate all forms of discrimination and promote evidence-based public discourse to shape perceptions of migration"
    restated = substance({"text": "(17) Eliminate all forms of discrimination and promote fact-based public discourse to "
                                  "shape perceptions of migration", "category_title": title}, lex)
    said = substance({"text": "Campaigns against xenophobia reached schools in four provinces, and reported hate "
                              "incidents against migrants fell by a third.", "category_title": title}, lex)
    assert "restates the category's title" in restated.explain() and restated.score < lex.number("min_substance")
    assert "restates" not in said.explain()
    signpost = substance({"text": "Reintegration assistance at the community level – provides guidance on assessing "
                                  "community needs. This chapter also gives examples of community projects."}, lex)
    assert any(why.startswith("signpost") for why, _ in signpost.reasons) and signpost.score < lex.number("min_substance")
    # a code of conduct that gives guidance is no signpost
    assert not any(why.startswith("signpost") for why, _ in substance(
        {"text": "The authorities adopted a code of conduct which provides guidance to recruiting agencies."}, lex).reasons)


def test_an_agenda_heading_with_a_meetings_place_and_date_is_set_aside_but_a_sentence_about_a_meeting_is_not():
    lex = load_lexicon()
    heading = substance({"text": "6. Irregular migration and regular pathways, including decent work, labour mobility, "
                                 "recognition of skills and qualifications and other relevant measures Geneva, "
                                 "12-13 October 2017"}, lex)
    assert "heading with a meeting's place and date" in heading.explain()
    assert heading.score < lex.number("min_substance")
    sentence = substance({"text": "At the consultation held in Geneva, 12-13 October 2017, States agreed that "
                                  "regular pathways reduce irregular migration. Data gaps remain."}, lex)
    assert "meeting's place" not in sentence.explain()
