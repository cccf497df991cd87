"""Search ranking from the postings beside the store (store/postings.py) must equal FTS5's own."""

from __future__ import annotations

import re
import shutil
import sys

import pytest

from evimap.errors import QueryError
from evimap.search.syntax import (MAX_QUERY_DEPTH, MAX_QUERY_LENGTH, MAX_QUERY_TERMS, Op, Phrase, check_limits,
                                  parse)
from evimap.store import postings
from evimap.store.base import SearchQuery

from conftest import EXAMPLES, needs_shared


def test_parse_precedence_follows_fts5():
    a, b, c, d = (Phrase(x) for x in "abcd")
    assert parse("a b") == Op("AND", a, b)
    assert parse("a b OR c") == Op("OR", Op("AND", a, b), c)
    assert parse("a OR b c") == Op("OR", a, Op("AND", b, c))
    # a run of phrases binds tighter than NOT, NOT tighter than AND, AND tighter than OR
    assert parse("a NOT b c") == Op("NOT", a, Op("AND", b, c))
    assert parse("a AND b NOT c") == Op("AND", a, Op("NOT", b, c))
    assert parse("a OR b AND c NOT d") == Op("OR", a, Op("AND", b, Op("NOT", c, d)))
    assert parse("(a OR b) AND c") == Op("AND", Op("OR", a, b), c)
    assert parse('"rule of law"* OR x') == Op("OR", Phrase("rule of law", True), Phrase("x"))
    assert parse('"say ""hi"""') == Phrase('say "hi"')
    assert parse("migra*") == Phrase("migra", True)


@pytest.mark.parametrize("query", [
    "NEAR(a b, 3)", "text:migration", "^start", '"a" + "b"', "a -b", "(a) b", "a (b OR c)",
    "a OR", "NOT a", "()", '"unterminated', "*a", "", "   ",
])
def test_parse_leaves_the_rest_of_the_language_to_fts5(query):
    assert parse(query) is None


def _fast_and_slow(store, fn):
    """``fn()`` with the search postings, then with FTS5 and SQL alone."""
    fast = fn()
    store.use_postings = False
    try:
        return fast, fn()
    finally:
        store.use_postings = True


def _fts5(store, match, limit):
    """The oracle: FTS5 ranking and counting in SQL, duplicates dropped."""
    dups = store._duplicate_rowids()
    rows = store.db.execute("SELECT rowid, bm25(passages_fts) FROM passages_fts WHERE passages_fts MATCH ? "
                            "ORDER BY 2, rowid", (match,)).fetchall()
    kept = [(r[0], r[1]) for r in rows if r[0] not in dups]
    return kept[:limit], len(kept)


QUERIES = [
    "migration", "migrants", "the", "and OR of", "data", "develop*", "migra*", "statist*", "refug* OR asylum",
    "return reintegration", "return AND reintegration", "return OR reintegration OR readmission",
    '"return and reintegration"', '"rule of law"', '"safe, orderly and regular migration"', '"human rights"',
    '"migration data"', '"data on migration"', '"the the"', '"of the"', '"capacity build*"', '"develop* countr*"',
    "migration NOT refugees", "refugees OR asylum NOT migration", "a NOT b c", "women girls NOT education",
    "(migration AND women) OR refugees", "(refugees AND asylum) OR (climate NOT change)",
    '"climate change" OR (drought AND flood*)', "women OR (girls NOT education) OR \"gender equality\"",
    "migration migration", "remittances OR remittance OR remit*", '"10.7.2"', '"développement"', "évaluation",
    "NEAR", "zzzunknownword", "migration zzzunknownword", "zzzunknownword OR migration",
]


def _assert_same_as_fts5(store, queries, limit=25):
    ri = postings.current(store.db, store.path)
    assert ri is not None, "the rank index should be current after ingest"
    for match in queries:
        q = SearchQuery(match=match, limit=limit)
        ev = store._postings_eval(q)
        assert ev is not None, match
        want, n = _fts5(store, match, limit)
        got = ev.top(0, limit)
        assert len(ev) == n, match
        assert [r for r, _ in got] == [r for r, _ in want], match
        for (_, s1), (_, s2) in zip(got, want):
            assert s1 == pytest.approx(s2, rel=1e-12, abs=1e-15), match


