from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
IOM = SHARED / "corpus" / "iom-evaluations"
# The IOM evaluations the integration tests were written against, named so that documents added to
# the folder later (the 143-page meta-evaluation report, the French CS1137 reports) do not change
# what those tests count and rank.
IOM_FILES = [IOM / name for name in (
    "aap-evaluation-brief.pdf",
    "aap-evaluation-management-response.docx",
    "aap-evaluation-report.pdf",
    "cs1137-evaluation-terms-of-reference.pdf",
    "hoa-joint-initiative-abridged-evaluation.pdf",
    "hoa-joint-initiative-final-evaluation.pdf",
    "hoa-joint-initiative-learning-brief.pdf",
    "hoa-joint-initiative-management-response-matrix.pdf",
    "meta-evaluation-2020-2024-brief.pdf",
    "rdh-asia-pacific-case-study.pdf",
    "return-reintegration-case-management-review.pdf",
)]
EXAMPLES = REPO / "examples"


def seed(n: str) -> Path:
    return next(SEEDS.glob(f"{n}_*.txt"))


needs_shared = pytest.mark.skipif(not SEEDS.exists(), reason="../shared is not present")


@pytest.fixture(scope="session")
def shared_corpus(tmp_path_factory):
    """Seeds and the named IOM evaluations (IOM_FILES) ingested once for the integration tests."""
    if not SEEDS.exists():
        pytest.skip("../shared is not present")
    import evimap

    corpus = evimap.open(tmp_path_factory.mktemp("shared") / "shared.db")
    report = corpus.ingest([SEEDS, *IOM_FILES], workers=2)
    assert report.failed == []
    yield corpus
    corpus.close()


@pytest.fixture()
def example_corpus(tmp_path):
    import evimap

    corpus = evimap.open(tmp_path / "ex.db")
    report = corpus.ingest([EXAMPLES], workers=1)
    assert report.failed == [], report.failed
    yield corpus
    corpus.close()


@pytest.fixture(scope="session")
def mapped_corpus(shared_corpus):
    """The seeds and IOM evaluations, mapped to every built-in framework (incremental: once)."""
    shared_corpus.map()
    return shared_corpus


XSS_TEXT = (
    "Evil report on migration data\n\n"
    "1. Migration data <script>window.__xss = 1; alert('xss')</script> must stay text.\n\n"
    "2. Census figures <img src=x onerror=\"window.__xss = 2; alert('img')\"> on migrant workers and remittances.\n\n"
    "3. A link <a href=\"javascript:alert(3)\">click</a> and \"quotes\" & ampersands in a statement on labour migration.\n"
)
XSS_HTML = (
    "<html><head><title>Hostile page</title></head><body><h1>Hostile page on migration statistics</h1>"
    "<p>Disaggregated migration statistics &lt;script&gt;window.__xss = 4&lt;/script&gt; and "
    "&lt;svg onload=alert(5)&gt; should be shown, never run.</p>"
    "<p>Migrant workers need decent work, social protection and portable pensions, the delegation of Canada said.</p>"
    "</body></html>"
)


@pytest.fixture(scope="session")
def web_store(tmp_path_factory):
    """The bundled examples plus two hostile documents (script tags and event handlers in their text),
    ingested, attributed and mapped once: the store the web tests serve."""
    import evimap

    folder = tmp_path_factory.mktemp("web")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "evil-report.txt").write_text(XSS_TEXT, encoding="utf-8")
    (docs / "hostile-page.html").write_text(XSS_HTML, encoding="utf-8")
    path = folder / "web.db"
    with evimap.open(path) as corpus:
        report = corpus.ingest([EXAMPLES, docs], workers=1)
        assert report.failed == [], report.failed
        corpus.map(workers=1)
    return path


@contextlib.contextmanager
def running_server(store, *extra: str, started: list | None = None):
    """`evimap serve` on a free loopback port, stopped afterwards. Yields its base URL (``started``: a list the
    server's Popen is appended to)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "evimap.cli", "serve", "--store", str(store), "--port", str(port),
                             *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    if started is not None:
        started.append(proc)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            proc.kill()
            pytest.fail("evimap serve did not start: " + proc.stderr.read().decode()[-500:])
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
