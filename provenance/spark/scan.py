"""The scan of a Spark DataFrame of articles: the local scan's own stage
functions, run where Spark puts them.

Where each stage runs:

* **read, analyse, fingerprint** -- on the executors, a partition at a time
  (``RDD.mapPartitions``), in chunks of ``settings.scan.chunk`` articles
  through :func:`provenance.pipeline.stages.prepare`. Each document's stored
  form stays on the executors (persisted).
* **candidate search** -- up to ``settings.scan.spark_driver_search``
  articles, on the driver over the signature matrices in id order
  (:func:`provenance.pipeline.stages.search` for each granularity and
  :func:`provenance.candidates.search.merge_candidates`, exactly as the
  local scan), where each distributed job's fixed cost would dominate;
  beyond that, over DataFrames (:mod:`.candidates`: band keys exploded and
  grouped, with the same guards against huge common buckets), the pairs
  never collected.
* **connected groups** -- on the driver's pairs by
  :func:`provenance.stories.connected_roots`, or over the pairs' DataFrame by
  :func:`.components.connected_components` (large-star/small-star rounds).
* **judging** -- on the executors: each group's pairs cogrouped with its
  documents (by the group's root), and judged whole by
  :func:`provenance.pipeline.stages.judge_components`, a partition of
  groups at a time; an article in no candidate pair gets its story of one.
* **numbering the stories** -- on the executors, by a sort on what the
  local scan numbers them by (stories with related articles first, each by
  its first member) and ``zipWithIndex``.

The judged and numbered stories are a persisted RDD from which the tables
are made on the executors (:func:`scan_tables`); :func:`scan_spark` collects
them to the driver instead, for a report. The articles are taken in id
order, which the local scan's answers do not depend on, so the answers are
the same for any partitioning and any order of the rows.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..candidates.search import merge_candidates
from ..config import DEFAULT_SETTINGS, Settings
from ..errors import ConfigError, NoArticlesError
from ..executors import collect_less, default_jobs, one_blas_thread
from ..matching.matcher import check_matcher
from ..model import GRANULARITIES, Article, Progress, Relation, ScanResult, Story
from ..pipeline.stages import Group, WorkerState, judge_components, prepare, search
from ..pipeline.store import StoredDocument
from ..stories import choose_source, connected_roots, source_rank
from .candidates import granularity_pairs, signature_dtype
from .components import connected_components
from .session import require_pyspark
from .tables import (
    LEDGER_COLUMNS,
    RELATION_COLUMNS,
    SCHEMAS,
    STORY_COLUMNS,
    ledger_rows,
    relation_row,
    relation_rows,
    story_row,
    story_rows,
)

#: The columns of the articles DataFrame that are read (by name; ``id`` and
#: ``text`` required, the rest optional): the fields of an article.
ARTICLE_COLUMNS = tuple(f.name for f in dataclasses.fields(Article))
REQUIRED_COLUMNS = ("id", "text")


@dataclass(frozen=True)
class SparkScan:
    """A Spark scan's answers on the driver: the stories (numbered as every
    report numbers them) and the relations, the very objects the local
    scan's :class:`~provenance.model.ScanResult` holds; and figures on it."""

    stories: tuple[Story, ...]
    relations: tuple[Relation, ...]
    articles: int
    candidate_pairs: int
    aligned_pairs: int
    #: Wall seconds of each phase: ``read_analyse_fingerprint`` (until the
    #: articles are analysed and numbered), ``candidates``, ``components``,
    #: ``judge`` (judged and numbered, stories of one included), and
    #: ``collect`` (the driver gets the answers).
    seconds: dict[str, float] = dataclasses.field(default_factory=dict, compare=False)
    #: Figures of the candidate search by granularity, as :class:`~provenance.pipeline.ScanStats` has them.
    candidates: dict[str, dict] = dataclasses.field(default_factory=dict, compare=False)
    #: Every article's stored document, in id order, when asked for (``scan_spark(documents=True)``).
    documents: tuple[StoredDocument, ...] | None = dataclasses.field(default=None, compare=False)

    def result(self, problems: tuple = (), settings: Settings = DEFAULT_SETTINGS) -> ScanResult:
        """The :class:`~provenance.model.ScanResult` the local scan returns for
        the same articles, for the report renderers (needs ``documents=True``)."""
        if self.documents is None:
            raise ConfigError("a report of a Spark scan needs its documents: scan_spark(..., documents=True)")
        return ScanResult(self.documents, self.stories, self.relations, tuple(problems), settings)


