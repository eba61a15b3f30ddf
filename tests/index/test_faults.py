"""Faults of the persistent indexes: a damaged SQLite index (or Redis meta
hash) is refused with one line saying how to rebuild it, never a traceback,
and nothing is written into it; a path that is not a file is refused;
concurrent writers of one SQLite file all succeed while a reader answers; and
a Redis server killed, stopped or full mid-command, a full disk or a
read-only file under an SQLite index, each fail the command with exit 3 and
one line, and leave the index as it was."""

from __future__ import annotations

import ctypes
import functools
import json
import multiprocessing
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.generate import NewsGenerator, write_jsonl
from provenance import Article
from provenance.cli import cli
from provenance.errors import IndexStoreError
from provenance.index import open_index
from provenance.index.build import add_articles, prepare
from tests.helpers import SEEDS, seed_id
from tests.index.test_redis import redis_url  # noqa: F401 - the real server (or a skip)

WIRE = min(SEEDS.glob("002_*.txt"))
COPY = min(SEEDS.glob("000_*.txt"))
WIRE_ID = seed_id("002")

#: Damage refused when the index is opened, so by every command and before any write.
REFUSED_AT_OPEN = {
    "parameters not JSON": ["UPDATE meta SET value = '{not json' WHERE key = 'parameters'"],
    "parameters missing": ["DELETE FROM meta WHERE key = 'parameters'"],
    "parameters a JSON list": ["UPDATE meta SET value = '[1, 2]' WHERE key = 'parameters'"],
    "generation missing": ["DELETE FROM meta WHERE key = 'generation'"],
    "generation not a number": ["UPDATE meta SET value = 'x' WHERE key = 'generation'"],
    "hashes blob truncated": ["UPDATE blocks SET hashes = substr(hashes, 1, length(hashes) - 3)"],
    "docs blob truncated": ["UPDATE blocks SET docs = substr(docs, 1, length(docs) - 1)"],
    "hashes a text value": ["UPDATE blocks SET hashes = 'abc'"],
}
#: Damage met when a blob is read: check refuses; info and list (which do not read it) answer.
REFUSED_WHEN_READ = {
    "signature garbage": ["UPDATE articles SET signature = x'0102030405'"],
    "document garbage zstd": [("UPDATE articles SET document = ?", (b"\x28\xb5\x2f\xfd" + bytes(range(60)),))],
    "document a text value": ["UPDATE articles SET document = 'not a blob'"],
    "document garbage": ["UPDATE articles SET document = randomblob(60)"],
    "document zlib of junk": [("UPDATE articles SET document = ?", (zlib.compress(b"\x02" + bytes(range(40))),))],
    "document zlib of bad JSON": [("UPDATE articles SET document = ?", (zlib.compress(b"{\"v\": 1}"),))],
}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def damage(source: Path, target: Path, statements) -> Path:
    shutil.copy(source, target)
    connection = sqlite3.connect(target)
    for statement in statements:
        sql, parameters = statement if isinstance(statement, tuple) else (statement, ())
        connection.execute(sql, parameters)
    connection.commit()
    connection.close()
    return target


