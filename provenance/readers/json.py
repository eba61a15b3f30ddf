"""Articles from JSON: JSON lines (one object a line, read a line at a time)
and JSON documents (an object, an array of them, or ``{"articles": [...]}``).

Each record needs a non-empty ``text``; ``id``, ``title``, ``outlet``,
``published`` and ``url`` are taken when present. A record shaped as an
IPTC ninjs item (a ``uri``, no ``text``) is read as one (:mod:`.ninjs`).
Origins point back into the file: ``path:line`` for a JSON line, ``path
item N`` for an element of a JSON array, the path for a single object
(reports parse these back, see :mod:`provenance.report.regions`).
Articles record the encoding their bytes were read in: a ``.json`` file is
decoded as text files are (:func:`~provenance.readers.text.decode_text`:
``--encoding``, a byte-order mark, UTF-8, else detected); JSON lines are UTF-8.

>>> from provenance.readers.json import JSON, JSONL
>>> JSONL.origin("feed.jsonl", 3), JSON.origin("list.json", 2), JSON.origin("one.json")
('feed.jsonl:3', 'list.json item 2', 'one.json')
>>> normalise_published("Mon, 11 Nov 2024 23:30:00 -0500")
'2024-11-12'
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from ..dates import parse_date_prefix
from ..errors import InputError
from ..model import Article, Origin
from .base import (
    DEFAULT_READ_OPTIONS,
    ErrorHandler,
    ReadOptions,
    Reader,
    Skipped,
    has_words,
    item_origin,
    open_input,
    printable,
    read_bytes,
    register_reader,
)
from .ninjs import Item, ItemProblem, is_ninjs, ninjs_item
from .text import decode_text

JSONL_SUFFIXES = (".jsonl", ".ndjson")

JSON_SUFFIXES = (".json",)

METADATA_FIELDS = ("title", "outlet", "published", "url")

_UTF8_BOM = b"\xef\xbb\xbf"


class JsonLinesReader(Reader):
    """One JSON object a line. Files are read a line at a time, so a scan
    holds no more text than it is working on."""

    name = "jsonl"
    suffixes = JSONL_SUFFIXES

    def sniff(self, head: bytes) -> bool:
        """An object, then another at the start of a later line (a UTF-8 BOM first is allowed)."""
        head = head.removeprefix(_UTF8_BOM).strip()
        return head[:1] == b"{" and (b"\n{" in head or b"\n" + _UTF8_BOM + b"{" in head)

    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """An article for each line holding a JSON object with a ``text``; blank lines are skipped."""
        if not isinstance(source, Path):
            yield from self._lines(source[:8192], source.split(b"\n"), origin, report)
            return
        opened = open_input(source, origin, report, 8192)
        if opened is None:
            return
        stream, head = opened
        with stream:
            lines = (line[:-1] if line.endswith(b"\n") else line for line in stream)
            yield from self._lines(head, lines, origin, report)

    def _lines(self, head: bytes, lines: Iterable[bytes], origin: str, report: ErrorHandler) -> Iterator[Article]:
        if b"\x00" in head:
            report(InputError(origin, "binary file (contains NUL bytes), not JSON lines"))
            return
        found = False
        for number, raw in enumerate(lines, start=1):
            if raw[:3] == _UTF8_BOM:
                # Not only on line 1: files exported with a BOM each and then
                # concatenated carry one at the start of a later line.
                raw = raw[3:]
            if not raw.strip():
                continue
            found = True
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                report(InputError(origin, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line=number))
                continue
            except json.JSONDecodeError as exc:
                # (Some of json's messages end "... starting at": no second "at".)
                at = "" if exc.msg.endswith(" at") else " at"
                report(InputError(origin, f"malformed JSON: {exc.msg}{at} column {exc.colno}", line=number))
                continue
            except (ValueError, RecursionError) as exc:
                report(InputError(origin, f"malformed JSON: {_json_limit(exc)}", line=number))
                continue
            # The line's origin is also the id of a record that gives none.
            where = self.origin(origin, number)
            article = from_record(record, str(where), report, where=origin, origin=where, line=number,
                                  encoding="utf-8")
            if article is not None:
                yield article
        if not found:
            report(InputError(origin, "empty file: no JSON lines"))


class JsonReader(Reader):
    """One JSON document: an object, an array of objects, or ``{"articles": [...]}``."""

    name = "json"
    suffixes = JSON_SUFFIXES

    def __init__(self) -> None:
        # The document :meth:`sniff` parsed, kept (per thread: one reader
        # serves every thread) for the :meth:`read` that follows, so standard
        # input is not parsed twice: (bytes, document).
        self._local = threading.local()

    def sniff(self, head: bytes) -> bool:
        """A whole JSON object or array (standard input is given whole; a UTF-8 BOM first is allowed)."""
        if head.removeprefix(_UTF8_BOM).lstrip()[:1] not in (b"{", b"["):
            return False
        try:
            document = json.loads(head.decode("utf-8-sig"))
        except (ValueError, RecursionError):
            return False
        if not isinstance(document, (list, dict)):
            return False
        self._local.sniffed = (head, document)
        return True

    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """An article for each record of the document (default ids ``stem`` or ``stem:N``)."""
        sniffed, self._local.sniffed = getattr(self._local, "sniffed", None), None
        if sniffed is not None and sniffed[0] is source:
            yield from self._records(sniffed[1], origin, stem, report, "utf-8")
            return
        data = read_bytes(source, origin, report)
        if data is None:
            return
        decoded = decode_text(data, origin, report, forced=options.encoding)
        if decoded is None:
            return
        text, encoding = decoded
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            report(InputError(origin, f"malformed JSON: {exc.msg}", line=exc.lineno))
            return
        except (ValueError, RecursionError) as exc:
            report(InputError(origin, f"malformed JSON: {_json_limit(exc)}"))
            return
        yield from self._records(document, origin, stem, report, encoding)

    def origin(self, source: str, position: int | None = None) -> Origin:
        """``path item N`` for the Nth element of an array; the path for a single object."""
        return item_origin(source, position)

    def _records(self, document: Any, origin: str, stem: str, report: ErrorHandler,
                 encoding: str) -> Iterator[Article]:
        if isinstance(document, dict) and isinstance(document.get("articles"), list):
            document = document["articles"]
        if isinstance(document, list) and not document:
            report(InputError(origin, "no articles: the JSON array is empty"))
            return
        if not isinstance(document, list):
            article = from_record(document, stem, report, where=origin, origin=self.origin(origin), line=None,
                                  encoding=encoding)
            if article is not None:
                yield article
            return
        for number, record in enumerate(document, start=1):
            where = self.origin(origin, number)
            article = from_record(record, f"{stem}:{number}", report, where=str(where), origin=where, line=None,
                                  encoding=encoding)
            if article is not None:
                yield article


def _json_limit(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split(";")[0]


def from_record(
    record: Any, default_id: str, report: ErrorHandler, *, where: str, origin: str, line: int | None,
    encoding: str | None = None,
) -> Article | None:
    """The article of one parsed JSON record, or None (reported) when it is not one.

    ``where`` names the record in messages (with ``line``), ``origin`` is the
    article's origin, ``default_id`` its id when the record gives none and
    ``encoding`` what its bytes were decoded from. A ninjs item is read as one.
    """
    if is_ninjs(record):
        try:
            item = ninjs_item(record)
        except ItemProblem as problem:
            report((Skipped if problem.skipped else InputError)(where, str(problem), line=line))
            return None
        return item_article(item, item.id or default_id, report, where=where, origin=origin, line=line,
                            encoding=encoding)
    if not isinstance(record, dict):
        report(InputError(where, "expected a JSON object with a 'text' field", line=line))
        return None
    text = record.get("text")
    if not isinstance(text, str) or not has_words(text):  # blank, zero-width or punctuation: no article
        problem = "missing 'text' field" if text is None else "'text' must be a non-empty string"
        report(InputError(where, problem, line=line))
        return None
    for name, value in record.items():
        surrogate = _lone_surrogate(value) if isinstance(value, str) else None
        if surrogate is not None:
            report(InputError(where, f"'{name}' holds a lone surrogate U+{surrogate:04X} "
                                     "(an invalid \\u escape in JSON): not valid Unicode text", line=line))
            return None
    metadata: dict[str, str | None] = {}
    for name in METADATA_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            report(InputError(where, f"'{name}' must be a string", line=line))
            return None
        metadata[name] = printable(value.strip()) or None if value is not None else None
    if metadata["published"] is not None:
        published = checked_date(metadata["published"], "published", report, where=where, line=line)
        if published is None:
            return None
        metadata["published"] = published
    raw_id = record.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int))):
        report(InputError(where, "'id' must be a string or an integer", line=line))
        return None
    article_id = printable(str(raw_id).strip()) if raw_id is not None and str(raw_id).strip() else default_id
    return Article(id=article_id, text=text, origin=origin, encoding=encoding, **metadata)


def checked_date(value: str, field: str, report: ErrorHandler, *, where: str, line: int | None) -> str | None:
    """``value`` as ``YYYY-MM-DD``, or None, reported naming ``field``, when it is no date."""
    try:
        published = _normalise_published(value)
    except OverflowError:
        report(InputError(where, f"'{field}' is out of range: {value!r} "
                                 "(in UTC it falls before year 1 or after 9999)", line=line))
        return None
    if published is None:
        report(InputError(where, f"'{field}' is not a date: {value!r} "
                                 "(use YYYY-MM-DD, ISO 8601 or an RFC 2822 date)", line=line))
    return published


def item_article(
    item: Item, article_id: str, report: ErrorHandler, *, where: str, origin: str, line: int | None,
    encoding: str | None,
) -> Article | None:
    """The article of an agency item (ninjs, NewsML-G2), or None (reported)
    when a field is not valid text or its date is no date."""
    fields = {"title": item.title, "outlet": item.outlet, "author": item.author, "guid": item.guid,
              "version": item.version, "status": item.status}
    for name, value in (("text", item.text), ("id", article_id), *fields.items()):
        surrogate = _lone_surrogate(value) if value is not None else None
        if surrogate is not None:
            report(InputError(where, f"the item's {name} holds a lone surrogate U+{surrogate:04X} "
                                     "(an invalid \\u escape): not valid Unicode text", line=line))
            return None
    published = None
    if item.published is not None:
        published = checked_date(item.published, item.published_field, report, where=where, line=line)
        if published is None:
            return None
    printed = {name: printable(value) if value is not None else None for name, value in fields.items()}
    return Article(id=printable(article_id), text=item.text, origin=origin, published=published, encoding=encoding,
                   **printed)


def _lone_surrogate(value: str) -> int | None:
    # JSON may escape half of a UTF-16 pair; such a string cannot be encoded
    # or written anywhere, so it is refused here with the line it came from.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return ord(value[exc.start])
    return None


def normalise_published(value: str) -> str | None:
    """A publication date as ``YYYY-MM-DD`` (UTC for times with an offset),
    from ISO 8601, RFC 2822 or a written date; None if it is none of these
    or if its UTC date is out of range.

    >>> normalise_published("9999-12-31T23:59:59-12:00") is None
    True
    """
    try:
        return _normalise_published(value)
    except OverflowError:
        return None


def _normalise_published(value: str) -> str | None:
    # Raises OverflowError when the UTC date falls outside years 1-9999
    # ("9999-12-31T23:59:59-12:00"), so the record can say so.
    value = value.strip()
    for parse in (datetime.fromisoformat, parsedate_to_datetime):
        try:
            moment = parse(value)
        except (ValueError, TypeError, IndexError):
            continue
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc)
        return moment.date().isoformat()
    written = parse_date_prefix(value)
    if written is not None and not value[written[1]:].strip():
        return written[0]
    return None


# JSON lines first, so that standard input is offered to the JSON reader (a
# whole document) before JSON lines, as it always was.
JSONL = register_reader(JsonLinesReader())
JSON = register_reader(JsonReader())
