"""The reader door: the :class:`Reader` interface and the registry of readers.

A reader turns one input kind into articles. It claims file suffixes (a
folder walk takes every file whose suffix some reader claims), may recognise
the content of standard input (:meth:`Reader.sniff`), and gives each article
an origin that reports point back to (:meth:`Reader.origin`).

The built-in readers (text, JSON lines, JSON) register themselves when
:mod:`provenance.readers` is imported; a third-party package adds one with
:func:`register_reader`, or by declaring an entry point in the group
``provenance.readers`` naming a :class:`Reader` instance or subclass::

    [project.entry-points."provenance.readers"]
    toy = "toy_reader:ToyReader"

Entry points are loaded the first time the registry is consulted, once a
process.

>>> from provenance.readers import reader_for
>>> reader_for("feed.ndjson").name
'jsonl'
>>> reader_for("notes.pdf") is None
True
"""

from __future__ import annotations

import codecs
import io
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path, PurePath
from typing import BinaryIO

from ..errors import InputError, ProvenanceError
from ..model import Article, Origin

#: The entry-point group third-party readers are declared in.
ENTRY_POINT_GROUP = "provenance.readers"

#: A larger input is refused rather than read into memory (a device such as
#: /dev/zero would otherwise be read until memory runs out).
MAX_FILE_BYTES = 512 * 1024 * 1024

#: Where a reader sends each problem: it is reported (or raised, under
#: ``strict``) and the reader goes on with what it can still read.
ErrorHandler = Callable[[InputError], None]


#: The article fields a table's columns (CSV, TSV, Parquet) may be named for.
COLUMN_FIELDS = ("text", "id", "title", "outlet", "published", "url", "author")


@dataclass(frozen=True)
class ReadOptions:
    """What the user says about inputs that they do not say themselves.

    >>> ReadOptions(encoding="latin-1", columns=(("text", "story"),)).column("text")
    'story'
    >>> ReadOptions(encoding="klingon")
    Traceback (most recent call last):
    ...
    ValueError: unknown encoding 'klingon' (give a name Python knows, such as cp1252, latin-1 or utf-16)
    """

    #: Decode text inputs with this encoding instead of detecting one.
    encoding: str | None = None
    #: Columns of table inputs named for article fields: ``(("text", "story_body"), ...)``.
    columns: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ValueError(f"unknown encoding {self.encoding!r} (give a name Python knows, "
                                 "such as cp1252, latin-1 or utf-16)") from None
        for field, column in self.columns:
            if field not in COLUMN_FIELDS:
                raise ValueError(f"no article field {field!r} to name a column for "
                                 f"(fields: {', '.join(COLUMN_FIELDS)})")
            if not column:
                raise ValueError(f"an empty column name for {field!r}")

    def column(self, field: str) -> str | None:
        """The column the user named for ``field``, or None."""
        return next((column for name, column in self.columns if name == field), None)


#: Reading with nothing said.
DEFAULT_READ_OPTIONS = ReadOptions()


class Skipped(InputError):
    """Part of an input passed over by design, not by failure: a web
    archive's request and metadata records, a folder's files of kinds no
    reader takes, a withdrawn agency item. Nothing meant to be read goes
    unread, so ``scan`` and ``check`` both report it and go on, where any
    other :class:`InputError` makes ``check`` refuse and ``scan`` exit 1."""


class RepeatedInput(Skipped):
    """An input given again (as itself or by another path to the same file).

    It is read once, so nothing goes unread: ``scan`` and ``check`` both warn
    and go on."""


# One character a word is made of: what a token of analysis needs at least
# one of (``[^\W_]``), and what normalisation never removes (it drops only
# control, format and variation characters). Text without one is refused as
# empty, whether it is blank or zero-width spaces or punctuation.
_WORD_CHARACTER = re.compile(r"[^\W_]")


def has_words(text: str) -> bool:
    """Whether ``text`` holds a word, that is, gives analysis at least one token.

    >>> has_words("Council meets."), has_words("\u200b\u200c \\n"), has_words("-- ...")
    (True, False, False)
    """
    return _WORD_CHARACTER.search(text) is not None


