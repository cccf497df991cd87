"""The web app and JSON API: FastAPI + Jinja2 server-rendered pages over the library calls the CLI uses.

    evimap serve --store evimap.db                      # http://127.0.0.1:8000, read-only
    evimap serve --store evimap.db --token "$SECRET"    # uploads (ingest) allowed with the token

    from evimap.web import create_app
    app = create_app("evimap.db", token=None)           # any ASGI server, or fastapi.testclient

Read-only by default: no request can change the store unless a token was set at start, and then only
the ingest endpoints and review decisions (``POST /api/passages/ID/review``), with that token (``Authorization: Bearer``, or typed once into the upload page, which
then keeps a signed cookie). Who may write, and how large a body may be, is decided from the request line
and headers before any of the body is read (``WritePolicy``, ``SecurityMiddleware``). Each worker thread
reads through its own read-only SQLite connection; writes go through one connection under a lock.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import hmac
import io
import itertools
import json
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml
from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .. import __version__
from ..corpus import Corpus
from ..errors import EvimapError, NotFoundError
from ..report.base import counted
from ..report.coverage import WEAK_SHARE, map_categories
from ..search.query import cite_passage
from ..settings import Settings
from ..store.base import file_version
from . import render

HERE = Path(__file__).parent
UPLOAD_TYPES = {".pdf", ".docx", ".xlsx", ".html", ".htm", ".xhtml", ".txt", ".md", ".markdown", ".csv", ".tsv"}
FRAMEWORKS = ("gcm", "sdg", "themes", "sg8")
REPORT_MEDIA = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
                "json": "application/json", "csv": "text/csv; charset=utf-8", "eppi": "application/json",
                "png": "image/png", "svg": "image/svg+xml",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
CSRF_COOKIE = "evimap_csrf"
REVIEWER_COOKIE = "evimap_reviewer"  # the name typed on the review page, remembered for the next decisions


@dataclass
class WebConfig:
    store: str
    token: str | None = None  # writes need it; None: the app is read-only
    max_upload_mb: float = 50.0
    upload_dir: str | None = None  # default: "<store>.uploads" beside the store
    facet_budget_ms: float = 300.0  # per search page: facets not counted by then are shown as skipped
    per_page: int = 20
    allowed_hosts: tuple[str, ...] | None = None  # Host headers accepted (DNS-rebinding guard); None: any
    threads: int = 4  # worker threads per server process (each keeps a read connection)
    # searches running at once per process; the others wait their turn. sqlite3 and numpy let go of the GIL
    # at every step, so threads ranking side by side keep taking it from each other: with 4 at once the
    # full-UNGDC load benchmark served 273 requests/s (p95 101 ms), with 2 lanes 479 (p95 70 ms).
    search_lanes: int = 2
    search_cache: int = 2048  # search results and facet counts remembered per process; 0: none
    settings: Settings | None = None

    def __post_init__(self) -> None:
        if self.token is not None and len(self.token) < 12:
            raise EvimapError("the token must be at least 12 characters")
        if self.threads < 1 or self.search_lanes < 1:
            raise EvimapError("threads and search_lanes must be at least 1")

    @staticmethod
    def hosts_for(host: str, port: int) -> tuple[str, ...] | None:
        """Host headers to accept when listening on ``host``: on loopback only the loopback names (a page on
        another site cannot reach the app through DNS rebinding); elsewhere any."""
        if host not in ("127.0.0.1", "localhost", "::1"):
            return None
        return ("127.0.0.1", "localhost", "[::1]", f"127.0.0.1:{port}", f"localhost:{port}")


class Connections:
    """One read-only Corpus per worker thread, one writer at a time, and two small caches — reports
    (32 entries) and searches (``config.search_cache`` entries: a page of hits with its total, or a
    query's facet counts) — that forget everything when the store file changes."""

    def __init__(self, config: WebConfig):
        self.config = config
        self._local = threading.local()
        self.write_lock = threading.Lock()
        self._caches: dict[str, tuple[OrderedDict[tuple[Any, ...], Any], int]] = {
            "report": (OrderedDict(), 32), "search": (OrderedDict(), config.search_cache)}
        self._cache_lock = threading.Lock()
        self.search_lanes = threading.Semaphore(config.search_lanes)
        Corpus(config.store, readonly=True).close()  # fail at start, with one line, if the store is unusable

    def read(self) -> Corpus:
        corpus = getattr(self._local, "corpus", None)
        if corpus is None:
            corpus = self._local.corpus = Corpus(self.config.store, settings=self.config.settings, readonly=True)
        return corpus

    def cached(self, key: tuple[Any, ...], make: Callable[[], Any], kind: str = "report",
               keep: Callable[[Any], bool] = lambda value: True) -> Any:
        """``make()``, remembered under ``key`` until the store changes (least recently used go
        first). ``keep(value)`` False: the value is returned but not remembered."""
        cache, size = self._caches[kind]
        if size <= 0:
            return make()
        key = (*key, *file_version(self.config.store))
        with self._cache_lock:
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
        value = make()
        if keep(value):
            with self._cache_lock:
                cache[key] = value
                while len(cache) > size:
                    cache.popitem(last=False)
        return value


SECURITY_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"), (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin")]


class BodyTooLarge(Exception):
    """Raised into the app when a request body grows past its limit while it is read (the 413 is sent)."""


SESSION_COOKIE = "evimap_upload"  # opens the upload form once the token was given on /ingest
REVIEW_SESSION_COOKIE = "evimap_review"  # opens the review page for one reviewer once their token was given
SESSION_SECONDS = 8 * 3600
FORM_BODY = 16 * 1024  # the token form: two short fields
OTHER_BODY = 64 * 1024  # any other request (a review decision is a short JSON body)
_REVIEW_PATH_RE = re.compile(r"^/api/passages/[^/]+/review$")