@dataclass(frozen=True)
class SparkTables:
    """A Spark scan's answers as DataFrames, made on the executors from the
    judged stories (persisted: :meth:`unpersist` frees them), and figures."""

    relations: Any
    stories: Any
    #: None unless asked for (``scan_tables(ledgers=True)``).
    ledgers: Any
    articles: int
    candidate_pairs: int
    aligned_pairs: int
    seconds: dict[str, float]
    candidates: dict[str, dict]
    judged: Any = dataclasses.field(repr=False, default=None)

    def frames(self) -> dict[str, Any]:
        """The tables by name (:data:`~provenance.spark.tables.TABLES`), the ledgers if made."""
        found = {"relations": self.relations, "stories": self.stories, "ledgers": self.ledgers}
        return {name: frame for name, frame in found.items() if frame is not None}

    def unpersist(self) -> None:
        """Free the judged stories the tables are made from (they are then computed again if read)."""
        if self.judged is not None:
            self.judged.unpersist()


def scan_dataframe(df: Any, settings: Settings = DEFAULT_SETTINGS) -> tuple[Any, Any]:
    """Scan a Spark DataFrame of articles (columns ``id``, ``text`` and any
    of :data:`ARTICLE_COLUMNS`, found by name); the relations and the stories
    as two DataFrames in the same session, columns :data:`RELATION_COLUMNS`
    and :data:`STORY_COLUMNS`, in the order the local scan's report lists
    them. Nothing but figures is collected to the driver.
    """
    tables = scan_tables(df, settings)
    return tables.relations, tables.stories


def scan_tables(df: Any, settings: Settings = DEFAULT_SETTINGS, *, ledgers: bool = False,
                progress: Progress | None = None) -> SparkTables:
    """The relations, stories and (with ``ledgers``) ledgers of the articles
    in ``df`` as DataFrames (:mod:`provenance.spark.tables`), made on the
    executors; ``progress`` as for :func:`scan_spark`."""
    judged = _judged(df, settings, ledgers, progress or _silent)
    spark = df.sparkSession
    numbered = judged.numbered
    relations = spark.createDataFrame(numbered.flatMap(
        lambda s: [relation_row(s[0], r) for r in s[1].relations]), SCHEMAS["relations"]())
    stories = spark.createDataFrame(numbered.map(lambda s: story_row(_story(s))), SCHEMAS["stories"]())
    ledger = None
    if ledgers:
        ledger = spark.createDataFrame(numbered.flatMap(lambda s: [(s[0], *row[1:]) for row in s[2]]),
                                       SCHEMAS["ledgers"]())
    return SparkTables(relations, stories, ledger, **judged.figures(), judged=numbered)


def scan_spark(df: Any, settings: Settings = DEFAULT_SETTINGS, *, documents: bool = False,
               progress: Progress | None = None) -> SparkScan:
    """The stories and relations of the articles in ``df`` (as
    :func:`scan_dataframe`), collected to the driver; with ``documents``,
    every article's stored document too (:meth:`SparkScan.result` makes a
    report of them). ``progress`` is told each phase as it ends, with the
    number of articles, candidate pairs or stories it handled."""
    progress = progress or _silent
    judged = _judged(df, settings, False, progress, keep_prepared=documents)
    try:
        started = time.perf_counter()
        found = judged.numbered.map(lambda s: (_story(s), s[1].relations)).collect()
        stored = None
        if documents:
            stored = tuple(sorted(judged.prepared.map(lambda p: p[1]).collect(), key=lambda d: d.id))
    finally:
        judged.numbered.unpersist()
        if judged.prepared is not None:
            judged.prepared.unpersist()
    judged.seconds["collect"] = round(time.perf_counter() - started, 3)
    progress("collect", len(found), len(found))
    stories = tuple(story for story, _ in found)
    relations = tuple(relation for _, found_relations in found for relation in found_relations)
    return SparkScan(stories, relations, **judged.figures(), documents=stored)


