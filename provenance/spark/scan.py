"""The scan of a Spark DataFrame of articles: the local scan's own stage
functions, run where Spark puts them.

Where each stage runs:

* **read, analyse, fingerprint** -- on the executors, a partition at a time
  (``RDD.mapPartitions``), in chunks of ``settings.scan.chunk`` articles
  through :func:`provenance.pipeline.stages.prepare`. Each document's stored
  form stays on the executors (persisted); the driver gets only its id, its
  signature rows and its place in the order of likely sources.
* **candidate search** -- on the driver, over the signature matrices in id
  order: :func:`provenance.pipeline.stages.search` for each granularity and
  :func:`provenance.candidates.search.merge_candidates`, exactly as the
  local scan (so with the same guards against huge common buckets).
* **connected groups** -- on the driver (:func:`provenance.stories.connected_roots`).
* **judging** -- on the executors: each work unit of whole groups joined
  with its documents (an RDD join by id) and judged by
  :func:`provenance.pipeline.stages.judge_components`; an article in no
  candidate pair gets its story of one there too.
* **numbering the stories** -- on the driver, as the local scan numbers them.

The articles are taken in id order, which the local scan's answers do not
depend on, so the answers are the same for any partitioning and any order
of the rows.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..candidates.search import merge_candidates
from ..config import DEFAULT_SETTINGS, Settings
from ..errors import ConfigError, NoArticlesError
from ..executors import collect_less, default_jobs, one_blas_thread
from ..matching.matcher import check_matcher
from ..model import GRANULARITIES, Article, Progress, Relation, ScanResult, Scores, Story
from ..pipeline.store import StoredDocument
from ..pipeline.stages import Group, WorkerState, component_units, components, judge_components, prepare, search
from ..stories import choose_source, source_rank
from .candidates import granularity_pairs, signature_dtype
from .session import require_pyspark

#: The columns of the articles DataFrame that are read (by name; ``id`` and
#: ``text`` required, the rest optional): the fields of an article.
ARTICLE_COLUMNS = tuple(f.name for f in dataclasses.fields(Article))
REQUIRED_COLUMNS = ("id", "text")

#: The figures of each relation, as columns of the relations DataFrame.
SCORE_COLUMNS = tuple(f.name for f in dataclasses.fields(Scores))
RELATION_COLUMNS = ("story", "source", "derived", "verdict", "credited", "reuses_text", *SCORE_COLUMNS,
                    "direction_reasons", "verdict_reasons", "credit_evidence")
STORY_COLUMNS = ("story", "source", "members", "source_reasons")


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
    #: Wall seconds of each phase: ``read_analyse_fingerprint`` (executors,
    #: until the driver holds the signatures), ``candidates`` (driver),
    #: ``judge`` (executors) and ``alone`` (executors: the stories of one).
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


def scan_dataframe(df: Any, settings: Settings = DEFAULT_SETTINGS) -> tuple[Any, Any]:
    """Scan a Spark DataFrame of articles (columns ``id``, ``text`` and any
    of :data:`ARTICLE_COLUMNS`, found by name); the relations and the stories
    as two DataFrames in the same session, columns :data:`RELATION_COLUMNS`
    and :data:`STORY_COLUMNS`, sorted as the local scan's report lists them.
    """
    result = scan_spark(df, settings)
    spark = df.sparkSession
    return (spark.createDataFrame(relation_rows(result.stories, result.relations), _relation_schema()),
            spark.createDataFrame(story_rows(result.stories), _story_schema()))


def scan_spark(df: Any, settings: Settings = DEFAULT_SETTINGS, *, documents: bool = False,
               progress: Progress | None = None) -> SparkScan:
    """The stories and relations of the articles in ``df`` (as
    :func:`scan_dataframe`), on the driver; with ``documents``, every
    article's stored document too (:meth:`SparkScan.result` makes a report
    of them). ``progress`` is told each phase as it ends, with the number of
    articles, candidate pairs or stories it handled."""
    require_pyspark()
    check_matcher(settings.align.matcher)
    articles = _article_frame(df)
    with one_blas_thread(), collect_less():
        return _run(articles, settings, documents, progress or _silent)


def relation_rows(stories: Iterable[Story], relations: Iterable[Relation]) -> list[tuple]:
    """One row of :data:`RELATION_COLUMNS` per relation, in the order given;
    each names the story its derived article is in."""
    story_of = {member: story.id for story in stories for member in story.members}
    rows = []
    for r in relations:
        scores = [float(getattr(r.scores, name)) for name in SCORE_COLUMNS]
        rows.append((story_of[r.derived], r.source, r.derived, r.verdict, bool(r.credited), r.reuses_text, *scores,
                     list(r.direction_reasons), list(r.verdict_reasons), list(r.credit_evidence)))
    return rows


def story_rows(stories: Iterable[Story]) -> list[tuple]:
    """One row of :data:`STORY_COLUMNS` per story, in the order given."""
    return [(s.id, s.source, list(s.members), list(s.source_reasons)) for s in stories]


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


def _judged_unit(item: tuple, units: list, state: WorkerState, settings: Settings) -> tuple[int, list[Group], int]:
    """One work unit of whole groups judged with its documents (joined in by id)."""
    number, documents = item
    components = units[number]
    documents = sorted(documents, key=lambda d: d.id)
    with one_blas_thread(), collect_less():
        groups, aligned = judge_components(state, documents, components, settings)
    return number, groups, aligned


def _alone(document: Any) -> Group:
    """The story of one article in no candidate pair."""
    source, reasons = choose_source([document.id], {document.id: 0}, {document.id: document})
    return Group((document.id,), source, reasons, (), ())


def _silent(stage: str, done: int, total: int | None) -> None:
    """No progress report."""


def _run(articles: Any, settings: Settings, keep_documents: bool, progress: Progress) -> SparkScan:
    context = articles.sparkSession.sparkContext
    # Kept where it was made: the judging joins documents from it, and
    # analysing an article twice would cost as much as the judging.
    prepared = articles.rdd.mapPartitions(lambda rows: _prepared_partition(rows, settings)).persist(_disk_too())
    seconds: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(phase: str, done: int) -> None:
        now = time.perf_counter()
        seconds[phase] = round(now - clock[0], 3)
        clock[0] = now
        progress(phase, done, done)

    try:
        numbered = _numbered(prepared).persist()
        count = numbered.count()
        if not count:
            raise NoArticlesError("no articles to scan")
        lap("read_analyse_fingerprint", count)
        spark = articles.sparkSession
        if count <= settings.scan.spark_driver_search:
            pairs, figures = _driver_pairs(numbered, count, settings)
        else:
            pairs, figures = _distributed_pairs(spark, numbered, count, settings)
        numbered.unpersist()
        lap("candidates", len(pairs))
        units = list(component_units(components(pairs), settings.scan.pair_batch))
        groups: list[Group] = []
        aligned = 0
        if units:
            slices = max(1, min(len(units), context.defaultParallelism * 4))
            wanted = context.parallelize([(doc, n) for n, unit in enumerate(units)
                                          for doc in dict.fromkeys(x for c in unit for p in c for x in p)], slices)
            # Each unit's documents joined in by id; the units themselves
            # (pairs of ids: small beside the documents) go to every executor.
            documents = (wanted.join(prepared.map(lambda p: (p[0], p[1])), slices)
                         .map(lambda kv: (kv[1][0], kv[1][1])).groupByKey(slices))
            shared = context.broadcast(units)
            state = WorkerState(capacity=settings.scan.worker_cache)
            judged = sorted(documents.map(lambda item: _judged_unit(item, shared.value, state, settings)).collect(),
                            key=lambda j: j[0])
            shared.unpersist()
            for _, found_groups, unit_aligned in judged:
                groups.extend(found_groups)
                aligned += unit_aligned
        lap("judge", len(pairs))
        paired = context.broadcast(frozenset(x for pair in pairs for x in pair))
        groups.extend(prepared.filter(lambda p: p[0] not in paired.value).map(lambda p: _alone(p[1])).collect())
        paired.unpersist()
        lap("alone", len(groups))
        stored = None
        if keep_documents:
            stored = tuple(sorted(prepared.map(lambda p: p[1]).collect(), key=lambda d: d.id))
            lap("documents", len(stored))
    finally:
        prepared.unpersist()
    # Numbered as the local scan numbers them: stories with related
    # articles, then the articles on their own, each by its first member.
    groups.sort(key=lambda group: (not group.others, group.members[0]))
    stories = tuple(Story(f"story-{n}", g.source, g.others, g.reasons) for n, g in enumerate(groups, 1))
    relations = tuple(relation for g in groups for relation in g.relations)
    return SparkScan(stories, relations, count, len(pairs), aligned, seconds, figures, stored)


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


def _distributed_pairs(spark: Any, numbered: Any, count: int, settings: Settings
                       ) -> tuple[list[tuple[str, str]], dict]:
    """The candidate pairs (ids, sorted) and figures of the search over DataFrames (:mod:`.candidates`)."""
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
    pairs = sorted((row[0], row[1]) for row in found.distinct().join(low, "lo").join(high, "hi")
                   .select("a", "b").collect())
    return pairs, figures


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


def _relation_schema() -> Any:
    types = require_pyspark().types
    text, texts = types.StringType(), types.ArrayType(types.StringType())
    fields = [types.StructField(name, text, False) for name in ("story", "source", "derived", "verdict")]
    fields += [types.StructField(name, types.BooleanType(), False) for name in ("credited", "reuses_text")]
    fields += [types.StructField(name, types.DoubleType(), False) for name in SCORE_COLUMNS]
    fields += [types.StructField(name, texts, False) for name in ("direction_reasons", "verdict_reasons",
                                                                   "credit_evidence")]
    return types.StructType(fields)


def _story_schema() -> Any:
    types = require_pyspark().types
    text, texts = types.StringType(), types.ArrayType(types.StringType())
    return types.StructType([types.StructField("story", text, False), types.StructField("source", text, False),
                             types.StructField("members", texts, False),
                             types.StructField("source_reasons", texts, False)])
