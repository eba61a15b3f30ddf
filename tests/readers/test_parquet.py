"""Parquet: the column rules of CSV, origins ``path item N``, typed dates,
row groups read a batch at a time, a missing pyarrow named with its extra,
and the seeds read from a Parquet file scanning as the seed files do."""

import io
import subprocess
import sys
from datetime import date, datetime, timezone

import pytest

from provenance import NoArticlesError, read_articles, scan
from provenance.readers import ReadOptions

from .conftest import outcome

pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed (the 'parquet' extra)")
pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed (the 'parquet' extra)")

WIRE = "The council approved the new budget on Tuesday after a long debate."


def read(path, **options):
    problems = []
    try:
        articles = read_articles([path], on_error=problems.append, options=ReadOptions(**options))
    except NoArticlesError:
        articles = []
    return articles, [str(p) for p in problems]


def test_rows_are_articles_with_typed_metadata(tmp_path):
    path = tmp_path / "wire.parquet"
    pq.write_table(pa.table({
        "Article_ID": ["w1", None, "w3"],
        "Headline": ["Budget", "Rain", "Trains"],
        "published_at": pa.array([datetime(2024, 11, 11, 23, 30, tzinfo=timezone.utc),
                                  datetime(2024, 11, 12, 1, 0), None], pa.timestamp("s", tz=None)),
        "Body": [WIRE, "More rain is due in the north.", "Trains ran late all week."],
        "views": [1, 2, 3],
    }), path)
    articles, problems = read(path)
    assert problems == []
    assert [(a.id, a.title, a.published, a.text, a.origin, a.encoding) for a in articles] == [
        ("w1", "Budget", "2024-11-11", WIRE, f"{path} item 1", "utf-8"),
        ("wire#2", "Rain", "2024-11-12", "More rain is due in the north.", f"{path} item 2", "utf-8"),
        ("w3", "Trains", None, "Trains ran late all week.", f"{path} item 3", "utf-8")]
    assert (articles[0].origin.path, articles[0].origin.line) == (str(path), None)


def test_dates_as_dates_and_strings_and_bad_rows(tmp_path):
    path = tmp_path / "mixed.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c"], "date": [date(2024, 3, 1), None, date(2024, 3, 3)],
                             "text": [WIRE, None, "  "]}), path)
    articles, problems = read(path)
    assert [(a.id, a.published) for a in articles] == [("a", "2024-03-01")]
    assert problems == [f"{path} item 2: no article text in the text column; skipped",
                        f"{path} item 3: no article text in the text column; skipped"]
    strings = tmp_path / "strings.parquet"
    pq.write_table(pa.table({"pubdate": ["Mon, 11 Nov 2024 23:30:00 -0500", "whenever"],
                             "content": [WIRE, WIRE]}), strings)
    articles, problems = read(strings)
    assert [a.published for a in articles] == ["2024-11-12", None]
    assert problems == [f"{strings}: the published column holds 1 value(s) that are not dates, the first "
                        f"'whenever' ({strings} item 2); those rows are read without a date "
                        "(use YYYY-MM-DD, ISO 8601 or an RFC 2822 date)"]


def test_columns_named_by_the_user_and_a_missing_text_column(tmp_path):
    path = tmp_path / "cms.parquet"
    pq.write_table(pa.table({"slug": ["s1"], "story_body": [WIRE]}), path)
    assert read(path) == ([], [f"{path}: no text column (one named text, body, content, article...; "
                               "or name it with --column text=COLUMN); columns: slug, story_body"])
    [article] = read(path, columns=(("text", "story_body"), ("id", "SLUG")))[0]
    assert (article.id, article.text) == ("s1", WIRE)


def test_a_text_column_that_holds_no_text_is_refused(tmp_path):
    path = tmp_path / "numbers.parquet"
    pq.write_table(pa.table({"text": [1, 2]}), path)
    assert read(path)[1] == [f"{path}: the text column 'text' holds int64 values, not text (columns: text)"]


def test_many_row_groups_are_read_a_batch_at_a_time(tmp_path):
    path = tmp_path / "big.parquet"
    count = 5000
    pq.write_table(pa.table({"id": [f"r{i}" for i in range(count)],
                             "text": [f"Story number {i} about the council." for i in range(count)]}),
                   path, row_group_size=700)
    assert pq.ParquetFile(path).num_row_groups > 1
    articles, problems = read(path)
    assert problems == [] and len(articles) == count
    assert (articles[-1].id, articles[-1].origin) == (f"r{count - 1}", f"{path} item {count}")


def test_not_parquet_and_a_damaged_file_are_one_error(tmp_path):
    fake = tmp_path / "fake.parquet"
    fake.write_text("id,text\na,b\n", encoding="utf-8")
    assert read(fake)[1][0].startswith(f"{fake}: not a Parquet file pyarrow can read: ")
    cut = tmp_path / "cut.parquet"
    good = io.BytesIO()
    pq.write_table(pa.table({"text": [WIRE] * 10}), good)
    cut.write_bytes(good.getvalue()[:-20])
    problems = read(cut)[1]
    assert len(problems) == 1 and problems[0].startswith(f"{cut}: not a Parquet file pyarrow can read: ")


def test_standard_input_holding_parquet():
    data = io.BytesIO()
    pq.write_table(pa.table({"id": ["p1"], "text": [WIRE]}), data)
    [article] = read_articles(["-"], stdin=io.BytesIO(data.getvalue()))
    assert (article.id, article.origin) == ("p1", "<stdin> item 1")


def test_without_pyarrow_the_extra_is_named(tmp_path):
    path = tmp_path / "wire.parquet"
    pq.write_table(pa.table({"text": [WIRE]}), path)
    # A real interpreter in which pyarrow cannot be imported.
    child = ("import sys; sys.modules['pyarrow'] = None\n"
             "from provenance.readers import read_articles\n"
             "problems = []\n"
             "try:\n"
             "    read_articles([sys.argv[1]], on_error=problems.append)\n"
             "except Exception as exc:\n"
             "    print(type(exc).__name__)\n"
             "print(*problems, sep='\\n')\n")
    done = subprocess.run([sys.executable, "-c", child, str(path)], capture_output=True, text=True, timeout=120)
    assert done.stdout.splitlines() == [
        "NoArticlesError", f"{path}: reading .parquet needs pyarrow: pip install 'provenance-news[parquet]'"]


def test_the_seeds_as_parquet_scan_as_the_seed_files(tmp_path, seed_articles, seeds_outcome):
    path = tmp_path / "seeds.parquet"
    outlets = {"000": "World Desk", "001": "Kyiv Daily", "002": "Reuters", "003": "vnexpress.net",
               "004": "gazzeta.in.ua"}
    dates = {"000": date(2024, 11, 12), "001": date(2024, 11, 11), "002": date(2024, 11, 11),
             "003": date(2024, 11, 12), "004": date(2024, 12, 6)}
    pq.write_table(pa.table({
        "guid": [a.id for a in seed_articles],
        "publisher": [outlets[a.id[:3]] for a in seed_articles],
        "pub_date": [dates[a.id[:3]] for a in seed_articles],
        "text": [a.text for a in seed_articles],
    }), path, row_group_size=2)
    articles, problems = read(path)
    assert problems == [] and [a.text for a in articles] == [a.text for a in seed_articles]
    assert outcome(scan([path], jobs=1)) == seeds_outcome