class WritePolicy:
    """Who may send a body where, and how large it may be — decided from the method, path and headers
    alone, so that a request that may not write is answered before a byte of its body is read.

    ``POST /api/ingest`` needs ``Authorization: Bearer TOKEN``; ``POST /ingest`` (the upload form) needs the
    session cookie that ``POST /ingest/session`` sets when the token is typed into the form; on a read-only
    server all three are refused. Bodies may be ``max_upload_mb`` + 1 MB on the two upload routes,
    16 KB on the token form and 64 KB anywhere else."""

    def __init__(self, config: WebConfig, store: Callable[[], Any] | None = None):
        self.token = config.token
        self.store = store  # the store's reviewers (per-user tokens, stored hashed): they may write reviews only
        self.upload_body = int((config.max_upload_mb + 1) * 1024 * 1024)
        self.upload_limit = f"upload larger than the limit of {config.max_upload_mb:g} MB"
        self.routes = {("POST", "/api/ingest"): "bearer", ("POST", "/ingest"): "session",
                       ("POST", "/ingest/session"): "form", ("POST", "/review"): "session",
                       ("POST", "/review/codebooks"): "session"}

    def token_ok(self, given: str | None) -> bool:
        return bool(self.token and given and hmac.compare_digest(given.encode(), self.token.encode()))

    def session_cookie(self, now: float | None = None) -> str:
        """A cookie value that opens the upload form until it expires: the expiry time signed with the token."""
        expires = int(time.time() if now is None else now) + SESSION_SECONDS
        return f"{expires}.{self._sign(expires)}"

    def session_ok(self, value: str, now: float | None = None) -> bool:
        expires, _, signature = value.partition(".")
        if not (self.token and expires.isdigit() and int(expires) > (time.time() if now is None else now)):
            return False
        return hmac.compare_digest(signature.encode(), self._sign(int(expires)).encode())

    def _sign(self, expires: int) -> str:
        assert self.token
        return hmac.new(self.token.encode(), f"evimap upload session {expires}".encode(), hashlib.sha256).hexdigest()

    # ---- reviewers: their own tokens open review decisions, nothing else ----
    def has_reviewers(self) -> bool:
        return bool(self.store and self.store().has_reviewers())

    def reviewer_of(self, token: str | None) -> str | None:
        """The reviewer whose token this is (not revoked), else None."""
        return self.store().reviewer_for_token(token) if (self.store and token) else None

    def reviewer_cookie(self, name: str, now: float | None = None) -> str:
        """A cookie value that opens the review page for ``name`` until it expires, signed with the hash of their
        token (revoking them ends it)."""
        expires = int(time.time() if now is None else now) + SESSION_SECONDS
        key = self.store().reviewer_key(name) if self.store else None
        assert key
        return f"{name}.{expires}.{self._sign_reviewer(key, name, expires)}"

    def session_reviewer(self, value: str, now: float | None = None) -> str | None:
        """The reviewer a review-session cookie stands for, if it is valid and unexpired."""
        parts = value.rsplit(".", 2)
        if len(parts) != 3 or not parts[1].isdigit() or int(parts[1]) <= (time.time() if now is None else now):
            return None
        name, expires, signature = parts[0], int(parts[1]), parts[2]
        key = self.store().reviewer_key(name) if self.store else None
        if not key or not hmac.compare_digest(signature.encode(), self._sign_reviewer(key, name, expires).encode()):
            return None
        return name

    @staticmethod
    def _sign_reviewer(key: str, name: str, expires: int) -> str:
        return hmac.new(key.encode(), f"evimap review session {name} {expires}".encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def bearer(request: Request) -> str | None:
        auth = request.headers.get("authorization", "")
        return auth[7:].strip() if auth.lower().startswith("bearer ") else None

    def kind(self, scope: dict[str, Any]) -> str | None:
        """How a request that writes must prove it may: "bearer", "session", "form", "review-bearer",
        "review-session", or None (it does not write)."""
        kind = self.routes.get((scope["method"], scope["path"]))
        if kind is None and scope["method"] == "POST" and _REVIEW_PATH_RE.match(scope["path"]):
            return "review-bearer"  # a review decision: the server's token or a reviewer's
        if kind == "session" and scope["path"] in ("/review", "/review/codebooks"):
            return "review-session"  # a reviewer's session opens reviews and codebooks, the server's everything
        return kind

    def refusal(self, scope: dict[str, Any]) -> tuple[int, str] | None:
        """(status, message) if this request may not write, else None; reads only the request line and headers.
        The server's token opens everything; a reviewer's token (``evimap reviewers add``) opens review decisions
        and the token form that starts a review session; without either the server is read-only."""
        kind = self.kind(scope)
        if kind is None:
            return None
        reviews = kind in ("review-bearer", "review-session", "form")
        if not self.token and not (reviews and self.has_reviewers()):
            return 403, ("this server is read-only (start it with --token to allow ingest)" if kind in ("bearer", "session")
                         else "this server is read-only (start it with --token, or add reviewers with `evimap "
                              "reviewers add NAME`, to allow reviews)")
        request = Request(scope)
        if kind in ("bearer", "review-bearer"):
            given = self.bearer(request)
            if not (self.token_ok(given) or (kind == "review-bearer" and self.reviewer_of(given))):
                return 401, "a valid token is needed to change the store (Authorization: Bearer TOKEN)"
        elif kind == "session" and not self.session_ok(request.cookies.get(SESSION_COOKIE, "")):
            return 401, "give the access token on the Add documents page (/ingest) first, then upload"
        elif kind == "review-session" and not (self.session_ok(request.cookies.get(SESSION_COOKIE, ""))
                                               or self.session_reviewer(request.cookies.get(REVIEW_SESSION_COOKIE, ""))):
            return 401, "give your access token on the review page (/review) first"
        return None

    def body_limit(self, scope: dict[str, Any]) -> tuple[int, str]:
        """The largest body this request may send, in bytes, and the message of the 413 beyond it."""
        kind = self.kind(scope)
        if kind in ("bearer", "session"):
            return self.upload_body, self.upload_limit
        limit = FORM_BODY if kind == "form" else OTHER_BODY
        return limit, f"request body larger than the limit of {limit // 1024} KB"


class SecurityMiddleware:
    """Plain ASGI (cheaper than a decorator middleware on every request): security headers on every
    response; a request that may not write (``policy.refusal``) or that announces a body over its limit
    is answered without its body being read; a body that grows past its limit while it is read (no
    Content-Length, or a false one) is cut off there with a 413. ``respond(scope, status, message)``
    builds the refusals (JSON under /api, a page elsewhere)."""

    def __init__(self, app: Any, policy: WritePolicy, respond: Callable[[dict[str, Any], int, str], Response]):
        self.app, self.policy, self.respond = app, policy, respond

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in SECURITY_HEADERS if h[0] not in names)]
            await send(message)

        refused = self.policy.refusal(scope)
        if refused is not None:
            return await self.respond(scope, *refused)(scope, receive, with_headers)
        limit, too_large = self.policy.body_limit(scope)
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            return await self.respond(scope, 413, too_large)(scope, receive, with_headers)

        received = 0
        started = cut_off = False

        async def counted() -> dict[str, Any]:
            nonlocal received, cut_off
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not started and not cut_off:
                        cut_off = True
                        await self.respond(scope, 413, too_large)(scope, receive, with_headers)
                    raise BodyTooLarge(too_large)
            return message

        async def app_send(message: dict[str, Any]) -> None:
            nonlocal started
            if cut_off:
                return  # the 413 has been sent; whatever the app makes of the error is dropped
            started = True
            await with_headers(message)

        try:
            await self.app(scope, counted, app_send)
        except Exception:
            if not cut_off:
                raise


