"""Each passage carries its own language (a report mixes them); a document in several languages counts them."""

from __future__ import annotations

import evimap
from evimap.enrich import passage_language
from evimap.ingest.pipeline import process_file


def test_each_passage_has_its_own_language_and_a_mixed_document_counts_them(tmp_path):
    (tmp_path / "mixed.md").write_text(
        "# Report\n\nThe evaluation found that data on returnees were collected in every country of the region.\n\n"
        "L'évaluation a montré que les données sur les migrants de retour étaient collectées dans chaque pays.\n\n"
        "La evaluación mostró que los datos sobre los migrantes retornados se recopilaban en cada país.\n",
        encoding="utf-8")
    doc = process_file(tmp_path / "mixed.md")
    langs = {p.text[:3]: p.language for p in doc.passages if p.kind != "heading"}
    assert langs == {"The": "en", "L'é": "fr", "La ": "es"}
    assert set(doc.metadata["passage_languages"]) == {"en", "fr", "es"}
    with evimap.open(tmp_path / "s.db") as corpus:
        corpus.ingest([tmp_path / "mixed.md"])
        french = corpus.search("données")[0]
        assert corpus.passage(french.passage_id)["language"] == "fr"


def test_short_passages_take_the_documents_language_and_english_is_settled_without_the_identifier(monkeypatch):
    assert passage_language("Annex 2", "fr") == "fr"
    import evimap.enrich.metadata as metadata

    monkeypatch.setattr(metadata, "detect_language", lambda text: (_ for _ in ()).throw(AssertionError("called")))
    assert passage_language("The programme was extended to the returnees of all the regions in 2021.", None) == "en"
