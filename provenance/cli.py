"""Command line: parse options, call the library, render, map errors to exit codes.

Exit codes (also in ``provenance --help`` and the README):

* 0: the command ran; a report was written
* 1: a data problem: no readable article, an unreadable input under
  ``--strict``, or an input ``compare`` cannot use
* 2: a usage mistake (unknown option, missing argument, bad value)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from . import __version__
from .articles import read_articles
from .errors import InputError, ProvenanceError
from .report import json as json_report
from .report import text as text_report
from .scan import compare as compare_articles
from .scan import scan as scan_inputs

EXIT_CODES = """\b
Exit codes:
  0  report written
  1  data problem: no readable article, or a bad input under --strict
  2  usage mistake: unknown option, missing argument, bad value"""


@click.group(epilog=EXIT_CODES)
@click.version_option(__version__, prog_name="provenance")
def cli() -> None:
    """Find which news articles derive from which: copies, rewrites and
    partial reuse of a source, with the source's credit checked and every
    sentence accounted for."""


@cli.command(epilog=EXIT_CODES)
@click.argument("inputs", nargs=-1, required=True, metavar="PATH...")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report format.")
@click.option("--show-all", is_flag=True, help="Print every sentence's label, not only the added ones.")
@click.option("--strict", is_flag=True, help="Stop at the first unreadable input instead of skipping it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the report to this file instead of standard output.")
def scan(inputs: tuple[str, ...], fmt: str, show_all: bool, strict: bool, output: Path | None) -> None:
    """Scan articles for copies, rewrites and partial reuse.

    PATH is a .txt/.md file, a folder (searched recursively), a .json or
    .jsonl file of objects with a "text" field, or - for standard input.
    Unreadable inputs are reported on standard error and skipped.
    """
    try:
        result = scan_inputs(inputs, strict=strict, on_error=_warn)
    except ProvenanceError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        rendered = json_report.dumps(json_report.scan_document(result))
    else:
        rendered = text_report.render_scan(result, show_all=show_all)
    _emit(rendered, output)


@cli.command(epilog=EXIT_CODES)
@click.argument("source", metavar="SOURCE")
@click.argument("derived", metavar="DERIVED")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the report to this file instead of standard output.")
def compare(source: str, derived: str, fmt: str, output: Path | None) -> None:
    """Print the sentence ledger of DERIVED against SOURCE.

    Each is one article: a .txt/.md file, a JSON/JSONL file holding exactly
    one article, or - for standard input.
    """
    try:
        first, second = _single_article(source), _single_article(derived)
        relation, first_doc, second_doc = compare_articles(first, second)
    except ProvenanceError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        rendered = json_report.dumps(json_report.compare_document(relation, first_doc, second_doc))
    else:
        rendered = text_report.render_compare(relation, first_doc, second_doc)
    _emit(rendered, output)


def _single_article(path: str):
    articles = read_articles([path], strict=True)
    if len(articles) != 1:
        raise InputError(path, f"holds {len(articles)} articles; compare takes one article per input")
    return articles[0]


def _warn(problem: InputError) -> None:
    click.echo(f"warning: skipped {problem}", err=True)


def _emit(rendered: str, output: Path | None) -> None:
    if output is None:
        click.echo(rendered, nl=False)
        return
    # Write beside the target and rename, so a reader never sees half a report.
    directory = output.resolve().parent
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(rendered)
        os.replace(temporary, output)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write report: {exc.strerror or exc}") from None


def main() -> None:
    cli(prog_name="provenance")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
