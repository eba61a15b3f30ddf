"""Faults of the persistent indexes: a damaged SQLite index (or Redis meta
hash) is refused with one line saying how to rebuild it, never a traceback,
and nothing is written into it; a path that is not a file is refused; and
concurrent writers of one SQLite file all succeed while a reader answers."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

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
