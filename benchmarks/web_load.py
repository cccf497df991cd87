"""Load benchmark of the web app (issue 6): N concurrent clients searching a store over loopback.

Starts `evimap serve` on the store, warms it with one pass of the query mix, then runs closed-loop
clients (each sends its next request as soon as the previous answer arrives, keep-alive HTTP/1.1)
for a fixed time per scenario, and reports p50/p95/p99/max latency, throughput and errors.
The load generator is asyncio on raw sockets, so it costs little CPU next to the server on the same
machine. Queries are the 220 of ingest_search.py (words, phrases, OR families, NEAR, prefixes).

    python benchmarks/web_load.py --store /path/to/ungdc.db [--clients 20] [--seconds 30] [--workers 2]

Target (issue 6): p95 ≤ 100 ms with 20 clients on the full UNGDC store, zero errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from ingest_search import make_queries  # noqa: E402

RESULTS = Path(__file__).parent / "RESULTS.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: str, port: int, workers: int, search_cache: int = 2048) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "evimap.cli", "serve", "--store", store, "--port", str(port),
                             "--workers", str(workers), "--search-cache", str(search_cache)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start: " + proc.stderr.read().decode()[-800:])


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: */*\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    else:  # chunked
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


class Mix:
    """The requests of a scenario. ``new_share`` of them are asked for the first time (so the server
    cannot have cached them): a query of the mix narrowed to one year (1946–2024) not asked before —
    what a click on a year facet sends."""

    def __init__(self, paths: list[str], new_share: float = 0.0):
        self.paths, self.new_share = paths, new_share
        self.used: set[str] = set()
        self.asked = self.first_time = 0

    def pick(self, rng: random.Random) -> str:
        path = rng.choice(self.paths)
        if self.new_share and rng.random() < self.new_share:
            for _ in range(50):
                candidate = f"{rng.choice(self.paths)}&year={rng.randint(1946, 2024)}"
                if candidate not in self.used:
                    path = candidate
                    break
        self.asked += 1
        if path not in self.used:
            self.used.add(path)
            self.first_time += 1
        return path


async def client(port: int, mix: Mix, until: float, lat: list[float], errors: list[str], seed: int) -> None:
    rng = random.Random(seed)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            path = mix.pick(rng)
            t = time.perf_counter()
            try:
                status = await fetch(reader, writer, port, path)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                errors.append(f"{type(exc).__name__} on {path}")
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            lat.append(time.perf_counter() - t)
            if status != 200:
                errors.append(f"HTTP {status} on {path}")
    finally:
        writer.close()


async def run_load(port: int, mix: Mix, clients: int, seconds: float) -> dict:
    lat: list[float] = []
    errors: list[str] = []
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(client(port, mix, until, lat, errors, i) for i in range(clients)))
    wall = time.perf_counter() - started
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")  # noqa: E731
    return {"requests": len(lat), "errors": len(errors), "error_examples": errors[:5], "rps": len(lat) / wall,
            "p50": q(0.50), "p95": q(0.95), "p99": q(0.99), "max": lat[-1] * 1000 if lat else float("nan"),
            "mean": statistics.fmean(lat) * 1000 if lat else float("nan"),
            "first_time": mix.first_time / max(1, mix.asked)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", default="1,2", help="server processes to try, comma-separated")
    ap.add_argument("--scenarios", default="api,api-half-new,page,page-half-new",
                    help="api (JSON search), api-facets, page (HTML with facets); '-half-new': half the requests "
                         "asked for the first time")
    ap.add_argument("--cache", default="off,on", help="server search cache: off (--search-cache 0), on (default size)")
    ap.add_argument("--no-write", action="store_true", help="print only; do not append to RESULTS.md")
    args = ap.parse_args()

    queries = make_queries(220)
    scenarios = {
        "api": [f"/api/search?q={urllib.parse.quote(q)}&per_page=10" for q in queries],
        "api-facets": [f"/api/search?q={urllib.parse.quote(q)}&per_page=10&facets=language,year,actor_type"
                       for q in queries],
        "page": [f"/search?q={urllib.parse.quote(q)}" for q in queries],
    }
    import evimap

    with evimap.open(args.store, readonly=True) as c:
        st = c.status()
    rows = []
    for workers in [int(w) for w in args.workers.split(",")]:
        for cache in args.cache.split(","):
            port = free_port()
            proc = start_server(args.store, port, workers, search_cache=2048 if cache == "on" else 0)
            try:
                for name in args.scenarios.split(","):
                    base, _, half = name.partition("-half-")
                    if half and cache == "off":
                        continue  # without a cache every request is answered afresh anyway
                    paths = scenarios[base]
                    for p in paths:  # warm: every query once (page cache, FTS pages; fills the cache if on)
                        urllib.request.urlopen(f"http://127.0.0.1:{port}{p}", timeout=60).read()
                    res = asyncio.run(run_load(port, Mix(paths, 0.5 if half else 0.0), args.clients, args.seconds))
                    res.update(workers=workers, scenario=name, cache=cache)
                    rows.append(res)
                    print(json.dumps(res))
            finally:
                proc.terminate()
                proc.wait(20)

    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"{platform.system()}")
    lines = [f"\n## web_load.py — {time.strftime('%Y-%m-%d')}\n",
             f"Machine: {machine}. Store: {Path(args.store).name} ({st['documents']:,} documents, "
             f"{st['passages']:,} passages). {args.clients} closed-loop keep-alive clients on loopback, "
             f"{args.seconds:g} s per scenario after one warm-up pass; 220 queries of ingest_search.py, picked at random. "
             "Load generator (asyncio, raw sockets) on the same machine as the server.\n",
             "| scenario | search cache | server processes | requests | first-time requests | req/s | p50 ms | p95 ms | "
             "p99 ms | max ms | errors |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['scenario']} | {r['cache']} | {r['workers']} | {r['requests']:,} | {r['first_time']:.0%} | "
                     f"{r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['max']:.0f} | "
                     f"{r['errors']} |")
    lines.append("\nScenarios: `api` = `/api/search?q=…&per_page=10` (JSON); `api-facets` = the same with language, "
                 "year and actor-type counts; `page` = the HTML search page, which also counts eight facets within "
                 "its 300 ms facet budget. `-half-new`: half the requests are asked for the first time (a query of "
                 "the mix narrowed to a year, as a year-facet click does), so a cache cannot answer them. With the cache on, the "
                 "warm-up pass has already put every query of the mix in it: the other half are cache hits.\n")
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