def test_postings_rank_and_count_like_fts5_on_the_examples(example_corpus):
    _assert_same_as_fts5(example_corpus.store, QUERIES)


@needs_shared
def test_postings_rank_and_count_like_fts5_on_the_seeds_and_evaluations(shared_corpus):
    store = shared_corpus.store
    _assert_same_as_fts5(store, QUERIES)
    # pages further down and filtered searches agree with the FTS5 path of the same store
    year = store.db.execute("SELECT year FROM documents WHERE year IS NOT NULL GROUP BY year "
                            "ORDER BY COUNT(*) DESC").fetchone()[0]
    doc = store.db.execute("SELECT id FROM documents ORDER BY n_passages DESC").fetchone()[0]
    cases = [dict(offset=10), dict(year_from=year, year_to=year), dict(year_from=year), dict(languages=["en"]),
             dict(formats=["pdf"]), dict(documents=[doc]), dict(collapse_duplicates=False),
             dict(formats=["pdf", "txt"], year_to=year, offset=3)]
    for match in ["migration", "data OR statistics", '"return and reintegration"', "develop*", "the"]:
        for extra in cases:
            q = SearchQuery(match=match, limit=15, **extra)
            assert store._postings_eval(q) is not None
            (fast, n_fast), (slow, n_slow) = _fast_and_slow(
                store, lambda: ([(h["id"], h["score"]) for h in store.search(q)], store.count(q)))
            assert [i for i, _ in fast] == [i for i, _ in slow], (match, extra)
            assert [s for _, s in fast] == pytest.approx([s for _, s in slow], rel=1e-12), (match, extra)
            assert n_fast == n_slow, (match, extra)


@needs_shared
def test_snippets_from_the_scratch_table_equal_fts5_snippets_over_the_store(shared_corpus):
    store = shared_corpus.store
    for match in ["migration", "develop*", '"return and reintegration"', "data OR statistics", "NEAR(migration data, 5)"]:
        hits = store.search(SearchQuery(match=match, limit=10))
        assert hits, match
        want = dict(store.db.execute(
            f"SELECT p.id, snippet(passages_fts, 0, char(2), char(3), '…', 32) FROM passages_fts "
            f"JOIN passages p ON p.rowid = passages_fts.rowid WHERE passages_fts MATCH ? AND p.id IN "
            f"({','.join('?' * len(hits))})", [match, *[h["id"] for h in hits]]).fetchall())
        assert {h["id"]: h["snippet"] for h in hits} == want, match
        assert all("\x02" in h["snippet"] for h in hits)


def test_queries_the_postings_cannot_answer_go_to_fts5(example_corpus):
    store = example_corpus.store
    for match in ["NEAR(migration data, 10)", "^migration", '""']:
        assert store._postings_eval(SearchQuery(match=match)) is None, match
    assert example_corpus.search("NEAR(migration data, 10)")  # answered by FTS5
    # filters the postings do not carry
    assert store._postings_eval(SearchQuery(match="migration", kinds=["paragraph"])) is None
    assert store._postings_eval(SearchQuery(match="migration", actor_types=["UN entity"])) is None