def contents(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows: what "nothing written" compares."""
    connection = sqlite3.connect(path)
    connection.text_factory = bytes  # damage may leave text that is not UTF-8
    try:
        tables = [row[0].decode() for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: connection.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in sorted(tables)}
    finally:
        connection.close()


def assert_refused(result, path: Path, rebuild: bool = True) -> None:
    assert result.exit_code == 3, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert str(path) in lines[0] and "damaged" in lines[0]
    if rebuild:
        assert "delete it and run 'provenance index add --index" in lines[0]
    assert "Traceback" not in result.output and "internal error" not in result.stderr


@pytest.fixture
def other_article(tmp_path) -> Path:
    path = tmp_path / "other.txt"
    path.write_text("A different story entirely about the harbour board and its new ferry timetable. "
                    "The board met on Tuesday and agreed the changes after a long debate.\n")
    return path


@pytest.mark.parametrize("case", sorted(REFUSED_AT_OPEN))
def test_damage_found_at_open_is_refused_by_every_command_and_nothing_is_written(
        case, wire_index, tmp_path, other_article):
    path = damage(wire_index, tmp_path / "damaged.db", REFUSED_AT_OPEN[case])
    before = contents(path)
    for command in (["index", "info", "--index", path], ["index", "info", "--json", "--index", path],
                    ["index", "list", "--index", path], ["index", "remove", "--index", path, WIRE_ID],
                    ["index", "add", "--index", path, other_article],
                    ["index", "add", "--replace", "--index", path, other_article, WIRE],
                    ["check", "--index", path, COPY]):
        assert_refused(run(*command), path)
    assert contents(path) == before


@pytest.mark.parametrize("case", sorted(REFUSED_WHEN_READ))
def test_a_damaged_blob_is_refused_by_check_in_one_line(case, wire_index, tmp_path):
    path = damage(wire_index, tmp_path / "damaged.db", REFUSED_WHEN_READ[case])
    before = contents(path)
    assert_refused(run("check", "--index", path, COPY), path, rebuild=False)
    # What does not read the blob still answers (and lets the article be removed).
    assert run("index", "info", "--index", path).exit_code == 0
    listed = run("index", "list", "--index", path)
    assert listed.exit_code == 0 and listed.stdout.startswith(WIRE_ID)
    assert contents(path) == before


def test_replacing_an_article_whose_signature_is_garbage_writes_nothing(wire_index, tmp_path):
    path = damage(wire_index, tmp_path / "damaged.db", REFUSED_WHEN_READ["signature garbage"])
    before = contents(path)
    changed = tmp_path / f"{WIRE_ID}.txt"
    changed.write_text(WIRE.read_text() + "\nA late paragraph added by the desk.\n")
    result = run("index", "add", "--replace", "--index", path, changed)
    assert_refused(result, path, rebuild=False)
    assert f"the stored row of {WIRE_ID!r} is not an article's" in result.stderr
    assert contents(path) == before


#: Damage in rows a check may never read (another article's): every add refuses
#: it before writing, and index verify finds it.
REFUSED_BY_ADD = {
    "signature garbage": REFUSED_WHEN_READ["signature garbage"],
    "document a text value": REFUSED_WHEN_READ["document a text value"],
    "document garbage": ["UPDATE articles SET document = x'00112233445566778899'"],
    "words a text value": ["UPDATE articles SET words = 'many'"],
    "digest a blob": ["UPDATE articles SET digest = x'00'"],
}


@pytest.mark.parametrize("case", sorted(REFUSED_BY_ADD))
def test_a_damaged_row_is_refused_by_every_add_and_found_by_verify(case, wire_index, tmp_path, other_article):
    path = damage(wire_index, tmp_path / "damaged.db", REFUSED_BY_ADD[case])
    before = contents(path)
    assert_refused(run("index", "add", "--index", path, other_article), path, rebuild=False)
    assert_refused(run("index", "verify", "--index", path), path, rebuild=False)
    assert contents(path) == before
    # The repair the message gives: remove the article, add it again.
    assert run("index", "remove", "--index", path, WIRE_ID).exit_code == 0
    assert run("index", "add", "--index", path, WIRE).exit_code == 0
    verified = run("index", "verify", "--index", path)
    assert verified.exit_code == 0 and "1 article(s), every one readable" in verified.stdout
    assert run("check", "--index", path, COPY).exit_code == 1  # the uncredited copy is found again


#: Damage only the whole pass of index verify finds (SQLite's page check, the
#: postings counted against the signatures, the blocks against the articles).
FOUND_BY_VERIFY = {
    "a posting of a missing article": ["INSERT INTO postings (term, doc) VALUES (12345, 999)"],
    "postings lost": ["DELETE FROM postings WHERE term IN (SELECT term FROM postings LIMIT 3)"],
    "an article without its block slot": ["UPDATE blocks SET docs = zeroblob(length(docs))"],
    "a document that decodes to nothing": REFUSED_WHEN_READ["document garbage zstd"],
}


@pytest.mark.parametrize("case", sorted(FOUND_BY_VERIFY))
def test_index_verify_finds_damage_the_cheap_checks_do_not(case, wire_index, tmp_path):
    path = damage(wire_index, tmp_path / "damaged.db", FOUND_BY_VERIFY[case])
    before = contents(path)
    assert_refused(run("index", "verify", "--index", path), path, rebuild=False)
    assert contents(path) == before


def test_index_verify_passes_a_whole_index_and_counts_it(wire_index):
    result = run("index", "verify", "--index", wire_index)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{wire_index}: 1 article(s), every one readable\n"


def test_postings_naming_a_missing_article_are_refused_by_check(wire_index, tmp_path):
    # Every posting moved to an article that does not exist: word-level reuse
    # would be lost in silence if the check did not say so.
    path = damage(wire_index, tmp_path / "damaged.db", ["UPDATE postings SET doc = 99999"])
    result = run("check", "--index", path, COPY)
    assert_refused(result, path)
    assert "word postings name article number 99999" in result.stderr


def test_the_library_raises_index_store_errors(wire_index, tmp_path):
    path = damage(wire_index, tmp_path / "damaged.db", REFUSED_AT_OPEN["parameters a JSON list"])
    with pytest.raises(IndexStoreError, match="is damaged .*not a JSON object.*rebuild it"):
        open_index(str(path))
    with pytest.raises(IndexStoreError, match="is damaged"):
        open_index(str(path), create=True)


@pytest.mark.parametrize("where", ["/dev/full", "/dev/null", "folder"])
def test_a_path_that_is_not_a_regular_file_is_refused(where, tmp_path):
    location = where if where.startswith("/dev/") else tmp_path
    if not Path(location).exists():
        pytest.skip(f"{location} does not exist here")
    for command in (["index", "add", "--index", location, WIRE], ["index", "info", "--index", location],
                    ["check", "--index", location, COPY]):
        result = run(*command)
        assert result.exit_code == 3, result.output
        assert result.stderr.strip().splitlines() == [
            (f"error: {location} is not a regular file: an SQLite index is a file (give a file path, "
             "e.g. 'provenance index add --index wires.db SOURCES...')")]
    assert Path(location).exists() and not Path(location).is_file()


@pytest.mark.parametrize("field, value", [("parameters", b"{not json"), ("parameters", b"[1]"),
                                          ("bands", b"\xff\xfe"), ("bands", b"[]")])
def test_a_garbage_redis_meta_hash_is_refused(redis_url, field, value):  # noqa: F811 - the fixture
    import redis

    prefix = f"faults-{field}-{value.hex()}"
    with open_index(redis_url, create=True, prefix=prefix):
        pass
    client = redis.Redis.from_url(redis_url)
    client.hset(f"{prefix}:meta", field, value)
    result = run("index", "info", "--index", redis_url, "--prefix", prefix)
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is damaged" in lines[0] and f"delete its keys ({prefix}:*)" in lines[0], lines
    assert_refused_add = run("index", "add", "--index", redis_url, "--prefix", prefix, WIRE)
    assert assert_refused_add.exit_code == 3 and not client.exists(f"{prefix}:articles")
    client.close()


# --- concurrent writers ------------------------------------------------------------------

WRITERS = 4
PER_WRITER = 300


def _articles(writer: int) -> list[Article]:
    words = ["council", "harbour", "ferry", "budget", "school", "river", "bridge", "market", "police", "storm",
             "museum", "library", "station", "tunnel", "garden", "festival", "hospital", "airport"]
    articles = []
    for i in range(PER_WRITER):
        n = writer * PER_WRITER + i
        picked = [words[(n * 7 + k * 3) % len(words)] for k in range(12)]
        text = " ".join(f"The {w} story number {n} says item {k} changed on day {n % 31}." for k, w in enumerate(picked))
        articles.append(Article(id=f"w{writer}-{i}", text=text, outlet=f"Outlet {writer}"))
    return articles


def _write(path: str, writer: int, start, results) -> None:
    try:
        articles = _articles(writer)
        start.wait()
        with open_index(path, create=True) as index:
            # One transaction per chunk, as a feed adds what arrived.
            for i in range(0, len(articles), 50):
                add_articles(index, articles[i : i + 50])
        results.put((writer, "ok"))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        results.put((writer, f"{type(exc).__name__}: {exc}"))


def _read(path: str, start, results) -> None:
    try:
        start.wait()
        probe = _articles(0)[0]
        answers = 0
        with open_index(path) as index:
            for _ in range(40):
                len(index)
                index.best(prepare(probe, index.settings).signature, limit=5)
                answers += 1
        results.put(("reader", f"ok {answers}"))
    except BaseException as exc:  # noqa: BLE001
        results.put(("reader", f"{type(exc).__name__}: {exc}"))


def test_concurrent_writer_processes_all_succeed_while_a_reader_answers(tmp_path):
    path = str(tmp_path / "shared.db")
    with open_index(path, create=True):
        pass  # the reader opens an existing index
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(WRITERS + 1), context.Queue()
    processes = [context.Process(target=_write, args=(path, w, start, results)) for w in range(WRITERS)]
    processes.append(context.Process(target=_read, args=(path, start, results)))
    for process in processes:
        process.start()
    outcomes = dict(results.get(timeout=300) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    assert outcomes.pop("reader") == "ok 40"
    assert outcomes == {w: "ok" for w in range(WRITERS)}
    with open_index(path) as index:
        assert len(index) == WRITERS * PER_WRITER
        stored = {entry.id for entry in index.entries()}
        assert stored == {a.id for w in range(WRITERS) for a in _articles(w)}
        probe = _articles(2)[7]
        assert index.best(prepare(probe, index.settings).signature, limit=1)[0][0] == probe.id


# --- a Redis server killed, stopped or full mid-command -----------------------------------
# Each test runs a server of its own (the module's shared one must stay up), persisting every
# write before it answers (appendonly, fsync always), so that a restart after kill -9 holds
# exactly what was committed: "as it was" is then checked on the restarted server.


@functools.cache
def generator() -> NewsGenerator:
    """Short generated wire stories (80-160 words): quick to analyse and index."""
    return NewsGenerator(seed=11, words=(80, 160))


class RedisServer:
    """A redis-server on a free loopback port keeping its append-only file in ``folder``."""

    def __init__(self, folder: Path):
        import redis

        self.folder, self.port, self.process = folder, _free_loopback_port(), None
        self.client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def aof(self) -> Path:
        """The file the server appends writes to (Redis 7 keeps several in appendonlydir)."""
        parts = sorted((self.folder / "appendonlydir").glob("*.incr.aof"))
        return parts[-1] if parts else self.folder / "appendonly.aof"

    def start(self) -> RedisServer:
        import redis

        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.folder), "--save", "", "--appendonly", "yes", "--appendfsync", "always",
             "--auto-aof-rewrite-percentage", "0"],  # no rewrite: what was appended stays where it is
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                self.client.ping()
                return self
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None:
                    pytest.fail(f"redis-server exited with code {self.process.returncode} on port {self.port}")
                time.sleep(0.05)
        pytest.fail(f"redis-server did not answer on 127.0.0.1:{self.port}")

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no shutdown, no last write
        self.process.wait()
        self.client.connection_pool.disconnect()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # in case a test left it stopped
            self.process.kill()
            self.process.wait()
        self.client.close()

    def calls(self, command: str) -> int:
        """How many times the server has run ``command`` (its INFO commandstats)."""
        return int(self.client.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0))


def _free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not found: install it (apt-get install redis-server) to test the Redis index")
    pytest.importorskip("redis", reason="redis-py not installed: pip install 'provenance-news[redis]'")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    try:
        yield server.start()
    finally:
        server.stop()


def wires(path: Path, start: int, count: int) -> set[str]:
    """Write generated wire stories ``start`` .. ``start + count - 1`` to ``path``; their ids."""
    write_jsonl(generator().stories(count, start), path)
    return {generator().story(n).id for n in range(start, start + count)}


def copy_of(number: int, path: Path) -> Path:
    """An uncredited copy of wire story ``number``, as a file check reads."""
    write_jsonl([generator().derive(generator().story(number), "copy", number, credited=False)], path)
    return path


def provenance(*args) -> subprocess.Popen:
    """``python -m provenance ARGS`` in a process of its own, which a test can stop and go on."""
    return subprocess.Popen([sys.executable, "-m", "provenance", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def interrupt_server_during(server: RedisServer, process: subprocess.Popen, under_way, stop: bool = False
                            ) -> tuple[int, str]:
    """Once ``under_way()`` says the command has reached the step under test, freeze the command
    (so that it is certainly mid-way), kill -9 the server (``stop``: SIGSTOP it, so that it stays
    connected and answers nothing) and let the command go on; its exit code and standard error."""
    give_up = time.monotonic() + 300  # a guard against a hang, not a measurement
    try:
        while not under_way():
            assert process.poll() is None, ("finished before the step under test", process.communicate())
            assert time.monotonic() < give_up, "the step under test never came"
            time.sleep(0.002)
        process.send_signal(signal.SIGSTOP)
        try:
            assert process.poll() is None
            if stop:
                server.process.send_signal(signal.SIGSTOP)
            else:
                server.kill()
        finally:
            process.send_signal(signal.SIGCONT)
        _, stderr = process.communicate(timeout=300)
    finally:
        if process.poll() is None:  # a failed test leaves no command behind
            process.kill()
            process.communicate()
    return process.returncode, stderr


def assert_server_error(code: int, stderr: str, server: RedisServer, *words: str) -> None:
    """Exit 3 and one line naming the server: no traceback, not an internal error."""
    lines = stderr.strip().splitlines()
    assert code == 3, (code, stderr)
    assert len(lines) == 1 and lines[0].startswith("error: ") and lines[0].isprintable(), stderr
    assert server.url in lines[0] and all(w in lines[0] for w in words), lines[0]
    assert "Traceback" not in stderr and "internal error" not in stderr


def assert_whole(server: RedisServer, prefix: str, ids: set[str]) -> None:
    """The index holds exactly ``ids``, each with its signature and document, and reads back whole."""
    keys = {name: {k.decode() for k in server.client.hkeys(f"{prefix}:{name}")}
            for name in ("articles", "signatures", "documents")}
    assert keys == {"articles": ids, "signatures": ids, "documents": ids}
    verified = run("index", "verify", "--index", server.url, "--prefix", prefix)
    assert verified.exit_code == 0, verified.output
    assert f": {len(ids)} article(s), every one readable" in verified.stdout, verified.output
    listed = run("index", "list", "--index", server.url, "--prefix", prefix)
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == sorted(ids)


def found_sources(code: int, report: str) -> list[str]:
    """The source each checked article was found to copy, from check's JSON report (exit 1: violations)."""
    assert code == 1, (code, report)
    return [article["source"]["id"] for article in json.loads(report)["articles"] if article["status"] == "fail"]


def assert_finds(server: RedisServer, prefix: str, number: int, tmp_path: Path) -> None:
    """check finds the uncredited copy of wire story ``number`` (which the index holds)."""
    result = run("check", "--format", "json", "--index", server.url, "--prefix", prefix,
                 copy_of(number, tmp_path / f"copy-{number}.jsonl"))
    assert found_sources(result.exit_code, result.stdout) == [generator().story(number).id], result.output


def index_two_adds(server: RedisServer, tmp_path: Path, prefix: str, second: int) -> tuple[set[str], set[str], Path]:
    """A committed add of 20 wire stories; the ids of those and of ``second`` more, and the file of the more."""
    first = wires(tmp_path / "first.jsonl", 0, 20)
    assert run("index", "add", "--index", server.url, "--prefix", prefix, tmp_path / "first.jsonl").exit_code == 0
    more = wires(tmp_path / "second.jsonl", 20, second)
    return first, more, tmp_path / "second.jsonl"


@pytest.mark.parametrize("step, count", [
    ("buckets", 80), pytest.param("analysing", 80, marks=pytest.mark.slow),
    # A large add: its hints take seconds to write, and the kill lands well inside them.
    pytest.param("analysing", 2000, marks=pytest.mark.slow), pytest.param("buckets", 2000, marks=pytest.mark.slow)])
def test_a_redis_server_killed_during_an_add_keeps_the_committed_ones_whole(step, count, own_redis, tmp_path):
    server, prefix = own_redis, "killed"
    first, more, second = index_two_adds(server, tmp_path, prefix, count)
    keys = server.client.dbsize()
    # "analysing": it has read which ids are stored, and writes nothing until every article is
    # analysed; "buckets": its LSH hints are being written.
    under_way = {"analysing": lambda: server.calls("hmget") > 0,
                 "buckets": lambda: server.client.dbsize() > keys + 25 * count}[step]
    server.client.config_resetstat()
    code, stderr = interrupt_server_during(
        server, provenance("index", "add", "--index", server.url, "--prefix", prefix, second), under_way)
    assert_server_error(code, stderr, server)
    server.start()  # the same folder: what was committed before the kill
    assert_whole(server, prefix, first)
    assert_finds(server, prefix, 3, tmp_path)
    # The add, run again, completes: the hints the killed one left do not get in its way.
    again = run("index", "add", "--index", server.url, "--prefix", prefix, second)
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith(f"added {count}, replaced 0, unchanged 0; {20 + count} "), again.output
    assert_whole(server, prefix, first | more)
    assert_finds(server, prefix, 20 + count - 1, tmp_path)


@pytest.mark.parametrize("cut", [pytest.param("after MULTI", marks=pytest.mark.slow), "mid-transaction",
                                 pytest.param("inside EXEC", marks=pytest.mark.slow),
                                 pytest.param("none", marks=pytest.mark.slow)])
def test_an_add_torn_off_the_append_only_file_is_all_or_nothing(cut, own_redis, tmp_path):
    # kill -9 while the server appends the add's transaction leaves the file cut somewhere in
    # it: cut it at each such place, and the restarted server has all of the add or none.
    server, prefix = own_redis, "torn"
    first, more, second = index_two_adds(server, tmp_path, prefix, 60)
    assert run("index", "add", "--index", server.url, "--prefix", prefix, second).exit_code == 0
    server.kill()
    data = server.aof.read_bytes()
    multi, exec_ = data.rindex(b"*1\r\n$5\r\nMULTI\r\n"), data.rindex(b"*1\r\n$4\r\nEXEC\r\n")
    assert b"HSET" in data[multi:exec_] and exec_ + len(b"*1\r\n$4\r\nEXEC\r\n") == len(data)
    at = {"after MULTI": multi + 15, "mid-transaction": (multi + exec_) // 2, "inside EXEC": exec_ + 9,
          "none": len(data)}[cut]
    server.aof.write_bytes(data[:at])
    server.start()
    assert_whole(server, prefix, first | more if cut == "none" else first)
    assert_finds(server, prefix, 3, tmp_path)


def test_a_check_against_a_redis_server_killed_mid_way_exits_3(own_redis, tmp_path):
    server, prefix = own_redis, "checked"
    wires(tmp_path / "wires.jsonl", 0, 20)
    assert run("index", "add", "--index", server.url, "--prefix", prefix, tmp_path / "wires.jsonl").exit_code == 0
    write_jsonl([generator().derive(generator().story(n % 20), "copy", n, credited=False) for n in range(80)],
                tmp_path / "feed.jsonl")
    server.client.config_resetstat()
    check = provenance("check", "--index", server.url, "--prefix", prefix, tmp_path / "feed.jsonl")
    code, stderr = interrupt_server_during(server, check, lambda: server.calls("smembers") > 0)  # querying
    assert_server_error(code, stderr, server)
    # And against no server at all, in one line too.
    result = run("check", "--index", server.url, "--prefix", prefix, tmp_path / "feed.jsonl")
    assert_server_error(result.exit_code, result.stderr, server, "cannot connect to Redis")


@pytest.mark.parametrize("command", [pytest.param("check", marks=pytest.mark.slow), "index add"])
def test_a_redis_server_that_stops_answering_fails_the_command_instead_of_hanging_it(command, own_redis, tmp_path):
    server, prefix = own_redis, "stopped"
    first, more, second = index_two_adds(server, tmp_path, prefix, 80)
    url = f"{server.url}?socket_timeout=0.5"  # the default is longer: see provenance.index.redis
    keys = server.client.dbsize()
    server.client.config_resetstat()
    if command == "check":
        write_jsonl([generator().derive(generator().story(n % 20), "copy", n, credited=False) for n in range(150)],
                    tmp_path / "feed.jsonl")
        process, under_way = provenance("check", "--index", url, "--prefix", prefix, tmp_path / "feed.jsonl"), (
            lambda: server.calls("smembers") > 0)
    else:
        process, under_way = provenance("index", "add", "--index", url, "--prefix", prefix, second), (
            lambda: server.client.dbsize() > keys)
    try:
        code, stderr = interrupt_server_during(server, process, under_way, stop=True)
    finally:
        server.process.send_signal(signal.SIGCONT)
    assert_server_error(code, stderr, server, "no answer within 0.5 s")
    assert_whole(server, prefix, first)


def test_redis_connections_are_bounded_in_time_unless_the_url_says_otherwise(own_redis):
    with open_index(own_redis.url, create=True) as index:
        options = index._pool.connection_kwargs
        assert options["socket_timeout"] > 0 and options["socket_connect_timeout"] > 0
    with open_index(f"{own_redis.url}?socket_timeout=2.5&socket_connect_timeout=1", create=True) as index:
        options = index._pool.connection_kwargs
        assert (options["socket_timeout"], options["socket_connect_timeout"]) == (2.5, 1)


@pytest.mark.slow
def test_an_add_to_a_full_redis_server_exits_3_and_changes_nothing(own_redis, tmp_path):
    server, prefix = own_redis, "full"
    first, more, second = index_two_adds(server, tmp_path, prefix, 150)
    used = int(server.client.info("memory")["used_memory"])
    server.client.config_set("maxmemory-policy", "noeviction")
    server.client.config_set("maxmemory", used + 300_000)  # room for some of the add's hints, not all
    result = run("index", "add", "--index", server.url, "--prefix", prefix, second)
    assert_server_error(result.exit_code, result.stderr, server, "used memory > 'maxmemory'")
    assert_whole(server, prefix, first)
    server.client.config_set("maxmemory", 0)
    assert run("index", "add", "--index", server.url, "--prefix", prefix, second).exit_code == 0
    assert_whole(server, prefix, first | more)


# --- a full disk and a read-only file under an SQLite index --------------------------------


def provenance_run(*args, preexec=None) -> subprocess.CompletedProcess:
    """``python -m provenance ARGS`` to its end, ``preexec`` run in the child before it starts."""
    return subprocess.run([sys.executable, "-m", "provenance", *map(str, args)],
                          capture_output=True, text=True, timeout=300, preexec_fn=preexec)


def assert_unchanged(path: Path, before: bytes, tmp_path: Path) -> None:
    """The file has the same bytes, so the same rows and answers; SQLite finds it whole."""
    assert path.read_bytes() == before
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()
    checked = run("check", "--format", "json", "--index", path, COPY)
    assert found_sources(checked.exit_code, checked.stdout) == [WIRE_ID], checked.output


def assert_write_refused(result: subprocess.CompletedProcess, path: Path, *words: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: cannot "), result.stderr
    assert all(re.search(w, lines[0]) for w in words), lines[0]
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_an_add_past_the_file_size_limit_changes_nothing(wire_index, tmp_path):
    path = tmp_path / "index.db"
    shutil.copy(wire_index, path)
    before = path.read_bytes()
    wires(tmp_path / "wires.jsonl", 0, 150)  # megabytes: more than the limit lets the file grow
    result = provenance_run("index", "add", "--index", path, tmp_path / "wires.jsonl",
                            preexec=_file_size_limit(len(before) + 64 * 1024))
    assert_write_refused(result, path, "cannot write to the index")
    assert_unchanged(path, before, tmp_path)


def test_an_add_on_a_full_disk_changes_nothing(wire_index, tmp_path):
    # A real full file system: a small tmpfs in mount and user namespaces of the command's own.
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare (util-linux) not found")
    wires(tmp_path / "wires.jsonl", 0, 150)
    disk, kept = tmp_path / "disk", tmp_path / "kept"
    disk.mkdir(), kept.mkdir()
    size = wire_index.stat().st_size + 160 * 1024  # the index, its shared-memory file and a little
    script = (f"mount -t tmpfs -o size={size} tmpfs {disk} || exit 97; cp {wire_index} {disk}/index.db; "
              f"{sys.executable} -m provenance index add --index {disk}/index.db {tmp_path}/wires.jsonl; "
              f"code=$?; cp {disk}/index.db {kept}/; exit $code")
    result = subprocess.run([unshare, "--user", "--map-root-user", "--mount", "sh", "-c", script],
                            capture_output=True, text=True, timeout=300)
    if result.returncode == 97 or "unshare failed" in result.stderr:
        pytest.skip(f"no tmpfs in a user namespace here: {result.stderr.strip()}")
    assert result.returncode == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"error: {disk}/index.db: cannot write to the index: database or disk is full") and "nothing was written" in lines[0]
    assert_unchanged(kept / "index.db", wire_index.read_bytes(), tmp_path)


def _without_override() -> None:
    """As root, give up the power to write files whatever their mode (CAP_DAC_OVERRIDE), for good."""
    if ctypes.CDLL(None, use_errno=True).prctl(24, 1, 0, 0, 0) != 0:  # PR_CAPBSET_DROP, CAP_DAC_OVERRIDE
        os._exit(97)


def test_a_read_only_index_file_refuses_writes_and_still_answers(wire_index, tmp_path):
    path = tmp_path / "index.db"
    shutil.copy(wire_index, path)
    path.chmod(0o444)
    before = path.read_bytes()
    preexec = _without_override if os.geteuid() == 0 else None
    for args in (["index", "add", "--index", path, COPY], ["index", "remove", "--index", path, WIRE_ID]):
        result = provenance_run(*args, preexec=preexec)
        if result.returncode == 97:
            pytest.skip("running as root, and this root cannot give up CAP_DAC_OVERRIDE (prctl refused)")
        assert_write_refused(result, path, "cannot write to the index", "read-?only")
    checked = provenance_run("check", "--format", "json", "--index", path, COPY, preexec=preexec)
    assert found_sources(checked.returncode, checked.stdout) == [WIRE_ID], checked.stderr
    path.chmod(0o644)  # so that the checks below may open it as a writer would
    assert_unchanged(path, before, tmp_path)


def test_a_redis_url_option_the_client_does_not_know_is_one_line_and_a_password_parameter_is_hidden():
    pytest.importorskip("redis", reason="redis-py not installed: pip install 'provenance-news[redis]'")
    nowhere = f"redis://127.0.0.1:{_free_loopback_port()}/0"  # nothing listens there
    result = run("index", "info", "--index", f"{nowhere}?colour=blue")
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"error: cannot connect to Redis at {nowhere}?colour=blue: the URL has an option "
                                    "the Redis client does not know") and result.stderr.count("\n") == 1
    result = run("check", "--index", f"{nowhere}?password=hunter2", COPY)
    assert result.exit_code == 3 and "hunter2" not in result.output
    assert result.stderr.startswith(f"error: cannot connect to Redis at {nowhere}?password=***: ")


