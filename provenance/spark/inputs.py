"""The command line's inputs as a Spark DataFrame of articles, with the very
ids, fields, origins and problems the local scan reads from them, so that
both scans' reports agree.

Which inputs Spark reads, and how:

* a JSON lines file (``.jsonl``, ``.ndjson``, compressed or not) or a
  Parquet file (``.parquet``) on the local disk, and any path with a URL
  scheme (``hdfs://``, ``s3a://``, ``file://``, ``gs://``, ``abfs://`` ...:
  a file, a folder, a glob) are read by Spark (its ``binaryFile`` source,
  so that every filesystem Spark reaches is reached), each file whole by
  one task, and parsed on the executors by provenance's own reader for the
  file's kind. Spark's ``read.json`` and ``read.parquet`` are not used: they
  cannot give a record with no id the id the local scan gives it (its line,
  ``path:3``, or its row, ``stem#3``), nor check records as provenance's
  readers do, and a report must not depend on the engine.
* anything else (folders on the local disk, text, feeds, web archives,
  standard input ...) is read on the driver by :func:`provenance.readers.iter_articles`.

Problems are reported in input order, as the local scan reports them; ids
repeated across inputs get ``@origin`` as :func:`provenance.readers.unique_ids` gives it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from ..errors import InputError, NoArticlesError
from ..model import Article
from ..readers import DEFAULT_READ_OPTIONS, ErrorHandler, ReadOptions, RepeatedInput, Skipped
from ..readers import iter_articles, reader_for
from ..readers.base import printable
from ..readers.compressed import compression_for, inner_name, is_tar
from ..readers.inputs import STDIN, readable_kinds, read_file_bytes, unique_name
from .scan import ARTICLE_COLUMNS
from .session import require_pyspark

#: The files on the local disk that Spark reads (compressed ones too, as ``feed.jsonl.gz``).
SPARK_SUFFIXES = (".jsonl", ".ndjson", ".parquet")

#: A path with a URL scheme (``hdfs://``, ``s3a://``, ``file://`` ...): Spark's to read.
URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class SparkInputs:
    """The articles of the inputs as a DataFrame (columns :data:`ARTICLE_COLUMNS`, strings) and
    the problems met reading them, in input order."""

    frame: Any
    problems: tuple[InputError, ...]
    #: ``frame`` with each article's place in the inputs (``_input``, ``_file``, ``_seq``).
    placed: Any = None

    def ids(self) -> tuple[str, ...]:
        """The articles' ids in the order the local scan reads them (its reports list the articles so),
        collected to the driver: for a report, never on the tables' path, where they would be all of it."""
        if self.placed is None:
            return ()
        return tuple(row.id for row in self.placed.orderBy("_input", "_file", "_seq").select("id").collect())

    def in_input_order(self, documents: Iterable[Any]) -> tuple[Any, ...]:
        """``documents`` (anything with an ``id``) in the order the inputs hold their articles."""
        place = {key: n for n, key in enumerate(self.ids())}
        return tuple(sorted(documents, key=lambda d: place.get(d.id, len(place))))


def read_by_spark(path: str) -> bool:
    """Whether Spark reads ``path`` (see the module's docstring); the driver reads the rest.

    >>> read_by_spark("hdfs://namenode/news/"), read_by_spark("feed.jsonl.gz"), read_by_spark("seeds")
    (True, True, False)
    """
    if URL_SCHEME.match(path):
        return True
    name = PurePath(path)
    if compression_for(name) is not None:
        name = PurePath(inner_name(name))
    return name.suffix.lower() in SPARK_SUFFIXES