def test_a_stale_or_missing_index_is_never_used(tmp_path):
    import evimap

    corpus = evimap.open(tmp_path / "s.db")
    corpus.ingest([EXAMPLES / "thematic-session-drivers.txt"], workers=1)
    store = corpus.store
    assert store.rank_index_state() == "current"
    assert not corpus.search("Veloria")  # a word only the PDF has
    # a document written without the rebuild that ingest does: the index no longer matches
    from evimap.corpus import _work

    status, doc = _work(str(EXAMPLES / "veloria-gcm-review.pdf"), corpus.settings, None)
    assert status == "ok"
    store.put_document(doc)
    assert store.rank_index_state() == "stale"
    assert store._postings_eval(SearchQuery(match="Veloria")) is None
    assert corpus.search("Veloria")  # FTS5 answers, with the new document
    assert corpus.store.refresh_rank_index() is not None
    assert store.rank_index_state() == "current"
    assert [h.passage_id for h in corpus.search("Veloria")] == [
        h.passage_id for h in corpus.search("Veloria")]
    assert corpus.store.refresh_rank_index() is None  # already current: nothing to do
    # the folder is derived data: without it search still works, and the next ingest puts it back
    shutil.rmtree(postings.index_dir(store.path))
    postings._LOADED.clear()
    assert store.rank_index_state() == "missing"
    n = corpus.count("migration")
    report = corpus.ingest([EXAMPLES / "thematic-session-drivers.txt"], workers=1)
    assert report.skipped == 1 and report.rank_index is not None
    assert store.rank_index_state() == "current"
    assert corpus.count("migration") == n
    corpus.close()


def test_a_damaged_index_is_ignored(tmp_path):
    import evimap

    corpus = evimap.open(tmp_path / "d.db")
    corpus.ingest([EXAMPLES / "thematic-session-drivers.txt"], workers=1)
    want = [h.passage_id for h in corpus.search("migration")]
    folder = postings.index_dir(corpus.store.path)
    (folder / "rows").write_bytes(b"\x00" * 8)  # truncated
    postings._LOADED.clear()
    assert corpus.store.rank_index_state() != "current"
    assert [h.passage_id for h in corpus.search("migration")] == want
    corpus.close()


