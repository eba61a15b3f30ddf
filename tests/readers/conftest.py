"""What the reader tests share: the five seeds as articles, and what a scan
of them concludes, keyed by seed so that any format's rendering of the seeds
can be compared with the plain files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from provenance import scan
from provenance.errors import NoArticlesError
from provenance.readers import read_articles

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

_SEED = re.compile(r"00[0-4]")


def seed_key(document) -> str:
    """Which seed (``"000"`` .. ``"004"``) a document renders: the first seed
    number in its id, url, guid or origin (every format's writer in these
    tests puts the seed's file stem in one of them)."""
    for value in (document.id, document.url, document.guid, document.origin):
        found = _SEED.search(value or "")
        if found:
            return found.group()
    raise AssertionError(f"no seed number in {document.id!r}")


def read_reporting(path, **options) -> tuple[list, list]:
    """``read_articles([path], **options)`` with every problem collected
    rather than raised: (articles, problems); no article at all is ``[]``."""
    problems: list = []
    try:
        articles = read_articles([path], on_error=problems.append, **options)
    except NoArticlesError:
        articles = []
    return articles, problems


def outcome(result) -> dict:
    """A scan's conclusions by seed: each story's members with its source,
    and each relation's verdict and credit (what a format must not change)."""
    key = {doc.id: seed_key(doc) for doc in result.documents}
    stories = sorted((key[s.source], tuple(sorted(key[m] for m in s.members)))
                     for s in result.stories if s.members)
    relations = sorted((key[r.source], key[r.derived], r.verdict, r.credited) for r in result.relations)
    return {"stories": stories, "relations": relations}


@pytest.fixture(scope="session")
def seed_articles():
    """The seeds as the plain-text reader reads them, in file order."""
    return read_articles([SEEDS])


@pytest.fixture(scope="session")
def seeds_outcome():
    """What a scan of the plain seed files concludes (see :func:`outcome`)."""
    return outcome(scan([SEEDS], jobs=1))