class Reader(ABC):
    """One input kind: the suffixes it claims, how it reads, the origins it gives.

    A reader holds no state between inputs, so one instance serves a whole
    process (and every thread of it).
    """

    @property
    @abstractmethod
    def name(self) -> str:
        """A short unique name (``"jsonl"``); registering the same name again replaces the reader."""

    @property
    @abstractmethod
    def suffixes(self) -> tuple[str, ...]:
        """The file suffixes it reads, lower-case with their dot (``(".jsonl", ".ndjson")``)."""

    #: Compression suffixes (``".gz"``) of files this reader reads as they
    #: are: ``crawl.warc.gz`` is then given to it as the path, where others'
    #: compressed files are decompressed first and given as bytes.
    reads_compressed: tuple[str, ...] = ()

    def sniff(self, head: bytes) -> bool:
        """Whether ``head`` (for standard input, the whole stream; for a file
        whose suffix no reader claims, its first megabyte) is this reader's kind."""
        return False

    @abstractmethod
    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """The articles of ``source`` (a file, or standard input's bytes), problems sent to ``report``.

        ``origin`` is the printable name of the input (the path as given, or
        ``<stdin>``), ``stem`` the id of an article that names none (the
        file's stem, or ``stdin``) and ``options`` what the user said about
        the inputs (a forced encoding, table columns).
        """

    def origin(self, source: str, position: int | None = None) -> Origin:
        """The origin of the article at ``position`` (a line number) of ``source``, or of the whole input.

        Standard input has no place to point into: no path, no line."""
        if source.startswith("<stdin>"):
            return Origin(source if position is None else f"{source}:{position}")
        if position is None:
            return Origin(source, path=source, whole_file=True)
        return Origin(f"{source}:{position}", path=source, line=position)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} {' '.join(self.suffixes)}>"


def item_origin(source: str, position: int | None, word: str = "item") -> Origin:
    """``source item N`` (or ``record N``) for the Nth item of an input whose
    items have no line worth pointing at (a feed's entry, an array's
    element, a web archive's record); the input itself with no position.
    Never the whole file: the item's text is not the file's.

    >>> item_origin("feed.rss", 3), item_origin("crawl.warc", 2, "record").path, item_origin("<stdin>", 1).path
    ('feed.rss item 3', 'crawl.warc', None)
    """
    path = None if source.startswith("<stdin>") else source
    return Origin(source if position is None else f"{source} {word} {position}", path=path)


def printable(name: str) -> str:
    """A file name as text: undecodable bytes shown as U+FFFD and control
    characters as escapes, so messages stay one line and JSON stays UTF-8.

    >>> printable("a\\nb.txt")
    'a\\\\nb.txt'
    """
    if name.isprintable():  # nearly always: nothing to replace or escape
        return name
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def unreadable(exc: OSError) -> str:
    """The one-line reason a file could not be read, as every reader words it."""
    return f"cannot read file: {exc.strerror or exc}"


def read_bytes(source: Path | bytes, origin: str, report: ErrorHandler) -> bytes | None:
    """The bytes of ``source`` (bytes are given back as they are); None, reported, if the file cannot be read."""
    if not isinstance(source, Path):
        return source
    try:
        return source.read_bytes()
    except OSError as exc:
        report(InputError(origin, unreadable(exc)))
        return None


def read_head(source: Path | bytes, origin: str, report: ErrorHandler, size: int) -> bytes | None:
    """The first ``size`` bytes of ``source``; None, reported, if the file cannot be read."""
    if not isinstance(source, Path):
        return source[:size]
    try:
        with source.open("rb") as stream:
            return stream.read(size)
    except OSError as exc:
        report(InputError(origin, unreadable(exc)))
        return None


def open_input(source: Path | bytes, origin: str, report: ErrorHandler, size: int) -> tuple[BinaryIO, bytes] | None:
    """``source`` as a stream back at its start (a file opened, bytes
    wrapped) and its first ``size`` bytes, for readers that look before
    they stream; None, reported, if the file cannot be read. The caller
    closes the stream."""
    stream: BinaryIO
    try:
        stream = source.open("rb") if isinstance(source, Path) else io.BytesIO(source)
    except OSError as exc:
        report(InputError(origin, unreadable(exc)))
        return None
    try:
        head = stream.read(size)
        stream.seek(0)
    except OSError as exc:
        stream.close()
        report(InputError(origin, unreadable(exc)))
        return None
    return stream, head


