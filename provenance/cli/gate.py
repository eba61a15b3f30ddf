"""The CI gate: a persistent index of sources (index add, info, verify, list, remove) and check."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click

from ..config import DEFAULT_MAX_CANDIDATES
from ..errors import ProvenanceError, UnreadableInputsError
from ..report import CHECK, renderer
from .base import (
    EXIT_INPUT,
    _emit,
    _fail,
    _format_option,
    _output_option,
    _progress,
    _quiet_option,
    _read_options,
    _warn,
    _warning,
    cli,
)

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


@contextlib.contextmanager
def _index_at(location: str, **options) -> Iterator:
    """The index at ``location``, open for the block; a library error, in it or opening it, is one line and exit 3."""
    from ..index import open_index

    try:
        with open_index(location, **options) as store:
            yield store
    except ProvenanceError as exc:
        _fail(str(exc))


def _fail_unreadable(exc: UnreadableInputsError) -> None:
    """Every unreadable input, one ``error:`` line each, then exit 3."""
    for problem in exc.problems:
        click.echo(f"error: {problem}", err=True)
    raise click.exceptions.Exit(EXIT_INPUT) from None


@cli.group(epilog=INDEX_EXIT_CODES)
def index() -> None:
    """Build and inspect a persistent index of source articles (wire stories)."""


@index.command("add", epilog=INDEX_EXIT_CODES)
@_quiet_option
@_index_options
@click.argument("sources", nargs=-1, required=True, metavar="SOURCES...")
@click.option("--replace", is_flag=True, help="Update articles already indexed under the same id with changed text.")
@click.option("--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes analysing articles (0: one per CPU).")
@_read_options
def index_add(location: str, prefix: str | None, sources: tuple[str, ...], replace: bool, jobs: int,
              read_options) -> None:
    """Add SOURCES to the index, creating it if missing.

    SOURCES are read like scan's PATHs. The add is one transaction: if any
    source is unreadable nothing is added; if the process is killed the
    index is left as it was. Articles already indexed with the same text are
    skipped, so re-adding a growing folder only analyses what is new.
    """
    from ..gate.check import read_all
    from ..index.build import add_articles

    try:
        articles = read_all(sources, on_warning=_warn, options=read_options)
    except UnreadableInputsError as exc:
        # All or nothing: a wire story silently missing from the index would
        # let its copies pass every later check.
        _fail_unreadable(exc)
    except ProvenanceError as exc:
        _fail(str(exc))
    with _index_at(location, create=True, prefix=prefix) as store:
        with _progress() as progress:
            report = add_articles(store, articles, replace=replace, jobs=jobs, progress=progress)
        total = len(store)
    click.echo(
        f"added {len(report.added)}, replaced {len(report.replaced)}, unchanged {len(report.unchanged)}; "
        f"{total} article(s) in {location}"
    )
    if report.conflicts:
        shown = ", ".join(report.conflicts[:5]) + (" ..." if len(report.conflicts) > 5 else "")
        _warning(f"{len(report.conflicts)} article(s) already indexed with different text were "
                 f"kept (use --replace to update them): {shown}")


@index.command("info", epilog=INDEX_EXIT_CODES)
@_index_options
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def index_info(location: str, prefix: str | None, as_json: bool) -> None:
    """Print the number of articles, the parameters and the size of the index."""
    import json

    with _index_at(location, prefix=prefix) as store:
        info = store.info()
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


@index.command("verify", epilog=INDEX_EXIT_CODES)
@_index_options
def index_verify(location: str, prefix: str | None) -> None:
    """Read every stored article back and check the index is whole (exit 3 if not)."""
    with _index_at(location, prefix=prefix) as store:
        count = store.verify()
    click.echo(f"{location}: {count} article(s), every one readable")


@index.command("list", epilog=INDEX_EXIT_CODES)
@_index_options
def index_list(location: str, prefix: str | None) -> None:
    """List indexed articles: id, published, outlet, words, title (tab-separated)."""
    from ..readers.base import printable

    with _index_at(location, prefix=prefix) as store:
        for entry in store.entries():  # the id as index remove takes it: escaped, never squeezed
            fields = (entry.published or "", entry.outlet or "", str(entry.words), entry.title or "")
            click.echo("\t".join((printable(entry.id), *(" ".join(f.split()) for f in fields))))


@index.command("remove", epilog=INDEX_EXIT_CODES)
@_quiet_option
@_index_options
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
def index_remove(location: str, prefix: str | None, ids: tuple[str, ...]) -> None:
    """Remove articles by id (one transaction): as index list prints it, or raw."""
    from ..readers.base import printable

    with _index_at(location, prefix=prefix) as store:
        found = store.digests(ids)  # an id not stored as given is matched by its printable form
        listed = {printable(e.id): e.id for e in store.entries()} if len(found) < len(set(ids)) else {}
        stored = {i: i if i in found else listed.get(printable(i), i) for i in ids}
        removed = store.remove(dict.fromkeys(stored.values()))
        total = len(store)
    click.echo(f"removed {len(removed)}; {total} article(s) in {location}")
    unknown = [i for i in stored if stored[i] not in removed]
    if unknown:
        _warning(f"not in the index: {', '.join(map(printable, unknown))}")


@cli.command(epilog=CHECK_EXIT_CODES)
@_quiet_option
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
@_read_options
@_output_option
def check(inputs: tuple[str, ...], location: str | None, prefix: str | None, within: bool, fail_on: str,
          allow_file: Path | None, fmt: str, max_candidates: int, read_options, output: Path | None) -> None:
    """Check incoming articles against an index of sources: fail on
    uncredited copies and rewrites (see --fail-on).

    INPUTS are read like scan's PATHs; every one must be readable. Each
    article is matched against the index (and, with --within, the other
    inputs), aligned with its most similar candidates, and judged as in a
    scan; the strongest relation names its source.
    """
    from ..gate.check import check as check_inputs
    from ..gate.policy import Policy, parse_fail_on, read_allow_file

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
            from ..index import open_index

            store = open_index(location, prefix=prefix)
        with _progress() as progress:
            result = check_inputs(inputs, index=store, within=within, policy=policy,
                                  max_candidates=max_candidates, on_warning=_warn, read_options=read_options,
                                  progress=progress)
    except UnreadableInputsError as exc:
        _fail_unreadable(exc)
    except ProvenanceError as exc:
        _fail(str(exc))
    finally:
        if store is not None:
            store.close()
    _emit(renderer(fmt, CHECK).render(result), output)
    raise click.exceptions.Exit(1 if result.failed else 0)
