"""A Spark scan's answers as tables, written by Spark's own writers (a folder
of part files each, on any filesystem Spark writes to): ``relations``,
``stories`` and ``ledgers``.

The ledgers table has a row per sentence of each derived article (``kind``
``sentence``: its label, the source sentences it was matched to, its
similarity) and per source sentence the derived article dropped (``kind``
``dropped``), with the field names of the JSON report's ``sentences`` and
``dropped``.

>>> LEDGER_COLUMNS[:5]
('story', 'source', 'derived', 'kind', 'index')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ProvenanceError
from ..model import Relation, Story
from .scan import RELATION_COLUMNS, STORY_COLUMNS, SparkScan, _relation_schema, _story_schema, relation_rows
from .scan import story_rows
from .session import require_pyspark

#: One row per derived sentence and per dropped source sentence of each relation's ledger.
LEDGER_COLUMNS = ("story", "source", "derived", "kind", "index", "label", "source_indexes", "score",
                  "verbatim_share", "text")

#: The table formats :func:`write_tables` writes.
TABLE_FORMATS = ("parquet", "jsonl")

#: The tables :func:`write_tables` writes, each a folder under the output folder.
TABLES = ("relations", "stories", "ledgers")

#: The label of a dropped source sentence's row.
DROPPED = "dropped"


class OutputError(ProvenanceError):
    """The tables cannot be written where asked (a folder that holds files, a filesystem that refuses)."""


def ledger_rows(relations: Iterable[Relation], stories: Iterable[Story] = (),
                documents: Mapping[str, Any] | Iterable[Any] | None = None) -> list[tuple]:
    """One row of :data:`LEDGER_COLUMNS` per derived sentence and per dropped
    source sentence of each relation, in the order given: the derived
    sentences in order, then the dropped ones. ``story`` is the story of the
    derived article when ``stories`` are given (else None), ``text`` the
    sentence's text when the ``documents`` are (else None)."""
    story_of = {member: story.id for story in stories for member in story.members}
    if documents is not None and not isinstance(documents, Mapping):
        documents = {d.id: d for d in documents}
    rows = []
    for r in relations:
        story = story_of.get(r.derived)
        derived, source = (documents.get(r.derived), documents.get(r.source)) if documents else (None, None)
        for s in r.ledger.sentences:
            rows.append((story, r.source, r.derived, "sentence", s.index, s.label, list(s.source_indexes),
                         float(s.score), float(s.verbatim_share), _text(derived, s.index)))
        for index in r.ledger.dropped:
            rows.append((story, r.source, r.derived, DROPPED, index, None, [], None, None, _text(source, index)))
    return rows


def _text(document: Any, index: int) -> str | None:
    return None if document is None else document.sentences[index].text


def ledger_schema() -> Any:
    """The Spark schema of the ledgers table (columns :data:`LEDGER_COLUMNS`)."""
    types = require_pyspark().types
    text = types.StringType()
    return types.StructType([
        types.StructField("story", text, True), types.StructField("source", text, False),
        types.StructField("derived", text, False), types.StructField("kind", text, False),
        types.StructField("index", types.IntegerType(), False), types.StructField("label", text, True),
        types.StructField("source_indexes", types.ArrayType(types.IntegerType()), False),
        types.StructField("score", types.DoubleType(), True),
        types.StructField("verbatim_share", types.DoubleType(), True), types.StructField("text", text, True)])


def relation_schema() -> Any:
    """The Spark schema of the relations table (columns :data:`~provenance.spark.RELATION_COLUMNS`)."""
    return _relation_schema()


def story_schema() -> Any:
    """The Spark schema of the stories table (columns :data:`~provenance.spark.STORY_COLUMNS`)."""
    return _story_schema()


def table_frames(spark: Any, scan: SparkScan) -> dict[str, Any]:
    """The scan's three tables as DataFrames in ``spark``, by name (:data:`TABLES`)."""
    ledgers = ledger_rows(scan.relations, scan.stories, scan.documents)
    return {"relations": spark.createDataFrame(relation_rows(scan.stories, scan.relations), relation_schema()),
            "stories": spark.createDataFrame(story_rows(scan.stories), story_schema()),
            "ledgers": spark.createDataFrame(ledgers, ledger_schema())}


def write_tables(spark: Any, scan: SparkScan, directory: str, fmt: str = "parquet",
                 overwrite: bool = False) -> dict[str, str]:
    """Write the scan's tables to ``directory``/relations, /stories and
    /ledgers in ``fmt`` (``parquet`` or ``jsonl``: JSON lines part files);
    the folder written for each table. A folder on this machine that holds
    files already, or a table folder there already, is refused
    (:class:`OutputError`) unless ``overwrite``."""
    if fmt not in TABLE_FORMATS:
        raise OutputError(f"no table format {fmt!r} (formats: {', '.join(TABLE_FORMATS)})")
    if not overwrite:
        check_tables_folder(directory)
    written = {}
    for name, frame in table_frames(spark, scan).items():
        where = directory.rstrip("/") + "/" + name
        writer = frame.write.mode("overwrite" if overwrite else "errorifexists")
        try:
            (writer.parquet if fmt == "parquet" else writer.json)(where)
        except Exception as error:  # Spark's AnalysisException and the JVM's IO errors, by version
            raise OutputError(f"{where}: cannot write the {name} table: {_first_line(error)}") from None
        written[name] = where
    return written


def check_tables_folder(directory: str) -> None:
    """:class:`OutputError` when ``directory`` is on this machine and is a
    file or a folder holding files: checked before a scan, not after it.

    >>> check_tables_folder("hdfs://namenode/out")  # Spark's writers say for other filesystems
    """
    local = _local_folder(directory)
    if local is None or not os.path.exists(local):
        return
    if not os.path.isdir(local):
        raise OutputError(f"{directory}: not a folder")
    if os.listdir(local):
        raise OutputError(f"{directory}: the output folder holds files already; give a new or empty folder")


def _local_folder(directory: str) -> str | None:
    """The folder on this machine ``directory`` names (a plain path or ``file:``), else None."""
    if directory.startswith("file:"):
        return "/" + directory[len("file:"):].lstrip("/")
    return None if "://" in directory else directory


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


__all__ = ["DROPPED", "LEDGER_COLUMNS", "RELATION_COLUMNS", "STORY_COLUMNS", "TABLES", "TABLE_FORMATS",
           "OutputError", "check_tables_folder", "ledger_rows", "ledger_schema", "relation_schema", "story_schema", "table_frames",
           "write_tables"]
