"""What every command shares: exit codes, shared options, the guarded group,
and the one way a report or an error reaches the user."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import warnings
from pathlib import Path

import click

from ..errors import InputError, ProvenanceError
from ..report import CHECK, renderer, renderer_names
from ..report.output import STDOUT_NAMES, tolerant_streams, write_report
from ..version import __version__

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "cli", "tolerant_streams"]

EXIT_CODES = """\b
Exit codes:
  0  report written
  1  data problem: an input could not be read (the report covers the
     rest and ends with what was skipped), no readable article at all,
     or a bad input under --strict
  2  usage mistake: unknown option, missing argument, bad value
  3  the report cannot be written (-o FILE or standard output)
  4  internal error (a bug: please report it)"""

SCAN_EXIT_CODES = EXIT_CODES.replace("(-o FILE or standard output)", "(-o FILE or standard output),\n"
                                     "     or with --engine spark: Spark cannot start (no pyspark, no\n"
                                     "     Java) or the --tables cannot be written")

#: check and index: an input, index or set-up error; any command: a report that cannot be written.
EXIT_INPUT = 3
#: A bug, reported in one line instead of a traceback; and Ctrl-C (128 + SIGINT, as a shell says).
EXIT_INTERNAL, EXIT_INTERRUPTED = 4, 130

OVERVIEW_EXIT_CODES = """\b
Exit codes (each command's --help has the details):
  0  success (check: every article passed)
  1  scan/compare: a data problem; check: a policy violation
  2  usage mistake: unknown option, missing argument, bad value
  3  check/index: an input, index or output error; any: unwritable report
  4  internal error (a bug: please report it)"""


class FormatChoice(click.Choice):
    """``--format``'s choices: the formats registered for one kind of result,
    read when first needed, so that a plug-in's format is one of them."""

    def __init__(self, kind: str):
        self.kind = kind
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        """The registered format names, the built-ins first (loads the plug-ins)."""
        return _format_names(self.kind)

    def convert(self, value, param, ctx):
        """``value`` when it names a format; a usage error listing them otherwise."""
        # A registered name is taken without loading the plug-ins (most runs).
        try:
            renderer(value, self.kind)
        except LookupError:
            return super().convert(value, param, ctx)
        except ProvenanceError as exc:
            raise _plugin_error(exc, self.kind) from None
        return value


def _format_names(kind: str) -> tuple[str, ...]:
    try:
        return renderer_names(kind)
    except ProvenanceError as exc:
        raise _plugin_error(exc, kind) from None


def _plugin_error(exc: ProvenanceError, kind: str) -> click.ClickException:
    """A renderer plug-in that cannot be loaded: one line, and check's exit code for a setup error."""
    error = click.ClickException(str(exc))
    error.exit_code = EXIT_INPUT if kind == CHECK else 1
    return error


def _format_option(kind: str):
    return click.option("--format", "fmt", type=FormatChoice(kind), default="text", show_default=True,
                        help="Report format.")


def _matcher_settings(ctx: click.Context, param: click.Parameter, value: str):
    """The settings for ``--matcher NAME`` (a usage error when no matcher has that name)."""
    from ..config import DEFAULT_SETTINGS
    from ..errors import ConfigError
    from ..matching.matcher import check_matcher

    if value == DEFAULT_SETTINGS.align.matcher:
        return DEFAULT_SETTINGS
    try:
        check_matcher(value)
        return DEFAULT_SETTINGS.replace(matcher=value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from None
    except ProvenanceError as exc:  # a matcher plug-in that cannot be loaded
        raise click.ClickException(str(exc)) from None


def _matcher_option(function):
    from ..config import DEFAULT_SETTINGS

    return click.option("--matcher", "settings", default=DEFAULT_SETTINGS.align.matcher, show_default=True,
                        callback=_matcher_settings, metavar="NAME",
                        help="Sentence matcher: meaning (words, and a sentence embedding where the words leave "
                             "a sentence unmatched), tfidf (words alone), or one a plug-in registers.")(function)


#: A report file's type: not a folder; - is standard output. Not
#: writable=True: an unwritable report is _emit's one line and exit 3 from every command.
REPORT_FILE = click.Path(dir_okay=False, allow_dash=True, path_type=Path)


def _output_option(function):
    return click.option("-o", "--output", type=REPORT_FILE,
                        help="Write the report to this file instead of standard output (-).")(function)


def _encoding_value(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import codecs

    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {value!r} (give a name Python knows, "
                                     "such as cp1252, latin-1 or utf-16)") from None
    return value


def _column_values(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]):
    from ..readers.base import COLUMN_FIELDS

    pairs = []
    for value in values:
        field, equals, column = value.partition("=")
        field, column = field.strip(), column.strip()
        if not equals or not column:
            raise click.BadParameter(f"{value!r} is not FIELD=COLUMN (e.g. text=story_body)")
        if field not in COLUMN_FIELDS:
            raise click.BadParameter(f"no article field {field!r} (fields: {', '.join(COLUMN_FIELDS)})")
        pairs.append((field, column))
    return tuple(pairs)


def _read_options(function):
    """``--encoding`` and ``--column``, given to the command as one ``read_options``."""
    import functools

    @functools.wraps(function)
    def command(*args, encoding: str | None = None, columns: tuple = (), **kwargs):
        from ..readers.base import ReadOptions

        return function(*args, read_options=ReadOptions(encoding=encoding, columns=columns), **kwargs)

    command = click.option("--column", "columns", multiple=True, metavar="FIELD=COLUMN", callback=_column_values,
                           help="Table inputs (CSV, TSV, Parquet): read FIELD (text, id, title, outlet, "
                                "published, url, author) from COLUMN. Repeatable.")(command)
    return click.option("--encoding", metavar="NAME", callback=_encoding_value,
                        help="Decode text inputs as NAME (cp1252, latin-1, ...) instead of detecting "
                             "the encoding.")(command)


def _version_lines() -> str:
    from ..engine import describe

    return f"provenance {__version__}\n{describe()}"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_lines())
        ctx.exit()


class GuardedGroup(click.Group):
    """No traceback, ever: click's exceptions pass as they are, Ctrl-C exits 130, a standard stream
    that refuses a line exits 3, any other exception is one line on standard error and exit 4."""

    def invoke(self, ctx: click.Context):
        """Run the command, turning an unexpected exception into one line and its exit code."""
        try:
            with warnings.catch_warnings():  # a library's warning (an article cut to the limits): one line
                warnings.showwarning = lambda message, *_: _warning(" ".join(str(message).split()))
                return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            _say("")  # closes the terminal's ^C echo
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:  # noqa: BLE001 - the point of the guard
            raise click.exceptions.Exit(_unexpected(exc)) from None


def _unexpected(exc: Exception, what: str = "output") -> int:
    """One line on standard error for ``exc``; its exit code: 3 when standard output refused a write
    (no line for a reader that left, as ``| head``), 4 for anything else (a bug)."""
    if isinstance(exc, OSError) and (what == "report" or exc.errno in (errno.EPIPE, errno.ENOSPC, errno.EIO)):
        with contextlib.suppress(Exception):  # so that the interpreter's last flush adds no error of its own
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if exc.errno != errno.EPIPE:
            _say(f"error: standard output: cannot write {what}: {exc.strerror or exc}")
        return EXIT_INPUT
    _say(f"provenance: internal error: {type(exc).__name__}: {' '.join(str(exc).split())} (please report it)")
    return EXIT_INTERNAL


def _say(line: str) -> None:
    with contextlib.suppress(Exception):  # standard error may be broken too
        click.echo(line, err=True)


_QUIET = "provenance.quiet"


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_root().meta[_QUIET] = True


def _quiet_option(function):
    """``-q/--quiet``, before or after the command name: no warnings (errors and the report still show)."""
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_quiet,
                        help="Print no warnings on standard error (errors and the report still appear).")(function)