__all__ = ["ARTICLE_COLUMNS", "LEDGER_COLUMNS", "RELATION_COLUMNS", "STORY_COLUMNS", "SparkScan", "SparkTables",
           "ledger_rows", "relation_rows", "scan_dataframe", "scan_spark", "scan_tables", "story_rows"]


# --- the stages ------------------------------------------------------------------


def _article_frame(df: Any) -> Any:
    """``df``'s article columns as strings, or a :class:`ConfigError` naming what is missing or repeated."""
    sql = require_pyspark()
    if not isinstance(df, sql.DataFrame):
        raise ConfigError(f"scan_dataframe needs a Spark DataFrame of articles, not {type(df).__name__}")
    names: dict[str, str] = {}
    for name in df.columns:
        if name.lower() in names and name.lower() in ARTICLE_COLUMNS:
            raise ConfigError(f"the articles DataFrame has two {name.lower()!r} columns: "
                              f"{names[name.lower()]!r} and {name!r}")
        names.setdefault(name.lower(), name)
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ConfigError(f"the articles DataFrame has no {' or '.join(map(repr, missing))} column "
                          f"(its columns: {', '.join(df.columns) or 'none'})")
    functions = sql.functions
    chosen = [functions.col(names[c]).cast("string").alias(c) for c in ARTICLE_COLUMNS if c in names]
    articles = df.select(*chosen)
    no_text = articles.filter(functions.col("id").isNull() | functions.col("text").isNull()).limit(3).collect()
    if no_text:
        which = ", ".join(repr(row["id"]) for row in no_text)
        raise ConfigError(f"the articles DataFrame has rows with no id or no text (ids: {which})")
    repeated = (articles.groupBy("id").count().filter(functions.col("count") > 1)
                .orderBy("id").limit(3).collect())
    if repeated:
        which = ", ".join(f"{row['id']!r} ({row['count']} rows)" for row in repeated)
        raise ConfigError(f"the articles DataFrame repeats ids: {which}; ids must be unique")
    return articles


def _prepared_partition(rows: Iterator[Any], settings: Settings) -> Iterator[tuple]:
    """Read, analyse, fingerprint one partition: per article (id, stored document, signature rows, source rank)."""
    with one_blas_thread(), collect_less():
        chunk: list[Article] = []
        for row in rows:
            chunk.append(Article(**{k: v for k, v in row.asDict().items() if v is not None}))
            if len(chunk) == settings.scan.chunk:
                yield from _prepared_chunk(chunk, settings)
                chunk = []
        if chunk:
            yield from _prepared_chunk(chunk, settings)


def _prepared_chunk(chunk: list[Article], settings: Settings) -> Iterator[tuple]:
    stored, matrices = prepare(chunk, settings)
    for n, document in enumerate(stored):
        yield document.id, document, {g: matrices[g][n] for g in GRANULARITIES}, source_rank(document)


def _judged_groups(items: Iterator[tuple], state: WorkerState, settings: Settings, ledgers: bool
                   ) -> Iterator[tuple[Group, int, tuple]]:
    """Each connected group of one partition judged whole with its documents
    (cogrouped by the group's root): its stories, each as (group, pairs
    aligned, ledger rows with no story yet)."""
    with one_blas_thread(), collect_less():
        for _, (pairs, documents) in items:
            documents = sorted(documents, key=lambda d: d.id)
            groups, aligned = judge_components(state, documents, [sorted(pairs)], settings)
            by_id = {d.id: d for d in documents} if ledgers else None
            for n, group in enumerate(groups):
                rows = tuple(ledger_rows(group.relations, (), by_id)) if ledgers else ()
                yield group, aligned if n == 0 else 0, rows


def _alone(document: Any) -> tuple[Group, int, tuple]:
    """The story of one article in no candidate pair."""
    source, reasons = choose_source([document.id], {document.id: 0}, {document.id: document})
    return Group((document.id,), source, reasons, (), ()), 0, ()


