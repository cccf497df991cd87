"""Reviewers accept, reject, add or undo labels; the decision holds over the machine's in every report and through
re-mapping, and each one is kept in an append-only trail with who, when, what it was and why."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from typer.testing import CliRunner

import evimap
from evimap.cli import app
from evimap.errors import EvimapError
from evimap.report import coverage_map

TEXT = ("# Findings\n\nMember States should collect disaggregated data on migrants through censuses and household "
        "surveys, and share migration statistics across ministries.\n\n"
        "Remittance transfer costs fell in most corridors, and families relied on money sent by relatives abroad.\n")


@pytest.fixture()
def corpus(tmp_path):
    (tmp_path / "report.md").write_text(TEXT, encoding="utf-8")
    c = evimap.open(tmp_path / "s.db")
    c.ingest([tmp_path / "report.md"])
    c.map(["gcm"], workers=1)
    yield c
    c.close()


def data_passage(c) -> str:
    return c.search("censuses", mode="lexical")[0].passage_id


def assigned(c, pid: str) -> set[str]:
    return {lab["code"] for lab in c.labels(pid, "gcm")}


def test_reject_add_accept_and_undo_change_what_reports_use(corpus):
    pid = data_passage(corpus)
    assert "1" in assigned(corpus, pid)
    before = coverage_map(corpus, "gcm").to_dict()["totals"]["1"]["passages"]
    corpus.review(pid, "gcm:1", "reject", reviewer="ana", reason="a census plan, not data use")
    assert "1" not in assigned(corpus, pid)
    assert coverage_map(corpus, "gcm").to_dict()["totals"].get("1", {"passages": 0})["passages"] == before - 1
    assert pid not in {h.passage_id for h in corpus.search("censuses", label="gcm:1", mode="lexical")}
    corpus.review(pid, "GCM:19", "add", reviewer="ana")  # framework names in any case
    labels = {lab["code"]: lab for lab in corpus.labels(pid, "gcm")}
    assert labels["19"]["reviewed"] == "add" and labels["19"]["machine"] == 0
    corpus.review(pid, "gcm:1", "undo", reviewer="ben")
    corpus.review(pid, "gcm:19", "undo", reviewer="ben")
    assert "1" in assigned(corpus, pid) and "19" not in assigned(corpus, pid)
    lab = next(lab for lab in corpus.labels(pid, "gcm") if lab["code"] == "1")
    assert lab["reviewed"] is None and lab["machine"] is None  # the machine's label again


def test_a_re_map_never_overwrites_a_decision(corpus):
    pid = data_passage(corpus)
    corpus.review(pid, "gcm:1", "reject", reviewer="ana")
    corpus.review(pid, "gcm:12", "add", reviewer="ana")
    # what a re-map writes: the machine's labels for the passage again
    corpus.store.put_labels("gcm", "new-model", [(pid, [("1", 0.97, True, None), ("3", 0.2, False, None)])])
    labels = {lab["code"]: lab for lab in corpus.labels(pid, "gcm", assigned_only=False)}
    assert labels["1"]["assigned"] is False and labels["1"]["reviewed"] == "reject" and labels["1"]["machine"] == 1
    assert labels["12"]["assigned"] is True and labels["12"]["reviewed"] == "add"
    assert corpus.store.review_counts("gcm")["reviewed"] == 1


def test_the_trail_keeps_every_decision_and_cannot_be_edited(corpus):
    pid = data_passage(corpus)
    corpus.review(pid, "gcm:1", "reject", reviewer="ana", reason="plan only")
    corpus.review(pid, "gcm:1", "undo", reviewer="ben")
    log = corpus.review_log()
    assert [(r["reviewer"], r["decision"], r["code"]) for r in log] == [("ana", "reject", "1"), ("ben", "undo", "1")]
    assert json.loads(log[0]["before"])["assigned"] == 1 and log[0]["reason"] == "plan only" and log[0]["at"]
    for sql in ("UPDATE reviews SET reviewer = 'eve'", "DELETE FROM reviews"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            with corpus.store.db:
                corpus.store.db.execute(sql)
    assert len(corpus.review_log(pid)) == 2


def test_a_review_needs_a_reviewer_a_known_label_and_a_known_decision(corpus, monkeypatch):
    pid = data_passage(corpus)
    monkeypatch.delenv("EVIMAP_REVIEWER", raising=False)
    with pytest.raises(EvimapError, match="needs a reviewer"):
        corpus.review(pid, "gcm:1", "reject")
    with pytest.raises(EvimapError, match="no category '99'.*categories: 1, 2"):
        corpus.review(pid, "gcm:99", "reject", reviewer="ana")
    with pytest.raises(EvimapError, match="unknown decision"):
        corpus.review(pid, "gcm:1", "maybe", reviewer="ana")
    monkeypatch.setenv("EVIMAP_REVIEWER", "carla")
    assert corpus.review(pid, "gcm:1", "accept")["reviewer"] == "carla"


def test_review_commands_and_the_exported_trail(corpus):
    pid, store = data_passage(corpus), str(corpus.path)
    corpus.close()
    runner = CliRunner()
    r = runner.invoke(app, ["review", "reject", pid, "gcm:1", "--store", store, "--reviewer", "ana", "--reason", "plan"])
    assert r.exit_code == 0 and "reject gcm:1" in r.output
    r = runner.invoke(app, ["review", "add", pid, "gcm:12", "--store", store], env={"EVIMAP_REVIEWER": "ben"})
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["review", "log", "--store", store, "-f", "csv"]).stdout)))
    assert [(x["reviewer"], x["decision"], x["code"], x["reason"]) for x in rows] == [("ana", "reject", "1", "plan"),
                                                                                      ("ben", "add", "12", "")]
    log = json.loads(runner.invoke(app, ["review", "log", "--store", store, "-f", "json"]).stdout)
    assert [x["decision"] for x in log] == ["reject", "add"]
    r = runner.invoke(app, ["review", "reject", pid, "gcm:1", "--store", store], env={"EVIMAP_REVIEWER": ""})
    assert r.exit_code != 0 and "needs a reviewer" in r.output


def test_the_passage_page_says_which_labels_a_reviewer_decided(corpus):
    from fastapi.testclient import TestClient

    from evimap.web.app import create_app

    pid = data_passage(corpus)
    corpus.review(pid, "gcm:1", "reject", reviewer="ana")
    corpus.review(pid, "gcm:12", "add", reviewer="ana")
    page = TestClient(create_app(str(corpus.path))).get(f"/passages/{pid}").text
    assert "added by a reviewer" in page and "Rejected by a reviewer: gcm:1" in page


def test_the_queue_offers_the_least_certain_labels_across_categories_and_skips_reviewed_ones(corpus):
    queue = corpus.review_queue("gcm", limit=6)
    assert queue and len({r["passage_id"] for r in queue}) == len(queue)
    margins = [abs(r["score"] - 0.5) for r in queue]
    assert margins[0] == min(margins)  # the least certain first
    first = queue[0]
    corpus.review(first["passage_id"], f"gcm:{first['code']}", "accept", reviewer="ana")
    assert (first["passage_id"], first["code"]) not in {(r["passage_id"], r["code"]) for r in corpus.review_queue("gcm", 6)}
    r = CliRunner().invoke(app, ["review", "queue", "--store", str(corpus.path), "-n", "3", "--json"])
    assert r.exit_code == 0 and len(json.loads(r.stdout)) <= 3


def test_one_decision_on_every_passage_a_search_finds(corpus):
    done = corpus.review_search("remittance OR censuses", "gcm:12", "add", reviewer="ana", reason="bulk")
    assert len(done) == 2 and all(d["reason"] == "bulk" for d in done)
    rejected = corpus.review_search("remittance OR censuses", "gcm:1", "reject", reviewer="ana")
    assert len(rejected) == 1  # only the passage that carried gcm:1
    r = CliRunner().invoke(app, ["review", "search", "undo", "gcm:12", "--search", "remittance OR censuses",
                                 "--store", str(corpus.path), "--reviewer", "ben"])
    assert r.exit_code == 0 and "undo gcm:12 on 2 passages" in r.output


def test_learning_from_decisions_spreads_them_to_similar_passages_and_is_measured_by_document(tmp_path):
    import numpy as np

    from evimap.review.learn import adjust, cross_validate

    # four passages: 0 and 1 alike, 2 and 3 alike; the machine gave code 0 to all of them
    vecs = np.array([[1, 0], [0.99, 0.14], [0, 1], [0.14, 0.99]], dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    machine = np.ones((4, 1), dtype=bool)
    # a reviewer rejected code 0 on passage 0 and accepted it on passage 2
    learned = adjust(machine, vecs, np.array([0, 2]), np.array([0, 0]), np.array([0, 1]))
    assert learned[:, 0].tolist() == [False, False, True, True]  # passage 1 follows passage 0's rejection
    # held out by document: document A = passages 0, 1 (rejected both), document B = passages 2, 3 (accepted both)
    m = cross_validate(machine, vecs, np.array([0, 0, 1, 1]), np.array([0, 1, 2, 3]), np.zeros(4, dtype=int),
                       np.array([0, 0, 1, 1]))
    assert m.documents == 2 and m.machine_f1 == round(2 * 2 / (2 * 2 + 2), 4)


def test_learn_applies_a_layer_that_does_not_do_worse_and_refuses_with_one_document(corpus):
    pid = data_passage(corpus)
    corpus.review(pid, "gcm:1", "reject", reviewer="ana")
    res = corpus.learn("gcm")
    assert res["decisions"] == 1 and res["applied"] is False and "one document" in res["refused"]
    r = CliRunner().invoke(app, ["learn", "--store", str(corpus.path), "--dry-run"])
    assert r.exit_code == 0 and "micro-F1" in r.output


def test_a_review_over_http_needs_the_token_and_is_answered_with_the_trail_entry(corpus):
    from fastapi.testclient import TestClient

    from evimap.web.app import create_app

    pid = data_passage(corpus)
    body = {"label": "gcm:1", "decision": "reject", "reviewer": "ana", "reason": "plan only"}
    read_only = TestClient(create_app(str(corpus.path)))
    assert read_only.post(f"/api/passages/{pid}/review", json=body).status_code == 403
    client = TestClient(create_app(str(corpus.path), token="a-long-enough-token"))
    assert client.post(f"/api/passages/{pid}/review", json=body).status_code == 401
    headers = {"Authorization": "Bearer a-long-enough-token"}
    r = client.post(f"/api/passages/{pid}/review", json=body, headers=headers)
    assert r.status_code == 200 and r.json()["decision"] == "reject" and r.json()["reviewer"] == "ana"
    assert "1" not in assigned(corpus, pid)
    bad = client.post(f"/api/passages/{pid}/review", json={"label": "gcm:99", "decision": "reject", "reviewer": "ana"},
                      headers=headers)
    assert bad.status_code == 400 and "no category '99'" in bad.text


def test_the_review_page_takes_decisions_once_the_token_was_given(corpus):
    from fastapi.testclient import TestClient

    from evimap.web.app import create_app

    assert "read-only" in TestClient(create_app(str(corpus.path))).get("/review").text
    client = TestClient(create_app(str(corpus.path), token="a-long-enough-token"))
    page = client.get("/review").text
    assert "Access token" in page and 'action="/ingest/session?next=review"' in page
    csrf = client.cookies.get("evimap_csrf")
    r = client.post("/ingest/session?next=review", data={"token": "a-long-enough-token", "csrf": csrf},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    page = client.get("/review").text
    assert 'id="review-form"' in page and "Keys:" in page
    import re

    pid = re.search(r'name="passage_id" value="([^"]+)"', page).group(1)
    label = re.search(r'name="label" value="([^"]+)"', page).group(1)
    r = client.post("/review", data={"passage_id": pid, "label": label, "decision": "reject", "reviewer": "ana",
                                     "framework": "gcm", "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert [(e["reviewer"], e["decision"], f"gcm:{e['code']}") for e in corpus.review_log()] == [("ana", "reject", label)]
    # without the session a decision is refused before its body is read
    other = TestClient(create_app(str(corpus.path), token="a-long-enough-token"))
    assert other.post("/review", data={"passage_id": pid, "label": label, "decision": "accept"}).status_code == 401


def test_reviewers_have_their_own_tokens_stored_hashed_and_revocable(corpus, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["reviewers", "add", "ana", "--store", str(corpus.path)])
    assert result.exit_code == 0
    token = result.stdout.strip().splitlines()[-1]
    assert len(token) >= 24
    with sqlite3.connect(corpus.path) as db:
        stored = db.execute("SELECT token_sha256 FROM reviewers WHERE name = 'ana'").fetchone()[0]
        assert token not in stored and len(stored) == 64  # only the hash is kept
    again = runner.invoke(app, ["reviewers", "add", "ana", "--store", str(corpus.path)])
    assert again.exit_code == 1 and "exists" in again.output
    assert corpus.store.reviewer_for_token(token) == "ana"
    assert corpus.store.reviewer_for_token(token + "x") is None
    listed = runner.invoke(app, ["reviewers", "list", "--json", "--store", str(corpus.path)])
    assert json.loads(listed.stdout)[0]["name"] == "ana"
    assert runner.invoke(app, ["reviewers", "revoke", "ana", "--store", str(corpus.path)]).exit_code == 0
    assert corpus.store.reviewer_for_token(token) is None
    assert runner.invoke(app, ["reviewers", "revoke", "ana", "--store", str(corpus.path)]).exit_code == 1


def test_a_reviewers_token_opens_reviews_named_after_them_and_nothing_else(corpus):
    from fastapi.testclient import TestClient

    from evimap.web.app import create_app

    pid = data_passage(corpus)
    ana = corpus.add_reviewer("ana")
    client = TestClient(create_app(str(corpus.path)))  # no server token: read-only but for reviewers
    body = {"label": "gcm:1", "decision": "reject", "reviewer": "someone-else"}
    assert client.post(f"/api/passages/{pid}/review", json=body).status_code == 401
    assert client.post(f"/api/passages/{pid}/review", json=body,
                       headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    r = client.post(f"/api/passages/{pid}/review", json=body, headers={"Authorization": f"Bearer {ana}"})
    assert r.status_code == 200 and r.json()["reviewer"] == "ana"  # the token says who, not the body
    assert client.post("/api/ingest", files={"files": ("a.txt", b"text")},
                       headers={"Authorization": f"Bearer {ana}"}).status_code == 403  # no uploads for reviewers
    # the review page: the token typed once opens a session in ana's name
    page = client.get("/review").text
    assert "Access token" in page
    csrf = client.cookies.get("evimap_csrf")
    r = client.post("/ingest/session?next=review", data={"token": ana, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    page = client.get("/review").text
    assert "Reviewing as <strong>ana</strong>" in page and 'id="reviewer"' not in page
    import re

    item_pid = re.search(r'name="passage_id" value="([^"]+)"', page).group(1)
    label = re.search(r'name="label" value="([^"]+)"', page).group(1)
    r = client.post("/review", data={"passage_id": item_pid, "label": label, "decision": "accept", "reviewer": "mallory",
                                     "framework": "gcm", "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert corpus.review_log()[-1]["reviewer"] == "ana"
    # revoking ana closes her session at once
    corpus.revoke_reviewer("ana")
    assert client.post("/review", data={"passage_id": item_pid, "label": label, "decision": "reject",
                                        "framework": "gcm", "csrf": csrf}).status_code == 403


STATEMENTS = ("# Interactive dialogue\n\nMr. El Habib Nadir, Secretary-General of the Ministry in charge of Moroccans "
              "Living Abroad and Migration Affairs of the Kingdom of Morocco, said that Morocco had adopted a new "
              "immigration and asylum policy and regularized thousands of migrants in an irregular situation.\n\n"
              "Participants discussed the protection of refugees and the role of host communities in the region, and "
              "several speakers called for more predictable funding for humanitarian responses.\n")


def test_claims_are_reviewed_like_labels_and_the_decisions_hold_through_a_new_attribution(tmp_path):
    (tmp_path / "meeting.md").write_text(STATEMENTS, encoding="utf-8")
    with evimap.open(tmp_path / "s.db") as c:
        c.ingest([tmp_path / "meeting.md"])
        said = c.search("Nadir", mode="lexical")[0].passage_id
        other = c.search("host communities", mode="lexical")[0].passage_id
        assert any(h.passage_id == said for h in c.search("immigration", actor="MAR", mode="lexical"))
        entry = c.review(said, "actor:Morocco", "reject", reviewer="ana", reason="reported, not Morocco's words")
        assert (entry["framework"], entry["code"], entry["decision"]) == ("actor", "MAR", "reject")
        assert not c.search("immigration", actor="MAR", mode="lexical")
        profile = c.profile("MAR")  # Morocco is still named in it, no longer said to say it
        assert profile["by"]["passages"] == 0 and not any(p["said_by"] for p in profile["passages"])
        c.review(said, "actor:MAR", "undo", reviewer="ana")
        assert any(h.passage_id == said for h in c.search("immigration", actor="MAR", mode="lexical"))
        c.review(other, "actor:UNHCR", "add", reviewer="ben")
        assert [h.passage_id for h in c.search("refugees", actor="UNHCR", mode="lexical")] == [other]
        c.review(said, "actor:MAR", "reject", reviewer="ana")
        c.attribute(force=True)  # the machine attributes again: the decisions stay in force
        assert not c.search("immigration", actor="MAR", mode="lexical")
        assert [h.passage_id for h in c.search("refugees", actor="UNHCR", mode="lexical")] == [other]
        assert [e["code"] for e in c.review_log()] == ["MAR", "MAR", "UNHCR", "MAR"]
        with pytest.raises(EvimapError, match="unknown actor"):
            c.review(said, "actor:Atlantis Federation", "add", reviewer="ana")


CODEBOOK = """id: shelter
name: Our shelter codebook
threshold: 0.3
categories:
  - code: housing
    title: Housing of migrants
    description: Where migrants and returnees live — shelters, rent, overcrowding, eviction.
    examples:
      - Returnees could not afford rent and stayed with relatives in overcrowded rooms.
      - The shelter for migrants in transit was full every night of the winter.
  - code: jobs
    title: Work and income
    description: Employment, wages and livelihoods of migrants.
    examples:
      - Most returnees found work within six months in agriculture or construction.