def test_cli_reindex_and_status(tmp_path):
    import json

    from typer.testing import CliRunner

    from evimap.cli import app

    runner = CliRunner()
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["ingest", str(EXAMPLES / "thematic-session-drivers.txt"), "--store", db, "-q"]).exit_code == 0
    status = json.loads(runner.invoke(app, ["status", "--store", db, "--json"]).stdout)
    assert status["search_postings"] == "current"
    shutil.rmtree(postings.index_dir(db))
    r = runner.invoke(app, ["status", "--store", db])
    assert "search postings: missing" in r.stdout and "evimap reindex" in r.stdout
    r = runner.invoke(app, ["reindex", "--store", db, "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["postings"]["terms"] > 50
    assert "already match" in runner.invoke(app, ["reindex", "--store", db]).stdout
    assert json.loads(runner.invoke(app, ["status", "--store", db, "--json"]).stdout)["search_postings"] == "current"


@needs_shared
def test_facets_from_the_arrays_equal_facets_in_sql(mapped_corpus):
    store = mapped_corpus.store
    names = ["language", "year", "format", "document", "actor_type", "actor", "country", "region",
             "label:gcm", "label:sdg", "label:themes"]
    year = store.db.execute("SELECT year FROM documents WHERE year IS NOT NULL GROUP BY year "
                            "ORDER BY COUNT(*) DESC").fetchone()[0]
    checked = 0
    for match in ["migration", "the", '"return and reintegration"', "data OR statistics", "Morocco OR Moroccan",
                  "UNHCR", "develop*", "zzzunknownword", "NEAR(migration data, 10)"]:
        for extra in [{}, dict(year_from=year, year_to=year), dict(languages=["en"]), dict(collapse_duplicates=False)]:
            q = SearchQuery(match=match, **extra)
            assert store._matched_rows(q) is not None  # NEAR: matched by FTS5, counted in memory
            fast, slow = _fast_and_slow(store, lambda: store.facet_counts(q, names, limit=50, budget_ms=60_000))
            assert fast == slow, (match, extra)
            checked += sum(len(v or []) for v in fast.values())
    assert checked > 200  # the comparison saw real counts


@needs_shared
def test_facets_count_a_passage_once_when_its_speaker_and_its_text_name_the_same_country(tmp_path):
    """UNGDC speeches: the speaking state is a document claim and often also named in the passage."""
    import evimap
    from conftest import SHARED

    files = sorted((SHARED / "corpus" / "ungdc" / "2017-session-72").glob("*.txt"))[:40]
    assert files
    with evimap.open(tmp_path / "u.db") as corpus:
        corpus.ingest(files, workers=1)
        store = corpus.store
        names = ["actor_type", "actor", "country", "region", "year", "document"]
        for match in ["country", "our OR we", "development", "peace AND security"]:
            q = SearchQuery(match=match)
            fast, slow = _fast_and_slow(store, lambda: store.facet_counts(q, names, limit=100, budget_ms=60_000))
            assert fast == slow, match
        overlap = store.db.execute(
            "SELECT COUNT(*) FROM mentions m JOIN doc_claims dc ON dc.doc_id = m.doc_id "
            "WHERE m.kind = 'country' AND m.code = dc.country").fetchone()[0]
        assert overlap > 0  # the case this test is about occurs


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def test_queries_at_the_limits_rank_like_fts5_without_deep_recursion(example_corpus):
    words = ["migration", "data", "women", "return", "refugees", "labour", "climate", "rights"]
    run = " ".join(words[i % len(words)] for i in range(MAX_QUERY_TERMS))
    chain = " OR ".join(words[i % len(words)][:3] for i in range(MAX_QUERY_TERMS))
    nested = "(" * MAX_QUERY_DEPTH + "migration OR data" + ")" * MAX_QUERY_DEPTH
    assert all(len(q) <= MAX_QUERY_LENGTH for q in (run, chain, nested))
    _assert_same_as_fts5(example_corpus.store, [nested])
    # a run of 256 words is a tree 255 operators deep: evaluated with a stack, not recursion
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_stack_depth() + 150)
    try:
        _assert_same_as_fts5(example_corpus.store, [run, chain])
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize("query, message", [
    (" ".join(["w"] * 1000), f"too many terms: 1,000 (the limit is {MAX_QUERY_TERMS})"),
    ("(" * 200 + "data" + ")" * 200, f"nests parentheses too deeply: 200 levels (the limit is {MAX_QUERY_DEPTH})"),
    ("migration " * 10_240, f"too long: 102,400 characters (the limit is {MAX_QUERY_LENGTH:,})"),
])
def test_hostile_queries_are_refused_before_parsing(query, message):
    with pytest.raises(QueryError, match=re.escape(message)):
        parse(query)
    with pytest.raises(QueryError, match=re.escape(message)):
        check_limits(query)


def test_limits_count_terms_and_parentheses_as_fts5_reads_them():
    check_limits('"(((( a b c ))))" AND x OR y NOT z')  # parentheses in a phrase, operators: 4 terms, depth 0
    check_limits(" ".join(["w"] * MAX_QUERY_TERMS))
    with pytest.raises(QueryError, match="too many terms"):
        check_limits(" ".join(["w"] * (MAX_QUERY_TERMS + 1)))
    check_limits("(" * MAX_QUERY_DEPTH + "a" + ")" * MAX_QUERY_DEPTH)
    with pytest.raises(QueryError, match="too deeply"):
        check_limits("(a) " + "(" * (MAX_QUERY_DEPTH + 1) + "a")


def test_the_language_filter_goes_by_passage_alike_in_the_postings_and_in_fts5(tmp_path):
    from evimap.corpus import Corpus
    from evimap.store.testing import ANNEX_FR, REPORT

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "report.md").write_text(REPORT + "\n## Annexe\n\n" + ANNEX_FR + "\n", encoding="utf-8")
    with Corpus(tmp_path / "s.db") as c:
        c.ingest([tmp_path / "docs"], workers=1)
        store = c.store
        for lang, n in (("fr", 1), ("en", c.count("migrants OR migrant") - 1)):
            q = SearchQuery(match="migrants OR migrant", languages=[lang])
            fast, slow = _fast_and_slow(store, lambda: [r["text"] for r in store.search(q)])
            assert fast == slow and len(fast) == n, (lang, fast, slow)
            assert (ANNEX_FR in fast) == (lang == "fr")
