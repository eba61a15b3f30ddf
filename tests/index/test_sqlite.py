"""The SQLite index: same answers as the in-memory index, incremental and
atomic writes, concurrent writers, refusal of incompatible parameters, and
indexes of the first format."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from provenance import Settings, analyse, read_articles
from provenance.errors import IncompatibleIndexError, IndexStoreError
from provenance.fingerprint.minhash import signature
from provenance.index import open_index
from provenance.index.build import add_articles
from provenance.index.memory import MemoryIndex
from provenance.index.sqlite import SqliteIndex
from tests.helpers import REPO, SEEDS, seed_id, synthetic_article
from tests.reference import as_first_format, old_encode_document

CHECK_FLOORS = {"words": 0.03, "content": 0.15}


def _analysed(items, settings=Settings()):
    articles = [synthetic_article(item) for item in items]
    documents = [analyse(a, settings) for a in articles]
    return articles, [signature(d, settings) for d in documents]


@pytest.fixture(scope="module")
def corpus(synthetic_news):
    wires, feed = synthetic_news
    articles, signatures = _analysed(wires)
    _, queries = _analysed(feed.articles)
    return articles, signatures, queries + signatures[:20]


@pytest.mark.parametrize("settings", [
    Settings(),
    # Wider bands (r > 1) and 64-bit hashes: the counting shortcut must still agree.
    Settings(word_lsh_threshold=0.5, content_lsh_threshold=0.3),
    Settings(minhash_scheme="affine64", num_perm=64),
], ids=["default", "wide-bands", "affine64"])
def test_answers_match_the_memory_index(tmp_path, synthetic_news, settings):
    wires, feed = synthetic_news
    articles, signatures = _analysed(wires, settings)
    _, queries = _analysed(feed.articles, settings)
    memory = MemoryIndex(settings)
    memory.add_all(signatures)
    with open_index(str(tmp_path / "i.db"), settings, create=True) as index:
        add_articles(index, articles)
        assert len(index) == len(memory)
        found_any = False
        for query in queries + signatures[:10]:
            assert index.query(query) == memory.query(query)
            assert index._lsh_query(query) == memory._lsh_query(query)
            assert index.best(query, 2, CHECK_FLOORS) == memory.best(query, 2, CHECK_FLOORS)
            found_any |= bool(index.query(query))
        assert found_any


def test_append_then_query_sees_new_articles_in_an_open_reader(tmp_path, corpus):
    articles, signatures, queries = corpus
    path = str(tmp_path / "i.db")
    with open_index(path, create=True) as writer:
        add_articles(writer, articles[:60])
    reader = open_index(path)
    before = {q.id: reader.query(q) for q in queries}
    with open_index(path) as writer:
        report = add_articles(writer, articles[60:])
    assert len(report.added) == len(articles) - 60 > 0
    memory = MemoryIndex()
    memory.add_all(signatures)
    assert len(reader) == len(articles)
    for query in queries:
        assert reader.query(query) == memory.query(query)
    assert any(reader.query(q) != before[q.id] for q in queries)  # the append was visible
    reader.close()


def test_readding_unchanged_articles_is_a_no_op_and_changed_ones_need_replace(tmp_path):
    articles = read_articles([SEEDS])
    path = str(tmp_path / "i.db")
    with open_index(path, create=True) as index:
        assert len(add_articles(index, articles).added) == 5
        again = add_articles(index, articles)
        assert again.added == () and len(again.unchanged) == 5
        edited = [a.__class__(**{**a.__dict__, "text": a.text + "\nA late correction."}) for a in articles[:1]]
        kept = add_articles(index, edited)
        assert kept.conflicts == (articles[0].id,) and kept.replaced == ()
        replaced = add_articles(index, edited, replace=True)
        assert replaced.replaced == (articles[0].id,)
        document = index.documents([articles[0].id])[articles[0].id]
        assert "late correction" in document.text
        assert len(index) == 5


def test_stored_documents_are_the_analysed_documents(wire_index):
    article = read_articles(list(SEEDS.glob("002_*.txt")))[0]
    with open_index(str(wire_index)) as index:
        assert index.documents([article.id]) == {article.id: analyse(article)}
        assert article.id in index and "nope" not in index
        with pytest.raises(KeyError):
            index.documents(["nope"])


def test_remove_drops_articles_from_answers(tmp_path, corpus):
    articles, signatures, queries = corpus
    path = str(tmp_path / "i.db")
    with open_index(path, create=True) as index:
        add_articles(index, articles)
        gone = [s.id for s in signatures[:30]]
        assert index.remove(gone + ["not-indexed"]) == tuple(gone)
        memory = MemoryIndex()
        memory.add_all(signatures[30:])
        assert len(index) == len(signatures) - 30
        for query in queries:
            assert index.query(query) == memory.query(query)
        # Removed rows leave room for nothing odd: adding them back restores the answers.
        add_articles(index, articles[:30])
        memory_all = MemoryIndex()
        memory_all.add_all(signatures)
        for query in queries[:10]:
            assert index.query(query) == memory_all.query(query)


def test_a_missing_index_is_refused_and_not_created(tmp_path):
    path = tmp_path / "missing.db"
    with pytest.raises(IndexStoreError, match="no index at .*provenance index add"):
        open_index(str(path))
    assert not path.exists()


def test_a_file_that_is_not_an_index_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all, just text" * 100)
    with pytest.raises(IndexStoreError, match="junk.db"):
        open_index(str(junk))
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(IndexStoreError, match="not a provenance index"):
        open_index(str(other))


def test_different_fingerprint_parameters_are_refused(tmp_path):
    path = str(tmp_path / "i.db")
    with open_index(path, Settings(num_perm=64), create=True) as index:
        add_articles(index, read_articles(list(SEEDS.glob("002_*.txt"))))
    with pytest.raises(IncompatibleIndexError, match=r"num_perm=64 \(this run: 128\)"):
        open_index(path)
    with open_index(path, Settings(num_perm=64)) as index:  # matching settings still work
        assert len(index) == 1


def test_an_index_from_another_text_version_is_refused(tmp_path, wire_index):
    path = tmp_path / "old.db"
    path.write_bytes(wire_index.read_bytes())
    connection = sqlite3.connect(path)
    parameters = json.loads(connection.execute("SELECT value FROM meta WHERE key = 'parameters'").fetchone()[0])
    parameters["text_version"] -= 1
    connection.execute("UPDATE meta SET value = ? WHERE key = 'parameters'", (json.dumps(parameters),))
    connection.commit()
    connection.close()
    with pytest.raises(IncompatibleIndexError, match="text_version"):
        open_index(str(path))


# A writer that adds copies of the seeds under new ids inside one transaction,
# reports once uncommitted pages have reached the WAL file, then waits to be killed.
_KILLED_WRITER = textwrap.dedent("""
    import dataclasses, os, sys, time
    from provenance import read_articles
    from provenance.index import open_index
    from provenance.index.build import prepare

    path, seeds = sys.argv[1], sys.argv[2]
    articles = read_articles([seeds])
    index = open_index(path)
    # A small page cache makes SQLite spill uncommitted pages to the WAL
    # early: the case where a kill could leave half an add on disk.
    index._connection.execute("PRAGMA cache_size = 20")

    def entries():
        for n in range(100_000):
            article = articles[n % len(articles)]
            yield prepare(dataclasses.replace(article, id=f"extra-{n}"), index.settings)
            if n >= 20 and os.path.exists(path + "-wal") and os.path.getsize(path + "-wal") > 64 * 1024:
                print("mid-transaction", flush=True)
                time.sleep(600)

    index.add_documents(entries())
