"""kill -9 in the middle of an ingest leaves every committed document intact; the rerun resumes."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import evimap


def _make_corpus(folder, n=300):
    folder.mkdir()
    for i in range(n):
        body = "\n".join(
            f"{k}. Delegation {i} stressed point {k} on migration data, census rounds and remittance costs "
            f"in region {i % 7}, adding detail number {i * 100 + k}." for k in range(1, 40)
        )
        (folder / f"doc{i:04d}.txt").write_text(body, encoding="utf-8")


def test_kill_mid_ingest_then_resume(tmp_path):
    src = tmp_path / "docs"
    _make_corpus(src)
    store = tmp_path / "s.db"
    code = (
        "import evimap, sys\n"
        f"evimap.open({str(store)!r}).ingest([{str(src)!r}], workers=1)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.time() + 60
    committed = 0
    while time.time() < deadline:
        time.sleep(0.2)
        try:
            db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
            committed = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            db.close()
        except sqlite3.Error:
            continue
        if committed >= 20:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 20 <= committed < 300, "ingest finished before it could be killed; make the corpus bigger"

    db = sqlite3.connect(store)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    n_docs = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    # every stored document has all its passages and its FTS entries
    for doc_id, n_passages in db.execute("SELECT id, n_passages FROM documents").fetchall():
        assert db.execute("SELECT COUNT(*) FROM passages WHERE doc_id = ?", (doc_id,)).fetchone()[0] == n_passages
    n_pass = db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
    assert db.execute("SELECT COUNT(*) FROM passages_fts WHERE passages_fts MATCH 'migration'").fetchone()[0] == n_pass
    db.close()
    assert n_docs >= committed

    with evimap.open(store) as corpus:
        report = corpus.ingest([src], workers=2)
        assert report.skipped == n_docs
        assert report.added == 300 - n_docs
        assert report.failed == []
        assert len(corpus.documents()) == 300
        assert corpus.count('"Delegation 299 stressed point 39"') == 1


def test_a_killed_reindex_leaves_no_temporary_folders_behind_the_next_one(tmp_path):
    """A build killed mid-way leaves STORE.rank.tmp-PID; the next build removes it, not a live build's."""
    (tmp_path / "a.txt").write_text("Migration data matter for policy.\n", encoding="utf-8")
    store = tmp_path / "s.db"
    with evimap.open(store) as corpus:
        corpus.ingest(tmp_path / "a.txt", workers=1)
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = [tmp_path / f"s.db.rank.tmp-{dead.pid}", tmp_path / f"s.db.rank.old-{dead.pid}"]
    live = tmp_path / f"s.db.rank.tmp-{os.getppid()}"
    for folder in [*left, live]:
        folder.mkdir()
        (folder / "rows").write_bytes(b"\0" * 1024)
    with evimap.open(store) as corpus:
        assert corpus.reindex(force=True) is not None
    assert not any(f.exists() for f in left)
    assert live.exists()
    assert (tmp_path / "s.db.rank" / "meta.json").exists()


def test_pool_workers_end_when_the_ingest_process_is_killed(tmp_path):
    import psutil

    src = tmp_path / "docs"
    _make_corpus(src, n=600)
    code = f"import evimap\nevimap.open({str(tmp_path / 's.db')!r}).ingest([{str(src)!r}], workers=2)\n"
    proc = subprocess.Popen([sys.executable, "-c", code])
    main = psutil.Process(proc.pid)
    deadline = time.time() + 60
    workers: list = []
    while time.time() < deadline and len(workers) < 2 and proc.poll() is None:
        workers = [c for c in main.children(recursive=True) if "spawn_main" in " ".join(c.cmdline())]
        time.sleep(0.1)
    assert len(workers) >= 2, "the ingest ended before its pool started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    for p in alive:
        p.kill()
    assert not alive, f"{len(alive)} pool workers outlived the killed ingest"


def test_ctrl_c_stops_an_ingest_with_a_summary_and_a_rerun_completes_it(tmp_path):
    n = 900
    src = tmp_path / "docs"
    _make_corpus(src, n=n)
    store = tmp_path / "s.db"
    evimap_cli = os.path.join(os.path.dirname(sys.executable), "evimap")
    # a terminal's Ctrl+C reaches a process whose SIGINT is not ignored; a child inherits "ignored" from its parent
    # (a test runner started in the background by a non-interactive shell has it), and Python then installs no
    # KeyboardInterrupt handler
    proc = subprocess.Popen([evimap_cli, "ingest", str(src), "--store", str(store), "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def stored_now() -> int:
        """Documents committed so far; 0 while the store is not there or busy (never wait on the writer: a reader
        left waiting while the WAL is copied back can see the count only once the ingest is over)."""
        if not store.exists():
            return 0
        try:
            db = sqlite3.connect(store, timeout=0)
            try:
                return db.execute("SELECT count(*) FROM documents").fetchone()[0]
            finally:
                db.close()
        except sqlite3.OperationalError:
            return 0

    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None and stored_now() < 20:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl+C does: the whole process group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "interrupted" in err and "Traceback" not in err
    stored = sqlite3.connect(store).execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 20 <= stored < n
    with evimap.open(store) as corpus:
        report = corpus.ingest(src, workers=1)
        assert report.skipped == stored and report.added == n - stored
        assert len(corpus.documents()) == n