def articles_frame(spark: Any, inputs: Iterable[str], *, options: ReadOptions = DEFAULT_READ_OPTIONS,
                   strict: bool = False, on_error: ErrorHandler | None = None) -> SparkInputs:
    """The articles of ``inputs`` in ``spark``, read as the local scan reads them.

    Problems go to ``on_error`` in input order (under ``strict`` the first
    that is not :class:`~provenance.readers.Skipped` is raised); raises
    :class:`NoArticlesError` when no input holds an article.
    """
    sql = require_pyspark()
    plans = list(_plans(spark, list(inputs)))
    problems: list[InputError] = []

    def report(problem: InputError) -> None:
        if strict and not isinstance(problem, Skipped):
            raise problem
        problems.append(problem)
        if on_error is not None:
            on_error(problem)

    files = [(uri, number, origin) for number, plan in enumerate(plans) for uri, origin in plan.files]
    parsed = _parsed(spark, files, options) if files else None
    found: dict[int, list] = {}
    if parsed is not None:
        for number, seq, (kind, origin, reason, line) in parsed.filter(lambda r: r[0] == "p").map(
                lambda r: r[1:]).collect():
            found.setdefault(number, []).append((seq, kind(origin, reason, line=line)))
    driver: list[tuple] = []
    for number, plan in enumerate(plans):
        for problem in plan.problems:
            report(problem)
        for _, problem in sorted(found.get(number, ()), key=lambda p: p[0]):
            report(problem)
        if plan.driver is not None:
            driver.extend(((number, 0), seq, a) for seq, a in enumerate(_driver_articles(plan.driver, report,
                                                                                         options)))
    schema = _schema(sql.types)
    frames = []
    if driver:
        frames.append(spark.createDataFrame([_row(key, seq, a) for key, seq, a in driver], schema))
    if parsed is not None:
        frames.append(spark.createDataFrame(parsed.filter(lambda r: r[0] == "a")
                                            .map(lambda r: _row((r[1], r[2]), r[3], r[4])), schema))
    frame = frames[0] if frames else None
    for other in frames[1:]:
        frame = frame.unionByName(other)
    if frame is None or not frame.take(1):
        detail = f" ({len(problems)} input problem(s) reported)" if problems else ""
        raise NoArticlesError("no articles found in the inputs" + detail + f"; give files of the kinds read "
                              f"({readable_kinds()}), folders of them, or - for standard input")
    frame = _unique(frame, sql.functions)
    return SparkInputs(frame.select(*ARTICLE_COLUMNS), tuple(problems), frame)


@dataclass(frozen=True)
class _Plan:
    """How one input is read: files for Spark (URI, origin), or the input for the driver, and problems met."""

    files: tuple[tuple[str, str], ...] = ()
    driver: str | None = None
    problems: tuple[InputError, ...] = ()


def _plans(spark: Any, inputs: list[str]) -> Iterator[_Plan]:
    seen: set[str] = set()
    for item in inputs:
        item = str(item)
        url = URL_SCHEME.match(item) is not None
        key = item if url or item == STDIN else os.path.realpath(item)
        if key in seen:
            yield _Plan(problems=(RepeatedInput(printable(item), "given more than once; read once"),))
            continue
        seen.add(key)
        if url:
            yield _listed(spark, item)
        elif read_by_spark(item) and os.path.isfile(item) and not is_tar(item):
            # Spark's form of a path, as it lists files: not a URI (no %-escapes).
            yield _Plan(files=(("file:" + str(Path(item).resolve()), printable(item)),))
        else:
            # The driver's readers give their own messages for a missing or odd path.
            yield _Plan(driver=item)


def _listed(spark: Any, location: str) -> _Plan:
    """The files at a URL (a file, a folder searched recursively, a glob) that some reader takes."""
    try:
        paths = sorted(row.path for row in spark.read.format("binaryFile").option("recursiveFileLookup", "true")
                       .load(location).select("path").collect())
    except Exception as error:  # Spark's AnalysisException, py4j's errors: by version
        return _Plan(problems=(InputError(printable(location), f"cannot read: {_first_line(error)}"),))
    taken = [p for p in paths if not is_tar(p) and _claimed(p)]
    if len(paths) == 1 and taken and PurePath(paths[0]).name == PurePath(location).name:
        return _Plan(files=((paths[0], printable(location)),))  # one file: named as given
    problems: tuple[InputError, ...] = ()
    if not taken:
        problems = (InputError(printable(location), f"holds no files of the kinds read ({readable_kinds()})"),)
    elif len(taken) < len(paths):
        problems = (Skipped(printable(location), f"{len(paths) - len(taken)} file(s) of kinds no reader takes, "
                                                 "not read"),)
    return _Plan(files=tuple((p, printable(p)) for p in taken), problems=problems)


def _claimed(path: str) -> bool:
    name = PurePath(path)
    if compression_for(name) is not None:
        name = PurePath(inner_name(name))
    return reader_for(name) is not None


