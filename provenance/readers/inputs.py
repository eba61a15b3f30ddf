"""Articles from files, folders and standard input: the inputs walked, each
file given to the reader that claims its suffix, ids made unique.

>>> from provenance.readers import read_articles
>>> import io
>>> [a.id for a in read_articles(["-"], stdin=io.BytesIO(b'{"id": "w1", "text": "Wire text."}'))]
['w1']
"""

from __future__ import annotations

import errno
import functools
import inspect
import os
import stat
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePath
from typing import BinaryIO

from ..errors import InputError, NoArticlesError
from ..model import Article, Origin
from .base import (
    DEFAULT_READ_OPTIONS,
    MAX_FILE_BYTES,
    ErrorHandler,
    ReadOptions,
    Reader,
    RepeatedInput,
    Skipped,
    known_suffixes,
    printable,
    read_head,
    reader_for,
    sniffers,
    unreadable,
)
from .compressed import COMPRESSION_SUFFIXES, DecompressionError, compression_for, decompress, inner_name, is_tar
from .json import JSON_SUFFIXES, JSONL_SUFFIXES, METADATA_FIELDS, normalise_published
from .sniff import compression
from .text import TEXT, TEXT_SUFFIXES

#: The built-in readers' suffixes; :func:`~provenance.readers.known_suffixes`
#: adds those of every registered reader (what a folder walk takes).
KNOWN_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES

STDIN = "-"

#: How much of a file whose suffix no reader claims the readers' sniff() is shown.
SNIFF_BYTES = 1 << 20

#: Why a file is not read: too large to read whole, or a tar archive (of many files).
TOO_LARGE = f"larger than {MAX_FILE_BYTES // 2**20} MiB; split it (JSONL files are read a line at a time)"
TAR_REFUSED = "a compressed tar archive; unpack it (tar -xf) and give the folder"

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
    "read_file_bytes",
    "unique_ids",
    "unique_name",
]


def read_articles(
    inputs: Iterable[str | Path],
    *,
    strict: bool = False,
    on_error: ErrorHandler | None = None,
    stdin: BinaryIO | None = None,
    options: ReadOptions = DEFAULT_READ_OPTIONS,
) -> list[Article]:
    """Read every article from ``inputs`` (paths, folders, or ``-`` for stdin).

    Problems go to ``on_error`` (or raise when ``strict``); ``options``
    says what the inputs do not (a forced encoding, table columns). Ids are unique:
    a clash gets the later article's origin appended. Raises
    :class:`NoArticlesError` when nothing readable was found.
    """
    return list(iter_articles(inputs, strict=strict, on_error=on_error, stdin=stdin, options=options))


def iter_articles(
    inputs: Iterable[str | Path],
    *,
    strict: bool = False,
    on_error: ErrorHandler | None = None,
    stdin: BinaryIO | None = None,
    options: ReadOptions = DEFAULT_READ_OPTIONS,
    unique: bool = True,
) -> Iterator[Article]:
    """:func:`read_articles` one article at a time: JSONL files are read a
    line at a time, so a scan holds no more text than it is working on.
    Raises :class:`NoArticlesError` at the end when nothing was found.
    ``unique=False`` leaves repeated ids as they are, for a caller that
    makes them unique over more inputs than these (:func:`unique_ids`)."""

    problems: list[InputError] = []

    def report(problem: InputError) -> None:
        if strict and not isinstance(problem, Skipped):  # passed over by design: nothing meant goes unread
            raise problem
        problems.append(problem)
        if on_error is not None:
            on_error(problem)

    count = 0
    read = _iter_inputs(inputs, report, stdin, options)
    for article in unique_ids(read) if unique else read:
        count += 1
        yield article
    if not count:
        detail = f" ({len(problems)} input problem(s) reported)" if problems else ""
        raise NoArticlesError(
            "no articles found in the inputs" + detail
            + f"; give files of the kinds read ({readable_kinds()}), folders of them, or - for standard input"
        )


def readable_kinds() -> str:
    """The file suffixes the registered readers take, for messages.

    >>> readable_kinds()[:10]
    '.txt, .md,'
    """
    return f"{', '.join(known_suffixes())}; compressed too: {', '.join(COMPRESSION_SUFFIXES)}"


