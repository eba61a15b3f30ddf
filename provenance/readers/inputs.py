"""Articles from files, folders and standard input: the inputs walked, each
file given to the reader that claims its suffix, ids made unique.

>>> from provenance.readers import read_articles
>>> import io
>>> [a.id for a in read_articles(["-"], stdin=io.BytesIO(b'{"id": "w1", "text": "Wire text."}'))]
['w1']
"""

from __future__ import annotations

import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, NoArticlesError
from ..model import Article
from .base import (
    MAX_FILE_BYTES,
    ErrorHandler,
    known_suffixes,
    printable,
    reader_for,
    sniffers,
)
from .json import JSON_SUFFIXES, JSONL_SUFFIXES, METADATA_FIELDS, normalise_published
from .text import TEXT, TEXT_SUFFIXES

#: The built-in readers' suffixes; :func:`~provenance.readers.known_suffixes`
#: adds those of every registered reader (what a folder walk takes).
KNOWN_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES

STDIN = "-"

__all__ = [
    "JSONL_SUFFIXES",
    "JSON_SUFFIXES",
    "KNOWN_SUFFIXES",
    "MAX_FILE_BYTES",
    "METADATA_FIELDS",
    "STDIN",
    "TEXT_SUFFIXES",
    "ErrorHandler",
    "iter_articles",
    "normalise_published",
    "read_articles",
    "read_file",
    "unique_ids",
]


def read_articles(
    inputs: Iterable[str | Path],
    *,
    strict: bool = False,
    on_error: ErrorHandler | None = None,
    stdin: BinaryIO | None = None,
) -> list[Article]:
    """Read every article from ``inputs`` (paths, folders, or ``-`` for stdin).

    Problems go to ``on_error`` (or raise when ``strict``). Ids are unique:
    a clash gets the later article's origin appended. Raises
    :class:`NoArticlesError` when nothing readable was found.
    """
    return list(iter_articles(inputs, strict=strict, on_error=on_error, stdin=stdin))


def iter_articles(
    inputs: Iterable[str | Path],
    *,
    strict: bool = False,
    on_error: ErrorHandler | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Article]:
    """:func:`read_articles` one article at a time: JSONL files are read a
    line at a time, so a scan holds no more text than it is working on.
    Raises :class:`NoArticlesError` at the end when nothing was found."""

    problems: list[InputError] = []

    def report(problem: InputError) -> None:
        if strict:
            raise problem
        problems.append(problem)
        if on_error is not None:
            on_error(problem)

    count = 0
    for article in unique_ids(_iter_inputs(inputs, report, stdin)):
        count += 1
        yield article
    if not count:
        detail = f" ({len(problems)} input problem(s) reported)" if problems else ""
        raise NoArticlesError(
            "no articles found in the inputs" + detail
            + "; give .txt/.md files, folders of them, or JSON/JSONL with a 'text' field"
        )


def _iter_inputs(
    inputs: Iterable[str | Path], report: ErrorHandler, stdin: BinaryIO | None
) -> Iterator[Article]:
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    seen: set[str] = set()
    for item in inputs:
        key = STDIN if str(item) == STDIN else str(Path(item).resolve())
        if key in seen:
            # The same input twice would be reported as a copy of itself.
            report(InputError(printable(str(item)), "given more than once; read once"))
            continue
        seen.add(key)
        if str(item) == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_stream(stream.read(MAX_FILE_BYTES + 1), "<stdin>", report)
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(_walk(path))
            if not files:
                report(InputError(printable(str(path)), "folder holds no .txt, .md, .json or .jsonl files"))
            for file in files:
                if str(file.resolve()) not in seen:
                    seen.add(str(file.resolve()))
                    yield from read_file(file, report)
        elif path.exists():
            yield from read_file(path, report)
        else:
            report(InputError(printable(str(path)), "no such file or folder"))


def _walk(folder: Path) -> Iterator[Path]:
    """The files under ``folder`` (hidden ones left out) that some reader claims."""
    suffixes = frozenset(known_suffixes())
    for path in folder.rglob("*"):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if not hidden and path.is_file() and path.suffix.lower() in suffixes:
            yield path


def read_file(path: Path, report: ErrorHandler) -> Iterator[Article]:
    """Articles from one file, chosen by its suffix (anything unknown is plain text)."""
    origin = printable(str(path))
    problem = _unreadable_kind(path)
    if problem:
        report(InputError(origin, problem))
        return
    reader = reader_for(path) or TEXT
    yield from reader.read(path, origin, report, stem=printable(path.stem))


def _unreadable_kind(path: Path) -> str | None:
    """Why ``path`` is not a file to read whole, or None. FIFOs and pipes
    (``<(cmd)``) are read; devices are not."""
    try:
        info = path.stat()
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) or stat.S_ISSOCK(info.st_mode):
        return "not a regular file (a device or socket); give article files"
    if info.st_size > MAX_FILE_BYTES:
        return f"larger than {MAX_FILE_BYTES // 2**20} MiB; split it (JSONL files are read a line at a time)"
    return None


def _read_stream(data: bytes, origin: str, report: ErrorHandler) -> Iterator[Article]:
    """Standard input: given to the first reader that recognises it, else read as plain text."""
    if len(data) > MAX_FILE_BYTES:
        report(InputError(origin, f"larger than {MAX_FILE_BYTES // 2**20} MiB; split the input"))
        return
    reader = next((each for each in sniffers() if each.sniff(data)), TEXT)
    yield from reader.read(data, origin, report, stem="stdin")


def unique_ids(articles: Iterable[Article]) -> Iterator[Article]:
    """The articles with every id unique: a repeated id gets ``@origin``
    appended (and a counter, should that too be taken)."""
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            base = f"{article.id}@{article.origin}"
            new_id, counter = base, 1
            while new_id in seen:
                counter += 1
                new_id = f"{base}#{counter}"
            article = Article(**{**article.__dict__, "id": new_id})
        seen.add(article.id)
        yield article
