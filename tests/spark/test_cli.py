"""``provenance scan --engine spark``: the same report as the local scan
(text and JSON, seeds and JSON lines read by Spark), the tables it writes
with --output DIR, its usage errors and one-line errors, and its progress line
on a terminal. Spark scans are slow to start, so each is made once a module."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from provenance.cli import cli
from tests.helpers import SEEDS

LINES = [
    {"text": "The council approved the harbour budget on Tuesday after a long debate about the new sea wall "
             "and the ferry timetable for the summer."},
    {"id": "copy", "title": "Harbour budget", "published": "Mon, 11 Nov 2024 23:30:00 -0500",
     "text": "The council approved the harbour budget on Tuesday after a long debate about the new sea wall "
             "and the ferry timetable for the summer season."},
    {"id": "copy", "text": "Football: the league leaders won again at the weekend, with two late goals from "
                           "their new striker in front of a full stadium."},
    {"id": "blank", "body": "no text field here"},
]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    # No id on the first line (its id is its line), a repeated id, a line with no text.
    path = tmp_path_factory.mktemp("feed") / "feed.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in LINES) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reports(spark, feed):
    """(local, spark) results of the seeds as text, and of the seeds and the feed as JSON."""
    text = [run("scan", str(SEEDS)), run("scan", "--engine", "spark", "--master", "local[2]", str(SEEDS))]
    both = [run("scan", str(SEEDS), str(feed), "--format", "json"),
            run("scan", "--engine", "spark", str(SEEDS), str(feed), "--format", "json")]
    return text, both


def test_the_seeds_text_report_is_the_local_scans_byte_for_byte(reports):
    (local, spark), _ = reports
    assert local.exit_code == spark.exit_code == 0, spark.output
    assert spark.stdout == local.stdout and "story-1" in spark.stdout


def test_json_lines_read_by_spark_give_the_local_scans_json_report(reports):
    _, (local, spark) = reports
    # The line with no text is skipped and reported by both: exit 1, the same warning.
    assert local.exit_code == spark.exit_code == 1
    assert spark.stdout == local.stdout
    document = json.loads(spark.stdout)
    ids = {article["id"] for article in document["articles"]}
    assert any(i.endswith("feed.jsonl:1") for i in ids) and "copy" in ids
    assert any(i.startswith("copy@") for i in ids)  # the repeated id, made unique as the local scan does
    assert "missing 'text' field" in spark.stderr and spark.stderr.count("warning:") == local.stderr.count("warning:")


@pytest.fixture(scope="module")
def scanned(spark, feed):
    from provenance.spark import scan_spark
    from provenance.spark.inputs import articles_frame

    return scan_spark(articles_frame(spark, [str(SEEDS), str(feed)]).frame, documents=True)


@pytest.mark.parametrize("table_format", ["parquet", "jsonl"])
def test_tables_are_written_and_read_back_as_the_scans_rows(spark, feed, scanned, tmp_path, table_format):
    from provenance.spark import relation_rows, story_rows
    from provenance.spark.output import LEDGER_COLUMNS, ledger_rows

    out = tmp_path / "tables"
    result = run("scan", "--engine", "spark", str(SEEDS), str(feed), "--output", str(out),
                 "--table-format", table_format)
    assert result.exit_code == 1 and result.stdout == ""  # the skipped line; no report
    read = spark.read.parquet if table_format == "parquet" else spark.read.json

    def rows(name, columns):
        return sorted(tuple(_plain(row[c]) for c in columns) for row in read(str(out / name)).collect())

    from provenance.spark import RELATION_COLUMNS, STORY_COLUMNS

    assert rows("relations", RELATION_COLUMNS) == sorted(
        tuple(_plain(v) for v in r) for r in relation_rows(scanned.stories, scanned.relations))
    assert rows("stories", STORY_COLUMNS) == sorted(tuple(_plain(v) for v in r) for r in story_rows(scanned.stories))
    ledgers = ledger_rows(scanned.relations, scanned.stories, scanned.documents)
    assert rows("ledgers", LEDGER_COLUMNS) == sorted(tuple(_plain(v) for v in r) for r in ledgers)
    assert list((out / "ledgers").glob("part-*"))  # Spark's writer: part files


def _plain(value):
    # JSON lines give integers back as such and arrays as lists: compare as JSON says them.
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, tuple)) else value


def test_usage_mistakes_exit_2_before_spark_starts():
    for args, says in ((["--master", "local[2]"], "--master needs --engine spark"),
                       (["--engine", "local", "--table-format", "jsonl"], "--table-format needs --engine spark"),
                       (["--engine", "spark", "--table-format", "jsonl"], "--table-format needs --output DIR"),
                       (["--engine", "spark", "--output", "out", "--format", "json"], "--format is for a report"),
                       (["--engine", "spark", "--jobs", "2"], "--jobs is for the local engine"),
                       (["--engine", "spark", "--master", "localhost:7077"], "is not a Spark master URL")):
        result = run("scan", str(SEEDS), *args)
        assert result.exit_code == 2 and says in result.stderr, (args, result.stderr)


def test_an_output_folder_holding_files_is_refused_before_the_scan(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    result = run("scan", "--engine", "spark", str(SEEDS), "--output", str(tmp_path))
    assert result.exit_code == 3
    assert result.stderr == f"error: {tmp_path}: the output folder holds files already; give a new or empty folder\n"


def test_an_output_url_spark_cannot_write_is_refused_before_the_inputs_are_read(spark, tmp_path):
    """A read-only scheme, a scheme no filesystem serves: one line, exit 3,
    before the inputs (here missing) are read, let alone scanned."""
    missing = str(tmp_path / "missing.jsonl")
    for url, says in (("http://example.com/out", "error: http://example.com/out: Spark cannot write to http:// "
                                                 "(it reads it only)"),
                      ("nosuch://bucket/out", "error: nosuch://bucket/out: cannot write tables there: ")):
        result = run("scan", "--engine", "spark", missing, "--output", url)
        assert result.exit_code == 3, result.output
        assert result.stderr.startswith(says) and result.stderr.count("\n") == 1, result.stderr
        assert "missing.jsonl" not in result.stderr


def test_unreadable_inputs_are_one_line_and_exit_1(spark, tmp_path):
    notext = tmp_path / "notext.jsonl"
    notext.write_text('{"id": "a", "body": "Words."}\n')
    for path, says in ((str(tmp_path / "missing.jsonl"), "missing.jsonl: no such file or folder"),
                       (str(notext), "notext.jsonl:1: missing 'text' field"),
                       (f"file://{tmp_path}/nowhere/", "cannot read:")):
        result = run("scan", "--engine", "spark", path)
        assert result.exit_code == 1, result.output
        assert says in result.stderr and "Traceback" not in result.output
        assert "no articles found in the inputs" in result.stderr.splitlines()[-1]


def test_on_a_terminal_the_spark_scan_draws_its_stages_and_clears_the_line(reports):
    from tests.cli.test_progress import _run_on_terminal

    (local, _), _ = reports
    code, out, terminal = _run_on_terminal(["scan", "--engine", "spark", "--master", "local[2]", str(SEEDS)])
    assert code == 0 and out.decode("utf-8") == local.stdout  # the report is untouched by the line
    assert "spark scan:" in terminal and "tasks" in terminal
    last = terminal.rindex("spark scan:")
    assert "\r\x1b[K" in terminal[last:]  # cleared after the last draw
    code, _, quiet = _run_on_terminal(["scan", "--engine", "spark", "--master", "local[2]", "-q", str(SEEDS)])
    assert code == 0 and "spark scan:" not in quiet