@pytest.mark.parametrize("value", [b"not json", b"[1, 2]", b'{"digest": 7}', b"\xff\xfe"])
def test_a_garbage_redis_article_row_is_refused_in_one_line_and_can_be_repaired(redis_url, value):  # noqa: F811
    import redis

    prefix, where = f"faults-article-{value.hex()}", ["--index", redis_url, "--prefix", f"faults-article-{value.hex()}"]
    assert run("index", "add", *where, WIRE).exit_code == 0
    client = redis.Redis.from_url(redis_url)
    client.hset(f"{prefix}:articles", WIRE_ID, value)
    for command in (["index", "list", *where], ["index", "verify", *where]):
        result = run(*command)
        assert result.exit_code == 3, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and f"the stored row of {WIRE_ID!r} is not an article's" in lines[0], result.stderr
    # An add takes it for another text (kept, with a warning), and --replace rewrites it whole.
    kept = run("index", "add", *where, WIRE)
    assert kept.exit_code == 0 and "already indexed with different text were kept" in kept.stderr, kept.output
    assert run("index", "add", "--replace", *where, WIRE).exit_code == 0
    assert run("index", "verify", *where).stdout.endswith(": 1 article(s), every one readable\n")
    # Or the repair the message gives: remove it, add it again.
    client.hset(f"{prefix}:articles", WIRE_ID, value)
    assert run("index", "remove", *where, WIRE_ID).stdout.startswith("removed 1; 0 article(s)")
    assert run("index", "add", *where, WIRE).exit_code == 0
    assert run("index", "verify", *where).stdout.endswith(": 1 article(s), every one readable\n")
    client.close()


def test_a_read_only_index_in_a_read_only_folder_still_answers(wire_index, tmp_path):
    # A CI cache or a mounted volume: SQLite cannot make its shared-memory file beside it.
    folder = tmp_path / "cache"
    folder.mkdir()
    path = folder / "index.db"
    shutil.copy(wire_index, path)
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        preexec = _without_override if os.geteuid() == 0 else None
        checked = provenance_run("check", "--format", "json", "--index", path, COPY, preexec=preexec)
        if checked.returncode == 97:
            pytest.skip("running as root, and this root cannot give up CAP_DAC_OVERRIDE (prctl refused)")
        assert found_sources(checked.returncode, checked.stdout) == [WIRE_ID], checked.stderr
        info = provenance_run("index", "info", "--index", path, preexec=preexec)
        assert info.returncode == 0 and "articles:   1" in info.stdout, info.stderr
        added = provenance_run("index", "add", "--index", path, COPY, preexec=preexec)
        assert_write_refused(added, path, "read-only for this user; nothing was written")
    finally:
        folder.chmod(0o755)
