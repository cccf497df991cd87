"""Who may write is decided before a request body is read, and bodies have limits on every route.

Requests are sent straight to the ASGI app with a ``receive`` that counts what the app pulls, so a
test can tell "refused after reading 45 MB" from "refused without reading a byte"; one test does the
same over a socket against `evimap serve`."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import time
from typing import Any, Iterator
from urllib.parse import urlparse

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from evimap.web import create_app  # noqa: E402
from evimap.web.app import WebConfig, WritePolicy  # noqa: E402

TOKEN = "correct-horse-battery-staple"
MB = 1024 * 1024
BOUNDARY = "evimapboundary"


class Sent:
    """What the app answered, and how much of the request body it pulled through ``receive``."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.receive_calls = 0
        self.bytes_pulled = 0

    @property
    def starts(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == "http.response.start"]

    @property
    def status(self) -> int:
        return self.starts[0]["status"]

    @property
    def headers(self) -> dict[bytes, bytes]:
        return dict(self.starts[0]["headers"])

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages if m["type"] == "http.response.body")


def call(app: Any, method: str, path: str, body: Iterator[bytes] = iter(()), headers: dict[str, str] | None = None,
         length: int | None = None) -> Sent:
    """Run one request through ``app``: ``body`` is handed out one chunk per ``receive`` call, only when
    the app asks; ``length`` is sent as Content-Length (None: no Content-Length, as with chunked encoding)."""
    sent = Sent()
    chunks = iter(body)
    pending = next(chunks, None)

    async def receive() -> dict[str, Any]:
        nonlocal pending
        sent.receive_calls += 1
        if pending is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        chunk, pending = pending, next(chunks, None)
        sent.bytes_pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": pending is not None}

    async def send(message: dict[str, Any]) -> None:
        sent.messages.append(message)

    raw = [(b"host", b"testserver"), *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items())]
    if length is not None:
        raw.append((b"content-length", str(length).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"", "headers": raw,
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    asyncio.run(app(scope, receive, send))
    return sent


def multipart(name: str, size: int, chunk: int = MB) -> tuple[list[bytes], int]:
    """A multipart body with one file of ``size`` bytes, as chunks (the filler chunk is one object, reused),
    and its length."""
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            f"Content-Type: text/plain\r\n\r\n").encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    filler = b"migration " * (chunk // 10)
    parts = [head, *[filler] * (size // len(filler)), filler[: size % len(filler)], tail]
    return parts, sum(map(len, parts))


FORM = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
AUTH = {**FORM, "authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def read_only(web_store):
    return create_app(str(web_store))


@pytest.fixture()
def writable(web_store, tmp_path):
    store = tmp_path / "copy.db"
    shutil.copy(web_store, store)
    return create_app(str(store), token=TOKEN, upload_dir=str(tmp_path / "uploads"), max_upload_mb=1)


def test_read_only_server_refuses_a_45_mb_upload_without_reading_it(read_only):
    body, length = multipart("big.txt", 45 * MB)
    assert length < 50 * MB  # under the upload limit: only the missing right to write refuses it
    r = call(read_only, "POST", "/api/ingest", body, AUTH, length)
    assert r.status == 403 and b"read-only" in r.body
    assert r.receive_calls == 0 and r.bytes_pulled == 0
    assert r.headers[b"x-frame-options"] == b"DENY"  # the refusal carries the security headers too


def test_missing_or_wrong_token_is_refused_before_the_body(writable):
    body, length = multipart("note.txt", 512 * 1024)
    for headers in (FORM, {**FORM, "authorization": "Bearer wrong-token-123"}, {**FORM, "authorization": TOKEN}):
        r = call(writable, "POST", "/api/ingest", body, headers, length)
        assert r.status == 401 and b"valid token" in r.body
        assert r.headers[b"www-authenticate"].startswith(b"Bearer")
        assert r.receive_calls == 0
    # the upload form: without the cookie the token form sets (or with a forged one), a page and no reading
    policy = WritePolicy(WebConfig(store="unused", token="another-token-12345"))
    for cookie in ("", f"evimap_upload={policy.session_cookie()}", "evimap_upload=99999999999.00"):
        r = call(writable, "POST", "/ingest", body, {**FORM, "cookie": cookie}, length)
        assert r.status == 401 and r.headers[b"content-type"].startswith(b"text/html")
        assert b"access token" in r.body and r.receive_calls == 0


def test_write_request_without_body_or_token_is_refused_not_invalid(web_store, tmp_path):
    with TestClient(create_app(str(web_store))) as c:
        for path in ("/api/ingest", "/ingest", "/ingest/session"):
            r = c.post(path)
            assert r.status_code == 403, (path, r.text)
        assert c.post("/api/ingest").json() == {
            "error": "this server is read-only (start it with --token to allow ingest)"}
        assert "Not allowed" in c.post("/ingest").text  # forms get a page
    store = tmp_path / "copy.db"
    shutil.copy(web_store, store)
    with TestClient(create_app(str(store), token=TOKEN, upload_dir=str(tmp_path / "up"))) as c:
        assert c.post("/api/ingest").status_code == 401
        assert c.post("/ingest").status_code == 401
        # with the token, a missing body is what is wrong
        assert c.post("/api/ingest", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 422


def test_body_announced_over_the_limit_is_refused_before_reading(writable):
    body, length = multipart("big.txt", 3 * MB)  # max_upload_mb=1: a request may carry 2 MB
    r = call(writable, "POST", "/api/ingest", body, AUTH, length)
    assert r.status == 413 and b"limit of 1 MB" in r.body and r.receive_calls == 0
    # the token form takes 16 KB, any other route 64 KB; refused as a page and as JSON
    r = call(writable, "POST", "/ingest/session", iter([b"x" * 20_000]),
             {"content-type": "application/x-www-form-urlencoded"}, 20_000)
    assert r.status == 413 and b"16 KB" in r.body and r.headers[b"content-type"].startswith(b"text/html")
    assert r.receive_calls == 0
    r = call(writable, "POST", "/api/search", iter([b"x" * 100_000]), {}, 100_000)
    assert r.status == 413 and b"64 KB" in r.body and r.receive_calls == 0


@pytest.mark.parametrize("announced", [None, 1000], ids=["no-length", "false-length"])
def test_body_growing_past_the_limit_is_cut_off_there(writable, announced):
    body, length = multipart("big.txt", 10 * MB, chunk=256 * 1024)
    r = call(writable, "POST", "/api/ingest", body, AUTH, announced)
    assert r.status == 413 and b"limit of 1 MB" in r.body
    assert len(r.starts) == 1  # one answer: what the app makes of the cut-off body is not sent
    assert 2 * MB < r.bytes_pulled <= 2 * MB + 256 * 1024  # stopped at the 2 MB cap, not at 10 MB
    assert r.bytes_pulled < length


def test_chunked_upload_over_the_limit_is_413_through_httpx(web_store, tmp_path):
    store = tmp_path / "copy.db"
    shutil.copy(web_store, store)
    pulled = []

    def chunked() -> Iterator[bytes]:
        for part in multipart("big.txt", 3 * MB)[0]:
            pulled.append(len(part))
            yield part

    with TestClient(create_app(str(store), token=TOKEN, upload_dir=str(tmp_path / "up"), max_upload_mb=1)) as c:
        r = c.post("/api/ingest", content=chunked(), headers=AUTH)
        assert r.status_code == 413 and "limit of 1 MB" in r.json()["error"]
        assert "content-length" not in r.request.headers and r.request.headers["transfer-encoding"] == "chunked"
        pulled.clear()
        r = c.post("/api/ingest", content=chunked(), headers=FORM)
        assert r.status_code == 401 and pulled == []  # not authorised: the generator is never started


def test_authorised_upload_under_the_limit_is_read_whole_and_ingested(writable):
    text = b"Remittance corridors and the cost of sending money home. " * 500  # 29 kB
    parts = [(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="corridors.txt"\r\n'
              f"Content-Type: text/plain\r\n\r\n").encode(), text[:10_000], text[10_000:], f"\r\n--{BOUNDARY}--\r\n".encode()]
    length = sum(map(len, parts))
    r = call(writable, "POST", "/api/ingest", iter(parts), AUTH, length)
    assert r.status == 200, r.body
    assert b'"outcome":"added"' in r.body and r.bytes_pulled == length


def test_upload_session_cookie_is_signed_with_the_token_and_expires():
    policy = WritePolicy(WebConfig(store="unused", token=TOKEN))
    value = policy.session_cookie(now=1_000_000)
    assert policy.session_ok(value, now=1_000_000 + 60)
    assert not policy.session_ok(value, now=1_000_000 + 9 * 3600)  # expired after 8 hours
    expires, signature = value.split(".")
    assert not policy.session_ok(f"{int(expires) + 3600}.{signature}", now=1_000_000)  # a longer life is forged
    assert not WritePolicy(WebConfig(store="unused", token="another-token-12345")).session_ok(value, now=1_000_000)
    assert not WritePolicy(WebConfig(store="unused")).session_ok(value, now=1_000_000)  # read-only: never


def _exchange(url: str, head: str, first_bytes: int = 1024) -> bytes:
    """Send ``head`` and the first bytes of the body it announces, then read the answer while the rest of the
    body is held back."""
    parsed = urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as s:
        s.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + b"x" * first_bytes)
        answer = b""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            head_end = answer.find(b"\r\n\r\n")
            if head_end >= 0:
                length = re.search(rb"content-length: (\d+)", answer[:head_end], re.I)
                if length and len(answer) >= head_end + 4 + int(length.group(1)):
                    break
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def test_served_app_answers_before_the_body_arrives(web_store, tmp_path):
    """`evimap serve`: a 45 MB upload without the token, or over the limit with it, is answered while the
    client still holds back all but 1 KB of its body."""
    from conftest import running_server

    store = tmp_path / "served.db"
    shutil.copy(web_store, store)
    with running_server(store, "--token", TOKEN, "--max-upload-mb", "1") as url:
        host = urlparse(url).netloc
        head = (f"POST /api/ingest HTTP/1.1\nHost: {host}\nContent-Type: multipart/form-data; boundary={BOUNDARY}\n"
                f"Content-Length: {45 * MB}\n")
        assert _exchange(url, head).startswith(b"HTTP/1.1 401")
        assert _exchange(url, head + "Authorization: Bearer wrong-token-123\n").startswith(b"HTTP/1.1 401")
        answer = _exchange(url, head + f"Authorization: Bearer {TOKEN}\n")
        assert answer.startswith(b"HTTP/1.1 413") and b"limit of 1 MB" in answer
