"""A Spark scan's answers written as tables by Spark's own writers, on the
executors: ``relations``, ``stories`` and ``ledgers``
(:mod:`provenance.spark.tables` gives their columns), each a folder of part
files (one per partition of the judged stories) on any filesystem Spark
writes to, in Parquet or JSON lines.

>>> TABLE_FORMATS
('parquet', 'jsonl')
"""

from __future__ import annotations

import os

from ..errors import ProvenanceError
from .scan import SparkTables
from .tables import DROPPED, LEDGER_COLUMNS, RELATION_COLUMNS, STORY_COLUMNS, TABLES, ledger_rows
from .tables import ledger_schema, relation_schema, story_schema

#: The table formats :func:`write_tables` writes.
TABLE_FORMATS = ("parquet", "jsonl")


class OutputError(ProvenanceError):
    """The tables cannot be written where asked (a folder that holds files, a filesystem that refuses)."""


def write_tables(tables: SparkTables, directory: str, fmt: str = "parquet",
                 overwrite: bool = False) -> dict[str, str]:
    """Write ``tables``' DataFrames (:meth:`SparkTables.frames`) to
    ``directory``/relations, /stories and /ledgers in ``fmt`` (``parquet``
    or ``jsonl``: JSON lines part files); the folder written for each
    table. A folder on this machine that holds files already is refused
    (:class:`OutputError`) unless ``overwrite``."""
    if fmt not in TABLE_FORMATS:
        raise OutputError(f"no table format {fmt!r} (formats: {', '.join(TABLE_FORMATS)})")
    if not overwrite:
        check_tables_folder(directory)
    written = {}
    for name, frame in tables.frames().items():
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
    is_folder = os.path.isdir(local)
    _refuse_found(directory, is_folder, is_folder and bool(os.listdir(local)))


#: URL schemes Spark reads but cannot write (Hadoop's HTTP filesystems are read-only).
READ_ONLY_SCHEMES = ("http", "https")


def check_tables_target(spark: object, directory: str) -> None:
    """:class:`OutputError` when ``directory`` is a URL the tables cannot be
    written to: a read-only or unknown scheme, a file, or a folder holding
    files, asked of the filesystem through the session's Hadoop
    configuration before the scan. A path with no scheme is where Spark
    writes it, on the cluster's default filesystem (HDFS on most clusters);
    one on this machine was checked by :func:`check_tables_folder`."""
    scheme = directory.split("://", 1)[0].lower() if "://" in directory else None
    if scheme in READ_ONLY_SCHEMES:
        raise OutputError(f"{directory}: Spark cannot write to {scheme}:// (it reads it only); "
                          "give a folder on a filesystem it writes to (hdfs://, s3a://, file://, ...)")
    jvm = getattr(spark, "_jvm", None)
    if jvm is None:  # Spark Connect: the writers say
        return
    try:
        path = jvm.org.apache.hadoop.fs.Path(directory)
        filesystem = path.getFileSystem(spark._jsc.hadoopConfiguration())
        if _local_folder(directory) is not None and str(filesystem.getScheme()) == "file":
            return
        if not filesystem.exists(path):
            return
        is_folder = filesystem.getFileStatus(path).isDirectory()
        holds = is_folder and len(filesystem.listStatus(path)) > 0
    except Exception as error:  # the JVM's errors: no filesystem for the scheme, no access
        raise OutputError(f"{directory}: cannot write tables there: {_jvm_message(error)}") from None
    _refuse_found(directory, is_folder, holds)


def _refuse_found(directory: str, is_folder: bool, holds_files: bool) -> None:
    """:class:`OutputError` for an output found to be a file, or a folder holding files."""
    if not is_folder:
        raise OutputError(f"{directory}: not a folder")
    if holds_files:
        raise OutputError(f"{directory}: the output folder holds files already; give a new or empty folder")


def _jvm_message(error: BaseException) -> str:
    """A JVM error's own message (``java.io.IOException: ...``'s text), on one line."""
    java = getattr(error, "java_exception", None)
    text = str(java.getMessage()) if java is not None and java.getMessage() is not None else _first_line(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def _local_folder(directory: str) -> str | None:
    """The folder on this machine ``directory`` names (a plain path or ``file:``), else None."""
    if directory.startswith("file:"):
        return "/" + directory[len("file:"):].lstrip("/")
    return None if "://" in directory else directory


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


__all__ = ["DROPPED", "LEDGER_COLUMNS", "RELATION_COLUMNS", "STORY_COLUMNS", "TABLES", "TABLE_FORMATS",
           "OutputError", "READ_ONLY_SCHEMES", "check_tables_folder", "check_tables_target", "ledger_rows",
           "ledger_schema", "relation_schema", "story_schema", "write_tables"]
