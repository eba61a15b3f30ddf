"""Shared fixtures: the seeds, their scan, and helpers for inline articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance import Article, Settings, analyse, scan

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


def seed_id(prefix: str) -> str:
    """The full id of the seed whose file name starts with ``prefix``."""
    return next(p.stem for p in SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_scan():
    """The default scan of seeds/, shared by every test that only reads it."""
    return scan([SEEDS])


@pytest.fixture(scope="session")
def seed_documents():
    from provenance import read_articles

    return {a.id[:3]: analyse(a) for a in read_articles([SEEDS])}


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


# --- persistent index and check (test_index_*.py, test_check*.py) ------------------


@pytest.fixture(scope="session")
def wire_index(tmp_path_factory) -> Path:
    """An SQLite index holding the seeds' wire story (002) only. Tests must
    not write to it; copy it (``copy_index``) to modify."""
    from provenance import read_articles
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
    import sys

    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from benchmarks.generate import NewsGenerator

    generator = NewsGenerator(seed=5)
    wires = list(generator.stories(100))
    return wires, generator.feed(wires[:40], 30)


def synthetic_article(item) -> Article:
    """A generated article as the package reads it from JSON."""
    return Article(id=item.id, text=item.text, title=item.title, outlet=item.outlet,
                   published=item.published, origin=f"{item.id}.json")


@pytest.fixture(scope="session")
def schemas_dir() -> Path:
    """The SARIF and JUnit schemas in ../shared/schemas (skip when absent)."""
    folder = SHARED / "schemas"
    if not folder.is_dir():
        pytest.skip(f"CI output schemas not found: {folder} (clone with ../shared beside the repo)")
    return folder
