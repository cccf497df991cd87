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


def test_a_synthesis_quotes_each_passage_in_its_language_and_says_which(tmp_path):
    from evimap.report import synthesis

    (tmp_path / "report.md").write_text(
        "# Findings\n\nThe national statistics office does not publish data on emigrants, and census questions on "
        "country of birth were dropped in 2020, so migration statistics have a gap.\n\n"
        "Les données sur les migrants de retour ne sont pas publiées par l'office national de statistique, et le "
        "recensement ne pose plus de question sur le pays de naissance des migrants.\n", encoding="utf-8")
    with evimap.open(tmp_path / "s.db") as corpus:
        corpus.ingest([tmp_path / "report.md"])
        corpus.map(["themes"], workers=1)
        s = synthesis(corpus, "data", min_relevance=0)
        english = [q for q in s.quotes() if q.passage["language"] == "en"]
        assert english and not english[0].cite.endswith("]") and english[0].to_dict()["language"] == "en"
    from evimap.report.synthesis import Quote

    french = Quote("q1", {**english[0].passage, "text": "Les données …", "language": "fr"})
    assert french.cite == english[0].cite + " · [fr]" and french.to_dict()["text"] == "Les données …"


def test_an_evidence_map_by_language_counts_each_passage_in_its_own_language(tmp_path):
    from evimap.report import coverage_map

    (tmp_path / "rapport.md").write_text(
        "# Constats\n\nLes États membres devraient collecter des données ventilées sur les migrants dans les "
        "recensements et les enquêtes auprès des ménages.\n\n"
        "L'office national de statistique publiera chaque année des statistiques sur les migrations par pays de "
        "naissance.\n\n"
        "Member States should collect disaggregated data on migrants through censuses and household surveys.\n",
        encoding="utf-8")
    with evimap.open(tmp_path / "s.db") as corpus:
        corpus.ingest([tmp_path / "rapport.md"])
        assert corpus.documents()[0].language == "fr"
        corpus.map(["gcm"], workers=1)
        cells = coverage_map(corpus, "gcm", by="language").to_dict()["cells"]
        # the English passage is counted under en, not under its document's language
        assert any(c["code"] == "1" and c["group"] == "en" and c["passages"] == 1 for c in cells)