def _iter_inputs(
    inputs: Iterable[str | Path], report: ErrorHandler, stdin: BinaryIO | None, options: ReadOptions,
) -> Iterator[Article]:
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    seen: set[str] = set()
    for item in inputs:
        key = STDIN if str(item) == STDIN else _real(Path(item))
        if key in seen:
            # The same input twice would be reported as a copy of itself.
            report(RepeatedInput(printable(str(item)), "given more than once; read once"))
            continue
        seen.add(key)
        if str(item) == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_stream(stream.read(MAX_FILE_BYTES + 1), "<stdin>", report, options)
            continue
        path = Path(item)
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            report(InputError(printable(str(path)), _stat_problem(path, exc)))
            continue
        if stat.S_ISDIR(mode):
            files, problems, unread = _walk(path, report)
            if not files and not problems:
                held = f"; it holds {_kinds(unread)}" if unread else ""
                report(InputError(printable(str(path)), f"folder holds no files of the kinds read "
                                                        f"({readable_kinds()}){held}"))
            elif unread:
                report(Skipped(printable(str(path)), f"{sum(unread.values())} file(s) of kinds no reader takes, "
                                                     f"not read: {_kinds(unread)}"))
            for file in sorted(files):
                real = _real(file)
                if real not in seen:
                    seen.add(real)
                    yield from read_file(file, report, options)
        elif stat.S_ISREG(mode):
            yield from read_file(path, report, options)
        else:
            # Never opened: a FIFO with no writer would block for ever.
            report(InputError(printable(str(path)), _not_regular(mode)))


def _real(path: Path) -> str:
    """The path with links resolved, to tell one input given twice; a link
    loop (which :meth:`Path.resolve` raises on) keeps its absolute path."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(path)


def _stat_problem(path: Path, exc: OSError) -> str:
    """Why ``path`` could not be looked at, for a one-line message."""
    if exc.errno == errno.ELOOP:
        return "symlink loop: it never leads to a file"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        if os.path.islink(path):
            try:
                target = printable(os.readlink(path))
            except OSError:
                target = "?"
            return f"dangling symlink: its target {target} does not exist"
        return "no such file or folder"
    return f"cannot read: {exc.strerror or exc}"


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
)


def _not_regular(mode: int) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), "not a file or folder")
    return f"not a regular file ({kind}); give article files, or - for standard input"


def _kinds(counts: Counter[str], most: int = 10) -> str:
    """``.pdf 2, .docx 1``: the commonest first, then by name."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{kind} {count}" for kind, count in ranked[:most])
    return shown + (f" and {len(ranked) - most} more kinds" if len(ranked) > most else "")


def _claims(name: str, suffixes: frozenset[str]) -> bool:
    """Whether some reader takes a file called ``name``: its suffix, or a
    compressed file's inner suffix (``feed.jsonl.gz``), is claimed."""
    suffix = PurePath(name).suffix.lower()
    if suffix in suffixes:
        return True
    return suffix in COMPRESSION_SUFFIXES and not is_tar(name) and PurePath(inner_name(name)).suffix.lower() in suffixes


def _kind(name: str) -> str:
    """A file's kind, as the skipped files of a folder are counted: ``.pdf``, ``.pdf.gz``, ``no suffix``."""
    path = PurePath(name)
    suffix = path.suffix.lower()
    if suffix in COMPRESSION_SUFFIXES and PurePath(path.stem).suffix:
        return PurePath(path.stem).suffix.lower() + suffix
    return suffix or "no suffix"


