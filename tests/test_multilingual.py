"""Passages in the other UN languages: words cut per script, one vector space for all languages, mapping routed to
the multilingual settings, cross-lingual search by meaning."""

from __future__ import annotations

import numpy as np
import pytest

from evimap import Corpus, frameworks
from evimap.map import classify
from evimap.map.engine import Mapper, prepare
from evimap.map.multilingual import get_multilingual, normalise_arabic, sdg_translation_split, words_of

REMITTANCES_EN = ("Migrant workers send remittances to their families at home; we will reduce the cost of "
                  "transferring remittances to less than three per cent and promote the financial inclusion of migrants.")
REMITTANCES_FR = ("Les travailleurs migrants envoient des fonds à leurs familles restées au pays ; nous réduirons le "
                  "coût des transferts de fonds des migrants à moins de trois pour cent et favoriserons leur inclusion "
                  "financière.")
REMITTANCES_ES = ("Los trabajadores migrantes envían remesas a sus familias en el país de origen; reduciremos el "
                  "costo de las remesas a menos del tres por ciento y promoveremos la inclusión financiera de los "
                  "migrantes.")
RETURN_FR = ("Le programme d'aide au retour volontaire et à la réintégration a accompagné les migrants de retour "
             "dans leur pays d'origine, avec un soutien économique, social et psychosocial à leur réintégration durable.")
GERMAN = ("Die Bundesregierung wird die Kosten für Rücküberweisungen von Migranten in ihre Heimatländer senken und "
          "die finanzielle Inklusion der Arbeitsmigranten fördern.")


def test_words_are_cut_per_script():
    assert words_of("L'Organisation s’engage jusqu’à l’horizon 2030", "fr") == ["organisation", "engage", "à", "horizon"]
    assert normalise_arabic("الهِجْرَة الآمنة") == "الهجرة الامنة"
    vocab = {"安全": 0, "移民": 1, "全球": 2}
    assert words_of("全球安全移民", "zh", vocab) == ["全球", "安全", "移民"]
    assert words_of("全球安全移民") == list("全球安全移民")  # without a vocabulary: characters


def test_the_sdg_translations_split_in_two_fixed_halves():
    codes = [f"{g}.{t}" for g in range(1, 18) for t in range(1, 8)]
    halves = [sdg_translation_split(c) for c in codes]
    assert set(halves) == {"dev", "test"} and 0.3 < halves.count("dev") / len(halves) < 0.7
    assert [sdg_translation_split(c) for c in codes] == halves


def test_a_word_and_its_translations_lie_closer_than_unrelated_words():
    emb = get_multilingual()
    v = emb.encode(["border", "frontière", "frontera", "граница", "water", "education"])
    assert v.shape == (6, emb.dim) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-3)
    sims = v @ v[0]
    assert min(sims[1:4]) > max(sims[4:])


def test_a_french_passage_is_closest_to_its_english_counterpart():
    emb = get_multilingual()
    en = emb.encode([REMITTANCES_EN, "The evaluation interviewed twenty staff members in three country offices.",
                     "Children must have access to primary and secondary education regardless of status."])
    fr = emb.encode([REMITTANCES_FR])[0]
    assert int(np.argmax(en @ fr)) == 0


def test_passages_in_french_and_spanish_get_the_labels_of_their_english_translation():
    gcm = Mapper(frameworks.load("gcm"))
    rows = gcm.score([REMITTANCES_EN, REMITTANCES_FR, REMITTANCES_ES, RETURN_FR])
    got = [{lab.code for lab in labs if lab.assigned} for labs in rows]
    assert "20" in got[0] and "20" in got[1] and "20" in got[2]
    assert "21" in got[3] and "20" not in got[3]
    ev = next(lab.evidence for lab in rows[1] if lab.code == "20")
    assert {"type": "language", "language": "fr", "model": "multilingual"} in ev
    assert all(e["type"] != "flag" for e in ev)


def test_the_multilingual_route_does_not_touch_english_passages():
    gcm = Mapper(frameworks.load("gcm"))
    batch = prepare([REMITTANCES_EN, REMITTANCES_FR], gcm.embedder)
    assert batch.langs == [None, "fr"]
    english_alone = gcm.score([REMITTANCES_EN])[0]
    together = gcm.score(batch)[0]
    assert [(lab.code, round(lab.score, 6)) for lab in english_alone] == [(lab.code, round(lab.score, 6)) for lab in together]


def test_unsupported_languages_and_frameworks_without_multilingual_settings_are_flagged():
    out = list(classify([{"id": 1, "text": GERMAN}, {"id": 2, "text": REMITTANCES_FR}], "gcm", all_scores=True))
    assert "German" in out[0]["flag"] and "unreliable" in out[0]["flag"]
    assert out[1]["language"] == "fr" and "flag" not in out[1]
    themes = list(classify([{"id": 2, "text": REMITTANCES_FR}], "themes", all_scores=True))
    assert "no multilingual settings" in themes[0]["flag"]


@pytest.fixture(scope="module")
def bilingual_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    (folder / "fr.txt").write_text(REMITTANCES_FR + "\n\n" + RETURN_FR + "\n", encoding="utf-8")
    (folder / "en.txt").write_text("Climate change and disasters drive people from their homes in the Sahel; "
                                   "adaptation and resilience in places of origin reduce the pressure to leave.\n",
                                   encoding="utf-8")
    path = tmp_path_factory.mktemp("store") / "s.db"
    with Corpus(path) as c:
        c.ingest([folder])
        c.map(["gcm"], workers=1)
    return path


def test_an_english_query_finds_french_passages_by_meaning(bilingual_store):
    with Corpus(bilingual_store) as c:
        assert c.store.vectors_state(multilingual=True)[0] == 2
        hits = c.search("cheaper remittances for migrant workers", mode="semantic", language="fr", limit=2)
        assert hits and hits[0].text.startswith("Les travailleurs migrants")
        hits = c.search("return and reintegration of migrants", mode="hybrid", limit=3)
        assert any(h.text.startswith("Le programme d'aide au retour") for h in hits)
        labels = c.store.db.execute("SELECT code FROM labels l JOIN passages p ON p.id = l.passage_id "
                                    "WHERE l.assigned = 1 AND p.text LIKE 'Les travailleurs%'").fetchall()
        assert "20" in {r[0] for r in labels}


def test_the_passage_page_says_a_label_came_from_the_multilingual_model(bilingual_store):
    from fastapi.testclient import TestClient

    from evimap.web.app import create_app

    with Corpus(bilingual_store) as c:
        pid = c.search("travailleurs", mode="lexical")[0].passage_id
    page = TestClient(create_app(str(bilingual_store))).get(f"/passages/{pid}").text
    assert "scored by the multilingual model (fr)" in page


def test_a_query_in_another_language_finds_english_passages_and_both_spaces_rank_french_ones(bilingual_store):
    from evimap.map.embed import get_embedder
    from evimap.search.semantic import VectorIndex

    with Corpus(bilingual_store) as c:
        hits = c.search("les changements climatiques et les catastrophes poussent les gens à quitter leur foyer",
                        mode="semantic", limit=1)
        assert hits and hits[0].text.startswith("Climate change and disasters")
        # French passages also sit in the English space, carried there by the fitted map
        assert "fr" in get_embedder("multilingual").projected()
        main = VectorIndex.current(c.store)
        assert len(main) == c.store.vectors_state()[0] + c.store.vectors_state(multilingual=True)[0]
