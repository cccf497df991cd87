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
