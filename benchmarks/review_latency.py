"""How fast a review action answers on a large store: the review page's accept/reject/next, as a browser does it.

    python benchmarks/review_latency.py [--files 5000] [--store PATH] [--actions 200] [--no-write]

``--store PATH``: a mapped store to copy; when PATH does not exist, the built store is kept there.

A store of about 100,000 passages (the first ``--files`` UN General Debate speeches from 2000 on, ingested and
mapped to the GCM; or ``--store`` an existing mapped store, which is copied) is served by ``evimap serve`` (one
process). A reviewer registered with ``evimap reviewers add`` types her token once; then each action is what the
page does on a key press: POST /review (the decision; a third of them "next") and the GET /review it is
redirected to (the next label of the queue, rendered). The time of an action is from the POST to the end of that
page; the issue's target is p95 ≤ 100 ms. The same for the JSON API (POST /api/passages/ID/review).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
UNGDC = ROOT.parent / "shared" / "corpus" / "ungdc"


def build(store: Path, n_files: int) -> float:
    from evimap import Corpus

    files = sorted(p for p in UNGDC.glob("*/*.txt") if int(p.parent.name[:4]) >= 2000)[:n_files]
    t0 = time.perf_counter()
    with Corpus(store) as c:
        c.ingest([str(p) for p in files])
        c.map(["gcm"])
    return time.perf_counter() - t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main() -> None:
    import httpx

    from evimap import Corpus

    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--store", default=None)
    ap.add_argument("--actions", type=int, default=200)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="evimap-review-"))
    try:
        store = tmp / "review.db"
        built = None
        if args.store and Path(args.store).exists():
            shutil.copy(args.store, store)
        else:
            built = build(store, args.files)
            if args.store:  # keep the built store for the next run
                shutil.copy(store, args.store)
        with Corpus(store) as c:
            passages = c.store.db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
            token = c.add_reviewer("bench")
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "EVIMAP_TOKEN"}  # read-only but for reviewers
        log = open(tmp / "server.log", "w")
        server = subprocess.Popen([sys.executable, "-m", "evimap.cli", "serve", "--store", str(store), "--port", str(port)],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    httpx.get(base + "/api/status", timeout=2)
                    break
                except httpx.HTTPError:
                    if server.poll() is not None:
                        raise SystemExit("evimap serve stopped: " + (tmp / "server.log").read_text()[-2000:])
                    time.sleep(0.1)
            with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as web:
                web.get("/review")
                csrf = web.cookies.get("evimap_csrf")
                web.post("/ingest/session?next=review", data={"token": token, "csrf": csrf})
                page = web.get("/review").text
                times, decisions = [], []
                for k in range(args.actions):
                    pid = re.search(r'name="passage_id" value="([^"]+)"', page)
                    if not pid:
                        break
                    label = re.search(r'name="label" value="([^"]+)"', page).group(1)
                    skip = re.findall(r'name="skip" value="([^"]+)"', page)
                    decision = ("accept", "reject", "next")[k % 3]
                    t0 = time.perf_counter()
                    r = web.post("/review", data={"passage_id": pid.group(1), "label": label, "decision": decision,
                                                  "framework": "gcm", "csrf": csrf, "skip": skip})
                    page = r.text  # the redirect to the next label, followed: the page the browser shows
                    times.append(time.perf_counter() - t0)
                    decisions.append(decision)
                api_times = []
                headers = {"Authorization": f"Bearer {token}"}
                rows = Corpus(store, readonly=True).store.db.execute(
                    "SELECT passage_id, code FROM labels WHERE framework = 'gcm' AND assigned = 1 LIMIT ?",
                    (args.actions,)).fetchall()
                for pid, code in rows:
                    t0 = time.perf_counter()
                    r = web.post(f"/api/passages/{pid}/review", json={"label": f"gcm:{code}", "decision": "accept"},
                                 headers=headers)
                    api_times.append(time.perf_counter() - t0)
                    assert r.status_code == 200, r.text
        finally:
            server.terminate()
            server.wait(10)
        lines = [f"Store: {passages:,} passages" + (f" ({args.files:,} UNGDC speeches, built and mapped to the GCM in "
                                                     f"{built:.0f} s)" if built else ""),
                 "`evimap serve` (1 process), a registered reviewer's session; an action = POST /review + the next "
                 "label's page it redirects to.", "",
                 "| what | actions | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|",
                 f"| review page: accept / reject / next | {len(times)} | {pct(times, .5) * 1000:.1f} | "
                 f"{pct(times, .95) * 1000:.1f} | {max(times) * 1000:.1f} |",
                 f"| API: POST /api/passages/ID/review | {len(api_times)} | {pct(api_times, .5) * 1000:.1f} | "
                 f"{pct(api_times, .95) * 1000:.1f} | {max(api_times) * 1000:.1f} |"]
        text = "\n".join(lines)
        print(text)
        if not args.no_write:
            with open(ROOT / "benchmarks" / "RESULTS.md", "a", encoding="utf-8") as f:
                f.write(f"\n## review_latency.py — {datetime.now():%Y-%m-%d %H:%M}\n\n{text}\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
