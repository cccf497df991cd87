"""Search by meaning: `evimap map` keeps passage vectors, a query finds passages that share no word with it, the
hybrid ranking fuses words and meaning, filters hold, and a store without vectors says so or falls back."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

import evimap
from evimap.cli import app
from evimap.errors import QueryError
from evimap.search.semantic import VectorIndex, fuse

DOCS = {
    "remittances-2019.md": "# Remittances\n\nRemittance transfer costs fell to six per cent in most corridors, and households "
                           "in Nepal received more than a quarter of national income from relatives working abroad.\n\n"
                           "# Borders\n\nBorder guards were trained to identify victims of trafficking at crossings in "
                           "the Sahel.\n",
    "climate-2021.md": "# Climate\n\nDroughts and floods pushed farming families from the dry north to coastal cities, "
                       "where they settled in informal housing.\n\n# Schools\n\nRefugee children enrolled in primary "
                       "schools in the host districts after the ministry waived the documentation requirement.\n",
}


def first_words(hits) -> list[str]:
    return [" ".join(h.text.split()[:2]) for h in hits]


@pytest.fixture()
def store(tmp_path):
    for name, text in DOCS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = tmp_path / "s.db"
    with evimap.open(path) as corpus:
        corpus.ingest([tmp_path / n for n in DOCS])
        corpus.map(["gcm"], workers=1)
    return path


def test_a_query_finds_passages_by_meaning_that_share_no_word_with_it(store):
    with evimap.open(store) as corpus:
        assert corpus.search("money sent home by migrants") == []  # no passage holds all the words
        hits = corpus.search("money sent home by migrants", mode="semantic", limit=2)
        assert corpus.last_mode == "semantic" and first_words(hits)[0] == "Remittance transfer"
        assert first_words(corpus.search("education for displaced kids", mode="semantic", limit=1)) == ["Refugee children"]
        assert hits[0].score > hits[1].score > 0  # cosine, best first


def test_hybrid_ranking_keeps_word_matches_and_adds_meaning(store):
    with evimap.open(store) as corpus:
        hybrid = corpus.search("trafficking victims", mode="hybrid", limit=4)
        assert corpus.last_mode == "hybrid"
        assert first_words(hybrid)[0] == "Border guards"  # first in both rankings
        assert len(hybrid) == 4  # the meaning ranking brings passages without the words
        assert len(corpus.search("trafficking victims", mode="lexical")) == 1


def test_filters_hold_in_search_by_meaning(store):
    with evimap.open(store) as corpus:
        hits = corpus.search("money sent home by migrants", mode="semantic", year="2021", limit=10)
        assert hits and {h.doc_name for h in hits} == {"climate-2021.md"}
        hits = corpus.search("money sent home by migrants", mode="hybrid", document="remittances-2019.md", limit=10)
        assert hits and {h.doc_name for h in hits} == {"remittances-2019.md"}


def test_a_store_without_vectors_answers_hybrid_by_words_and_refuses_semantic(tmp_path):
    (tmp_path / "a.md").write_text(DOCS["climate-2021.md"], encoding="utf-8")
    with evimap.open(tmp_path / "s.db") as corpus:
        corpus.ingest([tmp_path / "a.md"])
        assert first_words(corpus.search("droughts", mode="hybrid")) == ["Droughts and"]
        assert corpus.last_mode == "lexical"
        with pytest.raises(QueryError, match="map this store first"):
            corpus.search("droughts", mode="semantic")
        with pytest.raises(QueryError, match="unknown search mode"):
            corpus.search("droughts", mode="fuzzy")


def test_the_vector_index_follows_the_store_and_is_derived_data(store, tmp_path):
    folder = VectorIndex.folder_for(str(store))
    with evimap.open(store) as corpus:
        corpus.search("floods", mode="semantic")
        n = len(corpus.store.semantic_index())
        assert folder.exists() and n == corpus.store.db.execute("SELECT COUNT(*) FROM passage_vectors").fetchone()[0]
    shutil.rmtree(folder)  # deleting it costs one rebuild
    extra = tmp_path / "more.md"
    extra.write_text("# Labour\n\nSeasonal workers from Guatemala harvested fruit in Canada under a bilateral scheme.\n",
                     encoding="utf-8")
    with evimap.open(store) as corpus:
        corpus.ingest([extra])
        corpus.map(["gcm"], workers=1)
        assert len(corpus.store.semantic_index()) == n + 1
        assert first_words(corpus.search("farm jobs abroad for seasonal labourers", mode="semantic", limit=1)) == ["Seasonal workers"]
        extra.write_text("# Labour\n\nThe scheme was closed in 2024.\n", encoding="utf-8")
        corpus.ingest([extra])  # the changed file replaces its passages: the old one takes its vector with it
        assert corpus.store.db.execute("SELECT COUNT(*) FROM passage_vectors").fetchone()[0] == n


def test_reindex_lays_the_vectors_out_once(store):
    r = CliRunner().invoke(app, ["reindex", "--store", str(store), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["vectors"]["n"] > 0
    assert json.loads(CliRunner().invoke(app, ["reindex", "--store", str(store), "--json"]).stdout)["vectors"] is None


def test_a_store_mapped_before_vectors_were_kept_gets_them_at_the_next_map(store):
    with evimap.open(store) as corpus:
        with corpus.store.db:
            corpus.store.db.execute("DELETE FROM passage_vectors")
        assert corpus.map(["gcm"], workers=1) == {"gcm": 0}  # nothing to rescore …
        assert corpus.store.db.execute("SELECT COUNT(*) FROM passage_vectors").fetchone()[0] > 0  # … but embedded


def test_cli_api_and_web_search_by_meaning(store):
    r = CliRunner().invoke(app, ["search", "money sent home by migrants", "--store", str(store), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["mode"] == "hybrid" and out["hits"][0]["text"].startswith("Remittance transfer")
    r = CliRunner().invoke(app, ["search", "money sent home by migrants", "--mode", "lexical", "--store", str(store)])
    assert r.exit_code == 0 and "no matches" in r.output
    from fastapi.testclient import TestClient

    from evimap.web.app import create_app

    client = TestClient(create_app(str(store)))
    api = client.get("/api/search", params={"q": "money sent home by migrants", "mode": "semantic"}).json()
    assert api["mode"] == "semantic" and api["hits"][0]["text"].startswith("Remittance transfer")
    page = client.get("/search", params={"q": "money sent home by migrants"}).text
    assert "Remittance transfer" in page and '<option value="hybrid" selected>' in page


def test_reciprocal_rank_fusion_rewards_agreement():
    assert [rid for rid, _ in fuse([1, 2, 3], [3, 1, 4])] == [1, 3, 2, 4]
