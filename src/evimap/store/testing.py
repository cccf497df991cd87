"""The behaviour every store backend must show, as checks a backend's test suite runs through the public ``Corpus``
API (tests/test_store_contract.py runs them on SQLite; a second backend runs the same ones with its own factory).

Each check takes ``make(path) -> Corpus`` (a fresh, empty store at ``path``: for SQLite a file, for another backend
whatever ``path`` names) and a scratch folder, and raises AssertionError naming what broke. Written against
behaviour, not SQL: ingest and replace, passages with provenance, labels, claims, search (boolean, phrase, proximity,
filters, a stable order), facets that add up, language per passage, readers while a writer works, and a failed document leaving nothing.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

Factory = Callable[[Path], Any]

REPORT = ("# Findings\n\nMember States should collect disaggregated data on migrants through censuses and household "
          "surveys, and share migration statistics across ministries.\n\n"
          "Remittance transfer costs fell in most corridors, and families relied on money sent by relatives abroad.\n\n"
          "Mr. El Habib Nadir, Secretary-General of the Ministry in charge of Moroccans Living Abroad and Migration "
          "Affairs of the Kingdom of Morocco, said that Morocco had regularized thousands of migrants.\n")
SPEECH = ("The Government of Ecuador calls for safe and regular pathways for migrant workers and for an end to the "
          "detention of migrant children.\n\nClimate change drives people from their homes in the Andes.\n")


def _folder(tmp: Path) -> Path:
    docs = tmp / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "report.md").write_text(REPORT, encoding="utf-8")
    (docs / "speech.txt").write_text(SPEECH, encoding="utf-8")
    return docs


def ingest_replace_and_provenance(make: Factory, tmp: Path) -> None:
    docs = _folder(tmp)
    with make(tmp / "store") as c:
        report = c.ingest([docs])
        assert report.added == 2 and not report.failed, report.to_dict()
        assert c.ingest([docs]).skipped == 2, "an unchanged file must be skipped"
        for doc in c.documents():
            text = c.text(doc.id)
            for p in c.passages(doc.id):
                assert text[p["start"]:p["end"]].split() == p["text"].split(), f"provenance of {p['id']}"
        (docs / "speech.txt").write_text(SPEECH.replace("Ecuador", "Peru"), encoding="utf-8")
        assert c.ingest([docs]).updated == 1, "a changed file must replace its old version"
        assert not c.search("Ecuador", mode="lexical") and c.search("Peru", mode="lexical")
        assert len(c.documents()) == 2


def search_semantics(make: Factory, tmp: Path) -> None:
    docs = _folder(tmp)
    with make(tmp / "store") as c:
        c.ingest([docs])
        assert c.search("censuses AND surveys", mode="lexical")
        assert not c.search("censuses AND remittance", mode="lexical")
        assert len(c.search("censuses OR remittance", mode="lexical")) == 2
        assert not c.search("remittance NOT families", mode="lexical")
        assert c.search('"household surveys"', mode="lexical") and not c.search('"surveys household"', mode="lexical")
        assert c.search("NEAR(data migrants, 3)", mode="lexical")
        assert not c.search("NEAR(censuses ministries, 2)", mode="lexical")
        assert c.search("regularize", mode="lexical"), "stemming: regularize finds regularized"
        speech = next(d for d in c.documents() if d.name == "speech.txt")
        assert {h.doc_name for h in c.search("migrant", mode="lexical", document=speech.id)} == {"speech.txt"}
        first = [h.passage_id for h in c.search("migrants OR migrant", mode="lexical")]
        assert first == [h.passage_id for h in c.search("migrants OR migrant", mode="lexical")], "a stable order"
        assert c.count("migrants OR migrant") == len(first)


def labels_and_claims(make: Factory, tmp: Path) -> None:
    docs = _folder(tmp)
    with make(tmp / "store") as c:
        c.ingest([docs])
        c.map(["gcm"], workers=1)
        data = c.search("censuses", mode="lexical")[0].passage_id
        assert "1" in {lab["code"] for lab in c.labels(data, "gcm")}, "a data passage carries GCM objective 1"
        said = c.search("Nadir", mode="lexical")[0].passage_id
        assert "MAR" in {cl["actor"] for cl in c.claims(said)}, "Morocco's statement is attributed to Morocco"
        assert [h.passage_id for h in c.search("regularized", actor="MAR", mode="lexical")] == [said]
        c.review(data, "gcm:1", "reject", reviewer="contract")
        assert "1" not in {lab["code"] for lab in c.labels(data, "gcm")}, "a reviewer's rejection holds"
        c.map(["gcm"], workers=1)
        assert "1" not in {lab["code"] for lab in c.labels(data, "gcm")}, "… through a re-map"


def facets_add_up(make: Factory, tmp: Path) -> None:
    docs = _folder(tmp)
    with make(tmp / "store") as c:
        c.ingest([docs])
        total = c.count("migrants OR migrant")
        counts = c.facets("migrants OR migrant", ["document", "language"])
        for facet in ("document", "language"):
            assert sum(n for _, n in counts[facet]) == total, f"facet {facet} must count every match once"


ANNEX_FR = ("Les États membres devraient recueillir des données ventilées sur les migrants au moyen des recensements et "
            "des enquêtes auprès des ménages, et partager les statistiques migratoires entre les ministères.")


def language_is_the_passages_own(make: Factory, tmp: Path) -> None:
    """An English report with a French paragraph: the language filter and facet go by passage, not by document."""
    docs = tmp / "mixed"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "report.md").write_text(REPORT + "\n## Annexe\n\n" + ANNEX_FR + "\n", encoding="utf-8")
    with make(tmp / "store-mixed") as c:
        c.ingest([docs], workers=1)
        assert c.documents()[0].language == "en"
        for mode in ("lexical", "hybrid"):
            french = c.search("migrants", mode=mode, language="fr")
            assert [h.text for h in french] == [ANNEX_FR], f"{mode}: the French annex alone is French"
            english = c.search("migrants", mode=mode, language="en")
            assert english and ANNEX_FR not in [h.text for h in english], f"{mode}: the annex is not English"
        counts = dict(c.facets("migrants", ["language"])["language"])
        assert counts.get("fr") == 1 and counts.get("en") == c.count("migrants") - 1, counts


def readers_while_a_writer_works(make: Factory, tmp: Path) -> None:
    docs = _folder(tmp)
    path = tmp / "store"
    with make(path) as c:
        c.ingest([docs])
    more = tmp / "more"
    more.mkdir()
    for k in range(12):
        (more / f"speech-{k}.txt").write_text(SPEECH.replace("Ecuador", f"Country {k}"), encoding="utf-8")
    errors: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        try:
            with make(path) as r:
                while not done.is_set():
                    assert r.search("censuses", mode="lexical")
        except BaseException as exc:  # noqa: BLE001 — collected and re-raised in the main thread
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        with make(path) as w:
            w.ingest([more], workers=1)
    finally:
        done.set()
        for t in readers:
            t.join()
    assert not errors, f"a reader failed while a writer worked: {errors[0]!r}"
    with make(path) as c:
        assert len(c.documents()) == 14


def a_failed_document_leaves_nothing(make: Factory, tmp: Path, break_store: Callable[[Any], Callable[[], None]]) -> None:
    """``break_store(corpus)`` makes the backend fail part-way through storing the second document it is given (and
    returns a function that undoes it). The ingest stops or records the failure; either way the second document must
    be absent entirely — no document row, no passage, no search hit — the first stored whole, and a rerun complete
    the store."""
    docs = _folder(tmp)
    with make(tmp / "store") as c:
        undo = break_store(c)
        try:
            c.ingest([docs], workers=1)
        except Exception:  # noqa: BLE001 — a backend may stop the batch on a failed write
            pass
        finally:
            undo()
        stored = c.documents()
        assert len(stored) == 1, f"one document stored, not {[d.name for d in stored]}"
        ids = {d.id for d in stored}
        passages = c.passages()
        assert all(p["doc_id"] in ids for p in passages), "a passage of the failed document was left behind"
        assert len(passages) == stored[0].n_passages
        other = "Ecuador" if stored[0].name == "report.md" else "censuses"
        assert not c.search(other, mode="lexical"), "the failed document is found by search"
        c.ingest([docs], workers=1)
        assert len(c.documents()) == 2, "the rerun stores what failed"


CHECKS = [ingest_replace_and_provenance, search_semantics, labels_and_claims, facets_add_up,
          language_is_the_passages_own, readers_while_a_writer_works]