def _safe_name(name: str | None) -> str:
    """The base name of an uploaded file, reduced to safe characters (never used as a path as given)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")[:120]
    return base or "upload"


def create_app(store: str | WebConfig, token: str | None = None, **options: Any) -> FastAPI:
    """The web app over ``store``. Options are WebConfig fields (max_upload_mb, facet_budget_ms …)."""
    config = store if isinstance(store, WebConfig) else WebConfig(store=str(store), token=token, **options)
    conns = Connections(config)
    upload_dir = Path(config.upload_dir or f"{config.store}.uploads")
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        # Few worker threads, each with its own warm SQLite page cache: on a laptop's cores, 40 threads
        # (anyio's default) with 40 cold connections are slower under load than a handful.
        import anyio

        anyio.to_thread.current_default_thread_limiter().total_tokens = config.threads
        yield

    app = FastAPI(title="evimap", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Evidence maps of migration-governance documents: search passages, read documents, "
                              "framework labels, evidence maps, thematic syntheses, actor profiles. Read-only unless "
                              "the server was started with a token; ingest needs `Authorization: Bearer TOKEN`.")
    app.state.config = config

    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["highlight"] = render.highlight
    templates.env.filters["counted"] = counted
    templates.env.filters["short_name"] = render.short_name
    templates.env.globals.update(version=__version__, writable=bool(config.token), facet_titles=render.FACET_TITLES,
                                 with_param=render.with_param, heat_class=render.heat_class)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if config.allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts))

    # ---- errors: JSON under /api, a page elsewhere -------------------------------------------------
    def error_response(request: Request, status: int, message: str) -> Response:
        api = request.url.path.startswith("/api/") or request.url.path == "/openapi.json"
        headers = {"WWW-Authenticate": 'Bearer realm="evimap"'} if api and status == 401 else None
        if api:
            return JSONResponse({"error": message}, status_code=status, headers=headers)
        return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                          status_code=status)

    policy = WritePolicy(config, lambda: conns.read().store)
    app.add_middleware(SecurityMiddleware, policy=policy,
                       respond=lambda scope, status, message: error_response(Request(scope), status, message))

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return error_response(request, 404, str(exc))

    @app.exception_handler(EvimapError)
    async def bad_request(request: Request, exc: EvimapError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(x) for x in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return error_response(request, 422, f"invalid request: {problems}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail))

    # ---- shared helpers --------------------------------------------------------------------------
    def search_params(request: Request) -> dict[str, Any]:
        qp = request.query_params
        out: dict[str, Any] = {k: qp.get(k, "").strip() for k in render.SINGLE_PARAMS}
        out.update({k: [v for v in qp.getlist(k) if v.strip()] for k in render.MULTI_PARAMS})
        return out

    def search_kwargs(p: dict[str, Any]) -> dict[str, Any]:
        kw = {k: p[k] or None for k in render.MULTI_PARAMS}
        kw.update(any_terms=p["any"] or None, year=p["year"] or None, mode=p.get("mode") or "hybrid")
        return kw

    @functools.lru_cache(maxsize=1)
    def frameworks_by_id() -> dict[str, Any]:
        """The built-in frameworks (package data: they do not change with the store), loaded once."""
        from ..map import load_frameworks

        return {fw.id: fw for fw in load_frameworks(list(FRAMEWORKS))}

    def category_title(framework: str, code: str) -> str:
        fw = frameworks_by_id().get(framework)
        if fw is None and framework not in FRAMEWORKS:  # a codebook kept with the store
            fw = next((c for c in conns.cached(("codebooks",), lambda: conns.read().codebooks()) if c.id == framework), None)
        try:
            return fw.category(code).title if fw else code
        except EvimapError:
            return code

    def facet_label(facet: str, value: Any) -> str:
        if facet.startswith("label:"):
            return f"{value} · {category_title(facet.split(':', 1)[1], str(value))}"
        if facet == "country":
            from ..attribute import gazetteer

            return f"{gazetteer().display(str(value))} ({value})"
        return str(value)

    def facet_value(facet: str, value: Any) -> tuple[str, str]:
        """(search parameter, value) that filters on a facet value."""
        if facet.startswith("label:"):
            return "label", f"{facet.split(':', 1)[1]}:{value}"
        return facet, str(value)

    def params_key(p: dict[str, Any]) -> tuple[Any, ...]:
        return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(p.items()))

    def run_search(corpus: Corpus, p: dict[str, Any], page: int, per_page: int) -> dict[str, Any]:
        def make() -> dict[str, Any]:
            kw = search_kwargs(p)
            with conns.search_lanes:
                hits = corpus.search(p["q"] or None, limit=per_page, offset=(page - 1) * per_page, **kw)
                answered = corpus.last_mode
                kw.pop("mode")
                total, exact = corpus.count_estimate(p["q"] or None, **kw)
            return {"hits": hits, "total": total, "exact": exact, "mode": answered}

        return dict(conns.cached(("search", params_key(p), page, per_page), make, kind="search"))

    def run_facets(corpus: Corpus, p: dict[str, Any], names: list[str], limit: int) -> dict[str, Any]:
        """Facet counts; remembered only when every facet finished within the budget."""
        return conns.cached(
            ("facets", params_key(p), tuple(names), limit),
            lambda: corpus.facets(p["q"] or None, names, limit=limit, budget_ms=config.facet_budget_ms,
                                  **search_kwargs(p)),
            kind="search", keep=lambda raw: all(v is not None for v in raw.values()))

    def hit_json(h: Any) -> dict[str, Any]:
        d = h.to_dict()
        d["snippet"] = render.plain_snippet(h.snippet)
        d["snippet_html"] = str(render.highlight(h.snippet))
        return d

    def passage_bundle(corpus: Corpus, passage_id: str) -> dict[str, Any]:
        p = corpus.passage(passage_id)
        doc = corpus.document(p["doc_id"])
        return {"passage": p, "document": doc, "labels": corpus.labels(p["id"]), "citation": cite_passage(p, doc.name),
                "rejected": [lab for lab in corpus.labels(p["id"], assigned_only=False) if lab.get("reviewed") == "reject"],
                "claims": corpus.claims(p["id"]), "mentions": corpus.mentions(p["id"]),
                "neighbours": corpus.neighbours(p["id"]),
                "duplicate_of": corpus.store.passage(p["dup_of"]) if p.get("dup_of") else None}

    def doc_json(d: Any) -> dict[str, Any]:
        return {k: getattr(d, k) for k in ("id", "name", "title", "format", "pages", "language", "year", "n_passages",
                                           "size", "duplicate_of", "duplicate_similarity", "ingested_at", "warnings")}

    def build_map(corpus: Corpus, framework: str, by: str, theme: str | None, level: str | None,
                  weak: float = WEAK_SHARE) -> Any:
        from ..report import coverage_map

        return conns.cached(("map", framework, by, theme, level, weak),
                            lambda: coverage_map(corpus, framework, by=by, theme=theme or None, level=level or None,
                                                 weak=weak))

    def build_synthesis(corpus: Corpus, theme: str, by: str, framework: str | None) -> Any:
        from ..report import synthesis

        return conns.cached(("synthesis", theme, by, framework),
                            lambda: synthesis(corpus, theme, by=by, framework=framework or None))

    def report_download(report: Any, fmt: str, stem: str) -> Response:
        data = report.to_bytes(fmt)
        disposition = "inline" if fmt in ("png", "svg") else "attachment"
        ext = "json" if fmt == "eppi" else fmt
        return Response(data, media_type=REPORT_MEDIA[fmt],
                        headers={"Content-Disposition": f'{disposition}; filename="{stem}.{ext}"'})

    def check_writer(request: Request) -> None:
        """The write policy again, in the handler (the middleware has already answered a refused request)."""
        refused = policy.refusal(request.scope)
        if refused is not None:
            raise StarletteHTTPException(*refused)

    def check_csrf(request: Request, csrf: str) -> str:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie.encode(), csrf.encode()):
            raise StarletteHTTPException(403, "the form has expired or did not come from this site (CSRF check); "
                                              "reload the page and try again")
        return cookie

    async def ingest_uploads(files: list[UploadFile]) -> dict[str, Any]:
        limit = int(config.max_upload_mb * 1024 * 1024)
        saved, rejected = [], []
        upload_dir.mkdir(parents=True, exist_ok=True)
        for f in files:
            name = _safe_name(f.filename)
            suffix = Path(name).suffix.lower()
            if suffix not in UPLOAD_TYPES:
                rejected.append({"file": name, "reason": f"file type {suffix or '(none)'!r} is not accepted "
                                                         f"(accepted: {', '.join(sorted(UPLOAD_TYPES))})"})
                continue
            data = io.BytesIO()
            while chunk := await f.read(1 << 20):
                data.write(chunk)
                if data.tell() > limit:
                    break
            if data.tell() > limit:
                rejected.append({"file": name, "reason": f"larger than the upload limit of {config.max_upload_mb:g} MB"})
                continue
            if data.tell() == 0:
                rejected.append({"file": name, "reason": "empty file"})
                continue
            digest = hashlib.sha256(data.getvalue()).hexdigest()
            target = upload_dir / digest[:16] / name  # our folder, our name: nothing from the request is a path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data.getvalue())
            saved.append(target)
        result: dict[str, Any] = {"files": [{"file": r["file"], "outcome": "refused", "detail": r["reason"]}
                                            for r in rejected], "mapped": {}}
        if saved:
            events: list[dict[str, str]] = []
            with conns.write_lock:
                writer = Corpus(config.store, settings=config.settings)
                try:
                    writer.ingest(saved, workers=1, on_event=lambda kind, path, detail: events.append(
                        {"file": Path(path).name, "outcome": kind, "detail": detail}))
                    result["mapped"] = writer.map_like_before(workers=1)
                finally:
                    writer.close()
            result["files"] += events
        result["ok"] = all(f["outcome"] in ("added", "updated", "skipped", "alias") for f in result["files"])
        return result

    def csrf_token(request: Request) -> str:
        return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)

    # ================================ pages ========================================================
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Response:
        stats = conns.cached(("status",), lambda: conns.read().status())
        return templates.TemplateResponse(request, "home.html", {"stats": stats})

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, page: int = Query(1, ge=1, le=10_000)) -> Response:
        p = search_params(request)
        ctx: dict[str, Any] = {"p": p, "page": page, "facets": {}, "hits": [], "total": 0, "exact": True, "error": None,
                               "per_page": config.per_page}
        if p["q"] or p["any"]:
            corpus = conns.read()
            try:
                ctx.update(run_search(corpus, p, page, config.per_page))
                raw = run_facets(corpus, p, list(render.PAGE_FACETS), 8)
                link = render.facet_link(p)
                ctx["facets"] = {f: None if vals is None else
                                 [(facet_label(f, v), link(*facet_value(f, v)), n) for v, n in vals]
                                 for f, vals in raw.items()}
            except NotFoundError:
                raise
            except EvimapError as exc:
                ctx["error"] = str(exc)
        active = [(k, v, facet_label(f"label:{v.split(':', 1)[0]}", v.split(":", 1)[-1]) if k == "label" else v)
                  for k in render.MULTI_PARAMS for v in p[k]]
        ctx["active"] = active
        ctx["pages"] = max(1, -(-ctx["total"] // config.per_page))
        ctx["base"] = render.query_string(p)
        return templates.TemplateResponse(request, "search.html", ctx, status_code=400 if ctx["error"] else 200)

    @app.get("/passages/{passage_id}", response_class=HTMLResponse, include_in_schema=False)
    def passage_page(request: Request, passage_id: str, actor: str | None = None) -> Response:
        b = passage_bundle(conns.read(), passage_id)
        for lab in b["labels"]:
            lab["title"] = category_title(lab["framework"], lab["code"])
            lab["quotes"] = render.evidence_quotes(lab)
            lab["closest"] = next((ev.get("text") for ev in lab["evidence"] if ev.get("type") == "closest"), None)
            lab["read_in"] = next((ev.get("language") for ev in lab["evidence"] if ev.get("type") == "language"), None)
        # ?actor=MAR (from a profile or a search by actor): that actor's statement highlighted in the passage
        said = next((c for c in b["claims"] if actor and c["actor"].lower() == actor.lower() and c.get("span")), None)
        b["said_actor"] = said["actor"] if said else None
        b["text_html"] = render.mark_span(b["passage"]["text"], [q for lab in b["labels"] for q in lab["quotes"]],
                                          tuple(said["span"]) if said else None,
                                          f"{said['actor']} said" if said else "")
        # claims are reviewed from here (the review session's cookies travel with the POST to /review)
        b["can_review"] = bool(config.token) or policy.has_reviewers()
        b["csrf"] = csrf_token(request)
        b["reviewer"] = request.cookies.get(REVIEWER_COOKIE, "")
        response = templates.TemplateResponse(request, "passage.html", b)
        if b["can_review"]:
            response.set_cookie(CSRF_COOKIE, b["csrf"], httponly=True, samesite="strict")
        return response

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(request: Request, q: str = "", page: int = Query(1, ge=1)) -> Response:
        docs = conns.read().documents()
        if q:
            docs = [d for d in docs if q.lower() in d.name.lower() or q.lower() in (d.title or "").lower()]
        per = 100
        return templates.TemplateResponse(request, "documents.html", {
            "docs": docs[(page - 1) * per: page * per], "total": len(docs), "q": q, "page": page,
            "pages": max(1, -(-len(docs) // per))})

    @app.get("/documents/{doc_ref}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_ref: str, start: int = Query(0, ge=0)) -> Response:
        corpus = conns.read()
        doc = corpus.document(doc_ref)
        passages = corpus.passages(doc.id)
        per = 300
        shown = passages[start:start + per]
        margin: dict[str, list[tuple[str, str, str]]] = {}
        for fw in ("gcm", "themes"):
            if not corpus.store.has_labels(fw):
                continue
            for pid, codes in corpus.store.assigned_codes([p["id"] for p in shown], fw).items():
                margin.setdefault(pid, []).extend((fw, c, category_title(fw, c)) for c in codes[:3])
        all_docs = {d.id: d for d in corpus.documents()}
        copies = [d for d in all_docs.values() if d.duplicate_of == doc.id]
        similar, similar_note = [], None
        if len(all_docs) <= 2000:
            from ..report import similar_documents

            similar = conns.cached(("similar", doc.id), lambda: similar_documents(corpus, doc.id, limit=5))
        else:
            similar_note = f"similar documents are not computed on the fly for {len(all_docs):,} documents"
        sections = corpus.sections(doc.id)
        starts = [p["start"] for p in passages]
        for s in sections:  # each heading links to the first passage at or after it
            i = bisect.bisect_left(starts, s["start"])
            if i < len(passages):
                s["first_passage"], s["first_index"] = passages[i]["id"], i
        return templates.TemplateResponse(request, "document.html", {
            "doc": doc, "passages": shown, "n_passages": len(passages), "start": start, "per": per,
            "sections": sections, "margin": margin, "copies": copies,
            "original": all_docs.get(doc.duplicate_of) if doc.duplicate_of else None,
            "similar": similar, "similar_note": similar_note, "tables": corpus.table_summaries(doc.id)})

    def map_form(request: Request) -> dict[str, Any]:
        from ..report.coverage import GROUP_MEANINGS

        qp = request.query_params
        themes = frameworks_by_id()["themes"]
        try:
            weak = float(qp.get("weak") or WEAK_SHARE)
        except ValueError:
            raise EvimapError(f"weak={qp.get('weak')!r}: give a share such as {WEAK_SHARE:g}") from None
        return {"framework": qp.get("framework", "gcm"), "by": qp.get("by", "document"), "theme": qp.get("theme", ""),
                "level": qp.get("level", ""), "weak": f"{weak:g}", "frameworks": FRAMEWORKS,
                "groups": list(GROUP_MEANINGS.items()),
                "themes": [(f"themes:{c.code}", c.title) for c in themes.categories if "." not in c.code]}

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def map_page(request: Request, columns: int = Query(40, ge=1, le=500)) -> Response:
        form = map_form(request)
        known = list(FRAMEWORKS) + [c.id for c in conns.cached(("codebooks",), lambda: conns.read().codebooks())]
        if form["framework"] not in known:
            raise EvimapError(f"unknown framework {form['framework']!r} (choose from: {', '.join(known)})")
        cmap = build_map(conns.read(), form["framework"], form["by"], form["theme"], form["level"], float(form["weak"]))
        groups = cmap.shown_groups(columns)
        top = max((c.passages for (code, g), c in cmap.cells.items() if code != "*"), default=0)
        return templates.TemplateResponse(request, "map.html", {
            **form, "cmap": cmap, "shown_groups": groups, "hidden_groups": len(cmap.groups) - len(groups),
            "max": top, "legend": render.heat_legend(top), "totals": cmap.totals, "columns": columns,
            "download": render.query_string({k: form[k] for k in ("framework", "by", "theme", "level", "weak")})})

    @app.get("/map/cell", response_class=HTMLResponse, include_in_schema=False)
    def cell_page(request: Request, code: str, group: str | None = None, page: int = Query(1, ge=1)) -> Response:
        form = map_form(request)
        per = config.per_page
        rows = conns.read().cell(form["framework"], code, by=form["by"], group=group or None, theme=form["theme"] or None,
                                 limit=per + 1, offset=(page - 1) * per)
        return templates.TemplateResponse(request, "cell.html", {
            **form, "code": code, "title": category_title(form["framework"], code), "group": group,
            "rows": rows[:per], "more": len(rows) > per, "page": page,
            "back": render.query_string({k: form[k] for k in ("framework", "by", "theme", "level", "weak")})})

    @app.get("/map/download", include_in_schema=False)
    def map_download(request: Request, format: str = "csv") -> Response:  # noqa: A002
        form = map_form(request)
        cmap = build_map(conns.read(), form["framework"], form["by"], form["theme"], form["level"], float(form["weak"]))
        return report_download(cmap, format, f"evidence-map-{form['framework']}-by-{form['by']}")

    def synthesis_form(request: Request) -> dict[str, Any]:
        from ..report.coverage import GROUP_MEANINGS

        qp = request.query_params
        fws = frameworks_by_id()
        choices = [(f"themes:{c.code}", f"Theme · {c.title}") for c in fws["themes"].categories]
        choices += [(f"gcm:{c.code}", f"GCM {c.code} · {c.title}") for c in map_categories(fws["gcm"])]
        return {"theme": qp.get("theme", ""), "by": qp.get("by", "document"), "framework": qp.get("framework", ""),
                "choices": choices, "groups": list(GROUP_MEANINGS)}

    @app.get("/synthesis", response_class=HTMLResponse, include_in_schema=False)
    def synthesis_page(request: Request) -> Response:
        form = synthesis_form(request)
        syn = build_synthesis(conns.read(), form["theme"], form["by"], form["framework"]) if form["theme"] else None
        return templates.TemplateResponse(request, "synthesis.html", {
            **form, "syn": syn,
            "download": render.query_string({k: form[k] for k in ("theme", "by", "framework")})})

    @app.get("/synthesis/download", include_in_schema=False)
    def synthesis_download(request: Request, format: str = "md") -> Response:  # noqa: A002
        form = synthesis_form(request)
        if not form["theme"]:
            raise EvimapError("choose a theme (e.g. theme=data or theme=gcm:17)")
        syn = build_synthesis(conns.read(), form["theme"], form["by"], form["framework"])
        return report_download(syn, format, f"synthesis-{form['theme'].replace(':', '-')}-by-{form['by']}")

    @app.get("/profiles", response_class=HTMLResponse, include_in_schema=False)
    def profiles_page(request: Request, ref: str = "", actor_type: str = "") -> Response:
        if ref.strip():
            return RedirectResponse(f"/profiles/{ref.strip()}", status_code=303)
        from ..attribute import gazetteer

        gaz = gazetteer()
        actors = conns.read().actors(limit=200, actor_type=actor_type or None)
        for a in actors:
            a["name"] = gaz.display(a["actor"])
        return templates.TemplateResponse(request, "profiles.html", {"actors": actors, "actor_type": actor_type})

    @app.get("/profiles/{ref}", response_class=HTMLResponse, include_in_schema=False)
    def profile_page(request: Request, ref: str) -> Response:
        prof = conns.read().profile(ref)
        if not prof["by"]["passages"] and not prof["about"]["passages"]:
            raise NotFoundError(f"nothing in the store is said by or about {ref!r}")
        for lab in prof["labels"]:
            lab["title"] = category_title(lab["framework"], lab["code"])
        return templates.TemplateResponse(request, "profile.html", {"prof": prof})

    @app.get("/status", response_class=HTMLResponse, include_in_schema=False)
    def status_page(request: Request) -> Response:
        return templates.TemplateResponse(request, "status.html", {"stats": conns.read().status(),
                                                                   "store": config.store})

    def ingest_page(request: Request, csrf: str, result: dict[str, Any] | None = None) -> Response:
        unlocked = policy.session_ok(request.cookies.get(SESSION_COOKIE, ""))
        response = templates.TemplateResponse(request, "ingest.html", {
            "csrf": csrf, "result": result, "unlocked": unlocked, "max_mb": config.max_upload_mb,
            "types": sorted(UPLOAD_TYPES), "session_hours": SESSION_SECONDS // 3600})
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        return response

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_form(request: Request) -> Response:
        return ingest_page(request, csrf_token(request))

    @app.post("/ingest/session", include_in_schema=False)
    async def ingest_session(request: Request, token: str = Form(""), csrf: str = Form("")) -> Response:
        """The token typed into the form: checked once, then a signed cookie opens the upload form (whose
        body is only read once that cookie is found)."""
        check_csrf(request, csrf)
        check_writer(request)
        reviewer = None if policy.token_ok(token) else policy.reviewer_of(token)
        after = request.query_params.get("next")
        if reviewer:  # a reviewer's token: the review page (and codebooks) open for them, nothing else
            response = RedirectResponse("/review/codebooks" if after == "codebooks" else "/review", status_code=303)
            response.set_cookie(REVIEW_SESSION_COOKIE, policy.reviewer_cookie(reviewer), max_age=SESSION_SECONDS,
                                path="/review", httponly=True, samesite="strict")
            return response
        if not policy.token_ok(token):
            raise StarletteHTTPException(401, "a valid token is needed to change the store")
        response = RedirectResponse("/ingest", status_code=303)
        session = policy.session_cookie()
        for path in ("/ingest", "/review"):  # the upload form and the review page, nothing else
            response.set_cookie(SESSION_COOKIE, session, max_age=SESSION_SECONDS, path=path, httponly=True,
                                samesite="strict")
        if after in ("review", "codebooks"):
            response.headers["location"] = "/review" if after == "review" else "/review/codebooks"
        return response

    @app.get("/review", response_class=HTMLResponse, include_in_schema=False)
    def review_page(request: Request, framework: str = "gcm", skip: list[str] = Query([])) -> Response:
        """The review queue, one label at a time: accept (a), reject (r) or next (n) from the keyboard."""
        csrf = csrf_token(request)
        signed_in = policy.session_reviewer(request.cookies.get(REVIEW_SESSION_COOKIE, ""))
        unlocked = bool(signed_in) or (bool(config.token) and policy.session_ok(request.cookies.get(SESSION_COOKIE, "")))
        item, left = None, 0
        if unlocked:
            skipped = set(skip[-50:])
            queue = [r for r in conns.read().review_queue(framework, 60)
                     if f"{r['passage_id']}:{r['code']}" not in skipped]
            left = len(queue)
            if queue:
                item = queue[0]
                item["title"] = category_title(item["framework"], item["code"])
        response = templates.TemplateResponse(request, "review.html", {
            "csrf": csrf, "unlocked": unlocked, "writable": bool(config.token) or policy.has_reviewers(), "item": item,
            "left": left, "framework": framework, "skip": skip[-50:], "signed_in": signed_in,
            "reviewer": signed_in or request.cookies.get(REVIEWER_COOKIE, ""),
            "frameworks": list(FRAMEWORKS) + [c.id for c in conns.cached(("codebooks",), lambda: conns.read().codebooks())]})
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        return response

    @app.post("/review", include_in_schema=False)
    async def review_submit(request: Request, passage_id: str = Form(...), label: str = Form(""),
                            decision: str = Form(...), reviewer: str = Form(""), reason: str = Form(""),
                            framework: str = Form("gcm"), skip: list[str] = Form([]), csrf: str = Form(""),
                            next: str = Form(""), actor: str = Form("")) -> Response:  # noqa: A002
        """One decision from the review page, or on a claim from a passage page (``next``: back to it; ``actor``: the
        claim added); the session cookie was checked before the body was read."""
        check_csrf(request, csrf)
        if actor and not label:
            label = f"actor:{actor.strip()}"
        signed_in = policy.session_reviewer(request.cookies.get(REVIEW_SESSION_COOKIE, ""))
        if signed_in:
            reviewer = signed_in  # a reviewer's session: the trail names them, whatever the form says
        skipped = list(skip)
        if decision == "next":
            skipped.append(f"{passage_id}:{label.partition(':')[2]}")
        else:
            def decide() -> dict[str, Any]:
                with conns.write_lock:
                    writer = Corpus(config.store, settings=config.settings)
                    try:
                        return writer.review(passage_id, label, decision, reviewer=reviewer or None,
                                             reason=reason or None)
                    finally:
                        writer.close()

            import anyio

            await anyio.to_thread.run_sync(decide)
        from urllib.parse import urlencode

        back = next if re.fullmatch(r"/passages/[\w-]+", next or "") else None  # only a passage page of this site
        response = RedirectResponse(back or "/review?" + urlencode([("framework", framework)]
                                                                   + [("skip", x) for x in skipped[-50:]]), status_code=303)
        if reviewer and not signed_in:
            response.set_cookie(REVIEWER_COOKIE, reviewer, max_age=SESSION_SECONDS, httponly=True, samesite="strict")
        return response

    def codebooks_page(request: Request, form: dict[str, Any] | None = None, error: str | None = None,
                       saved: str | None = None, status: int = 200) -> Response:
        csrf = csrf_token(request)
        signed_in = policy.session_reviewer(request.cookies.get(REVIEW_SESSION_COOKIE, ""))
        unlocked = bool(signed_in) or (bool(config.token) and policy.session_ok(request.cookies.get(SESSION_COOKIE, "")))
        reader = conns.read()
        books = [{"id": fw.id, "name": fw.name, "codes": len(fw.categories), "labelled": reader.store.count_labelled(fw.id)}
                 for fw in reader.codebooks()]
        if form is None:
            edit = request.query_params.get("edit", "")
            fw = next((c for c in reader.codebooks() if c.id == edit), None)
            form = {"id": fw.id, "name": fw.name, "threshold": fw.threshold, "rows": [
                {"code": c.code, "title": c.title, "description": c.description or "", "examples": "\n".join(c.examples)}
                for c in fw.categories]} if fw else {"id": "", "name": "", "threshold": 0.3, "rows": []}
        blank = {"code": "", "title": "", "description": "", "examples": ""}
        try:
            more = max(0, min(50, int(request.query_params.get("rows", "3"))))
        except ValueError:
            more = 3
        form = {**form, "rows": list(form["rows"]) + [dict(blank) for _ in range(more)]}
        response = templates.TemplateResponse(request, "codebooks.html", {
            "csrf": csrf, "unlocked": unlocked, "writable": bool(config.token) or policy.has_reviewers(),
            "books": books, "form": form, "error": error, "saved": saved, "signed_in": signed_in}, status_code=status)
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
        return response

    @app.get("/review/codebooks", response_class=HTMLResponse, include_in_schema=False)
    def codebooks_form(request: Request, saved: str = "") -> Response:
        """The store's own codebooks, and a form to make or change one (codes, titles, descriptions, examples)."""
        return codebooks_page(request, saved=saved or None)

    @app.post("/review/codebooks", include_in_schema=False)
    async def codebooks_submit(request: Request, id: str = Form(""), name: str = Form(""),  # noqa: A002
                               threshold: str = Form("0.3"), code: list[str] = Form([]), title: list[str] = Form([]),
                               description: list[str] = Form([]), examples: list[str] = Form([]),
                               csrf: str = Form("")) -> Response:
        """A codebook from the form: validated like a framework file, kept with the store, and the store mapped with
        it (as ``evimap map --framework ID``); its problems come back on the form, with what was typed."""
        check_csrf(request, csrf)
        rows = [{"code": c.strip(), "title": t.strip(), "description": d.strip(), "examples": e.strip()}
                for c, t, d, e in itertools.zip_longest(code, title, description, examples, fillvalue="")]
        rows = [r for r in rows if any(r.values())]
        form = {"id": id.strip(), "name": name.strip(), "threshold": threshold.strip(), "rows": rows}
        try:
            value = float(threshold)
        except ValueError:
            return codebooks_page(request, form, f"threshold {threshold!r} is not a number between 0 and 1", status=400)
        doc: dict[str, Any] = {"id": form["id"], "name": form["name"], "threshold": value, "categories": [
            {"code": r["code"], "title": r["title"],
             **({"description": r["description"]} if r["description"] else {}),
             **({"examples": [x.strip() for x in r["examples"].splitlines() if x.strip()]} if r["examples"] else {})}
            for r in rows]}
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)

        def save() -> int:
            with conns.write_lock:
                writer = Corpus(config.store, settings=config.settings)
                try:
                    fw = writer.save_codebook(text)
                    return writer.map([fw.id], workers=1).get(fw.id, 0)
                finally:
                    writer.close()

        import anyio

        try:
            scored = await anyio.to_thread.run_sync(save)
        except EvimapError as exc:
            return codebooks_page(request, form, str(exc), status=400)
        from urllib.parse import urlencode

        return RedirectResponse("/review/codebooks?" + urlencode({"saved": f"{form['id']}:{scored}"}), status_code=303)

    @app.post("/ingest", response_class=HTMLResponse, include_in_schema=False)
    async def ingest_submit(request: Request, files: list[UploadFile] = File(...), csrf: str = Form("")) -> Response:
        cookie = check_csrf(request, csrf)
        check_writer(request)
        return ingest_page(request, cookie, await ingest_uploads(files))

    # ================================ JSON API =====================================================
    @app.get("/api/search", tags=["search"])
    def api_search(request: Request, q: str = "", any: str = "", year: str = "",  # noqa: A002
                   label: list[str] = Query([]), actor: list[str] = Query([]), actor_type: list[str] = Query([]),
                   country: list[str] = Query([]), region: list[str] = Query([]), document: list[str] = Query([]),
                   language: list[str] = Query([]), format: list[str] = Query([]),  # noqa: A002
                   kind: list[str] = Query([]), event: list[str] = Query([]),
                   page: int = Query(1, ge=1, le=10_000), per_page: int = Query(20, ge=1, le=200),
                   facets: str = Query("", description="comma-separated: language, year, format, document, actor, "
                                                       "actor_type, country, region, label:gcm …"),
                   mode: str = Query("hybrid", description="hybrid (words and meaning fused), lexical (BM25) or "
                                                           "semantic (meaning)")) -> Any:
        """Search (FTS5 syntax: phrases, OR/AND/NOT, NEAR, prefix*), ranked by words and meaning (``mode``), with
        the facets as filters; ``total`` counts the passages that hold the words."""
        p = search_params(request)
        if not (p["q"] or p["any"]):
            raise EvimapError("give q (search words) or any (a comma-separated keyword family)")
        corpus = conns.read()
        res = run_search(corpus, p, page, per_page)
        out: dict[str, Any] = {"query": p["q"], "any": p["any"], "mode": res["mode"], "total": res["total"],
                               "total_exact": res["exact"],
                               "page": page, "per_page": per_page, "hits": [hit_json(h) for h in res["hits"]]}
        if facets.strip():
            names = [f.strip() for f in facets.split(",") if f.strip()]
            raw = run_facets(corpus, p, names, 10)
            out["facets"] = {f: None if v is None else [{"value": x, "passages": n} for x, n in v] for f, v in raw.items()}
        return JSONResponse(out)

    @app.post("/api/passages/{passage_id}/review", tags=["review"])
    async def api_review(request: Request, passage_id: str) -> Any:
        """Accept, reject, add or undo a label of a passage (needs ``Authorization: Bearer TOKEN``: the server's
        token, or a reviewer's from ``evimap reviewers add``, in which case the trail names that reviewer). Body:
        ``{"label": "gcm:23", "decision": "reject", "reviewer": "ana", "reason": "…"}``; answers the trail entry.
        The decision holds over the machine's label everywhere and through re-mapping (README: Reviewing labels)."""
        signed_in = policy.reviewer_of(policy.bearer(request))
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            raise EvimapError("the body must be JSON: {\"label\": \"gcm:23\", \"decision\": \"reject\", \"reviewer\": \"ana\"}") from None
        if not isinstance(body, dict) or not body.get("label") or not body.get("decision"):
            raise EvimapError("give label (FRAMEWORK:CODE) and decision (accept, reject, add or undo)")
        def decide() -> dict[str, Any]:
            with conns.write_lock:
                writer = Corpus(config.store, settings=config.settings)
                try:
                    return writer.review(passage_id, str(body["label"]), str(body["decision"]),
                                         reviewer=signed_in or str(body.get("reviewer") or "") or None,
                                         reason=body.get("reason"))
                finally:
                    writer.close()

        import anyio

        return JSONResponse(await anyio.to_thread.run_sync(decide))

    @app.get("/api/passages/{passage_id}", tags=["passages"])
    def api_passage(passage_id: str) -> dict[str, Any]:
        """A passage with provenance, labels, who said it, countries named and its neighbours."""
        b = passage_bundle(conns.read(), passage_id)
        b["document"] = doc_json(b["document"])
        return b

    @app.get("/api/passages/{passage_id}/labels", tags=["labels"])
    def api_labels(passage_id: str, framework: str | None = None, all: bool = False) -> list[dict[str, Any]]:  # noqa: A002
        """Stored labels of a passage (assigned only unless all=true), best first per framework."""
        corpus = conns.read()
        return corpus.labels(corpus.passage(passage_id)["id"], framework, assigned_only=not all)

    @app.get("/api/documents", tags=["documents"])
    def api_documents() -> list[dict[str, Any]]:
        """Every document with its metadata."""
        return [doc_json(d) for d in conns.read().documents()]

    @app.get("/api/documents/{doc_ref}", tags=["documents"])
    def api_document(doc_ref: str, passages: bool = False) -> dict[str, Any]:
        """A document (by id, id prefix or file name): metadata, sections, tables (passages with passages=true)."""
        corpus = conns.read()
        doc = corpus.document(doc_ref)
        out = {**doc_json(doc), "sections": corpus.sections(doc.id), "tables": corpus.table_summaries(doc.id)}
        if passages:
            out["passages"] = corpus.passages(doc.id)
        return out

    @app.get("/api/documents/{doc_ref}/similar", tags=["documents"])
    def api_similar(doc_ref: str, limit: int = Query(10, ge=1, le=100)) -> list[dict[str, Any]]:
        """The most similar documents (document embeddings; near-duplicates by shared text)."""
        from ..report import similar_documents

        corpus = conns.read()
        doc = corpus.document(doc_ref)
        return conns.cached(("similar-api", doc.id, limit), lambda: similar_documents(corpus, doc.id, limit=limit))

    @app.get("/api/frameworks", tags=["labels"])
    def api_frameworks() -> list[dict[str, Any]]:
        """The frameworks passages are mapped to, with their categories."""
        return [{"id": fw.id, "name": fw.name, "version": fw.version, "levels": fw.levels,
                 "categories": [{"code": c.code, "title": c.title, "level": fw.level_of(c), "parent": c.parent,
                                 "facet": c.facet} for c in fw.categories]} for fw in frameworks_by_id().values()]

    @app.get("/api/maps", tags=["reports"])
    def api_map(framework: str = "gcm", by: str = "document", theme: str = "", level: str = "",
                weak: float = WEAK_SHARE) -> Any:
        """An evidence map: categories × groups with passage/document counts, gaps (a category with fewer passages
        than ``weak`` × the median category's is weak evidence), passages behind each cell."""
        cmap = build_map(conns.read(), framework, by, theme, level, weak)
        return Response(cmap.to_json(), media_type="application/json")

    @app.get("/api/maps/cell", tags=["reports"])
    def api_cell(code: str, framework: str = "gcm", by: str = "document", group: str | None = None, theme: str = "",
                 page: int = Query(1, ge=1), per_page: int = Query(20, ge=1, le=200)) -> list[dict[str, Any]]:
        """The passages behind one evidence-map cell (framework category × group), best first."""
        return conns.read().cell(framework, code, by=by, group=group, theme=theme or None, limit=per_page,
                                 offset=(page - 1) * per_page)

    @app.get("/api/reports/synthesis", tags=["reports"])
    def api_synthesis(theme: str, by: str = "document", framework: str = "") -> Any:
        """A thematic synthesis: verbatim quotes with citations by group, and recurring recommendations."""
        return Response(build_synthesis(conns.read(), theme, by, framework).to_json(), media_type="application/json")

    @app.get("/api/actors", tags=["actors"])
    def api_actors(actor_type: str = "", limit: int = Query(50, ge=1, le=1000)) -> list[dict[str, Any]]:
        """Actors with the number of passages and documents attributed to them."""
        return conns.read().actors(limit=limit, actor_type=actor_type or None)

    @app.get("/api/profiles/{ref}", tags=["actors"])
    def api_profile(ref: str) -> dict[str, Any]:
        """What the store says by and about a country (ISO3 or name) or an organisation."""
        return conns.read().profile(ref)

    @app.get("/api/status", tags=["store"])
    def api_status() -> dict[str, Any]:
        """Counts, formats, languages, near-duplicates and failed files of the store."""
        return {**conns.read().status(), "writable": bool(config.token), "evimap_version": __version__}

    @app.post("/api/ingest", tags=["store"])
    async def api_ingest(request: Request, files: list[UploadFile] = File(...)) -> dict[str, Any]:
        """Upload documents to ingest (then map, if the store is mapped). Needs `Authorization: Bearer TOKEN`."""
        check_writer(request)
        return await ingest_uploads(files)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        return {"ok": True, "time": time.time()}

    return app


def app_from_env() -> FastAPI:
    """The app ``evimap serve`` starts in each server process (its options travel in EVIMAP_WEB_CONFIG)."""
    import json

    options = json.loads(os.environ["EVIMAP_WEB_CONFIG"])
    processes = options.pop("processes", 1)
    hosts = options.pop("allowed_hosts", None)
    app = create_app(WebConfig(**options, allowed_hosts=tuple(hosts) if hosts else None))
    if processes <= 1:
        return app
    from .pool import RequestPool

    # the pool processes build the same app without a pool of their own
    return RequestPool(app, processes, json.dumps({**options, "allowed_hosts": hosts, "processes": 1}),
                       local=lambda path: path.startswith("/static/") or path == "/healthz")
