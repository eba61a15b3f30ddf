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
