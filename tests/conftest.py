from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
IOM = SHARED / "corpus" / "iom-evaluations"
EXAMPLES = REPO / "examples"


def seed(n: str) -> Path:
    return next(SEEDS.glob(f"{n}_*.txt"))


needs_shared = pytest.mark.skipif(not SEEDS.exists(), reason="../shared is not present")


@pytest.fixture(scope="session")
def shared_corpus(tmp_path_factory):
    """Seeds and IOM evaluations ingested once for the integration tests."""
    if not SEEDS.exists():
        pytest.skip("../shared is not present")
    import evimap

    corpus = evimap.open(tmp_path_factory.mktemp("shared") / "shared.db")
    report = corpus.ingest([SEEDS, IOM], workers=2)
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