def _walk(folder: Path, report: ErrorHandler) -> tuple[list[Path], int, Counter[str]]:
    """The files under ``folder`` (hidden ones left out) that some reader
    claims, how many entries were reported as unreadable, and the other
    files counted by kind (:func:`_kind`: said in one message, not one a file).

    Nothing is skipped silently: a subfolder that cannot be listed, an entry
    that cannot be looked at (dangling link, link loop, no permission), a
    non-regular file with an article suffix (FIFO, socket, device: never
    opened) and a symlink to a folder (not followed, so a link can neither
    lead the walk in circles nor out of the folder) are each reported.
    Folders are walked with an explicit stack (no recursion limit), in name
    order, so problems are reported in a stable order.
    """
    suffixes = frozenset(known_suffixes())
    files: list[Path] = []
    problems = 0
    unread: Counter[str] = Counter()

    def problem(path: Path, reason: str) -> None:
        nonlocal problems
        problems += 1
        report(InputError(printable(str(path)), reason))

    stack = [folder]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            problem(directory, f"cannot read folder: {exc.strerror or exc}")
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = directory / entry.name
            claimed = _claims(entry.name, suffixes)
            try:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(path)
                    continue
                if entry.is_file(follow_symlinks=False):
                    if claimed:
                        files.append(path)
                    else:
                        unread[_kind(entry.name)] += 1
                    continue
                mode = os.stat(path).st_mode if entry.is_symlink() else entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                problem(path, _stat_problem(path, exc))
                continue
            if stat.S_ISDIR(mode):
                problem(path, "a symlink to a folder, not followed; give the folder itself to read it")
            elif stat.S_ISREG(mode):
                if claimed:
                    files.append(path)
                else:
                    unread[_kind(entry.name)] += 1
            elif claimed:
                problem(path, _not_regular(mode))
        stack.extend(reversed(subfolders))
    return files, problems, unread


