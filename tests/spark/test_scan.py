"""The scan on Spark gives the local scan's answers: the same stories and
relations (the very objects, ledgers included) on the seeds and on a
generated feed, for any number of partitions and any order of the rows."""

from __future__ import annotations

import dataclasses

import pytest

from provenance import Article, Settings, read_articles, scan
from provenance.errors import ConfigError, NoArticlesError
from provenance.pipeline import scan_articles
from provenance.spark import (LEDGER_COLUMNS, RELATION_COLUMNS, STORY_COLUMNS, ledger_rows, relation_rows,
                              scan_dataframe, scan_spark, scan_tables, story_rows)
from tests.helpers import SEEDS

FIELDS = [f.name for f in dataclasses.fields(Article)]
SCHEMA = ", ".join(f"{name} string" for name in FIELDS)


def frame(spark, articles, partitions=None):
    """The articles as a DataFrame with a column per article field."""
    df = spark.createDataFrame([tuple(getattr(a, name) for name in FIELDS) for a in articles], SCHEMA)
    return df if partitions is None else df.repartition(partitions)


@pytest.fixture(scope="module")
def seed_articles_and_scan():
    return read_articles([SEEDS]), scan([SEEDS])


def test_seeds_same_as_local_scan(spark, seed_articles_and_scan):
    articles, local = seed_articles_and_scan
    found = scan_spark(frame(spark, articles))
    assert found.stories == local.stories
    assert found.relations == local.relations
    assert found.articles == len(local.documents) == 5
    assert len(found.relations) == 4


def test_seeds_dataframes_hold_the_local_answers(spark, seed_articles_and_scan):
    articles, local = seed_articles_and_scan
    relations, stories = scan_dataframe(frame(spark, articles))
    assert tuple(relations.columns) == RELATION_COLUMNS
    assert tuple(stories.columns) == STORY_COLUMNS
    assert [tuple(row) for row in relations.collect()] == relation_rows(local.stories, local.relations)
    assert [tuple(row) for row in stories.collect()] == story_rows(local.stories)
    assert {row.verdict for row in relations.collect()} <= {"copy", "rewrite", "partial", "independent"}


@pytest.mark.parametrize("partitions", [1, 4])
def test_seeds_any_partitioning_and_order(spark, seed_articles_and_scan, partitions):
    articles, local = seed_articles_and_scan
    found = scan_spark(frame(spark, list(reversed(articles)), partitions))
    assert (found.stories, found.relations) == (local.stories, local.relations)


def test_columns_found_by_name_in_any_case(spark, seed_articles_and_scan):
    articles, local = seed_articles_and_scan
    df = spark.createDataFrame([(a.text, a.id, a.published) for a in articles], "BODY_TEXT string, ID string, "
                                                                                  "Published string")
    df = df.withColumnRenamed("BODY_TEXT", "Text")
    found = scan_spark(df)
    plain = scan_articles([Article(id=a.id, text=a.text, published=a.published) for a in articles])
    assert (found.stories, found.relations) == (plain.stories, plain.relations)


@pytest.fixture(scope="module")
def feed():
    """2,000 generated articles: wire stories and outlets' copies, rewrites,
    partial reuse and stories of their own."""
    from benchmarks.generate import NewsGenerator, corpus

    made = corpus(NewsGenerator(seed=16, words=(150, 300)), 2000)
    articles = [Article(id=a.id, text=a.text, title=a.title, outlet=a.outlet, published=a.published)
                for a in made.articles]
    return articles, scan_articles(articles)


@pytest.mark.slow
@pytest.mark.parametrize("partitions", [1, 4])
def test_feed_of_2000_same_as_local_scan(spark, feed, partitions):
    articles, local = feed
    found = scan_spark(frame(spark, articles, partitions))
    assert found.articles == 2000
    assert len(local.relations) > 300  # the feed has stories to find
    assert found.stories == local.stories
    assert found.relations == local.relations


@pytest.mark.slow
def test_feed_of_2000_distributed_search_and_tables_same_as_local_scan(spark, feed):
    """The path of scans beyond the driver's search (pairs and groups as
    DataFrames, connected components, judging by group on the executors)
    forced on the feed, its tables, ledgers included, made on the executors."""
    articles, local = feed
    tables = scan_tables(frame(spark, articles, 4), Settings(spark_driver_search=0), ledgers=True)
    try:
        assert tables.articles == 2000 and set(tables.candidates) == {"words", "content"}
        assert tuple(tables.ledgers.columns) == LEDGER_COLUMNS
        assert [tuple(row) for row in tables.stories.collect()] == story_rows(local.stories)
        assert [tuple(row) for row in tables.relations.collect()] == relation_rows(local.stories, local.relations)
        expected = ledger_rows(local.relations, local.stories, local.documents)
        assert len(expected) > 3000
        assert [tuple(row) for row in tables.ledgers.collect()] == expected
    finally:
        tables.unpersist()


def test_missing_column_is_named(spark):
    df = spark.createDataFrame([("a", "Some text.")], "id string, body string")
    with pytest.raises(ConfigError, match=r"no 'text' column \(its columns: id, body\)"):
        scan_dataframe(df)


def test_repeated_ids_are_refused(spark):
    df = spark.createDataFrame([("a", "One text."), ("a", "Another text."), ("b", "Third.")], "id string, text string")
    with pytest.raises(ConfigError, match=r"repeats ids: 'a' \(2 rows\)"):
        scan_dataframe(df)


def test_rows_without_text_are_refused(spark):
    df = spark.createDataFrame([("a", "One text."), ("b", None)], "id string, text string")
    with pytest.raises(ConfigError, match=r"no id or no text \(ids: 'b'\)"):
        scan_dataframe(df)


def test_no_articles(spark):
    df = spark.createDataFrame([], "id string, text string")
    with pytest.raises(NoArticlesError):
        scan_dataframe(df)


def test_not_a_dataframe(spark):
    with pytest.raises(ConfigError, match="needs a Spark DataFrame of articles, not list"):
        scan_dataframe([Article("a", "text")])


def test_two_columns_of_one_field_are_refused(spark):
    df = spark.createDataFrame([("a", "A", "Some text.")], "id string, ID string, text string")
    with pytest.raises(ConfigError, match=r"two 'id' columns: 'id' and 'ID'"):
        scan_dataframe(df)


def test_same_answers_however_the_work_is_divided(spark, seed_articles_and_scan):
    """Small chunks, small work units, and a story too large to be judged
    whole by the local scan (two rounds there; one unit on Spark)."""
    articles, local = seed_articles_and_scan
    settings = Settings(chunk=2, pair_batch=3, whole_component=2)
    divided = scan_articles(articles, settings=settings, executor="inprocess")
    assert (divided.stories, divided.relations) == (local.stories, local.relations)
    found = scan_spark(frame(spark, articles, 3), settings)
    assert (found.stories, found.relations) == (local.stories, local.relations)


def test_seeds_distributed_search_same_as_local_scan(spark, seed_articles_and_scan):
    """The candidate search over DataFrames (forced: the seeds are few enough for the driver's)."""
    articles, local = seed_articles_and_scan
    found = scan_spark(frame(spark, articles, 2), Settings(spark_driver_search=0))
    assert (found.stories, found.relations) == (local.stories, local.relations)
    assert set(found.candidates) == {"words", "content"}
