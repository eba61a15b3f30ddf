"""The commands over articles: scan, compare, and info."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError, ProvenanceError
from ..model import VERDICTS
from ..readers.base import Skipped
from ..report import CHECK, COMPARE, SCAN, Comparison, renderer
from .base import (
    EXIT_CODES,
    SCAN_EXIT_CODES,
    _emit,
    _format_names,
    _format_option,
    _matcher_option,
    _output_option,
    _progress,
    _quiet_option,
    _read_options,
    _version_lines,
    _warn,
    cli,
)
from .spark_scan import DEFAULT_MASTER, ENGINES, SparkRun, check_master_value, engine_usage, spark_scan

#: --table-format's choices (as provenance.spark.output.TABLE_FORMATS, without importing Spark's modules).
TABLE_FORMATS = ("parquet", "jsonl")


def _explain_option(function):
    return click.option("--explain", is_flag=True, help=(
        "Text report: add the verdict model's reasoning (probabilities, the figures it weighed) and "
        "each sentence's similarity."))(function)


#: Optional extras: (name, the module it provides).
EXTRAS = (("redis", "redis"), ("html", "trafilatura"), ("warc", "warcio"), ("parquet", "pyarrow"), ("spark", "pyspark"))


@cli.command()
def info() -> None:
    """Print the version, engine, extras and report formats.

    The two lines of --version, then whether each optional extra is
    installed, then the --format choices of each command (plug-ins included).
    """
    import importlib.util

    click.echo(_version_lines())
    for extra, module in EXTRAS:
        found = importlib.util.find_spec(module) is not None
        click.echo(f"extra {extra}: " + ("installed" if found else
                                         f"not installed (pip install 'provenance-news[{extra}]')"))
    for kind in (SCAN, COMPARE, CHECK):
        click.echo(f"{kind} formats: {', '.join(_format_names(kind))}")


@cli.command(epilog=SCAN_EXIT_CODES)
@_quiet_option
@click.argument("inputs", nargs=-1, required=True, metavar="PATH...")
@_format_option(SCAN)
@_matcher_option
@click.option("--show-all", is_flag=True, help=(
    "Text report: list every passage taken, sentence added and source sentence dropped (no caps)."))
@_explain_option
@click.option("--only", type=click.Choice(["uncredited"]), help=(
    "Report only the derived articles that reuse their source without crediting it."))
@click.option("--min-verdict", type=click.Choice(list(VERDICTS)), metavar="VERDICT", help=(
    "Report only the derived articles judged VERDICT or stronger: copy, rewrite, partial, independent."))
@click.option("--strict", is_flag=True, help="Stop at the first unreadable input instead of skipping it.")
@_read_options
@click.option("-o", "--output", metavar="PATH", help=(
    "Write the report to this file instead of standard output (-). With --engine spark: the folder "
    "(or URL) to write the relations, stories and ledgers tables to, instead of a report."))
@click.option("--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes (0, the default: one per core). The report is the same for any number.")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True, help=(
    "Where the scan runs: here (local), or on Apache Spark (spark: pip install 'provenance-news[spark]'). "
    "The report is the same."))
@click.option("--master", metavar="URL", callback=check_master_value, help=(
    f"--engine spark: the Spark master (local[N], local[*], spark://HOST:PORT, yarn, k8s://URL; "
    f"default {DEFAULT_MASTER})."))
@click.option("--table-format", type=click.Choice(TABLE_FORMATS), default="parquet", show_default=True,
              help="--engine spark --output DIR: the tables' format (parquet, or jsonl: JSON lines).")
@click.pass_context
def scan(ctx: click.Context, inputs: tuple[str, ...], fmt: str, settings, show_all: bool, explain: bool,
         only: str | None, min_verdict: str | None, strict: bool, read_options, output: str | None, jobs: int,
         engine: str, master: str | None, table_format: str) -> None:
    """Scan articles for copies, rewrites and partial reuse.

    PATH is a file, a folder (searched recursively) or - for standard
    input: text, JSON/JSONL, ninjs, NewsML-G2, RSS/Atom, HTML, WARC, CSV,
    TSV or Parquet, any of them compressed (README: Input formats).
    Unreadable inputs are reported on standard error, skipped and listed at
    the end of the report, and make the exit code 1.
    """
    report_file = engine_usage(ctx, engine, master, output)

    def render(result) -> str:
        if only or min_verdict:
            result = result.filtered(min_verdict=min_verdict, uncredited=only == "uncredited")
        return renderer(fmt, SCAN).render(result, show_all=show_all, explain=explain)

    if engine == "spark":
        run = SparkRun(master or DEFAULT_MASTER, output, table_format)
        problems = spark_scan(run, inputs, settings=settings, strict=strict, read_options=read_options,
                              render=render)
    else:
        from ..pipeline import scan as scan_inputs

        try:
            with _progress() as progress:
                result = scan_inputs(inputs, settings=settings, strict=strict, on_error=_warn, jobs=jobs or None,
                                     read_options=read_options, progress=progress)
        except ProvenanceError as exc:
            raise click.ClickException(str(exc)) from None
        _emit(render(result), report_file)
        problems = result.problems
    # The report covers what could be read; an input that could not be is
    # exit 1, so a batch job knows. What was passed over by design is not.
    if any(not isinstance(problem, Skipped) for problem in problems):
        raise click.exceptions.Exit(1)


@cli.command(epilog=EXIT_CODES)
@_quiet_option
@click.argument("source", metavar="SOURCE")
@click.argument("derived", metavar="DERIVED")
@_format_option(COMPARE)
@_matcher_option
@_explain_option
@_read_options
@_output_option
def compare(source: str, derived: str, fmt: str, settings, explain: bool, read_options,
            output: Path | None) -> None:
    """Print the sentence ledger of DERIVED against SOURCE.

    Each is one article: a .txt/.md file, a JSON/JSONL file holding exactly
    one article, or - for standard input.
    """
    from ..pipeline import compare as compare_articles

    try:
        first, second = _single_article(source, read_options), _single_article(derived, read_options)
        result = Comparison(*compare_articles(first, second, settings=settings))
    except ProvenanceError as exc:
        raise click.ClickException(str(exc)) from None
    _emit(renderer(fmt, COMPARE).render(result, explain=explain), output)


def _single_article(path: str, read_options):
    from ..readers import read_articles

    articles = read_articles([path], strict=True, options=read_options)
    if len(articles) != 1:
        raise InputError(path, f"holds {len(articles)} articles; compare takes one article per input")
    return articles[0]
