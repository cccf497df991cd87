"""The web app and JSON API, in process with FastAPI's TestClient: every page and endpoint,
their error cases, read-only mode, tokens, CSRF, upload limits, path safety and escaping."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

import evimap  # noqa: E402
from evimap.web import create_app  # noqa: E402
from evimap.web.app import CSP  # noqa: E402

TOKEN = "correct-horse-battery-staple"


@pytest.fixture(scope="module")
def client(web_store):
    with TestClient(create_app(str(web_store))) as c:
        yield c


@pytest.fixture()
def writable(web_store, tmp_path):
    """A writable app over a copy of the store (uploads land in tmp_path/uploads)."""
    import shutil

    store = tmp_path / "copy.db"
    shutil.copy(web_store, store)
    with TestClient(create_app(str(store), token=TOKEN, upload_dir=str(tmp_path / "uploads"),
                               max_upload_mb=0.05)) as c:
        yield c, store, tmp_path


@pytest.fixture(scope="module")
def ids(web_store):
    with evimap.open(web_store, readonly=True) as corpus:
        docs = {d.name: d.id for d in corpus.documents()}
        hit = next(h for h in corpus.search("migration", limit=50) if corpus.labels(h.passage_id))
        evil = corpus.search("script", limit=1)[0]
    return {"docs": docs, "passage": hit.passage_id, "evil_passage": evil.passage_id,
            "evil_doc": docs["evil-report.txt"]}


# ---- pages ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/", "/search", "/documents", "/map", "/map?by=actor-type", "/map?framework=sdg&by=year",
                                 "/synthesis", "/profiles", "/profiles?actor_type=civil+society", "/status"])
def test_pages_render(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert "<main id=\"main\"" in r.text and "Skip to content" in r.text


def test_search_page_hits_highlights_and_facets(client, ids):
    r = client.get("/search", params={"q": "migration data"})
    assert r.status_code == 200
    assert "<mark>" in r.text and re.search(r"\d+ passages", r.text)
    assert "GCM objective" in r.text and "Language" in r.text  # facet headings
    assert f"/passages/{ids['passage']}" in r.text or "/passages/" in r.text
    # a facet value links to the same search narrowed by it, and narrowing shows a removable chip
    link = re.search(r'href="(/search\?[^"]*label=gcm%3A[^"]+)"', r.text).group(1).replace("&amp;", "&")
    narrowed = client.get(link)
    assert narrowed.status_code == 200 and "Remove filter label" in narrowed.text
    n_all = int(re.search(r"([\d,]+) passages?", r.text).group(1).replace(",", ""))
    n_narrow = int(re.search(r"([\d,]+) passages?", narrowed.text).group(1).replace(",", ""))
    assert 0 < n_narrow <= n_all


def test_search_page_filters_are_bookmarkable(client):
    r = client.get("/search?q=migration&language=en&year=2000-2030&actor_type=civil+society")
    assert r.status_code == 200
    assert 'value="2000-2030"' in r.text and "actor type: civil society" in r.text


def test_search_page_bad_input_is_one_clear_message(client):
    r = client.get("/search", params={"q": "migration", "year": "last year"})
    assert r.status_code == 400 and "year filter" in r.text
    r = client.get("/search", params={"q": "A/69/207"})  # not FTS5 syntax: retried with words quoted
    assert r.status_code == 200


def _asgi_get(app, path: str, query: dict[str, str]) -> tuple[int, bytes]:
    """GET straight through the ASGI app: httpx refuses to build a URL as long as a 100 KB query."""
    import asyncio
    from urllib.parse import urlencode

    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": urlencode(query).encode(), "root_path": "",
             "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@pytest.mark.parametrize("query, message", [
    (" ".join(["w"] * 1000), "query has too many terms: 1,000 (the limit is 256)"),
    ("(" * 200 + "migration" + ")" * 200, "query nests parentheses too deeply: 200 levels (the limit is 32)"),
    ("migration " * 10_239 + "migrations", "query too long: 102,400 characters (the limit is 2,000)"),
], ids=["1,000 terms", "200 nested parentheses", "100 KB"])
def test_hostile_queries_answer_400_with_the_limit_in_api_and_page(client, query, message):
    status, body = _asgi_get(client.app, "/api/search", {"q": query})
    assert status == 400 and json.loads(body) == {"error": message}
    status, body = _asgi_get(client.app, "/search", {"q": query})
    assert status == 400 and f'<p class="error" role="alert">{message}</p>' in body.decode()
    assert client.get("/api/search", params={"q": "migration OR data"}).json()["hits"]
    assert client.get("/search", params={"q": "migration OR data"}).status_code == 200


def test_passage_page(client, ids):
    r = client.get(f"/passages/{ids['passage']}")
    assert r.status_code == 200
    assert "Provenance" in r.text and "Framework labels" in r.text and "In context" in r.text
    assert client.get("/passages/nope").status_code == 404


def test_document_page_and_missing_document(client, ids):
    doc = ids["docs"]["veloria-gcm-review.pdf"]
    r = client.get(f"/documents/{doc}")
    assert r.status_code == 200 and "page 1" in r.text and "Similar documents" in r.text
    assert client.get("/documents/veloria-gcm-review.pdf").status_code == 200  # by file name
    r = client.get("/documents/no-such-doc")
    assert r.status_code == 404 and "no document matches" in r.text


def test_map_cells_link_to_their_passages(client):
    r = client.get("/map", params={"framework": "gcm", "by": "document"})
    assert r.status_code == 200
    cells = re.findall(r'href="(/map/cell\?[^"]+)"[^>]*>(\d+)</a>', r.text)
    assert cells
    for href, n in cells[:5]:
        page = client.get(href.replace("&amp;", "&"))
        assert page.status_code == 200
        shown = page.text.count('class="hit"')
        assert shown == min(int(n), 20), (href, n, shown)


def test_map_downloads(client):
    for fmt, kind in (("csv", "text/csv"), ("xlsx", "spreadsheetml"), ("png", "image/png"), ("svg", "image/svg"),
                      ("json", "application/json"), ("md", "text/markdown"), ("eppi", "application/json")):
        r = client.get("/map/download", params={"framework": "gcm", "by": "document", "format": fmt})
        assert r.status_code == 200 and kind in r.headers["content-type"], fmt
        assert len(r.content) > 100
    assert client.get("/map/download", params={"format": "docx"}).status_code == 400
    assert client.get("/map", params={"by": "colour"}).status_code == 400


def test_synthesis_page_and_downloads(client):
    r = client.get("/synthesis", params={"theme": "themes:data", "by": "document"})
    assert r.status_code == 200 and "<blockquote" in r.text and "/passages/" in r.text
    for fmt, magic in (("md", b"# Thematic synthesis"), ("html", b"<!doctype html>"), ("docx", b"PK"), ("xlsx", b"PK"),
                       ("json", b"{")):
        d = client.get("/synthesis/download", params={"theme": "themes:data", "format": fmt})
        assert d.status_code == 200 and d.content.startswith(magic), fmt
        assert "attachment" in d.headers["content-disposition"]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get("/synthesis/download", params={"theme": "themes:data",
                                                                            "format": "xlsx"}).content))
    assert wb.sheetnames == ["quotes", "recommendations", "about"] and wb["quotes"].max_row > 1
    assert client.get("/synthesis/download", params={"format": "md"}).status_code == 400
    assert client.get("/synthesis", params={"theme": "themes:nonsense"}).status_code in (400, 404)


def test_profiles(client):
    r = client.get("/profiles/CAN")
    assert r.status_code == 200 and "Canada" in r.text
    named = re.search(r"<b>([\d,]+)</b> (passages?) naming it, in ([\d,]+) (documents?)", r.text)
    assert named, "profile page lists the passages naming the actor"
    assert (named[2] == "passage") == (named[1] == "1") and (named[4] == "document") == (named[3] == "1")
    # a passage that is both said by Canada and names it counts once among the passages of a category
    labels = client.get("/api/profiles/CAN").json()["labels"]
    assert labels and all(max(x["said_by"], x["about"]) <= x["passages"] <= x["said_by"] + x["about"] for x in labels)
    assert all(x["passages"] == 1 for x in labels), labels
    assert client.get("/profiles", params={"ref": "Canada"}, follow_redirects=False).status_code == 303
    assert client.get("/profiles/Atlantis").status_code in (400, 404)


def test_status_page_lists_counts(client):
    r = client.get("/status")
    assert r.status_code == 200 and "documents" in r.text and "Failed files" in r.text


# ---- JSON API ------------------------------------------------------------------------------------
def test_api_search_with_facets(client):
    r = client.get("/api/search", params={"q": "migration", "facets": "language,label:gcm,actor_type", "per_page": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= len(body["hits"]) > 0 and len(body["hits"]) <= 5
    assert set(body["facets"]) == {"language", "label:gcm", "actor_type"}
    assert body["facets"]["language"][0]["value"] == "en"
    hit = body["hits"][0]
    assert {"passage_id", "citation", "snippet", "snippet_html", "doc_name"} <= set(hit)
    assert "\x02" not in hit["snippet"] and "<mark>" in hit["snippet_html"]
    page2 = client.get("/api/search", params={"q": "migration", "per_page": 5, "page": 2}).json()
    assert not {h["passage_id"] for h in page2["hits"]} & {h["passage_id"] for h in body["hits"]}


def test_api_search_errors(client):
    assert client.get("/api/search").json() == {"error": "give q (search words) or any (a comma-separated keyword family)"}
    assert client.get("/api/search").status_code == 400
    assert client.get("/api/search", params={"q": "x", "per_page": 0}).status_code == 422
    r = client.get("/api/search", params={"q": "x", "facets": "colour"})
    assert r.status_code == 400 and "unknown facet" in r.json()["error"]
    assert client.get("/api/search", params={"q": "migration", "document": "nope"}).status_code == 404
    assert client.get("/api/search", params={"q": "migration", "actor_type": "aliens"}).status_code == 400


def test_api_passages_labels_documents(client, ids):
    p = client.get(f"/api/passages/{ids['passage']}").json()
    assert p["passage"]["id"] == ids["passage"] and p["citation"] and p["document"]["id"]
    assert any(n["id"] == ids["passage"] for n in p["neighbours"])
    labels = client.get(f"/api/passages/{ids['passage']}/labels", params={"all": "true"}).json()
    assert labels and all({"framework", "code", "score", "assigned"} <= set(lab) for lab in labels)
    assert client.get("/api/passages/nope").status_code == 404
    assert client.get("/api/passages/nope/labels").status_code == 404
    docs = client.get("/api/documents").json()
    assert len(docs) == 7 and all("id" in d for d in docs)
    one = client.get(f"/api/documents/{ids['docs']['veloria-gcm-review.pdf']}", params={"passages": "true"}).json()
    assert one["name"] == "veloria-gcm-review.pdf" and one["passages"] and "sections" in one
    assert client.get("/api/documents/nope").status_code == 404
    similar = client.get(f"/api/documents/{ids['docs']['veloria-gcm-review.pdf']}/similar", params={"limit": 3}).json()
    assert 1 <= len(similar) <= 3 and all(s["score"] > 0 for s in similar)


def test_api_frameworks_maps_reports(client):
    fws = {f["id"]: f for f in client.get("/api/frameworks").json()}
    assert {"gcm", "sdg", "themes", "sg8"} <= set(fws)
    assert any(c["code"] == "17" for c in fws["gcm"]["categories"])
    m = client.get("/api/maps", params={"framework": "gcm", "by": "document"}).json()
    assert m["report"] == "map" and m["categories"] and "gaps" in m
    for cell in m["cells"][:5]:  # each cell's count is the number of passages the cell endpoint lists
        rows = client.get("/api/maps/cell", params={"framework": "gcm", "by": "document", "code": cell["code"],
                                                    "group": cell["group"], "per_page": 200}).json()
        assert len(rows) == cell["passages"] and all(r["document"] == cell["group"] for r in rows)
    assert client.get("/api/maps", params={"by": "colour"}).status_code == 400
    assert client.get("/api/maps/cell", params={"code": "99"}).status_code == 400
    s = client.get("/api/reports/synthesis", params={"theme": "themes:data"}).json()
    assert s["report"] == "synthesis" and s["groups"]
    assert client.get("/api/reports/synthesis").status_code == 422


def test_api_actors_profiles_status(client):
    actors = client.get("/api/actors").json()
    assert all({"actor", "actor_type", "passages"} <= set(a) for a in actors)
    prof = client.get("/api/profiles/CAN").json()
    assert prof["code"] == "CAN" and prof["about"]["passages"] >= 1
    st = client.get("/api/status").json()
    assert st["documents"] == 7 and st["writable"] is False


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/search", "/api/passages/{passage_id}", "/api/documents", "/api/documents/{doc_ref}",
            "/api/passages/{passage_id}/labels", "/api/maps", "/api/maps/cell", "/api/reports/synthesis",
            "/api/profiles/{ref}", "/api/status", "/api/ingest"} <= paths
    assert not any(p.startswith("/search") for p in paths)  # pages are not API
    assert client.get("/docs").status_code == 404  # no CDN-loaded docs page: the app is offline


# ---- security ------------------------------------------------------------------------------------
def test_security_headers(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("url", ["/search?q=script", "/search?q=onerror", "/search?q=svg"])
def test_hostile_text_is_escaped_in_search(client, url):
    r = client.get(url)
    assert r.status_code == 200
    assert "<script>window.__xss" not in r.text and "<img src=x" not in r.text and "<svg onload" not in r.text
    assert "&lt;" in r.text


def test_hostile_text_is_escaped_in_document_and_passage(client, ids):
    for url in (f"/documents/{ids['evil_doc']}", f"/passages/{ids['evil_passage']}"):
        r = client.get(url)
        assert r.status_code == 200
        assert "<script>window.__xss" not in r.text and "onerror=\"window" not in r.text
        assert "&lt;script&gt;window.__xss" in r.text
        # the only scripts on any page are our own file
        assert re.findall(r"<script[^>]*>", r.text) == ['<script src="/static/app.js" defer>']
    api = client.get(f"/api/passages/{ids['evil_passage']}").json()
    assert "<script>" in api["passage"]["text"]  # JSON carries the text verbatim; HTML never does
    hit = client.get("/api/search", params={"q": "script"}).json()["hits"][0]
    assert "<script>" not in hit["snippet_html"] and "&lt;<mark>script</mark>&gt;" in hit["snippet_html"]


def test_read_only_by_default(client):
    r = client.post("/api/ingest", files={"files": ("a.txt", b"text about migration", "text/plain")},
                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403 and "read-only" in r.json()["error"]
    page = client.get("/ingest")  # the page explains; posting to it is refused
    assert page.status_code == 200 and "read-only" in page.text and "<form" not in page.text.split("<main")[-1]
    for method in ("put", "delete", "patch"):
        assert getattr(client, method)("/api/documents").status_code == 405


def test_ingest_needs_the_token(writable):
    c, store, _ = writable
    files = {"files": ("note.txt", b"A note on migration data and census rounds.", "text/plain")}
    assert c.post("/api/ingest", files=files).status_code == 401
    assert c.post("/api/ingest", files=files, headers={"Authorization": "Bearer wrong-token-123"}).status_code == 401
    r = c.post("/api/ingest", files=files, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] and body["files"][0]["outcome"] == "added" and body["mapped"]["gcm"] >= 1
    hits = c.get("/api/search", params={"q": "census rounds"}).json()["hits"]
    assert hits and hits[0]["doc_name"] == "note.txt"
    assert c.get("/api/status").json()["writable"] is True


def test_upload_limits_types_and_paths(writable):
    c, store, tmp = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = c.get("/api/status").json()["passages"]
    r = c.post("/api/ingest", headers=auth, files=[
        ("files", ("../../../../etc/evil.txt", b"Migration statistics from a path-traversal name.", "text/plain")),
        ("files", ("tool.exe", b"MZ....", "application/octet-stream")),
        ("files", ("big.txt", b"migration " * 10_000, "text/plain")),  # 100 kB > 0.05 MB
        ("files", ("empty.txt", b"", "text/plain")),
        ("files", ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "application/pdf")),
    ])
    assert r.status_code == 200
    outcome = {f["file"]: (f["outcome"], f["detail"]) for f in r.json()["files"]}
    assert outcome["evil.txt"][0] == "added"
    assert outcome["tool.exe"][0] == "refused" and "not accepted" in outcome["tool.exe"][1]
    assert outcome["big.txt"][0] == "refused" and "limit" in outcome["big.txt"][1]
    assert outcome["empty.txt"][0] == "refused"
    assert outcome["broken.pdf"][0] == "failed" and outcome["broken.pdf"][1]
    assert r.json()["ok"] is False
    saved = [p for p in (tmp / "uploads").rglob("*") if p.is_file()]
    assert saved and all(p.resolve().is_relative_to((tmp / "uploads").resolve()) for p in saved)
    assert not (tmp.parent / "etc").exists()
    after = c.get("/api/status").json()
    assert after["passages"] > before and any(f["reason"] for f in after["failures"])  # nothing lost, failure kept
    huge = c.post("/api/ingest", headers={**auth, "Content-Length": str(200 * 1024 * 1024)}, content=b"x")
    assert huge.status_code == 413


def test_ingest_form_takes_the_token_once_then_uploads_with_its_csrf_check(writable):
    """The form asks for the token (CSRF-checked), which sets a signed cookie; the upload form needs that
    cookie (checked before its body is read) and the CSRF field."""
    c, _, _ = writable
    form = c.get("/ingest")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    assert c.cookies.get("evimap_csrf") == csrf
    assert 'action="/ingest/session"' in form.text and 'type="file"' not in form.text
    files = {"files": ("form.txt", b"Labour migration and skills partnerships.", "text/plain")}
    r = c.post("/ingest", data={"csrf": csrf}, files=files)
    assert r.status_code == 401 and "access token" in r.text and r.headers["content-type"].startswith("text/html")
    r = c.post("/ingest/session", data={"token": TOKEN, "csrf": "forged"})
    assert r.status_code == 403 and "CSRF" in r.text
    r = c.post("/ingest/session", data={"token": "wrong-token-123", "csrf": csrf})
    assert r.status_code == 401 and c.cookies.get("evimap_upload") is None
    r = c.post("/ingest/session", data={"token": TOKEN, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ingest"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ingest" in cookie
    assert 'type="file"' in c.get("/ingest").text
    r = c.post("/ingest", data={"csrf": "forged"}, files=files)
    assert r.status_code == 403 and "CSRF" in r.text
    r = c.post("/ingest", data={"csrf": csrf}, files=files)
    assert r.status_code == 200 and "added: form.txt" in r.text


def test_host_header_guard(web_store):
    with TestClient(create_app(str(web_store), allowed_hosts=("127.0.0.1", "localhost", "testserver"))) as c:
        assert c.get("/api/status").status_code == 200
        assert c.get("/api/status", headers={"Host": "evil.example"}).status_code == 400


def test_short_token_and_loopback_hosts_are_library_rules(web_store):
    from evimap.web.app import WebConfig

    with pytest.raises(evimap.EvimapError, match="12 characters"):
        create_app(str(web_store), token="short")
    assert "localhost:8001" in WebConfig.hosts_for("127.0.0.1", 8001)
    assert WebConfig.hosts_for("0.0.0.0", 8001) is None
    with pytest.raises(evimap.EvimapError, match="search_lanes"):
        create_app(str(web_store), search_lanes=0)


def test_searches_in_one_lane_still_answer_concurrent_clients(web_store):
    """With one search lane, concurrent requests wait their turn and all get their own answer."""
    from concurrent.futures import ThreadPoolExecutor

    words = ["migration", "data", "remittances", "return", "children", "labour", "climate", "border"]
    with TestClient(create_app(str(web_store), search_lanes=1, search_cache=0)) as c:
        alone = {w: c.get("/api/search", params={"q": w, "per_page": 5}).json() for w in words}
        with ThreadPoolExecutor(8) as pool:
            together = dict(zip(words * 3, pool.map(
                lambda w: c.get("/api/search", params={"q": w, "per_page": 5}).json(), words * 3)))
    for w in words:
        assert together[w]["total"] == alone[w]["total"]
        assert [h["passage_id"] for h in together[w]["hits"]] == [h["passage_id"] for h in alone[w]["hits"]]


def test_missing_or_bad_store_fails_at_start(tmp_path):
    with pytest.raises(evimap.StoreError):
        create_app(str(tmp_path / "none.db"))
    bad = tmp_path / "bad.db"
    bad.write_text("not sqlite")
    with pytest.raises(evimap.StoreError):
        create_app(str(bad))


def test_facet_budget_gives_up_instead_of_blocking(web_store):
    with evimap.open(web_store, readonly=True) as corpus:
        full = corpus.facets("migration", ["language", "label:gcm", "country"], budget_ms=5000)
        assert full["language"] and full["label:gcm"]
        starved = corpus.facets("migration", ["language", "label:gcm"], budget_ms=0)
        assert starved == {"language": None, "label:gcm": None}
        assert corpus.search("migration", limit=1)  # the connection is still usable
        n = corpus.count("migration", label="gcm:" + full["label:gcm"][0][0])
        assert n == full["label:gcm"][0][1]


def test_serve_command_starts_the_app(web_store):
    """`evimap serve` answers on a free loopback port and refuses a foreign Host header."""
    import urllib.request

    from conftest import running_server

    with running_server(web_store) as url:
        with urllib.request.urlopen(url + "/api/status", timeout=5) as r:
            assert json.loads(r.read())["documents"] == 7
        req = urllib.request.Request(url + "/api/status", headers={"Host": "evil.example"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=5)
        assert err.value.code == 400


def _pool_processes(pid: int) -> list[int]:
    """The pool processes of a server (its children running multiprocessing's spawn, not its resource tracker)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():  # started from a thread: children of that thread's task
        for child in (task / "children").read_text().split():
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                out.append(int(child))
    return sorted(out)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc (Linux)")
def test_serve_with_a_pool_of_processes(web_store, tmp_path):
    """`evimap serve --workers 2`: reads answered by two pool processes (concurrent clients, errors as pages),
    an upload by the front process and found by the pool at once; a pool process that dies is replaced."""
    import signal
    import concurrent.futures

    import httpx

    from conftest import running_server

    store = tmp_path / "pool.db"
    shutil.copy(web_store, store)
    started: list = []
    with running_server(store, "--workers", "2", "--token", TOKEN, started=started) as url:
        pool = _pool_processes(started[0].pid)
        assert len(pool) == 2
        with httpx.Client(base_url=url, timeout=30) as c:
            page = c.get("/search", params={"q": "migration"})
            assert page.status_code == 200 and "<mark>" in page.text
            assert page.headers["content-security-policy"] == CSP
            assert c.get("/documents/no-such-document").status_code == 404
            r = c.get("/api/search", params={"q": "x", "facets": "colour"})
            assert r.status_code == 400 and "unknown facet" in r.json()["error"]
            assert c.get("/api/search", params={"q": "x", "per_page": 0}).status_code == 422

            def search(i: int) -> int:
                return httpx.get(f"{url}/api/search", params={"q": ["migration", "data", "remittances"][i % 3]},
                                 timeout=30).status_code

            with concurrent.futures.ThreadPoolExecutor(8) as ex:
                assert set(ex.map(search, range(40))) == {200}
            files = {"files": ("note.txt", b"A note on pooled census rounds.", "text/plain")}
            r = c.post("/api/ingest", files=files, headers={"Authorization": f"Bearer {TOKEN}"})
            assert r.status_code == 200, r.text
            for _ in range(2):  # whichever pool process answers sees the new passage
                hits = c.get("/api/search", params={"q": "pooled census"}).json()["hits"]
                assert hits and hits[0]["doc_name"] == "note.txt"
            os.kill(pool[0], signal.SIGKILL)
            codes = [c.get("/api/status").status_code for _ in range(6)]
            assert set(codes) <= {200, 503} and codes[-2:] == [200, 200]
            assert len(_pool_processes(started[0].pid)) == 2 and pool[0] not in _pool_processes(started[0].pid)


def test_pool_process_answers_what_the_app_sends_and_500_when_it_sends_nothing():
    """web/pool.py's request runner: the app's own response (also when it raises after sending it, as
    Starlette's error middleware does), and a plain 500 with the security headers when nothing was sent."""
    import asyncio

    from evimap.web.pool import _call

    async def sends_then_raises(scope, receive, send):
        assert (await receive())["type"] == "http.request"
        await send({"type": "http.response.start", "status": 500, "headers": [(b"x-app", b"1")]})
        await send({"type": "http.response.body", "body": b"oops page"})
        raise RuntimeError("logged by the server")

    async def raises(scope, receive, send):
        raise RuntimeError("secret detail")

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    assert asyncio.run(_call(sends_then_raises, scope)) == (500, [(b"x-app", b"1")], b"oops page")
    status, headers, body = asyncio.run(_call(raises, scope))
    assert status == 500 and b"secret" not in body and dict(headers)[b"content-security-policy"] == CSP.encode()


def test_search_cache_gives_the_same_answers_and_forgets_on_change(web_store, tmp_path):
    """The search cache returns what a fresh search returns, and nothing stale once the store changes."""
    import shutil

    store = tmp_path / "cache.db"
    shutil.copy(web_store, store)
    queries = [{"q": "migration"}, {"q": "data OR statistics", "page": 2, "per_page": 3},
               {"q": "census", "facets": "language,year,label:gcm"}, {"q": "migra*", "year": "2019"}]
    with TestClient(create_app(str(store), search_cache=0)) as cold, \
            TestClient(create_app(str(store), token=TOKEN, upload_dir=str(tmp_path / "up"))) as warm:
        for params in queries:
            fresh = cold.get("/api/search", params=params).json()
            assert warm.get("/api/search", params=params).json() == fresh  # miss: fills the cache
            assert warm.get("/api/search", params=params).json() == fresh  # hit
        page = warm.get("/search", params={"q": "census"})
        assert page.status_code == 200 and page.text == warm.get("/search", params={"q": "census"}).text
        before = warm.get("/api/search", params={"q": "quokka"}).json()
        assert before["total"] == 0
        r = warm.post("/api/ingest", headers={"Authorization": f"Bearer {TOKEN}"},
                      files={"files": ("quokka.txt", b"Quokka census data on migration.", "text/plain")})
        assert r.status_code == 200, r.text
        after = warm.get("/api/search", params={"q": "quokka"}).json()
        assert after["total"] == 1 and after["hits"][0]["doc_name"] == "quokka.txt"


def test_map_page_has_a_log_colour_legend_full_names_on_hover_and_the_gap_rule(client):
    from evimap.report import coverage_map
    from evimap.web.render import heat_class, heat_legend

    assert heat_class(1, 472) != heat_class(111, 472)  # a linear scale gave both the palest shades
    assert int(heat_class(111, 472)[1:]) - int(heat_class(1, 472)[1:]) >= 5
    r = client.get("/map", params={"framework": "gcm", "by": "document", "weak": "0.3"})
    assert r.status_code == 200
    assert 'class="legend"' in r.text and "log scale" in r.text
    top = max(int(n) for n in re.findall(r'passages">(\d+)</a>', r.text))
    for cls, label in heat_legend(top):
        assert f'class="swatch {cls}">{label}</span>' in r.text
    with evimap.open(client.app.state.config.store, readonly=True) as corpus:
        cmap = coverage_map(corpus, "gcm", "document", weak=0.3)
    for g in cmap.groups:  # every column header carries its full name
        assert re.search(r'<th scope="col" class="grp" title="' + re.escape(g["name"]), r.text), g["name"]
    for c in cmap.categories:
        assert f'title="{c["code"]} {c["title"]}"' in r.text
    assert cmap.rule.describe() in r.text and cmap.gap_summary() in r.text
    assert "0.3 × the" in r.text and 'style="' not in r.text  # the CSP allows no inline styles


def test_map_api_and_page_take_weak_and_refuse_bad_values(client):
    d = client.get("/api/maps", params={"weak": "0.25"}).json()
    assert d["gap_rule"]["share"] == 0.25 and d["gap_summary"]
    assert client.get("/api/maps", params={"weak": "5"}).status_code == 400
    r = client.get("/map", params={"weak": "lots"})
    assert r.status_code == 400 and "weak" in r.text