def read_file(path: Path, report: ErrorHandler, options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
    """Articles from one file, by the reader that claims its suffix. A
    compressed file (``.gz``, ``.bz2``, ``.xz``, ``.zst``) is decompressed
    for the reader of its inner suffix; a file whose suffix no reader
    claims is offered to the readers' :meth:`~provenance.readers.Reader.sniff`,
    then read as plain text (which refuses binary formats, naming them)."""
    origin = printable(str(path))
    problem = _unreadable_kind(path)
    if problem:
        report(InputError(origin, problem))
        return
    yield from _read_source(path, path, origin, report, options)


def sniffed_reader(data: bytes) -> Reader:
    """The first reader (in sniff order) that recognises ``data``, else the text reader."""
    return next((each for each in sniffers() if each.sniff(data)), TEXT)


def read_file_bytes(data: bytes, name: str, origin: str, report: ErrorHandler,
                    options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
    """The articles of a file's bytes, read as :func:`read_file` reads the
    file called ``name`` (a path or URL: its suffixes choose the reader and
    the compression), so that files read elsewhere (by Spark's executors)
    give the very articles, origins and problems a local read gives.

    >>> import gzip
    >>> [article] = read_file_bytes(gzip.compress(b"Council meets."), "notes.txt.gz", "notes.txt.gz", print)
    >>> article.id, article.origin, article.origin.whole_file
    ('notes', 'notes.txt.gz', False)
    """
    if len(data) > MAX_FILE_BYTES:
        report(InputError(origin, TOO_LARGE))
        return
    yield from _read_source(data, name, origin, report, options)


def _read_source(source: Path | bytes, name: str | Path, origin: str, report: ErrorHandler,
                 options: ReadOptions) -> Iterator[Article]:
    """A file (``source``: the file, or its bytes) called ``name``, read by
    the reader its suffixes choose, or by the one that sniffs its head."""
    if is_tar(name):
        report(InputError(origin, TAR_REFUSED))
        return
    kind = compression_for(name)
    if kind is not None:
        yield from _read_compressed(source, str(name), kind, origin, report, options)
        return
    reader = reader_for(name)
    if reader is None:
        head = source[:SNIFF_BYTES] if isinstance(source, bytes) else read_head(source, origin, report, SNIFF_BYTES)
        if head is None:
            return
        reader = sniffed_reader(head)
    yield from read_with(reader, source, origin, report, printable(PurePath(name).stem), options)


def _read_compressed(source: Path | bytes, name: str, kind: str, origin: str, report: ErrorHandler,
                     options: ReadOptions) -> Iterator[Article]:
    """The articles of a compressed file (``source``: the file, or its bytes) called ``name``."""
    inner = inner_name(name)
    stem = printable(PurePath(inner).stem)
    reader = reader_for(inner)
    if reader is not None and PurePath(name).suffix.lower() in getattr(reader, "reads_compressed", ()):
        # It reads the compressed stream itself, from a file.
        if isinstance(source, Path):
            yield from read_with(reader, source, origin, report, stem, options)
        else:
            yield from _from_temporary(reader, source, name, origin, report, stem, options)
        return
    try:
        data = decompress(source, kind)
    except DecompressionError as exc:
        report(InputError(origin, str(exc)))
        return
    except OSError as exc:
        report(InputError(origin, unreadable(exc)))
        return
    yield from _unpacked(read_with(reader or sniffed_reader(data[:SNIFF_BYTES]), data, origin, report, stem,
                                   options))


def _from_temporary(reader: Reader, data: bytes, name: str, origin: str, report: ErrorHandler, stem: str,
                    options: ReadOptions) -> Iterator[Article]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / PurePath(name).name
        path.write_bytes(data)
        yield from read_with(reader, path, origin, report, stem, options)


def _unpacked(articles: Iterable[Article]) -> Iterator[Article]:
    """Articles of decompressed bytes: a text is no longer the file's text,
    so no origin claims places in it are places in the file."""
    for article in articles:
        origin = article.origin
        if isinstance(origin, Origin) and origin.whole_file:
            article = replace(article, origin=Origin(str(origin), path=origin.path, line=origin.line))
        yield article


def read_with(reader: Reader, source: Path | bytes, origin: str, report: ErrorHandler, stem: str,
              options: ReadOptions) -> Iterator[Article]:
    """``reader.read`` of ``source``, given ``options`` if its ``read`` takes
    them (a plug-in written before they existed does not)."""
    if _takes_options(type(reader).read):
        return reader.read(source, origin, report, stem=stem, options=options)
    return reader.read(source, origin, report, stem=stem)


@functools.lru_cache(maxsize=None)
def _takes_options(read) -> bool:
    parameters = inspect.signature(read).parameters
    return "options" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _unreadable_kind(path: Path) -> str | None:
    """Why ``path`` is not a file to read whole, or None. Only regular files
    are read: a FIFO, socket or device is never opened (a FIFO with no writer
    would block for ever; pipe a stream in as ``-``)."""
    try:
        info = path.stat()
    except OSError as exc:
        return unreadable(exc)
    if not stat.S_ISREG(info.st_mode):
        return _not_regular(info.st_mode)
    if info.st_size > MAX_FILE_BYTES:
        return TOO_LARGE
    return None


def _read_stream(data: bytes, origin: str, report: ErrorHandler, options: ReadOptions) -> Iterator[Article]:
    """Standard input: given to the first reader that recognises it; else,
    when compressed, decompressed and offered again; else read as plain text."""
    if len(data) > MAX_FILE_BYTES:
        report(InputError(origin, f"larger than {MAX_FILE_BYTES // 2**20} MiB; split the input"))
        return
    reader = next((each for each in sniffers() if each.sniff(data)), None)
    kind = compression(data[:16]) if reader is None else None
    if kind is None:
        yield from read_with(reader or TEXT, data, origin, report, "stdin", options)
        return
    try:
        data = decompress(data, kind)
    except DecompressionError as exc:
        report(InputError(origin, str(exc)))
        return
    yield from _unpacked(read_with(sniffed_reader(data), data, origin, report, "stdin", options))


def unique_ids(articles: Iterable[Article]) -> Iterator[Article]:
    """The articles with every id unique: a repeated id gets ``@origin``
    appended (and a counter, should that too be taken): :func:`unique_name`."""
    seen: set[str] = set()
    for article in articles:
        name = unique_name(article.id, article.origin, seen)
        yield article if name == article.id else Article(**{**article.__dict__, "id": name})


def unique_name(given: str, origin: object, seen: set[str]) -> str:
    """The id an article keeps, or is given when ``seen`` (the ids before
    it, to which it is added) holds it: ``id@origin``, then ``id@origin#2``
    and on while that too is taken. The Spark scan names its articles so.

    >>> seen = set()
    >>> [unique_name(i, o, seen) for i, o in [("a", "f:1"), ("a", "f:2"), ("a@f:2", "g:1")]]
    ['a', 'a@f:2', 'a@f:2@g:1']
    """
    name = given
    if name in seen:
        base = name = f"{given}@{origin}"
        counter = 1
        while name in seen:
            counter += 1
            name = f"{base}#{counter}"
    seen.add(name)
    return name
