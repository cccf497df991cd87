"""A live server keeps answering, and answers what is committed, while other processes ingest and map."""

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

EVIMAP = [str(Path(sys.executable).with_name("evimap"))]


def _docs(folder: Path, n: int, word: str) -> None:
    folder.mkdir()
    for i in range(n):
        body = "\n\n".join(
            f"{k}. The delegation of country {i} raised {word} in point {k}: migration data, remittance costs "
            f"and return programmes in region {i % 5}, with figure {i * 100 + k}." for k in range(1, 30))
        (folder / f"{word}-{i:03d}.txt").write_text(body, encoding="utf-8")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def test_server_answers_without_errors_during_and_after_an_ingest_and_a_map(tmp_path):
    store = str(tmp_path / "s.db")
    _docs(tmp_path / "first", 30, "alpha")
    _docs(tmp_path / "second", 60, "omega")
    subprocess.run([*EVIMAP, "ingest", str(tmp_path / "first"), "--store", store, "--quiet"], check=True)
    port = _port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*EVIMAP, "serve", "--store", store, "--port", str(port), "--workers", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(200):
            try:
                _get(f"{base}/api/status")
                break
            except (OSError, ValueError):
                time.sleep(0.1)
        errors: Counter = Counter()
        answered = [0]
        stop = threading.Event()

        def client(i: int) -> None:
            paths = ["/api/search?q=migration", "/search?q=remittance", "/api/search?q=alpha&facets=language",
                     "/api/status", "/api/search?q=omega"]
            k = i
            while not stop.is_set():
                k += 1
                try:
                    with urllib.request.urlopen(base + paths[k % len(paths)], timeout=30) as r:
                        r.read()
                    answered[0] += 1
                except urllib.error.HTTPError as exc:
                    errors[f"{exc.code} {exc.read()[:100]!r}"] += 1
                except OSError as exc:
                    errors[type(exc).__name__] += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        assert _get(f"{base}/api/search?q=omega")["total"] == 0
        subprocess.run([*EVIMAP, "ingest", str(tmp_path / "second"), "--store", store, "--quiet", "-j", "2"],
                       check=True)
        subprocess.run([*EVIMAP, "map", "--store", store, "-F", "themes"], check=True, stdout=subprocess.DEVNULL)
        during = answered[0]
        time.sleep(2)
        stop.set()
        for t in threads:
            t.join()
        assert not errors, dict(errors)
        assert during > 50 and answered[0] > during
        # after the writers are done the server answers the committed state, not a cached one
        import evimap

        with evimap.open(store, readonly=True) as fresh:
            expected = fresh.count_estimate("omega")[0]
        assert expected > 1000
        assert _get(f"{base}/api/search?q=omega")["total"] == expected
        assert _get(f"{base}/api/status")["documents"] == 90
    finally:
        server.terminate()
        server.wait(timeout=30)