# The registry. Readers in registration order (a name registered again moves
# to the end); a suffix goes to the last reader that claims it, and standard
# input is offered to the last registered first, so a plug-in can take over
# a built-in's suffix or content. The derived tables are rebuilt on every
# change (rare) so that looking a file up stays one dict lookup.
_READERS: dict[str, Reader] = {}
_BY_SUFFIX: dict[str, Reader] = {}
_SNIFF_ORDER: tuple[Reader, ...] = ()
_SUFFIXES: tuple[str, ...] = ()
_PLUGINS_LOADED = False
_PLUGINS_LOCK = threading.Lock()


def register_reader(reader: Reader) -> Reader:
    """Add ``reader`` to the registry (replacing one of the same name) and return it."""
    if not isinstance(reader, Reader):
        raise TypeError(f"not a Reader: {reader!r}")
    for suffix in reader.suffixes:
        if not (suffix.startswith(".") and suffix.count(".") == 1 and suffix == suffix.lower()):
            raise ValueError(f"reader {reader.name!r}: a suffix is one lower-case '.ext', not {suffix!r}")
    _READERS.pop(reader.name, None)
    _READERS[reader.name] = reader
    _rebuild()
    return reader


def unregister_reader(name: str) -> Reader | None:
    """Take the reader called ``name`` out of the registry; the removed reader, or None."""
    reader = _READERS.pop(name, None)
    _rebuild()
    return reader


def _rebuild() -> None:
    # New tables replace the old whole, so a lookup in another thread never
    # sees one half built.
    global _BY_SUFFIX, _SNIFF_ORDER, _SUFFIXES
    _BY_SUFFIX = {suffix: each for each in _READERS.values() for suffix in each.suffixes}
    _SUFFIXES = tuple(dict.fromkeys(s for each in _READERS.values() for s in each.suffixes))
    _SNIFF_ORDER = tuple(reversed(_READERS.values()))


def readers() -> tuple[Reader, ...]:
    """Every registered reader, in registration order (entry points loaded first)."""
    load_plugins()
    return tuple(_READERS.values())


def reader_for(path: str | PurePath) -> Reader | None:
    """The reader that claims ``path``'s suffix (case-insensitive), or None."""
    if not _PLUGINS_LOADED:
        load_plugins()
    return _BY_SUFFIX.get(PurePath(path).suffix.lower())


def known_suffixes() -> tuple[str, ...]:
    """Every suffix some registered reader claims: the files a folder walk takes."""
    if not _PLUGINS_LOADED:
        load_plugins()
    return _SUFFIXES


def sniffers() -> tuple[Reader, ...]:
    """The readers in the order standard input is offered to them (the last registered first)."""
    if not _PLUGINS_LOADED:
        load_plugins()
    return _SNIFF_ORDER


def load_plugins() -> None:
    """Register the readers declared in the ``provenance.readers`` entry-point group (once a process)."""
    global _PLUGINS_LOADED
    if _PLUGINS_LOADED:
        return
    with _PLUGINS_LOCK:
        if _PLUGINS_LOADED:
            return
        # By name: the order plug-ins register in (and so which wins a
        # suffix) must not depend on how they were installed.
        for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
            try:
                found = point.load()
                reader = found() if isinstance(found, type) and issubclass(found, Reader) else found
            except Exception as exc:  # whatever a plug-in raises, the error names the plug-in
                raise ProvenanceError(
                    f"reader plug-in {point.name!r} ({point.value}) cannot be loaded: {type(exc).__name__}: {exc}"
                ) from exc
            if not isinstance(reader, Reader):
                raise ProvenanceError(
                    f"reader plug-in {point.name!r} ({point.value}) is not a provenance.readers.Reader")
            register_reader(reader)
        _PLUGINS_LOADED = True
