"""Command line: parse options, call the library, render, map errors to exit codes.

Exit codes: OVERVIEW_EXIT_CODES below (``provenance --help``), each command's
epilog, and the README's table.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import gc
import os
import sys
from pathlib import Path

import click

from .config import DEFAULT_MAX_CANDIDATES
from .errors import InputError, ProvenanceError, UnreadableInputsError
from .report import CHECK, COMPARE, SCAN, Comparison, renderer, renderer_names
from .report.output import STDOUT_NAMES, tolerant_streams, write_report
from .version import __version__

# The stages and the report formats are imported inside the commands that
# use them, so that this module adds nothing heavy to --version and --help.

EXIT_CODES = """\b
Exit codes:
  0  report written
  1  data problem: no readable article, or a bad input under --strict
  2  usage mistake: unknown option, missing argument, bad value
  3  the report cannot be written (-o FILE or standard output)
  4  internal error (a bug: please report it)"""


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
    from .config import DEFAULT_SETTINGS
    from .errors import ConfigError
    from .matching.matcher import check_matcher

    if value == "tfidf":
        return DEFAULT_SETTINGS
    try:
        check_matcher(value)
        return DEFAULT_SETTINGS.replace(matcher=value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from None
    except ProvenanceError as exc:  # a matcher plug-in that cannot be loaded
        raise click.ClickException(str(exc)) from None


def _matcher_option(function):
    return click.option("--matcher", "settings", default="tfidf", show_default=True, callback=_matcher_settings,
                        metavar="NAME", help="Sentence matcher: tfidf, or one a plug-in registers.")(function)


def _output_option(function):
    # Not writable=True: an unwritable report is _emit's one line and exit 3 from every command.
    return click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
                        help="Write the report to this file instead of standard output (-).")(function)


def _version_lines() -> str:
    from .engine import describe

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


@click.group(cls=GuardedGroup, epilog=OVERVIEW_EXIT_CODES)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
def cli() -> None:
    """Find which news articles derive from which: copies, rewrites and
    partial reuse of a source, with the source's credit checked and every
    sentence accounted for."""


#: Optional extras: (name, the module it provides).
EXTRAS = (("redis", "redis"),)


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


@cli.command(epilog=EXIT_CODES)
@click.argument("inputs", nargs=-1, required=True, metavar="PATH...")
@_format_option(SCAN)
@_matcher_option
@click.option("--show-all", is_flag=True, help="Print every sentence's label, not only the added ones.")
@click.option("--strict", is_flag=True, help="Stop at the first unreadable input instead of skipping it.")
@_output_option
@click.option("--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes (0, the default: one per core). The report is the same for any number.")
def scan(inputs: tuple[str, ...], fmt: str, settings, show_all: bool, strict: bool, output: Path | None,
         jobs: int) -> None:
    """Scan articles for copies, rewrites and partial reuse.

    PATH is a .txt/.md file, a folder (searched recursively), a .json or
    .jsonl file of objects with a "text" field, or - for standard input.
    Unreadable inputs are reported on standard error and skipped.
    """
    from .pipeline import scan as scan_inputs

    try:
        result = scan_inputs(inputs, settings=settings, strict=strict, on_error=_warn, jobs=jobs or None)
    except ProvenanceError as exc:
        raise click.ClickException(str(exc)) from None
    _emit(renderer(fmt, SCAN).render(result, show_all=show_all), output)


@cli.command(epilog=EXIT_CODES)
@click.argument("source", metavar="SOURCE")
@click.argument("derived", metavar="DERIVED")
@_format_option(COMPARE)
@_matcher_option
@_output_option
def compare(source: str, derived: str, fmt: str, settings, output: Path | None) -> None:
    """Print the sentence ledger of DERIVED against SOURCE.

    Each is one article: a .txt/.md file, a JSON/JSONL file holding exactly
    one article, or - for standard input.
    """
    from .pipeline import compare as compare_articles

    try:
        first, second = _single_article(source), _single_article(derived)
        result = Comparison(*compare_articles(first, second, settings=settings))
    except ProvenanceError as exc:
        raise click.ClickException(str(exc)) from None
    _emit(renderer(fmt, COMPARE).render(result), output)


def _single_article(path: str):
    from .readers import read_articles

    articles = read_articles([path], strict=True)
    if len(articles) != 1:
        raise InputError(path, f"holds {len(articles)} articles; compare takes one article per input")
    return articles[0]


def _warn(problem: InputError) -> None:
    click.echo(f"warning: skipped {problem}", err=True)


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


# --- the CI gate: a persistent index of sources, and check -------------------------

CHECK_EXIT_CODES = """\b
Exit codes:
  0  every article passed (or was allowed)
  1  policy violation: at least one article failed --fail-on
  2  usage mistake: unknown option, missing argument, bad --fail-on or --allow
  3  input, index or output error: an unreadable input, a missing or
     incompatible index, a report that cannot be written
  4  internal error (a bug: please report it)"""

INDEX_EXIT_CODES = """\b
Exit codes:
  0  done
  2  usage mistake: unknown option, missing argument, bad value
  3  input or index error: an unreadable source, a missing, locked or
     incompatible index
  4  internal error (a bug: please report it)"""

def _index_options(function):
    function = click.option("--prefix", metavar="NAME", help=(
        "Key prefix of a Redis index (default 'provenance'; also ?prefix=NAME in the URL)."))(function)
    return click.option("--index", "location", required=True, metavar="LOCATION", help=(
        "Index to use: a file path or sqlite:///path (SQLite), redis://host:port/db, or a plug-in's scheme."))(function)


def _fail(message: str, code: int = EXIT_INPUT) -> None:
    """One line on standard error, then exit with ``code``."""
    click.echo(f"error: {' '.join(str(message).split())}", err=True)
    raise click.exceptions.Exit(code)


@cli.group(epilog=INDEX_EXIT_CODES)
def index() -> None:
    """Build and inspect a persistent index of source articles (wire stories)."""


@index.command("add", epilog=INDEX_EXIT_CODES)
@_index_options
@click.argument("sources", nargs=-1, required=True, metavar="SOURCES...")
@click.option("--replace", is_flag=True, help="Update articles already indexed under the same id with changed text.")
@click.option("--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes analysing articles (0: one per CPU).")
def index_add(location: str, prefix: str | None, sources: tuple[str, ...], replace: bool, jobs: int) -> None:
    """Add SOURCES to the index, creating it if missing.

    SOURCES are read like scan's PATHs. The add is one transaction: if any
    source is unreadable nothing is added; if the process is killed the
    index is left as it was. Articles already indexed with the same text are
    skipped, so re-adding a growing folder only analyses what is new.
    """
    from .gate.check import read_all
    from .index import open_index
    from .index.build import add_articles

    try:
        articles = read_all(sources, on_warning=_warn)
    except UnreadableInputsError as exc:
        # All or nothing: a wire story silently missing from the index would
        # let its copies pass every later check.
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.exceptions.Exit(EXIT_INPUT) from None
    except ProvenanceError as exc:
        _fail(str(exc))
    try:
        with open_index(location, create=True, prefix=prefix) as store:
            report = add_articles(store, articles, replace=replace, jobs=jobs)
            total = len(store)
    except ProvenanceError as exc:
        _fail(str(exc))
    click.echo(
        f"added {len(report.added)}, replaced {len(report.replaced)}, unchanged {len(report.unchanged)}; "
        f"{total} article(s) in {location}"
    )
    if report.conflicts:
        shown = ", ".join(report.conflicts[:5]) + (" ..." if len(report.conflicts) > 5 else "")
        click.echo(f"warning: {len(report.conflicts)} article(s) already indexed with different text were "
                   f"kept (use --replace to update them): {shown}", err=True)


@index.command("info", epilog=INDEX_EXIT_CODES)
@_index_options
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def index_info(location: str, prefix: str | None, as_json: bool) -> None:
    """Print the number of articles, the parameters and the size of the index."""
    import json

    from .index import open_index

    try:
        with open_index(location, prefix=prefix) as store:
            info = store.info()
    except ProvenanceError as exc:
        _fail(str(exc))
    if as_json:
        data = {"location": info.location, "backend": info.backend, "articles": info.articles,
                "parameters": info.parameters, "bands": {g: list(b) for g, b in info.bands.items()},
                "size_bytes": info.size_bytes, "details": info.details}
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    click.echo(f"index:      {info.location} ({info.backend})")
    click.echo(f"articles:   {info.articles}")
    if info.size_bytes is not None:
        per = f", {info.size_bytes / info.articles * 1000 / 1e6:.1f} MB per 1,000 articles" if info.articles else ""
        click.echo(f"size:       {info.size_bytes / 1e6:.1f} MB{per}")
    click.echo("parameters: " + ", ".join(f"{k}={v}" for k, v in sorted(info.parameters.items())))
    click.echo("LSH bands:  " + ", ".join(f"{g} {b} x {r}" for g, (b, r) in info.bands.items()))
    for key, value in sorted(info.details.items()):
        click.echo(f"{key + ':':<11} {value}")


@index.command("list", epilog=INDEX_EXIT_CODES)
@_index_options
def index_list(location: str, prefix: str | None) -> None:
    """List indexed articles: id, published, outlet, words, title (tab-separated)."""
    from .index import open_index
    from .readers.base import printable

    try:
        with open_index(location, prefix=prefix) as store:
            for entry in store.entries():  # the id as index remove takes it: escaped, never squeezed
                fields = (entry.published or "", entry.outlet or "", str(entry.words), entry.title or "")
                click.echo("\t".join((printable(entry.id), *(" ".join(f.split()) for f in fields))))
    except ProvenanceError as exc:
        _fail(str(exc))


@index.command("remove", epilog=INDEX_EXIT_CODES)
@_index_options
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
def index_remove(location: str, prefix: str | None, ids: tuple[str, ...]) -> None:
    """Remove articles by id (one transaction): as index list prints it, or raw."""
    from .index import open_index
    from .readers.base import printable

    try:
        with open_index(location, prefix=prefix) as store:
            found = store.digests(ids)  # an id not stored as given is matched by its printable form
            listed = {printable(e.id): e.id for e in store.entries()} if len(found) < len(set(ids)) else {}
            stored = {i: i if i in found else listed.get(printable(i), i) for i in ids}
            removed = store.remove(dict.fromkeys(stored.values()))
            total = len(store)
    except ProvenanceError as exc:
        _fail(str(exc))
    click.echo(f"removed {len(removed)}; {total} article(s) in {location}")
    unknown = [i for i in stored if stored[i] not in removed]
    if unknown:
        click.echo(f"warning: not in the index: {', '.join(map(printable, unknown))}", err=True)


@cli.command(epilog=CHECK_EXIT_CODES)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUTS...")
@click.option("--index", "location", metavar="LOCATION",
              help="Index of sources: a file path (SQLite) or redis://host:port/db.")
@click.option("--prefix", metavar="NAME", help="Key prefix of a Redis index.")
@click.option("--within", is_flag=True, help="Also match the inputs against each other.")
@click.option("--fail-on", "fail_on", default="copy,rewrite,uncredited", show_default=True, metavar="TOKENS",
              help="Comma list of copy, rewrite, partial (verdicts that fail; all three if none) and "
                   "uncredited (only when the article does not credit its source).")
@click.option("--allow", "allow_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Licensed syndication: lines 'OUTLET -> SOURCE' (* for any) that never fail.")
@_format_option(CHECK)
@click.option("--max-candidates", type=click.IntRange(min=1), default=DEFAULT_MAX_CANDIDATES, show_default=True,
              help="Most similar candidates aligned per article.")
@_output_option
def check(inputs: tuple[str, ...], location: str | None, prefix: str | None, within: bool, fail_on: str,
          allow_file: Path | None, fmt: str, max_candidates: int, output: Path | None) -> None:
    """Check incoming articles against an index of sources: fail on
    uncredited copies and rewrites (see --fail-on).

    INPUTS are read like scan's PATHs; every one must be readable. Each
    article is matched against the index (and, with --within, the other
    inputs), aligned with its most similar candidates, and judged as in a
    scan; the strongest relation names its source.
    """
    from .gate.check import check as check_inputs
    from .gate.policy import Policy, parse_fail_on, read_allow_file

    if location is None and not within:
        raise click.UsageError("give --index LOCATION, --within, or both")
    if prefix is not None and location is None:
        raise click.UsageError("--prefix applies to --index")
    try:
        rules = read_allow_file(allow_file) if allow_file is not None else ()
        policy = Policy(parse_fail_on(fail_on), rules)
    except ProvenanceError as exc:
        raise click.UsageError(str(exc)) from None
    store = None
    try:
        if location is not None:
            from .index import open_index

            store = open_index(location, prefix=prefix)
        result = check_inputs(inputs, index=store, within=within, policy=policy, max_candidates=max_candidates,
                              on_warning=_warn)
    except UnreadableInputsError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.exceptions.Exit(EXIT_INPUT) from None
    except ProvenanceError as exc:
        _fail(str(exc))
    finally:
        if store is not None:
            store.close()
    _emit(renderer(fmt, CHECK).render(result), output)
    raise click.exceptions.Exit(1 if result.failed else 0)


def main() -> None:
    # The process ends with the command: nothing it leaves (a scan's
    # documents, numba's compiled code) needs collecting on the way out, and
    # the interpreter's last collections would traverse all of it (0.13 s
    # after a 20,000-article scan).
    atexit.register(gc.freeze)
    tolerant_streams()
    try:
        cli(prog_name="provenance")
    except Exception as exc:  # noqa: BLE001 - the guard's guard: an error while parsing the options
        sys.exit(_unexpected(exc))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
