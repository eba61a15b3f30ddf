"""Index backends by URL scheme: the registry (and its entry points) and the
built-in schemes."""

from __future__ import annotations

import inspect

import pytest

import provenance.plugins
from provenance import Settings, analyse, read_articles
from provenance.errors import IndexStoreError
from provenance.index import backends, open_index, register_backend
from provenance.index.build import add_articles
from provenance.index.memory import MemoryIndex
from provenance.index.sqlite import SqliteIndex
from tests.helpers import SEEDS, seed_id


class ToyIndex(MemoryIndex):
    """A third-party backend, as a plug-in would write it."""

    backend = "toy"


def _open_toy(location, settings, *, create, prefix):
    index = ToyIndex(settings)
    index.location, index.opened = location, (create, prefix)
    return index


@pytest.fixture
def toy_registered():
    register_backend("toy", _open_toy)
    yield
    backends.BACKENDS.unregister("toy")


@pytest.fixture
def fresh_plugins():
    """The registry as a new process has it: built-ins only, entry points not yet read."""
    backends.BACKENDS.forget_plugins()
    yield
    backends.BACKENDS.forget_plugins()


def test_a_backend_registered_by_scheme_is_opened_by_open_index(toy_registered):
    settings = Settings(num_perm=64)
    with open_index("TOY://shelf/7", settings, create=True, prefix="p") as index:
        assert isinstance(index, ToyIndex) and index.settings is settings
        assert index.location == "TOY://shelf/7" and index.opened == (True, "p")
        article = read_articles(list(SEEDS.glob("002_*.txt")))
        assert add_articles(index, article).added == (seed_id("002"),)
        assert index.documents([seed_id("002")]) == {seed_id("002"): analyse(article[0], settings)}
    assert "toy" in backends.backend_schemes()
    with pytest.raises(ValueError, match="registered already"):
        register_backend("toy", _open_toy)


def test_entry_point_backends_load_when_a_scheme_is_not_known(monkeypatch, fresh_plugins):
    asked = []

    def points(group):
        asked.append(group)
        yield "shelf", _open_toy

    monkeypatch.setattr(provenance.plugins, "entry_point_factories", points)
    assert isinstance(open_index("memory://"), MemoryIndex) and asked == []  # built-ins need no lookup
    assert isinstance(open_index("shelf://x"), ToyIndex) and asked == ["provenance.index_backends"]
    with pytest.raises(IndexStoreError, match=r"no index backend for nope://.*sqlite://.*shelf://"):
        open_index("nope://x")
    assert asked == ["provenance.index_backends"]  # looked up once


def test_built_in_schemes(tmp_path, wire_index):
    with open_index(f"sqlite://{wire_index}") as by_url, open_index(str(wire_index)) as by_path:
        assert isinstance(by_url, SqliteIndex) and list(by_url.entries()) == list(by_path.entries())
    with pytest.raises(IndexStoreError, match="prefix applies to Redis"):
        open_index(str(wire_index), prefix="p")
    with pytest.raises(IndexStoreError, match=r"no index at .*missing\.db"):
        open_index(f"sqlite://{tmp_path}/missing.db")


def test_backend_signatures_match_the_factory_protocol():
    for factory in (backends._open_sqlite, backends._open_redis, backends._open_memory, _open_toy):
        assert list(inspect.signature(factory).parameters) == ["location", "settings", "create", "prefix"]
