"""The inputs Spark reads: a file's bytes read on an executor give what the
local readers give for the file (articles, origins, problems), and a scan
that starts its own Spark writes none of the JVM's start-up lines."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile

import pytest

from provenance.readers import read_articles, read_file
from provenance.readers.inputs import MAX_FILE_BYTES, read_file_bytes
from provenance.spark.inputs import articles_frame, file_articles
from provenance.spark.session import java_found
from tests.helpers import SEEDS

RECORDS = [{"id": "w1", "text": "The council approved the budget on Monday."},
           {"text": "Storms closed the coastal road for a day."}]
JSONL = "".join(json.dumps(r) + "\n" for r in RECORDS).encode()
TEXT = "The council approved the budget on Monday after a long debate.\n".encode()


def _tar_gz() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        info = tarfile.TarInfo("notes.txt")
        info.size = len(TEXT)
        archive.addfile(info, io.BytesIO(TEXT))
    return out.getvalue()


FILES = {
    "notes.txt.gz": gzip.compress(TEXT),
    "notes.txt.bz2": bz2.compress(TEXT),
    "notes.txt": TEXT,
    "feed.jsonl": JSONL,
    "feed.jsonl.gz": gzip.compress(JSONL),
    "feed": JSONL,  # no suffix: sniffed
    "feed.gz": gzip.compress(JSONL),  # no inner suffix: sniffed once decompressed
    "broken.jsonl.gz": gzip.compress(JSONL)[:-12],
    "notes.tar.gz": _tar_gz(),
}


def _read(articles, problems):
    return ([(a, str(a.origin), a.origin.path, a.origin.line, a.origin.whole_file) for a in articles],
            [(type(p).__name__, p.origin, p.reason, p.line) for p in problems])


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_files_bytes_read_as_the_file_is(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(FILES[name])
    local_problems, spark_problems = [], []
    local = _read(read_file(path, local_problems.append), local_problems)
    on_spark = _read(file_articles(FILES[name], str(path), str(path), spark_problems.append), spark_problems)
    assert on_spark == local
    assert local[0] or local[1]


def test_a_compressed_texts_article_is_not_the_files_text(tmp_path):
    """Places in a decompressed text are not places in the file: no origin says they are."""
    [article] = file_articles(gzip.compress(TEXT), "hdfs://news/notes.txt.gz", "hdfs://news/notes.txt.gz", print)
    assert (article.id, article.origin.path, article.origin.whole_file) == ("notes", "hdfs://news/notes.txt.gz",
                                                                            False)
    [plain] = file_articles(TEXT, "hdfs://news/notes.txt", "hdfs://news/notes.txt", print)
    assert plain.origin.whole_file


def test_a_file_too_large_is_one_problem():
    problems = []
    assert list(read_file_bytes(b"x" * (MAX_FILE_BYTES + 1), "big.jsonl", "big.jsonl", problems.append)) == []
    assert [(p.origin, p.reason) for p in problems] == [
        ("big.jsonl", f"larger than {MAX_FILE_BYTES // 2**20} MiB; split it (JSONL files are read a line at a time)")]


@pytest.mark.parametrize("name", ["a b.parquet", "day[1].jsonl", "c%41.jsonl.gz"])
def test_spark_reads_local_files_whatever_their_names(spark, tmp_path, name):
    """Spaces, percent signs and glob characters in a name are the file's own, and its articles
    (ids from the file's stem when the records have none) are the local read's."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / name
    if name.endswith(".parquet"):
        pq.write_table(pa.table({"text": [r["text"] for r in RECORDS]}), path)
    else:
        path.write_bytes(FILES["feed.jsonl.gz" if name.endswith(".gz") else "feed.jsonl"])
    local = [(a.id, a.origin, a.text) for a in read_articles([str(path)])]
    read = articles_frame(spark, [str(path)])
    assert read.problems == ()
    assert sorted((r.id, r.origin, r.text) for r in read.frame.collect()) == sorted(local)
    assert read.ids() == tuple(i for i, _, _ in local) and len(local) == 2


@pytest.mark.parametrize("taken_first", [True, False])
def test_repeated_ids_are_renamed_as_the_local_read_renames_them(spark, tmp_path, taken_first):
    """A repeated id gets ``@origin``; when another article already holds (or
    later holds) that very id, the local read's counter or second rename
    follows, and Spark's read gives the same ids."""
    repeats = tmp_path / "b.jsonl"
    repeats.write_text('{"id": "x", "text": "One."}\n{"id": "x", "text": "Two."}\n', encoding="utf-8")
    taken = tmp_path / "a.jsonl"
    taken.write_text(json.dumps({"id": f"x@{repeats}:2", "text": "Three."}) + "\n", encoding="utf-8")
    inputs = [str(taken), str(repeats)] if taken_first else [str(repeats), str(taken)]
    local = [(a.id, a.text) for a in read_articles(inputs)]
    assert len({i for i, _ in local}) == 3
    assert any(i.endswith("#2") for i, _ in local) == taken_first  # the counter, or a second rename
    read = articles_frame(spark, inputs)
    assert sorted((r.id, r.text) for r in read.frame.collect()) == sorted(local)
    assert read.ids() == tuple(i for i, _ in local)


def test_ids_repeated_in_an_input_read_on_the_driver_are_renamed_once(spark, tmp_path):
    """A folder (read on the driver) holding two ``x`` articles (``sub/x.txt``
    is read first), after an input that holds the name the second would get: renamed once over every
    input, as locally (``...#2``), not first within the folder and then again."""
    folder = tmp_path / "briefs"
    (folder / "sub").mkdir(parents=True)
    (folder / "x.txt").write_text("One.\n", encoding="utf-8")
    (folder / "sub" / "x.txt").write_text("Two.\n", encoding="utf-8")
    taken = tmp_path / "a.jsonl"
    taken.write_text(json.dumps({"id": f"x@{folder / 'x.txt'}", "text": "Three."}) + "\n", encoding="utf-8")
    inputs = [str(taken), str(folder)]
    local = [(a.id, a.text) for a in read_articles(inputs)]
    assert any(i.endswith("#2") for i, _ in local) and len({i for i, _ in local}) == 3
    read = articles_frame(spark, inputs)
    assert sorted((r.id, r.text) for r in read.frame.collect()) == sorted(local)
    assert read.ids() == tuple(i for i, _ in local)


#: What Spark and its JVM write to standard error as they start, with their default log configuration.
JVM_LINES = re.compile(r"log4j|NativeCodeLoader|WARN|Setting default log level|setLogLevel|"
                       r"WARNING: Using incubator modules|SPARK_LOCAL_IP")


def test_a_spark_scan_writes_no_jvm_lines_to_standard_error():
    """The command starts its own Spark, as a user's would."""
    pytest.importorskip("pyspark", reason="pyspark not installed: pip install 'provenance-news[spark]'")
    if not java_found():
        pytest.skip("no Java runtime for Spark (java on the PATH or JAVA_HOME)")
    done = subprocess.run([sys.executable, "-m", "provenance", "scan", "--engine", "spark", "--master", "local[2]",
                           str(SEEDS)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Scanned 5 article(s)")
    assert not JVM_LINES.search(done.stderr), done.stderr
    assert done.stderr == ""
