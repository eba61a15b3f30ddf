"""``provenance scan --engine spark``: the inputs read into Spark
(:mod:`provenance.spark.inputs`), scanned there (:func:`provenance.spark.scan_spark`),
and either reported as the local scan reports (on standard output), or
written as tables on the executors (``--output DIR``, :mod:`provenance.spark.output`).

The session: ``--master`` names it, and the running one is used if there
is one (as ``SparkSession.builder.getOrCreate`` does); the command stops
the session at the end only if it started it, so a caller's session (a
notebook's, a test's) outlives the command.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ..errors import ProvenanceError
from .base import EXIT_INPUT, REPORT_FILE, STDOUT_NAMES, _emit, _fail, _is_quiet, _warn

#: The engine of today's scan, and Spark's.
ENGINES = ("local", "spark")
DEFAULT_MASTER = "local[*]"


@dataclass(frozen=True)
class SparkRun:
    """What ``scan --engine spark`` was asked for beyond the local scan's options."""

    master: str
    #: The folder (or URL) the tables are written to; None: a report on standard output.
    tables: str | None
    table_format: str


def check_master_value(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--master``'s callback: a Spark master URL, or a usage error (exit 2) before any JVM starts."""
    if value is None:
        return None
    from ..errors import ConfigError
    from ..spark.session import check_master

    try:
        return check_master(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc).removeprefix("--master ")) from None


def engine_usage(ctx: click.Context, engine: str, master: str | None, output: str | None) -> Path | None:
    """Usage errors (exit 2): options that belong to the other engine, or to
    a report when tables are written. The report file, for the local engine."""
    given = {name for name in ctx.params
             if ctx.get_parameter_source(name) not in (click.core.ParameterSource.DEFAULT, None)}
    if engine != "spark":
        for name, flag in (("master", "--master"), ("table_format", "--table-format")):
            if name in given:
                raise click.UsageError(f"{flag} needs --engine spark", ctx)
        if output is None:
            return None
        # The other commands' report file, checked as they check it (the option is a string for Spark's URLs).
        return REPORT_FILE.convert(output, next(p for p in ctx.command.params if p.name == "output"), ctx)
    if "jobs" in given:
        raise click.UsageError("--jobs is for the local engine; Spark's parallelism is the master's "
                               "(--master 'local[N]')", ctx)
    if output is None or output in STDOUT_NAMES:
        if "table_format" in given:
            raise click.UsageError("--table-format needs --output DIR", ctx)
        return None
    for name, flag in (("fmt", "--format"), ("show_all", "--show-all"), ("explain", "--explain"),
                       ("only", "--only"), ("min_verdict", "--min-verdict")):
        if name in given:
            raise click.UsageError(f"{flag} is for a report; with --engine spark, --output DIR writes tables "
                                   "(leave out --output for the report on standard output)", ctx)
    return None


def spark_scan(run: SparkRun, inputs: tuple[str, ...], *, settings: Any, strict: bool, read_options: Any,
               render: Any) -> tuple:
    """Scan ``inputs`` on Spark; write the tables, or print ``render(result)``; the problems met."""
    from ..spark.output import OutputError, check_tables_folder, check_tables_target, write_tables
    from ..spark.session import SparkUnavailable

    try:
        if run.tables is not None:
            check_tables_folder(run.tables)
        with _session(run.master) as spark:
            if run.tables is not None:
                check_tables_target(spark, run.tables)
            from ..spark import scan_spark, scan_tables
            from ..spark.inputs import articles_frame
            from ..spark.progress import spark_progress

            with spark_progress(spark.sparkContext, quiet=_is_quiet()) as progress:
                read = articles_frame(spark, inputs, options=read_options, strict=strict, on_error=_warn)
                if progress is not None:
                    progress("reading", 0, None)
                if run.tables is not None:
                    tables = scan_tables(read.frame, settings, ledgers=True, progress=progress)
                    if progress is not None:
                        progress("tables", 0, None)
                    try:
                        write_tables(tables, run.tables, run.table_format)
                    finally:
                        tables.unpersist()
                    return read.problems
                scanned = scan_spark(read.frame, settings, documents=True, progress=progress)
            # The local scan's reports list the articles in input order.
            scanned = dataclasses.replace(scanned, documents=read.in_input_order(scanned.documents))
            _emit(render(scanned.result(read.problems, settings)), None)
            return read.problems
    except (SparkUnavailable, OutputError) as exc:
        _fail(str(exc), EXIT_INPUT)
    except ProvenanceError as exc:
        raise click.ClickException(str(exc)) from None
    return ()


@contextlib.contextmanager
def _session(master: str) -> Iterator[Any]:
    from ..spark import start_session
    from ..spark.session import require_pyspark

    running = require_pyspark().SparkSession.getActiveSession()
    spark = start_session(master)
    if running is None:
        spark.sparkContext.setLogLevel("ERROR")  # the command's errors are its own one-line messages
    try:
        yield spark
    finally:
        if running is None:
            spark.stop()