def _story(numbered: tuple) -> Story:
    name, group = numbered[0], numbered[1]
    return Story(name, group.source, group.others, group.reasons)


def _silent(stage: str, done: int, total: int | None) -> None:
    """No progress report."""


@dataclass(frozen=True)
class _Judged:
    """The numbered stories, an RDD of (story id, group, ledger rows, pairs
    aligned), persisted; the prepared articles if kept; and the figures
    :class:`SparkScan` and :class:`SparkTables` report, by their names."""

    numbered: Any
    prepared: Any
    articles: int
    candidate_pairs: int
    aligned_pairs: int
    seconds: dict[str, float]
    candidates: dict[str, dict]

    def figures(self) -> dict[str, Any]:
        """The figures, by the names both result classes give them."""
        return {name: getattr(self, name) for name in
                ("articles", "candidate_pairs", "aligned_pairs", "seconds", "candidates")}


def _judged(df: Any, settings: Settings, ledgers: bool, progress: Progress,
            keep_prepared: bool = False) -> _Judged:
    """The articles of ``df`` checked, read, searched, grouped, judged and numbered."""
    require_pyspark()
    check_matcher(settings.align.matcher)
    articles = _article_frame(df)
    with one_blas_thread(), collect_less():
        return _judged_articles(articles, settings, ledgers, progress, keep_prepared)


def _judged_articles(articles: Any, settings: Settings, ledgers: bool, progress: Progress,
                     keep_prepared: bool) -> _Judged:
    context = articles.sparkSession.sparkContext
    slices = max(1, context.defaultParallelism * 4)
    # Kept where it was made: the judging joins documents from it, and
    # analysing an article twice would cost as much as the judging.
    prepared = articles.rdd.mapPartitions(lambda rows: _prepared_partition(rows, settings)).persist(_disk_too())
    seconds: dict[str, float] = {}
    clock = [time.perf_counter()]
    temporary: list[Any] = []

    def lap(phase: str, done: int) -> None:
        now = time.perf_counter()
        seconds[phase] = round(now - clock[0], 3)
        clock[0] = now
        progress(phase, done, done)

    try:
        numbered = _numbered(prepared).persist()
        temporary.append(numbered)
        count = numbered.count()
        if not count:
            raise NoArticlesError("no articles to scan")
        lap("read_analyse_fingerprint", count)
        spark = articles.sparkSession
        if count <= settings.scan.spark_driver_search:
            pairs, figures = _driver_pairs(numbered, count, settings)
            numbered.unpersist()
            found = len(pairs)
            lap("candidates", found)
            roots = connected_roots(pairs)
            rooted = context.parallelize([(roots[a], (a, b)) for a, b in pairs], slices)
        else:
            edges, figures = _distributed_pairs(spark, numbered, count, settings)
            edges = edges.persist(_disk_too())
            temporary.append(edges)
            found = edges.count()
            numbered.unpersist()
            lap("candidates", found)
            roots = connected_components(edges, progress=lambda _, done, total: progress("component_round", done,
                                                                                           total))
            rooted = (edges.join(roots.withColumnRenamed("id", "a"), "a").rdd
                      .map(lambda row: (row["root"], (row["a"], row["b"]))))
        rooted = rooted.persist(_disk_too())
        temporary.append(rooted)
        lap("components", found)
        # Each article with its group's root (None: in no pair), its document joined in by id.
        members = rooted.flatMap(lambda kv: ((kv[1][0], kv[0]), (kv[1][1], kv[0]))).distinct(slices)
        placed = prepared.map(lambda p: (p[0], p[1])).leftOuterJoin(members, slices)
        grouped = placed.filter(lambda kv: kv[1][1] is not None).map(lambda kv: (kv[1][1], kv[1][0]))
        state = WorkerState(capacity=settings.scan.worker_cache)
        judged = (rooted.cogroup(grouped, slices)
                  .mapPartitions(lambda items: _judged_groups(items, state, settings, ledgers)))
        alone = placed.filter(lambda kv: kv[1][1] is None).map(lambda kv: _alone(kv[1][0]))
        # Numbered as the local scan numbers them: stories with related
        # articles, then the articles on their own, each by its first member.
        # Kept: sortByKey counts and samples what it sorts before sorting it,
        # which would judge every group three times (measured: 3 x 40 s of
        # the 73 s judging 20,000 articles took).
        found_stories = judged.union(alone).persist(_disk_too())
        temporary.append(found_stories)
        ordered = (found_stories.keyBy(lambda j: (not j[0].others, j[0].members[0]))
                   .sortByKey(numPartitions=slices).values().zipWithIndex())
        stories = ordered.map(lambda j: (f"story-{j[1] + 1}", j[0][0], j[0][2], j[0][1])).persist(_disk_too())
        total = stories.count()
        aligned = stories.map(lambda s: s[3]).sum() if total else 0
        lap("judge", total)
    except BaseException:
        prepared.unpersist()
        raise
    finally:
        for each in temporary:
            each.unpersist()
    if not keep_prepared:
        prepared.unpersist()
    return _Judged(stories, prepared if keep_prepared else None, count, found, int(aligned), seconds, figures)