def _is_quiet() -> bool:
    context = click.get_current_context(silent=True)
    return context is not None and bool(context.find_root().meta.get(_QUIET))


def _warning(line: str) -> None:
    """``warning: line`` on standard error, unless --quiet (clearing a progress bar first)."""
    if not _is_quiet():
        from .progress import writing

        spark = sys.modules.get("provenance.spark.progress")  # a Spark scan's line, if one may be drawn
        with writing(), (spark.writing() if spark is not None else contextlib.nullcontext()):
            click.echo(f"warning: {line}", err=True)


def _progress():
    """The progress bar a long command draws on a terminal (see :mod:`.progress`)."""
    from .progress import terminal_progress

    return terminal_progress(quiet=_is_quiet())


@click.group(cls=GuardedGroup, epilog=OVERVIEW_EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
@_quiet_option
def cli() -> None:
    """Find which news articles derive from which: copies, rewrites and
    partial reuse of a source, with the source's credit checked and every
    sentence accounted for."""


def _warn(problem: InputError) -> None:
    _warning(f"skipped {problem}")


def _emit(rendered: str, output: Path | None) -> None:
    """Write a report to standard output or ``output``; a failure is one line and exit 3, any command."""
    if output is None or str(output) in STDOUT_NAMES:
        try:
            click.echo(rendered, nl=False)
        except OSError as exc:
            raise click.exceptions.Exit(_unexpected(exc, "report")) from None
        return
    try:
        write_report(rendered, output)
    except (OSError, UnicodeError) as exc:
        _fail(f"{output}: cannot write report: {getattr(exc, 'strerror', None) or exc}")


def _fail(message: str, code: int = EXIT_INPUT) -> None:
    """One line on standard error, then exit with ``code``."""
    click.echo(f"error: {' '.join(str(message).split())}", err=True)
    raise click.exceptions.Exit(code)
