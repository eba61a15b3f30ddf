"""Tables of articles: CSV and TSV files with a header row (and the column
rules the Parquet reader shares).

Each row is an article. Its columns are found by name, case-insensitive
(:data:`COLUMN_NAMES`: ``text`` or ``body`` or ``content``..., ``id``,
``title`` or ``headline``, ``outlet`` or ``source``..., ``published`` or
``date``..., ``url`` or ``link``, ``author`` or ``byline``), or as the user
names them (``--column text=story_body``, ``ReadOptions.columns``). A table
without a text column is one error naming the columns it has.

A row's origin is ``path:LINE``, the line the row starts on (a quoted field
may hold newlines, so rows and lines differ), and its id the id column's
value, else ``stem#ROW`` (the row's number, the header not counted). A row
with the wrong number of fields, with no text, or that is malformed CSV is
reported with its line and skipped; the others are read. Files are read a
row at a time, in the encoding :func:`~provenance.readers.text.check_encoding`
finds, so memory stays that of one row.

>>> from provenance.readers.table import CSV
>>> rows = b"id,headline,body\\nw1,Budget,The council met.\\n"
>>> [(a.id, a.title, a.text, a.origin) for a in CSV.read(rows, "<stdin>", print, stem="stdin")]
[('w1', 'Budget', 'The council met.', '<stdin>:2')]
"""

from __future__ import annotations

import csv
import io
import itertools
import mmap
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..model import Article
from .base import (
    COLUMN_FIELDS,
    DEFAULT_READ_OPTIONS,
    ErrorHandler,
    ReadOptions,
    Reader,
    has_words,
    printable,
    register_reader,
    unreadable,
)
from .json import normalise_published
from .text import HEAD_BYTES, article_encoding, check_encoding, encoding_name

CSV_SUFFIXES = (".csv",)

TSV_SUFFIXES = (".tsv", ".tab")

#: The column names each article field is found by, after folding the
#: header's names (lower case, spaces and hyphens as underscores); the
#: first that a table has is taken.
COLUMN_NAMES = {
    "text": ("text", "body", "content", "article", "story", "full_text", "article_text", "body_text"),
    "id": ("id", "article_id", "story_id", "doc_id", "uuid", "guid"),
    "title": ("title", "headline", "heading", "head"),
    "outlet": ("outlet", "source", "publisher", "publication", "site", "site_name", "newspaper"),
    "published": ("published", "date", "pubdate", "pub_date", "published_at", "publish_date",
                  "publication_date", "published_date", "date_published", "datetime", "timestamp"),
    "url": ("url", "link", "permalink", "canonical_url", "uri"),
    "author": ("author", "byline", "authors", "writer", "by"),
}

#: The longest field a CSV row may hold, in characters: room for an article
#: four times the longest analysed, and a bound on what a quote that is
#: never closed can swallow before the row is refused.
FIELD_LIMIT = 8 * 2**20

_FOLD = re.compile(r"[\s\-]+")
# A header cell that names a column (the sniff of standard input): a name, not a sentence.
_COLUMN_NAME = re.compile(r"(?=.{1,40}$)[A-Za-z_][\w\-]*(?: [\w\-]+){0,2}")


def fold(name: str) -> str:
    """A column name as the names in :data:`COLUMN_NAMES` are written.

    >>> fold(" Published Date"), fold("\\ufeffID")
    ('published_date', 'id')
    """
    return _FOLD.sub("_", name.strip().lstrip("\ufeff").strip()).lower()


def find_columns(names: Sequence[str], options: ReadOptions) -> tuple[dict[str, int], list[str]]:
    """The column (its index in ``names``) of each article field found, and
    what the user named that is not there (one message each).

    >>> find_columns(["ID", "Headline", "Story Body"], ReadOptions(columns=(("text", "story body"),)))
    ({'text': 2, 'id': 0, 'title': 1}, [])
    """
    folded = [fold(name) for name in names]
    found: dict[str, int] = {}
    missing: list[str] = []
    for field in COLUMN_FIELDS:
        named = options.column(field)
        if named is not None:
            if fold(named) in folded:
                found[field] = folded.index(fold(named))
            else:
                missing.append(f"no column {named!r} for {field} (--column {field}={named}); "
                               f"columns: {column_list(names)}")
            continue
        taken = set(found.values())
        for alias in COLUMN_NAMES[field]:
            if alias in folded and folded.index(alias) not in taken:
                found[field] = folded.index(alias)
                break
    return found, missing