def _parsed(spark: Any, files: list[tuple[str, int, str]], options: ReadOptions) -> Any:
    """An RDD of ("a", input, file, seq, Article) and ("p", input, seq, problem), persisted."""
    place = {_same_file(uri): (number, index, origin) for index, (uri, number, origin) in enumerate(files)}
    rows = spark.read.format("binaryFile").load([_literal(uri) for uri, _, _ in files]).select("path", "content")
    slices = max(1, min(len(files), spark.sparkContext.defaultParallelism * 4))

    def parse(row: Any) -> Iterator[tuple]:
        number, index, origin = place[_same_file(row.path)]
        problems: list[InputError] = []
        for seq, article in enumerate(file_articles(bytes(row.content), row.path, origin, problems.append,
                                                    options)):
            yield "a", number, index, seq, article
        for seq, problem in enumerate(problems):
            # As its parts: an InputError does not pickle (its arguments are not its args).
            yield "p", number, (index, seq), (type(problem), problem.origin, problem.reason, problem.line)

    return rows.rdd.repartition(slices).flatMap(parse).persist()


def _same_file(path: str) -> str:
    """A file's path as Spark names it and as given to it alike (``file:///x`` is ``file:/x``).

    >>> _same_file("file:///tmp/a b.jsonl") == _same_file("file:/tmp/a b.jsonl")
    True
    """
    return re.sub(r"^file:/+", "file:/", path)


def _literal(path: str) -> str:
    """``path`` with the characters Spark would read as a glob escaped: the file itself, whatever its name.

    >>> _literal("file:/news/day[1].jsonl")
    'file:/news/day\\\\[1\\\\].jsonl'
    """
    return re.sub(r"([\\{}\[\]*?])", r"\\\1", path)


def file_articles(data: bytes, name: str, origin: str, report: ErrorHandler,
                  options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
    """The articles of one file's bytes, as :func:`provenance.readers.read_file` reads the file
    (:func:`provenance.readers.inputs.read_file_bytes`: one function for both, so they cannot differ).

    >>> [a.id for a in file_articles(b'{"text": "Council meets."}\\n', "wire.jsonl", "wire.jsonl", print)]
    ['wire.jsonl:1']
    """
    return read_file_bytes(data, name, origin, report, options)


def _driver_articles(item: str, report: ErrorHandler, options: ReadOptions) -> Iterator[Article]:
    try:
        # Ids made unique once, over every input, by _unique: as the local read makes them.
        yield from iter_articles([item], on_error=report, options=options, unique=False)
    except NoArticlesError:
        pass  # the input's problems are reported; whether any input held an article is asked at the end


def _row(key: tuple[int, int], seq: int, article: Article) -> tuple:
    return (*key, seq, *(None if getattr(article, c) is None else str(getattr(article, c)) for c in ARTICLE_COLUMNS))


def _schema(types: Any) -> Any:
    order = [types.StructField(name, types.IntegerType(), False) for name in ("_input", "_file", "_seq")]
    return types.StructType(order + [types.StructField(c, types.StringType(), c not in ("id", "text"))
                                     for c in ARTICLE_COLUMNS])


def _unique(frame: Any, functions: Any) -> Any:
    """``frame`` with repeated ids made unique as the local scan makes them (in input order).

    :func:`~provenance.readers.unique_ids` walks every article; only those
    it can rename or whose id it can meet again matter: the repeated ids,
    and articles whose id is one it gives (``a@feed.jsonl:3``), which are
    added and the walk done again until it gives no id another article
    holds. Only their places and ids come to the driver, never their text."""
    keys = ["_input", "_file", "_seq"]
    repeated = frame.groupBy("id").count().filter(functions.col("count") > 1).select("id")
    involved = frame.join(repeated, "id").select("id", "origin", *keys)
    spark = frame.sparkSession
    while True:
        clashes = involved.orderBy(*keys).collect()
        if not clashes:
            return frame
        renamed = _renamed(clashes)
        given = sorted(set(renamed.values()) - {row.id for row in clashes})
        more = frame.join(spark.createDataFrame([(value,) for value in given], "id string"), "id") if given else None
        if more is None or not more.limit(1).collect():
            break
        involved = involved.union(more.select("id", "origin", *keys)).distinct()
    names = spark.createDataFrame([(*key, value) for key, value in renamed.items()],
                                  "_input int, _file int, _seq int, _renamed string")
    joined = frame.join(names, keys, "left")
    return joined.withColumn("id", functions.coalesce(functions.col("_renamed"), functions.col("id"))).drop("_renamed")


def _renamed(rows: list[Any]) -> dict[tuple[int, int, int], str]:
    """The new id of each row (in input order) that :func:`~provenance.readers.unique_ids` renames, by its place."""
    seen: set[str] = set()
    named = ((row, unique_name(row.id, row.origin, seen)) for row in rows)
    return {(row._input, row._file, row._seq): name for row, name in named if name != row.id}


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
