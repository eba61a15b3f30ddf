"""The Redis index against a real redis-server started on a free loopback port.

Skips, saying why, when no redis-server binary or no redis-py is available;
``.ci/run`` installs the server, the test extra installs redis-py.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from provenance import Settings, analyse, read_articles
from provenance.cli import cli
from provenance.errors import IncompatibleIndexError, IndexStoreError
from provenance.fingerprint.minhash import signature
from provenance.index import open_index
from provenance.index.build import add_articles
from provenance.index.memory import MemoryIndex
from tests.helpers import SEEDS, seed_id, synthetic_article
from tests.reference import as_first_format, old_encode_document


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not found: install it (apt-get install redis-server) to test the Redis index")
    redis = pytest.importorskip("redis", reason="redis-py not installed: pip install 'provenance-news[redis]'")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if server.poll() is not None:
                    pytest.skip(f"redis-server exited with code {server.returncode} on port {port}")
                time.sleep(0.05)
        else:
            pytest.skip(f"redis-server did not answer on 127.0.0.1:{port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def prefix(request) -> str:
    """A key prefix of this test's own, so tests never see each other's data."""
    return "t-" + request.node.name.replace("[", "-").replace("]", "")


def test_answers_match_the_memory_index(redis_url, prefix, synthetic_news):
    wires, feed = synthetic_news
    articles = [synthetic_article(w) for w in wires]
    signatures = [signature(analyse(a)) for a in articles]
    queries = [signature(analyse(synthetic_article(f))) for f in feed.articles]
    memory = MemoryIndex()
    memory.add_all(signatures)
    with open_index(redis_url, create=True, prefix=prefix) as index:
        report = add_articles(index, articles)
        assert len(report.added) == len(articles) == len(index)
        for query in queries[:15] + signatures[:5]:
            assert index.query(query) == memory.query(query)
            assert index._lsh_query(query) == memory._lsh_query(query)
        # The buckets are datasketch's own: its public query agrees with ours.
        query = queries[0]
        by_datasketch = {k.decode() for g, lsh in index._lsh.items() for k in lsh.query(query.minhash(g))}
        assert by_datasketch == index._lsh_query(query)


def test_append_remove_and_documents(redis_url, prefix):
    articles = read_articles([SEEDS])
    wire = [a for a in articles if a.id == seed_id("002")]
    with open_index(redis_url, create=True, prefix=prefix) as index:
        assert add_articles(index, wire).added == (seed_id("002"),)
        copy = next(a for a in articles if a.id == seed_id("000"))
        hits = index.query(signature(analyse(copy)))
        assert [key for key, _ in hits] == [seed_id("002")]
        assert index.documents([seed_id("002")]) == {seed_id("002"): analyse(wire[0])}
        assert add_articles(index, articles).unchanged == (seed_id("002"),)
        assert len(index) == 5
        assert index.remove([seed_id("002"), "nope"]) == (seed_id("002"),)
        assert seed_id("002") not in index and len(index) == 4
        assert all(key != seed_id("002") for key, _ in index.query(signature(analyse(copy))))


def test_prefixes_keep_indexes_apart(redis_url, prefix):
    wire = read_articles(list(SEEDS.glob("002_*.txt")))
    with open_index(f"{redis_url}?prefix={prefix}-a", create=True) as first:
        add_articles(first, wire)
    with open_index(redis_url, create=True, prefix=f"{prefix}-b") as second:
        assert len(second) == 0
    with pytest.raises(IndexStoreError, match="two key prefixes"):
        open_index(f"{redis_url}?prefix=x", prefix="y")


def test_missing_and_incompatible_indexes_are_refused(redis_url, prefix):
    with pytest.raises(IndexStoreError, match="no index at"):
        open_index(redis_url, prefix=prefix)
    with open_index(redis_url, Settings(num_perm=64), create=True, prefix=prefix):
        pass
    with pytest.raises(IncompatibleIndexError, match="num_perm=64"):
        open_index(redis_url, prefix=prefix)
    with open_index(redis_url, create=True, prefix=f"{prefix}-bands"):
        pass
    with pytest.raises(IncompatibleIndexError, match="thresholds"):
        open_index(redis_url, Settings(content_lsh_threshold=0.5), prefix=f"{prefix}-bands")


def test_an_unreachable_server_is_a_clear_error():
    pytest.importorskip("redis", reason="redis-py not installed: pip install 'provenance-news[redis]'")
    with pytest.raises(IndexStoreError, match="cannot connect to Redis"):
        open_index(f"redis://127.0.0.1:{_free_port()}/0")


def test_a_missing_extra_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)  # import redis now fails
    with pytest.raises(IndexStoreError, match=r"pip install 'provenance-news\[redis\]'"):
        open_index("redis://127.0.0.1:6379/0")


def test_check_through_the_cli_with_a_shared_index(redis_url, prefix):
    runner = CliRunner()
    location = f"{redis_url}?prefix={prefix}"
    added = runner.invoke(cli, ["index", "add", "--index", location, str(next(SEEDS.glob("002_*.txt")))])
    assert added.exit_code == 0, added.output
    others = sorted(str(p) for p in SEEDS.glob("*.txt") if not p.name.startswith("002"))
    result = runner.invoke(cli, ["check", "--index", location, *others])
    assert result.exit_code == 1
    assert f"FAIL    {seed_id('000')}: copy of" in result.output
    info = runner.invoke(cli, ["index", "info", "--index", redis_url, "--prefix", prefix])
    assert info.exit_code == 0 and "articles:   1" in info.output and "(redis)" in info.output


def test_bucket_entries_of_an_uncommitted_add_are_invisible(redis_url, prefix):
    # An add writes bucket hints first and commits articles in one MULTI/EXEC;
    # a writer killed in between leaves hints like these behind.
    wire = read_articles(list(SEEDS.glob("002_*.txt")))
    copy = analyse(read_articles(list(SEEDS.glob("000_*.txt")))[0])
    with open_index(redis_url, create=True, prefix=prefix) as index:
        add_articles(index, wire)
        ghost = signature(copy)
        for granularity, lsh in index._lsh.items():
            lsh.insert(b"ghost", ghost.minhash(granularity), check_duplication=False)
        assert "ghost" in index._bucket_ids(ghost)  # the hint is there ...
        assert [key for key, _ in index.query(ghost)] == [seed_id("002")]  # ... but never answered
        assert index._lsh_query(ghost) == {seed_id("002")}
        assert len(index) == 1 and "ghost" not in index


def test_a_threshold_that_leaves_one_band_is_a_clear_error(redis_url, prefix):
    """As in the scan and the other backends: a ConfigError, not datasketch's ValueError."""
    from provenance.errors import ConfigError

    with pytest.raises(ConfigError, match="single band"):
        with open_index(redis_url, Settings(num_perm=16, word_lsh_threshold=0.99), create=True, prefix=prefix) as index:
            add_articles(index, read_articles(list(SEEDS.glob("002_*.txt"))))


def test_a_redis_index_of_the_first_format_is_read_and_marked_format_2_when_written(redis_url, prefix):
    wire = read_articles(list(SEEDS.glob("002_*.txt")))[0]
    with open_index(redis_url, create=True, prefix=prefix) as index:
        add_articles(index, [wire])
        documents = index._keys["documents"]
        index._redis.hset(documents, wire.id, old_encode_document(analyse(wire)))
        index._redis.hset(index._keys["meta"], "format", "1")
    with open_index(redis_url, prefix=prefix) as index:
        assert index.info().details["format"] == "1"
        assert index.documents([wire.id]) == {wire.id: as_first_format(analyse(wire))}
        add_articles(index, read_articles(list(SEEDS.glob("000_*.txt"))))
        assert index.info().details["format"] == "2"
        assert len(index.documents([seed_id("000"), wire.id])) == 2
        index._redis.hset(index._keys["meta"], "format", "9")
    with pytest.raises(IndexStoreError, match=r"format '9'.*rebuild"):
        open_index(redis_url, prefix=prefix)
