"""Store, idempotent re-ingest, replacement, search language, filters, CLI output."""

import json
import re
import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

import evimap
from evimap.cli import app
from evimap.errors import StoreError
from evimap.store import SCHEMA_VERSION

from conftest import EXAMPLES


def test_every_example_format_is_read(example_corpus):
    formats = {d.format for d in example_corpus.documents()}
    assert formats == {"pdf", "html", "docx", "txt", "csv"}
    html = next(d for d in example_corpus.documents() if d.format == "html")
    text = example_corpus.text(html.id)
    assert "Skip to content" not in text and "Terms of use" not in text and "About us" not in text
    assert html.title.startswith("Regional consultation calls for better migration data")
    assert html.removed["web_chrome_chars"] > 0
    pdf = next(d for d in example_corpus.documents() if d.format == "pdf")
    assert pdf.pages == 4 and pdf.removed == {"header_footer_lines": 4, "page_numbers": 4}
    assert "Voluntary GCM Review - Republic of Veloria" not in example_corpus.text(pdf.id)
    docx = next(d for d in example_corpus.documents() if d.format == "docx")
    kinds = [(p["kind"], p["section"]) for p in example_corpus.passages(docx.id)]
    assert ("bullet", "1") in kinds and ("table_row", "2") in kinds


def test_reingest_is_idempotent_and_changed_file_replaces_old(tmp_path):
    src = tmp_path / "docs"
    shutil.copytree(EXAMPLES, src)
    with evimap.open(tmp_path / "s.db") as corpus:
        first = corpus.ingest([src], workers=1)
        ids = {p["id"] for p in corpus.passages()}
        again = corpus.ingest([src], workers=1)
        assert (again.added, again.updated, again.skipped) == (0, 0, first.added)
        assert {p["id"] for p in corpus.passages()} == ids
        txt = src / "thematic-session-drivers.txt"
        txt.write_text(txt.read_text() + "\nA new closing paragraph about remittance corridors.\n")
        third = corpus.ingest([src], workers=1)
        assert (third.added, third.updated, third.skipped) == (0, 1, first.added - 1)
        assert len(corpus.documents()) == first.added
        assert corpus.search('"remittance corridors"')
        assert corpus.count("slow-onset") == 1  # old version's passages are gone, not doubled


def test_identical_copy_under_another_name_is_an_alias(tmp_path):
    (tmp_path / "a").mkdir()
    shutil.copy(EXAMPLES / "thematic-session-drivers.txt", tmp_path / "a" / "one.txt")
    shutil.copy(EXAMPLES / "thematic-session-drivers.txt", tmp_path / "a" / "two.txt")
    with evimap.open(tmp_path / "s.db") as corpus:
        report = corpus.ingest([tmp_path / "a"])
        assert (report.added, report.aliases) == (1, 1)


@pytest.mark.parametrize(
    "query, expect_some, must_contain",
    [
        ('"fair recruitment"', True, "fair recruitment"),
        ("recruitment NOT fees", True, "recruitment"),
        ("NEAR(census migratory, 12)", True, "census"),
        ("statistic*", True, "statistic"),
        ("remittances OR remittance", True, "remittance"),
        ("recrui", False, None),  # no prefix star: whole (stemmed) words only
        ("recrui*", True, "recrui"),
    ],
)
def test_fts5_query_language(example_corpus, query, expect_some, must_contain):
    hits = example_corpus.search(query, limit=50)
    assert bool(hits) == expect_some
    for h in hits:
        assert must_contain.lower() in h.text.lower()


def test_not_excludes(example_corpus):
    assert all("fee" not in h.text.lower() for h in example_corpus.search("recruitment NOT fees", limit=50))


def test_stemming(example_corpus):
    assert example_corpus.search("recommend")  # matches "recommendations"


def test_filters_and_citations(example_corpus):
    pdf_hits = example_corpus.search("data", format="pdf")
    assert pdf_hits and all(h.format == "pdf" for h in pdf_hits)
    assert all(h.citation.startswith("veloria-gcm-review.pdf · p.") for h in pdf_hits)
    census = example_corpus.search("census", format="pdf")[0]
    assert census.citation == "veloria-gcm-review.pdf · p.2 · §II · ¶3"
    assert example_corpus.search("data", year="1990-1995") == []
    assert example_corpus.search("data", language="fr") == []
    docx_hits = example_corpus.search("fee*", document="migrant-workers-statement.docx")
    assert docx_hits and {h.doc_name for h in docx_hits} == {"migrant-workers-statement.docx"}


def test_keyword_family_in_one_query(example_corpus):
    family = "data, statistics, information, research, analysis, training, capacity"
    hits = example_corpus.search(any_terms=family, limit=100)
    words = ["data", "statistic", "information", "research", "analysis", "training", "capacit"]
    assert hits and all(any(w in h.text.lower() for w in words) for h in hits)
    assert example_corpus.count(any_terms=family) > example_corpus.count("data")