def column_list(names: Sequence[Any], most: int = 20) -> str:
    """The columns of a table, for a one-line message."""
    shown = ", ".join(printable(str(name)) or "''" for name in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "") if names else "none"


def no_text_column(names: Sequence[Any]) -> str:
    """The message for a table without a text column."""
    return (f"no text column (one named {', '.join(COLUMN_NAMES['text'][:4])}...; or name it with "
            f"--column text=COLUMN); columns: {column_list(names)}")


class Rows:
    """Turns one table's rows into articles: ids, metadata, and the
    problems of a column reported once for the table rather than once a row
    (a date column that holds no dates)."""

    def __init__(self, origin: str, stem: str, report: ErrorHandler, encoding: str) -> None:
        # ``encoding``: what the table was read in; its articles record it as text's do.
        self.origin, self.stem, self.report = origin, stem, report
        self.encoding = article_encoding(encoding)
        self._bad_dates = 0
        self._first_bad: tuple[str, str] | None = None

    def article(self, values: dict[str, Any], number: int, *, origin: str, where: str,
                line: int | None = None) -> Article | None:
        """The article of row ``number`` (1-based, header not counted) from
        its ``values`` by field, its origin ``origin``; None, reported at
        ``where`` (and ``line``), for a row without text."""
        text = values.get("text")
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.report(InputError(where, f"text is not valid UTF-8 (byte 0x{text[exc.start]:02x} "
                                              f"at offset {exc.start})", line=line))
                return None
        if not isinstance(text, str) or not has_words(text):
            self.report(InputError(where, "no article text in the text column; skipped", line=line))
            return None
        metadata = {name: _string(values.get(name)) for name in ("title", "outlet", "url", "author")}
        place = where if line is None else f"line {line}"
        return Article(id=_string(values.get("id")) or f"{self.stem}#{number}", text=text, origin=origin,
                       published=self._published(values.get("published"), place),
                       encoding=self.encoding, **metadata)

    def _published(self, value: Any, where: str) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return (value.astimezone(timezone.utc) if value.tzinfo else value).date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        published = normalise_published(value) if isinstance(value, str) and value.strip() else None
        if published is None and (not isinstance(value, str) or value.strip()):
            self._bad_dates += 1
            if self._first_bad is None:
                self._first_bad = (printable(str(value))[:60], where)
        return published

    def finish(self) -> None:
        """Report what was found wrong with a column over the whole table."""
        if self._first_bad is not None:
            value, where = self._first_bad
            self.report(InputError(self.origin, (
                f"the published column holds {self._bad_dates} value(s) that are not dates, the first "
                f"{value!r} ({where}); those rows are read without a date "
                "(use YYYY-MM-DD, ISO 8601 or an RFC 2822 date)")))