""")


def test_a_writer_killed_mid_add_leaves_the_index_unchanged(tmp_path, wire_index):
    path = tmp_path / "i.db"
    path.write_bytes(wire_index.read_bytes())
    with open_index(str(path)) as index:
        before = list(index.entries())
        generation = index.info().details["generation"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(path), str(SEEDS)],
                             stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "mid-transaction"
        assert Path(f"{path}-wal").stat().st_size > 64 * 1024  # uncommitted pages were written
    finally:
        child.kill()
        child.wait()
    with open_index(str(path)) as index:
        assert list(index.entries()) == before
        assert index.info().details["generation"] == generation
        assert index._connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        derived = read_articles(list(SEEDS.glob("000_*.txt")))
        hits = index.query(signature(analyse(derived[0])))
        assert [key for key, _ in hits] == [seed_id("002")]
        # and it still takes writes
        assert add_articles(index, read_articles([SEEDS])).added == tuple(
            sorted(a.id for a in read_articles([SEEDS]) if not a.id.startswith("002")))


def test_two_writers_at_once_both_land(tmp_path, corpus):
    articles, signatures, queries = corpus
    path = str(tmp_path / "i.db")
    with open_index(path, create=True):
        pass
    halves = [articles[0::2], articles[1::2]]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(part) -> None:
        try:
            with open_index(path) as index:
                start.wait()
                for chunk in range(0, len(part), 15):  # several transactions each, interleaving
                    add_articles(index, part[chunk : chunk + 15])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(part,)) for part in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    memory = MemoryIndex()
    memory.add_all(signatures)
    with open_index(path) as index:
        assert len(index) == len(articles)
        for query in queries[:15]:
            assert index.query(query) == memory.query(query)


def test_a_locked_index_times_out_with_a_clear_message(tmp_path, wire_index):
    path = tmp_path / "i.db"
    path.write_bytes(wire_index.read_bytes())
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        index = SqliteIndex(path, timeout=0.1)
        with pytest.raises(IndexStoreError, match="another process is writing"):
            add_articles(index, read_articles(list(SEEDS.glob("000_*.txt"))))
        assert len(index) == 1  # readers are not blocked by the writer
        index.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_info_reports_count_parameters_and_size(wire_index):
    with open_index(str(wire_index)) as index:
        info = index.info()
    assert info.backend == "sqlite" and info.articles == 1
    assert info.parameters == Settings().fingerprint_parameters()
    assert info.bands["words"][1] == 1  # recall-weighted bands are one row wide
    assert info.size_bytes > 0


def _as_first_format(path) -> None:
    """Rewrite an index as the first format wrote it: documents as zlib'd JSON, format 1."""
    connection = sqlite3.connect(path)
    with SqliteIndex(path) as index:
        documents = index.documents([key for (key,) in connection.execute("SELECT id FROM articles")])
    connection.executemany("UPDATE articles SET document = ? WHERE id = ?",
                           [(old_encode_document(d), key) for key, d in documents.items()])
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
        assert index.documents([wire.id]) == {wire.id: as_first_format(analyse(wire))}
        add_articles(index, read_articles(list(SEEDS.glob("000_*.txt"))))
        assert index.info().details["format"] == "2"
        assert index.documents([wire.id]) == {wire.id: as_first_format(analyse(wire))}  # old and new blobs side by side
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