"""


def test_a_codebook_of_ones_own_maps_is_kept_with_the_store_and_is_reviewed_by_its_id(tmp_path):
    text = ("# Findings\n\nMany returnees could not pay the rent and lived with relatives in crowded rooms; the "
            "transit shelter turned people away every night.\n\nMost returnees found jobs in construction within "
            "six months and sent part of their wages home.\n")
    (tmp_path / "findings.md").write_text(text, encoding="utf-8")
    book = tmp_path / "shelter.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    with evimap.open(tmp_path / "s.db") as c:
        c.ingest([tmp_path / "findings.md"])
        c.map([str(book)], workers=1)
        housing = c.search("rent", mode="lexical")[0].passage_id
        jobs = c.search("construction", mode="lexical")[0].passage_id
        assert "housing" in {lab["code"] for lab in c.labels(housing, "shelter")}
        assert "jobs" in {lab["code"] for lab in c.labels(jobs, "shelter")}
    book.unlink()  # the file is gone: the store kept the codebook
    with evimap.open(tmp_path / "s.db") as c:
        assert c.store.own_frameworks() == ["shelter"]
        entry = c.review(jobs, "shelter:housing", "add", reviewer="ana")
        assert entry["framework"] == "shelter" and "housing" in {lab["code"] for lab in c.labels(jobs, "shelter")}
        assert {r["code"] for r in c.review_queue("shelter", 5)} <= {"housing", "jobs"}
        with pytest.raises(EvimapError, match="no category 'roads'"):
            c.review(jobs, "shelter:roads", "add", reviewer="ana")
        # mapped again from the store's copy: a changed codebook rescores every passage
        c.save_codebook(CODEBOOK.replace("threshold: 0.3", "threshold: 0.35"))
        assert c.map(["shelter"], workers=1) == {"shelter": 2}
        # a worker process gets the codebook's YAML, not a path that may be gone
        from evimap.corpus import _map_task

        rows = [(1, jobs, "Most returnees found jobs in construction.", ["shelter"])]
        assert "shelter" in _map_task([("yaml", "shelter.yaml", CODEBOOK)], "static", rows)


def test_claims_are_reviewed_from_the_passage_page_with_a_reviewers_session(tmp_path):
    import re

    from fastapi.testclient import TestClient

    from evimap.web.app import create_app

    (tmp_path / "meeting.md").write_text(STATEMENTS, encoding="utf-8")
    with evimap.open(tmp_path / "s.db") as c:
        c.ingest([tmp_path / "meeting.md"])
        c.map(["gcm"], workers=1)
        said = c.search("Nadir", mode="lexical")[0].passage_id
        token = c.add_reviewer("ana")
    client = TestClient(create_app(str(tmp_path / "s.db")))
    page = client.get(f"/passages/{said}").text
    assert "Not said by MAR" in page and 'name="label" value="actor:MAR"' in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = {"passage_id": said, "label": "actor:MAR", "decision": "reject", "next": f"/passages/{said}", "csrf": csrf}
    assert client.post("/review", data=form, follow_redirects=False).status_code == 401  # not signed in yet
    client.post("/ingest/session?next=review", data={"token": token, "csrf": client.cookies.get("evimap_csrf")})
    r = client.post("/review", data={**form, "csrf": client.cookies.get("evimap_csrf")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/passages/{said}"
    r = client.post("/review", data={"passage_id": said, "label": "", "actor": "UNHCR", "decision": "add",
                                     "next": "https://elsewhere.example/", "csrf": client.cookies.get("evimap_csrf")},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/review")  # never sent off-site
    with evimap.open(tmp_path / "s.db") as c:
        assert {cl["actor"] for cl in c.claims(said)} == {"UNHCR"}
        assert [(e["reviewer"], e["code"], e["decision"]) for e in c.review_log()] == [("ana", "MAR", "reject"),
                                                                                       ("ana", "UNHCR", "add")]


def test_a_codebook_is_made_in_the_web_app_validated_mapped_and_offered_to_the_review_queue(tmp_path):
    import re

    from fastapi.testclient import TestClient

    from evimap.web.app import create_app

    (tmp_path / "findings.md").write_text(
        "# Findings\n\nMany returnees could not pay the rent and lived with relatives in crowded rooms; the transit "
        "shelter turned people away every night.\n\nMost returnees found jobs in construction within six months and "
        "sent part of their wages home.\n", encoding="utf-8")
    with evimap.open(tmp_path / "s.db") as c:
        c.ingest([tmp_path / "findings.md"])
        token = c.add_reviewer("ana")
        housing = c.search("rent", mode="lexical")[0].passage_id
    client = TestClient(create_app(str(tmp_path / "s.db")))
    page = client.get("/review/codebooks").text
    assert "no codebook of its own" in page and "Access token" in page and 'name="code"' not in page
    form = {"id": "shelter", "name": "Shelter", "threshold": "0.3",
            "code": ["housing", "jobs", ""], "title": ["Housing of migrants", "Work and income", ""],
            "description": ["Where migrants and returnees live: shelters, rent, overcrowding.", "", ""],
            "examples": ["Returnees could not afford rent and stayed with relatives.\nThe shelter was full.",
                         "Returnees found work within months.", ""], "csrf": client.cookies.get("evimap_csrf")}
    assert client.post("/review/codebooks", data=form, follow_redirects=False).status_code == 401  # not signed in
    r = client.post("/ingest/session?next=codebooks", data={"token": token, "csrf": client.cookies.get("evimap_csrf")},
                    follow_redirects=False)
    assert r.headers["location"] == "/review/codebooks"
    csrf = client.cookies.get("evimap_csrf")
    # a problem comes back on the form, with what was typed
    r = client.post("/review/codebooks", data={**form, "id": "gcm", "csrf": csrf})
    assert r.status_code == 400 and "built-in" in r.text and 'value="Housing of migrants"' in r.text
    r = client.post("/review/codebooks", data={**form, "title": ["", "Work and income", ""], "csrf": csrf})
    assert r.status_code == 400 and "title" in r.text
    r = client.post("/review/codebooks", data={**form, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review/codebooks?saved=shelter%3A2"  # the heading is not mapped
    page = client.get(r.headers["location"]).text
    assert "Saved codebook <strong>shelter</strong>" in page and "/review?framework=shelter" in page
    with evimap.open(tmp_path / "s.db") as c:
        assert c.store.own_frameworks() == ["shelter"]
        assert "housing" in {lab["code"] for lab in c.labels(housing, "shelter")}
        assert [cat.examples for cat in c.frameworks("shelter")[0].categories][0] == [
            "Returnees could not afford rent and stayed with relatives.", "The shelter was full."]
    page = client.get("/review?framework=shelter").text
    assert re.search(r'name="label" value="shelter:(housing|jobs)"', page)
    edit = client.get("/review/codebooks?edit=shelter").text
    assert 'value="Work and income"' in edit and "Change shelter" in edit
    assert client.get("/map?framework=shelter").status_code == 200
