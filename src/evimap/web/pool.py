"""Reading requests answered by a pool of server processes, one request at a time each.

`evimap serve --workers N` runs one front process that speaks HTTP and N processes that answer read
requests (GET and HEAD). The front hands each request, as a plain ASGI scope, to whichever pool
process is free; that process runs the same app on it and sends back status, headers and body. Writes
(uploads) are answered by the front itself, under its one writing connection.

Why not N uvicorn workers: they share the listening socket, and whichever process wakes first
accepts every waiting connection. Keep-alive clients that connect together pile onto one process —
19 of 20 connections in one process and 1 in the other during benchmarks/web_load.py (``ss -tnp``),
the second core idle. With ``SO_REUSEPORT`` the kernel spreads connections at random (14 and 6 in a
trial), which still leaves one process with most of the work for as long as the connections live.
A shared queue of requests keeps every process busy whatever the connections do.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import struct
from typing import Any, Callable

_SCOPE_KEYS = ("type", "http_version", "method", "scheme", "path", "raw_path", "root_path", "query_string",
               "headers", "client", "server")


def _serve(conn: Any, env: str) -> None:
    """A pool process: build the app from the front's options, then answer requests from the front one at
    a time until the pipe closes. One event loop and one task run for the process's whole life: the app's
    worker threads (anyio's) live as long as the task that started them, and each thread keeps its own
    SQLite connection and caches — a task per request would start fresh threads and connections each time."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole process group: the front stops us
    os.environ["EVIMAP_WEB_CONFIG"] = env
    from .app import app_from_env

    _inline_threads()
    asyncio.run(_main(app_from_env(), conn))


def _inline_threads() -> None:
    """A pool process answers one request at a time, so the app's blocking endpoints run on the event loop's
    own thread instead of being handed to a worker thread and back (Starlette and FastAPI call
    ``anyio.to_thread.run_sync`` for them): one SQLite connection with warm caches, no thread switches."""
    import anyio.to_thread

    async def run_sync(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]


async def _main(app: Any, conn: Any) -> None:
    loop = asyncio.get_running_loop()
    await _lifespan(app)
    conn.send_bytes(b"ready")
    fd = conn.fileno()
    while True:
        try:
            scope = pickle.loads(await _read(loop, fd))
        except EOFError:
            return
        answer = await _call(app, scope)
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            os.set_blocking(fd, True)  # a long answer fills the pipe: wait for the front to read
            conn.send_bytes(data)
        except OSError:
            return


async def _read(loop: asyncio.AbstractEventLoop, fd: int) -> bytes:
    """One message in multiprocessing's framing (a 4-byte big-endian length, then the bytes) from a pipe the
    event loop watches (and so may have made non-blocking)."""
    done: asyncio.Future[bytes] = loop.create_future()
    buf = bytearray()

    def readable() -> None:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError as exc:
            loop.remove_reader(fd)
            done.set_exception(EOFError(str(exc)))
            return
        if not chunk:
            loop.remove_reader(fd)
            done.set_exception(EOFError("the pipe was closed"))
            return
        buf.extend(chunk)
        if len(buf) >= 4 and len(buf) >= 4 + struct.unpack("!i", buf[:4])[0]:
            loop.remove_reader(fd)
            done.set_result(bytes(buf[4:]))

    loop.add_reader(fd, readable)
    try:
        return await done
    finally:
        loop.remove_reader(fd)


async def _lifespan(app: Any) -> None:
    """Run the app's start-up (the first half of its lifespan), as a server would."""
    started = asyncio.Event()
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "lifespan.startup"}
        await asyncio.Event().wait()  # shutdown never comes: the process ends with its pipe
        return {}

    async def send(message: dict[str, Any]) -> None:
        if message["type"].startswith("lifespan.startup"):
            started.set()

    _TASKS.append(asyncio.ensure_future(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                                            receive, send)))
    await started.wait()


_TASKS: list[Any] = []  # the lifespan task, kept referenced


