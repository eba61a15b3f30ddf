"""Index backends by URL scheme: the declared interface, the registry (and
its entry points), the built-in schemes, and indexes of the first format."""

from __future__ import annotations

import inspect
import sqlite3

import pytest
import test_index_redis
from conftest import SEEDS, seed_id
from test_codec import _old_encode_document

from provenance import Settings, analyse, read_articles
from provenance.errors import IndexStoreError
from provenance.fingerprint.minhash import signature
from provenance.index import CandidateIndex, backends, open_index, register_backend
from provenance.index.build import add_articles
from provenance.index.memory import MemoryIndex
from provenance.index.redis import RedisIndex
from provenance.index.sqlite import SqliteIndex

# The Redis server fixtures, shared with test_index_redis.py.
redis_url, prefix = test_index_redis.redis_url, test_index_redis.prefix

#: What the CLI, the check and the index builder call on an index.
CALLED = {"add", "add_all", "add_documents", "best", "close", "digests", "documents", "entries", "info",
          "query", "remove", "signature_of", "__contains__", "__len__", "__enter__", "__exit__"}
ABSTRACT = {"add", "add_documents", "remove", "_lsh_query", "signature_of", "documents", "digests", "entries",
            "info", "__contains__", "__len__"}


def _public(cls) -> set[str]:
    return {n for n, v in vars(cls).items() if callable(v) and (not n.startswith("_") or n in CALLED)}


def test_every_method_callers_use_is_declared_on_the_base_with_a_docstring():
    for name in CALLED | ABSTRACT:
        method = getattr(CandidateIndex, name)
        assert method.__doc__ or name in ("__enter__", "__exit__"), name
    assert CandidateIndex.__abstractmethods__ == ABSTRACT
    for backend in (MemoryIndex, SqliteIndex, RedisIndex):
        assert _public(backend) <= _public(CandidateIndex), backend  # nothing callers need only one backend has
        assert not backend.__abstractmethods__


class ToyIndex(MemoryIndex):
    """A third-party backend, as a plug-in would write it."""

    backend = "toy"


def _open_toy(location, settings, *, create, prefix):
    index = ToyIndex(settings)
    index.location, index.opened = location, (create, prefix)
    return index


@pytest.fixture
def toy_registered(monkeypatch):
    monkeypatch.setattr(backends, "_BACKENDS", dict(backends._BACKENDS))
    register_backend("toy", _open_toy)


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


def test_entry_point_backends_load_when_a_scheme_is_not_known(monkeypatch):
    monkeypatch.setattr(backends, "_BACKENDS", dict(backends._BACKENDS))
    monkeypatch.setattr(backends, "_LOADED", [])
    asked = []

    def points(group):
        asked.append(group)
        yield "shelf", _open_toy

    monkeypatch.setattr(backends, "entry_point_factories", points)
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


def test_the_memory_backend_keeps_documents_like_the_persistent_ones(wire_index):
    articles = read_articles([SEEDS])
    with open_index("memory://", create=True) as memory, open_index(str(wire_index)) as sqlite:
        report = add_articles(memory, articles)
        assert len(report.added) == len(memory) == 5
        assert add_articles(memory, articles).unchanged == report.added
        wire = seed_id("002")
        assert memory.documents([wire]) == sqlite.documents([wire])
        assert [e for e in memory.entries() if e.id == wire] == list(sqlite.entries())
        assert memory.digests([wire]) == sqlite.digests([wire])
        query = signature(analyse(read_articles(list(SEEDS.glob("000_*.txt")))[0]))
        assert memory.best(query, 3) and memory.info().parameters == sqlite.info().parameters
        assert memory.remove([wire, "nope"]) == (wire,) and wire not in memory and len(memory) == 4
        assert wire not in [key for key, _ in memory.query(query)]
        with pytest.raises(KeyError):
            memory.documents([wire])


def _as_first_format(path) -> None:
    """Rewrite an index as the first format wrote it: documents as zlib'd JSON, format 1."""
    connection = sqlite3.connect(path)
    with SqliteIndex(path) as index:
        documents = index.documents([key for (key,) in connection.execute("SELECT id FROM articles")])
    connection.executemany("UPDATE articles SET document = ? WHERE id = ?",
                           [(_old_encode_document(d), key) for key, d in documents.items()])
    connection.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
    connection.commit()
    connection.close()


def test_an_index_of_the_first_format_is_read_and_marked_format_2_when_written(tmp_path, wire_index):
    path = tmp_path / "old.db"
    path.write_bytes(wire_index.read_bytes())
    _as_first_format(path)
    wire = read_articles(list(SEEDS.glob("002_*.txt")))[0]
    with open_index(str(path)) as index:
        assert index.info().details["format"] == "1"
        assert index.documents([wire.id]) == {wire.id: analyse(wire)}
        add_articles(index, read_articles(list(SEEDS.glob("000_*.txt"))))
        assert index.info().details["format"] == "2"
        assert index.documents([wire.id]) == {wire.id: analyse(wire)}  # old and new blobs side by side
        assert len(index.documents([seed_id("000"), wire.id])) == 2


def test_an_index_of_an_unknown_format_is_refused_with_how_to_rebuild(tmp_path, wire_index):
    path = tmp_path / "future.db"
    path.write_bytes(wire_index.read_bytes())
    connection = sqlite3.connect(path)
    connection.execute("UPDATE meta SET value = '9' WHERE key = 'format'")
    connection.commit()
    connection.close()
    with pytest.raises(IndexStoreError, match=r"format '9'.*reads formats 1, 2: rebuild .*provenance index add"):
        open_index(str(path))


def test_an_unreadable_stored_document_says_how_to_replace_it(tmp_path, wire_index):
    path = tmp_path / "bad.db"
    path.write_bytes(wire_index.read_bytes())
    connection = sqlite3.connect(path)
    connection.execute("UPDATE articles SET document = ?", (b"\x00garbage",))
    connection.commit()
    connection.close()
    with open_index(str(path)) as index, pytest.raises(IndexStoreError, match="index add --replace"):
        index.documents([seed_id("002")])


def test_backend_signatures_match_the_factory_protocol():
    for factory in (backends._open_sqlite, backends._open_redis, backends._open_memory, _open_toy):
        assert list(inspect.signature(factory).parameters) == ["location", "settings", "create", "prefix"]


def test_a_redis_index_of_the_first_format_is_read_and_marked_format_2_when_written(redis_url, prefix):
    wire = read_articles(list(SEEDS.glob("002_*.txt")))[0]
    with open_index(redis_url, create=True, prefix=prefix) as index:
        add_articles(index, [wire])
        documents = index._keys["documents"]
        index._redis.hset(documents, wire.id, _old_encode_document(analyse(wire)))
        index._redis.hset(index._keys["meta"], "format", "1")
    with open_index(redis_url, prefix=prefix) as index:
        assert index.info().details["format"] == "1"
        assert index.documents([wire.id]) == {wire.id: analyse(wire)}
        add_articles(index, read_articles(list(SEEDS.glob("000_*.txt"))))
        assert index.info().details["format"] == "2"
        assert len(index.documents([seed_id("000"), wire.id])) == 2
        index._redis.hset(index._keys["meta"], "format", "9")
    with pytest.raises(IndexStoreError, match=r"format '9'.*rebuild"):
        open_index(redis_url, prefix=prefix)
