"""Shared fixtures: the seeds, their scan, inline documents, a wire index and
generated corpora. Constants and plain helpers are in tests/helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance import Article, Settings, analyse, read_articles, scan
from tests.helpers import SEEDS, SHARED, generated_pairs


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_scan():
    """The default scan of seeds/, shared by every test that only reads it."""
    return scan([SEEDS])


@pytest.fixture(scope="session")
def seed_documents():
    return {a.id[:3]: analyse(a) for a in read_articles([SEEDS])}


@pytest.fixture(scope="session")
def seed_articles():
    """The seeds as read, in order."""
    return read_articles([SEEDS])


@pytest.fixture
def make_document():
    """Build a Document from inline text."""

    def build(text: str, key: str = "doc", **metadata) -> object:
        return analyse(Article(id=key, text=text, origin=f"{key}.txt", **metadata), Settings())

    return build


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"evaluation data not found: {SHARED} (clone with ../shared beside the repo)")
    return SHARED


@pytest.fixture(scope="session")
def pairs(seed_documents):
    """(source, derived) document pairs for the matcher and the ledger: the
    seeds' wire with each version of it (and two the other way round), and 24
    generated pairs."""
    wire = seed_documents["002"]
    seeds = [(wire, seed_documents[k]) for k in ("000", "001", "003", "004")]
    seeds += [(seed_documents[k], wire) for k in ("000", "003")]
    return seeds + generated_pairs(24)


@pytest.fixture(scope="session")
def small_corpus():
    """70 generated articles (wires and their copies, rewrites, ...) and their ground truth."""
    from benchmarks.generate import NewsGenerator, corpus

    made = corpus(NewsGenerator(seed=3, words=(120, 260)), 70)
    articles = [Article(id=a.id, text=a.text, outlet=a.outlet, published=a.published, title=a.title)
                for a in made.articles]
    return articles, made.truth


# --- persistent index and check (tests/index/, tests/gate/, tests/report/) ------------------


@pytest.fixture(scope="session")
def wire_index(tmp_path_factory) -> Path:
    """An SQLite index holding the seeds' wire story (002) only. Tests must
    not write to it; copy its file to modify."""
    from provenance.index import open_index
    from provenance.index.build import add_articles

    path = tmp_path_factory.mktemp("wire") / "wire.db"
    with open_index(str(path), create=True) as index:
        add_articles(index, read_articles(list(SEEDS.glob("002_*.txt"))))
    return path


@pytest.fixture(scope="session")
def synthetic_news():
    """A seeded synthetic corpus (benchmarks/generate.py): 100 wire stories and
    a 30-article feed deriving from the first 40, with ground truth."""
    from benchmarks.generate import NewsGenerator

    generator = NewsGenerator(seed=5)
    wires = list(generator.stories(100))
    return wires, generator.feed(wires[:40], 30)


@pytest.fixture(scope="session")
def schemas_dir() -> Path:
    """The SARIF and JUnit schemas in ../shared/schemas (skip when absent)."""
    folder = SHARED / "schemas"
    if not folder.is_dir():
        pytest.skip(f"CI output schemas not found: {folder} (clone with ../shared beside the repo)")
    return folder