def _driver_pairs(numbered: Any, count: int, settings: Settings) -> tuple[list[tuple[str, str]], dict]:
    """The candidate pairs (ids, sorted) and figures of the local search, run on the driver."""
    rows = sorted(numbered.map(lambda r: (r[1], r[0], r[2], r[3])).collect())
    ids = [r[1] for r in rows]
    rank = np.array([r[2] for r in rows], dtype=np.int64)
    dtype = signature_dtype(settings)
    figures: dict[str, dict] = {}
    found = {}
    for g in GRANULARITIES:
        matrix = np.frombuffer(b"".join(r[3][g] for r in rows), dtype=dtype).reshape(count, -1)
        found[g] = search(matrix, g, settings, default_jobs(), rank)
    del rows
    keys = merge_candidates(found, count, figures)
    return sorted((ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i]) for i, j in keys.tolist()), figures


def _distributed_pairs(spark: Any, numbered: Any, count: int, settings: Settings) -> tuple[Any, dict]:
    """The candidate pairs as a DataFrame ``(a, b)`` of ids, ``a < b``, and
    the figures of the search over DataFrames (:mod:`.candidates`)."""
    figures: dict[str, dict] = {}
    found = None
    for g in GRANULARITIES:
        table = spark.createDataFrame(numbered.map(lambda r, g=g: (r[1], r[2], bytearray(r[3][g]))),
                                      "i long, rank long, sig binary")
        kept, figures_g = granularity_pairs(table, count, g, settings)
        if figures_g is not None:
            figures[g] = figures_g
        found = kept if found is None else found.union(kept)
    names = spark.createDataFrame(numbered.map(lambda r: (r[1], r[0])), "i long, id string")
    low = names.withColumnRenamed("i", "lo").withColumnRenamed("id", "a")
    high = names.withColumnRenamed("i", "hi").withColumnRenamed("id", "b")
    # lo < hi are places in id order, so a < b.
    return found.distinct().join(low, "lo").join(high, "hi").select("a", "b"), figures


def _numbered(prepared: Any) -> Any:
    """``(id, i, rank, signature rows)`` of each article: ``i`` its place in id
    order, ``rank`` its place in the order of likelier sources
    (:func:`~provenance.stories.source_rank`, which ends with the id), as the
    local scan numbers and ranks its rows."""
    places = prepared.map(lambda p: p[0]).sortBy(lambda x: x).zipWithIndex()
    ranks = prepared.map(lambda p: p[3]).sortBy(lambda x: x).zipWithIndex().map(lambda x: (x[0][-1], x[1]))
    rows = prepared.map(lambda p: (p[0], {g: p[2][g].tobytes() for g in GRANULARITIES}))
    return places.join(ranks).join(rows).map(lambda kv: (kv[0], kv[1][0][0], kv[1][0][1], kv[1][1]))


def _disk_too() -> Any:
    from pyspark import StorageLevel

    return StorageLevel.MEMORY_AND_DISK
