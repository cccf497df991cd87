"""Where ingest and map run: local processes or a Dask cluster give the same store; bad executor names and an
unreachable scheduler are one clear line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from evimap import Corpus
from evimap.errors import EvimapError
from evimap.pipeline import executor_label, open_executor
from evimap.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
UNGDC = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "ungdc"
distributed = pytest.importorskip("distributed", reason="the Dask executor needs evimap[cluster]")


def snapshot(path: Path) -> dict:
    """What a store holds, by content: passages (id, text hash), labels and claims."""
    with Corpus(path, readonly=True) as c:
        db = c.store.db
        passages = sorted(tuple(r) for r in db.execute("SELECT id, text_hash FROM passages"))
        labels = sorted((r[0], r[1], r[2], round(r[3], 6)) for r in db.execute(
            "SELECT framework, code, passage_id, score FROM labels WHERE assigned = 1"))
        claims = sorted(tuple(r) for r in db.execute("SELECT * FROM claims").fetchall())
        top = sorted(h.passage_id for h in c.search("migration data", limit=10))  # ties rank by storage order
    digest = hashlib.sha256(repr(claims).encode()).hexdigest()
    return {"passages": passages, "labels": labels, "claims": (len(claims), digest), "top10": top}


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    files = sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and p.suffix in (".txt", ".md", ".pdf", ".docx", ".html"))
    assert len(files) >= 4, "the example corpus"
    speeches = UNGDC / "2018-session-73"
    if speeches.is_dir():  # a few General Debate speeches when ../shared is there: more documents than workers
        files += sorted(speeches.glob("*.txt"))[:8]
    for p in files:
        (folder / p.name).write_bytes(p.read_bytes())
    return folder


def test_ingest_and_map_on_a_dask_cluster_store_what_local_processes_store(corpus_files, tmp_path):
    with Corpus(tmp_path / "local.db") as c:
        c.ingest([corpus_files], workers=2)
        c.map(["gcm", "sdg"], workers=2, batch=50)
    with Corpus(tmp_path / "dask.db", settings=Settings(executor="dask")) as c:
        report = c.ingest([corpus_files], workers=2)
        assert not report.failed and report.added >= 4
        c.map(["gcm", "sdg"], workers=2, batch=50)
    a, b = snapshot(tmp_path / "local.db"), snapshot(tmp_path / "dask.db")
    assert a["passages"] and a["labels"]
    assert a == b


def test_executor_names_are_checked():
    assert executor_label("dask") == "dask" and executor_label("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    with pytest.raises(EvimapError, match="unknown executor 'spark'"):
        executor_label("spark")
    with pytest.raises(EvimapError, match="executor must be"):
        Settings(executor="spark")


def test_an_unreachable_scheduler_is_one_clear_line(monkeypatch):
    monkeypatch.setenv("EVIMAP_DASK_TIMEOUT", "1s")
    with pytest.raises(EvimapError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        with open_executor("tcp://127.0.0.1:9", 1):
            pass


def test_a_lost_scheduler_stops_the_run_and_a_rerun_goes_on(corpus_files, tmp_path, monkeypatch):
    from evimap.pipeline import executors

    real_submit = executors.DaskPool.submit
    calls = {"n": 0}

    class Gone:
        def submit(self, *args, **kwargs):
            raise RuntimeError("scheduler closed the connection")

    def flaky(self, fn, *args):
        calls["n"] += 1
        if calls["n"] <= 3:
            return real_submit(self, fn, *args)
        client, self.client = self.client, Gone()  # the scheduler goes away after three documents were sent
        try:
            return real_submit(self, fn, *args)
        finally:
            self.client = client

    monkeypatch.setattr(executors.DaskPool, "submit", flaky)
    monkeypatch.setattr("evimap.corpus.DASK_FILES_PER_TASK", 1)  # a task a file, so the loss falls mid-run
    settings = Settings(executor="dask")
    with Corpus(tmp_path / "s.db", settings=settings) as c:
        with pytest.raises(EvimapError, match="lost the Dask scheduler"):
            c.ingest([corpus_files], workers=1)
    monkeypatch.setattr(executors.DaskPool, "submit", real_submit)
    with Corpus(tmp_path / "s.db", settings=settings) as c:
        report = c.ingest([corpus_files], workers=1)
        assert not report.failed
    with Corpus(tmp_path / "fresh.db") as c:
        c.ingest([corpus_files], workers=1)
    assert snapshot(tmp_path / "s.db")["passages"] == snapshot(tmp_path / "fresh.db")["passages"]