def _string(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return printable(str(value).strip()) or None


class CsvReader(Reader):
    """Comma-separated tables (``;`` and tab too, as the header row shows)."""

    name = "csv"
    suffixes = CSV_SUFFIXES
    delimiter: str | None = None  # None: from the header row

    def sniff(self, head: bytes) -> bool:
        """A header row of column names, one of them a text column's, and a row after it."""
        first, newline, rest = head[:HEAD_BYTES].partition(b"\n")
        try:
            header = first.decode("utf-8-sig").rstrip("\r")
        except UnicodeDecodeError:
            return False
        delimiter = self.delimiter or _delimiter(header)
        names = header.split(delimiter)
        return (bool(newline) and bool(rest.strip()) and len(names) >= 2
                and all(_COLUMN_NAME.fullmatch(name.strip().strip('"')) for name in names)
                and any(fold(name.strip('"')) in COLUMN_NAMES["text"] for name in names))

    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """An article for each row with text; a file that is no table is refused."""
        if not isinstance(source, Path):
            yield from self._table(source, io.BytesIO(source), origin, report, stem, options)
            return
        try:
            stream = source.open("rb")
        except OSError as exc:
            report(InputError(origin, unreadable(exc)))
            return
        with stream:
            try:
                mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # an empty file cannot be mapped
                report(InputError(origin, "empty file: no table"))
                return
            except OSError as exc:
                report(InputError(origin, unreadable(exc)))
                return
            with mapped:
                yield from self._table(mapped, stream, origin, report, stem, options)

    def _table(self, data, stream, origin: str, report: ErrorHandler, stem: str,
               options: ReadOptions) -> Iterator[Article]:
        codec = check_encoding(data, origin, report, forced=options.encoding)
        if codec is None:
            return
        problem = _not_a_table(bytes(data[:512]), codec)
        if problem is not None:
            report(InputError(origin, problem))
            return
        text = io.TextIOWrapper(stream, encoding=codec, newline="")
        try:
            yield from self._rows(text, origin, report, stem, options, encoding_name(codec))
        finally:
            text.detach()  # the stream is closed by its owner

    def _rows(self, text: Iterable[str], origin: str, report: ErrorHandler, stem: str, options: ReadOptions,
              encoding: str) -> Iterator[Article]:
        csv.field_size_limit(FIELD_LIMIT)
        lines = iter(text)
        first = next(lines, "")
        delimiter = self.delimiter or _delimiter(first)
        rows = csv.reader(itertools.chain((first,), lines), delimiter=delimiter, strict=True)
        while True:
            header = _next_row(rows, origin, report)
            if header is _END:
                report(InputError(origin, "empty file: no table"))
                return
            if header:  # not a blank line, nor a malformed row (reported)
                break
        columns, missing = find_columns(header, options)
        for message in missing:
            report(InputError(origin, message))
        if "text" not in columns:
            if options.column("text") is None:  # else said above: the column named is not there
                report(InputError(origin, no_text_column(header)))
            return
        made = Rows(origin, stem, report, encoding)
        number = 0  # rows, the malformed counted: a row's default id is its place
        while True:
            line = rows.line_num + 1
            row = _next_row(rows, origin, report, line)
            if row is _END:
                break
            if row == []:  # a blank line
                continue
            number += 1
            if row is None:  # malformed: reported
                continue
            if len(row) != len(header):
                report(InputError(origin, f"row has {len(row)} field(s), the header {len(header)}; "
                                          "skipped", line=line))
                continue
            values = {field: row[index] for field, index in columns.items()}
            article = made.article(values, number, origin=self.origin(origin, line), where=origin, line=line)
            if article is not None:
                yield article
        made.finish()
        if not number:
            report(InputError(origin, "no rows: the table has a header only"))


class TsvReader(CsvReader):
    """Tab-separated tables."""

    name = "tsv"
    suffixes = TSV_SUFFIXES
    delimiter = "\t"


_END: Any = object()


def _next_row(rows, origin: str, report: ErrorHandler, line: int | None = None):
    """The next row, None when it was malformed (reported), :data:`_END` after the last."""
    try:
        return next(rows)
    except StopIteration:
        return _END
    except csv.Error as exc:
        reason = str(exc)
        if "unexpected end of data" in reason:
            reason = "a quoted field starting on this line is never closed"
        elif "field larger than field limit" in reason:
            reason = f"a field longer than {FIELD_LIMIT:,} characters (a quote never closed?)"
        report(InputError(origin, f"malformed row: {reason}; skipped", line=line or rows.line_num))
        return None


def _delimiter(header: str) -> str:
    """The separator of a ``.csv`` file's header row: a comma, unless
    semicolons (as spreadsheets write CSV where the comma is the decimal
    mark), tabs or bars separate more columns."""
    counts = {each: header.count(each) for each in (",", ";", "\t", "|")}
    best = max(counts, key=lambda each: (counts[each], each == ","))
    return best if counts[best] else ","


def _not_a_table(head: bytes, codec: str) -> str | None:
    """Why the input starting ``head`` is no table (a web page, JSON), or None."""
    start = head.decode(codec, "ignore").lstrip("\ufeff \t\r\n")[:200].lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body")):
        return "an HTML page, not a table; name it .html to read it as a web page"
    if start.startswith("<"):
        return "XML or HTML, not a table; name it for what it is (.xml, .rss, .html)"
    if start.startswith(("{", "[")):
        return "JSON, not a table; name it .json or .jsonl"
    return None


CSV = register_reader(CsvReader())
TSV = register_reader(TsvReader())