async def _call(app: Any, scope: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Run the app on one bodiless request; its status, headers and body."""
    status, headers, body = 500, [], []
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # a disconnect never comes: the front has the client
        return {}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    try:
        await app({**scope, "asgi": {"version": "3.0", "spec_version": "2.3"}, "state": {}}, receive, send)
    except Exception:  # the app's error middleware has sent its 500 and raises again for the server to log
        if not headers:
            return _plain(500, b"internal server error")
    return status, headers, b"".join(body)


def _plain(status: int, text: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    from .app import SECURITY_HEADERS

    return status, [(b"content-type", b"text/plain; charset=utf-8"), *SECURITY_HEADERS], text


class _Worker:
    def __init__(self, env: str):
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(child, env), daemon=True)
        self.proc.start()
        child.close()
        self.conn.recv_bytes()  # "ready": the app is built and the store open

    def stop(self) -> None:
        self.conn.close()
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(5)


class RequestPool:
    """ASGI middleware in the front process: GET and HEAD requests to the pool, the rest to ``app``.

    Requests wait in one queue for the next free process; each process answers one at a time. The front
    never blocks on a process: it reads answers when their pipe is readable."""

    def __init__(self, app: Any, processes: int, env: str, local: Callable[[str], bool] = lambda path: False):
        self.app, self.local, self.env, self.processes = app, local, env, processes
        self.workers: list[_Worker] = []
        self.idle: asyncio.Queue[_Worker] | None = None

    async def _started(self) -> asyncio.Queue[_Worker]:
        if self.idle is None:
            self.idle = asyncio.Queue()
            loop = asyncio.get_running_loop()
            # started side by side; each takes a second or two to import and open the store
            self.workers = list(await asyncio.gather(*(loop.run_in_executor(None, _Worker, self.env)
                                                        for _ in range(self.processes))))
            for w in self.workers:
                self.idle.put_nowait(w)
        return self.idle

    async def _ask(self, scope: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        idle = await self._started()
        worker = await idle.get()
        loop = asyncio.get_running_loop()
        fd = worker.conn.fileno()
        try:
            os.set_blocking(fd, True)  # the worker is idle and reading: a request never waits here
            worker.conn.send_bytes(pickle.dumps(scope, protocol=pickle.HIGHEST_PROTOCOL))
            answer = pickle.loads(await _read(loop, fd))
        except asyncio.CancelledError:
            # the request was given up: the process finishes its answer, which is read and dropped before the
            # process takes another request
            asyncio.ensure_future(self._drain(worker, idle))
            raise
        except (EOFError, OSError):
            await self._replace(worker, idle)  # the process died: another takes its place
            raise
        idle.put_nowait(worker)
        return answer

    async def _replace(self, worker: _Worker, idle: asyncio.Queue[_Worker]) -> None:
        self.workers.remove(worker)
        worker.stop()
        worker = await asyncio.get_running_loop().run_in_executor(None, _Worker, self.env)
        self.workers.append(worker)
        idle.put_nowait(worker)

    async def _drain(self, worker: _Worker, idle: asyncio.Queue[_Worker]) -> None:
        try:
            await _read(asyncio.get_running_loop(), worker.conn.fileno())
        except (EOFError, OSError):
            await self._replace(worker, idle)
            return
        idle.put_nowait(worker)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            return await self._lifespan(scope, receive, send)
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or self.local(scope["path"]):
            return await self.app(scope, receive, send)
        plain = {k: scope[k] for k in _SCOPE_KEYS if k in scope}
        plain["headers"] = [(bytes(k), bytes(v)) for k, v in scope["headers"]]
        try:
            status, headers, body = await self._ask(plain)
        except (EOFError, OSError):
            status, headers, body = _plain(503, b"the server process answering this request stopped; try again")
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _lifespan(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def receive_and_stop() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self._started()
            elif message["type"] == "lifespan.shutdown":
                for w in self.workers:
                    w.stop()
            return message

        await self.app(scope, receive_and_stop, send)