def test_invalid_fts_syntax_falls_back_to_quoted_words(example_corpus):
    assert example_corpus.search('recruitment AND (') is not None
    with pytest.raises(evimap.QueryError):
        example_corpus.search("((( ")


def test_cli_search_json(tmp_path):
    store = str(tmp_path / "s.db")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(EXAMPLES), "--store", store, "--quiet"]).exit_code == 0
    r = runner.invoke(app, ["search", '"fair recruitment"', "--store", store, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["total"] >= 1
    hit = data["hits"][0]
    assert {"citation", "snippet", "score", "passage_id", "page", "section", "label"} <= hit.keys()
    assert "<mark>" in hit["snippet"]
    r = runner.invoke(app, ["show", "veloria-gcm-review.pdf", "--store", store])
    assert r.exit_code == 0 and "§II · ¶3" in r.output
    r = runner.invoke(app, ["status", "--store", store, "--json"])
    assert json.loads(r.stdout)["documents"] == 5


def test_store_rejects_newer_schema(tmp_path):
    path = tmp_path / "s.db"
    evimap.open(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer evimap"):
        evimap.open(path)


def test_passages_stored_before_they_had_a_language_take_their_documents_on_opening(tmp_path):
    path = tmp_path / "s.db"
    with evimap.open(path) as corpus:
        corpus.ingest([EXAMPLES], workers=1)
    db = sqlite3.connect(path)
    db.execute("UPDATE passages SET language = NULL")
    db.execute("DROP INDEX passages_language")
    db.execute("UPDATE meta SET value = '13' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with evimap.open(path) as corpus:
        db = corpus.store.db
        assert db.execute("SELECT COUNT(*) FROM passages WHERE language IS NULL").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM passages p JOIN documents d ON d.id = p.doc_id "
                          "WHERE p.language != d.language").fetchone()[0] == 0
        assert corpus.search("migration", language="en")


def test_store_is_wal(tmp_path):
    with evimap.open(tmp_path / "s.db") as corpus:
        assert corpus.store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_every_document_filter_must_match(example_corpus):
    with pytest.raises(evimap.EvimapError, match="no document matches 'nope.pdf'"):
        example_corpus.search("data", document=["veloria-gcm-review.pdf", "nope.pdf"])


def test_duplicates_ingested_after_a_search_are_collapsed(tmp_path):
    """The store remembers which passages are duplicate copies; new ones made by a later ingest on the same
    connection must still be dropped from hits and counts."""
    para = "Remittance corridors need cheaper transfer costs for migrant workers and their families at home."
    (tmp_path / "a.txt").write_text(f"First report.\n\n{para}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"Second report, quite different.\n\n{para}\n", encoding="utf-8")
    with evimap.open(tmp_path / "s.db") as corpus:
        corpus.ingest([tmp_path / "a.txt"])
        assert len(corpus.search("remittance corridors")) == 1 == corpus.count("remittance corridors")
        corpus.ingest([tmp_path / "b.txt"])
        hits = corpus.search("remittance corridors")
        assert len(hits) == 1 and hits[0].doc_name == "a.txt" and hits[0].duplicates == 1
        assert corpus.count("remittance corridors") == 1
        assert len(corpus.search("remittance corridors", collapse=False)) == 2


HOSTILE_QUERIES = {
    "1,000 terms": (" ".join(["migration"] * 1000), "query too long"),
    "1,000 short terms": (" ".join(["w"] * 1000), "query has too many terms: 1,000 (the limit is 256)"),
    "200 nested parentheses": ("(" * 200 + "migration" + ")" * 200,
                               "query nests parentheses too deeply: 200 levels (the limit is 32)"),
    "a 100 KB query": ("migration " * 10_240, "query too long: 102,400 characters (the limit is 2,000)"),
}


@pytest.mark.parametrize("name", HOSTILE_QUERIES)
def test_hostile_queries_get_a_clear_error_not_a_crash(example_corpus, name):
    query, message = HOSTILE_QUERIES[name]
    for call in (example_corpus.search, example_corpus.count):
        with pytest.raises(evimap.QueryError, match=re.escape(message)) as info:
            call(query)
        assert "\n" not in str(info.value)
    with pytest.raises(evimap.QueryError, match=r"\(the limit is [0-9,]+\)$"):  # counted with the family
        example_corpus.search(query, any_terms="data, statistics")
    assert example_corpus.search("migration OR data", limit=5)  # a normal query still works


def test_cli_search_refuses_a_hostile_query_in_one_line(example_corpus):
    r = CliRunner().invoke(app, ["search", "(" * 200 + "migration" + ")" * 200, "--store", str(example_corpus.store.path)])
    assert r.exit_code == 1
    assert r.output.strip() == "error: query nests parentheses too deeply: 200 levels (the limit is 32)"
