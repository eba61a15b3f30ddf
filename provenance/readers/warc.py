"""Web archives (WARC), read with warcio: each captured HTML page is an article.

A ``response`` record with status 200 and an HTML content type (or a
``resource`` record of HTML) is read as a saved page (:mod:`.html`): its
main text, title, site name, author and its own date; ``url`` is the
record's WARC-Target-URI, which is also the article's id and ``guid``, and
the capture date (WARC-Date) is kept as its ``version``: a capture is a
version of the page at that address, not its publication date, and a later
capture of the same address is a later version of it. Origins are
``path record N`` (the Nth record of the file, from 1).

Every other record (requests, metadata, warcinfo, revisits, images and
other non-HTML responses, statuses other than 200, pages with no main text)
is passed over and counted, in one :class:`~provenance.readers.Skipped`
per file. A corrupt record is reported by its number and the reader goes
on from the next record it can find. Files compressed record by record
(``.warc.gz`` as crawlers write them) and whole are both read.
"""

from __future__ import annotations

import gzip
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..model import Article, Origin
from .base import (
    DEFAULT_READ_OPTIONS,
    ErrorHandler,
    ReadOptions,
    Reader,
    Skipped,
    item_origin,
    open_input,
    printable,
    register_reader,
)
from .html import HTML_EXTRA, MAX_PAGE_BYTES, NotAPage, extractor, kind_of, page_of

WARC_SUFFIXES = (".warc",)

WARC_EXTRA = "pip install 'provenance-news[warc]'"

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP = b"\x1f\x8b"
_BLOCK = 2**20

# The order the skipped kinds are listed in: record types, then content
# types, then statuses, then pages without text.
_RECORD_TYPES = ("warcinfo", "request", "metadata", "revisit", "resource", "conversion", "continuation", "response")


class WarcReader(Reader):
    """A WARC file: one article for each captured HTML page with text."""

    name = "warc"
    suffixes = WARC_SUFFIXES
    # warcio reads gzip'd WARCs itself, a record at a time: a crawl.warc.gz
    # is then given as its path, never held whole in memory as bytes.
    reads_compressed = (".gz",)

    def sniff(self, head: bytes) -> bool:
        """A WARC record first, as written or gzip-compressed."""
        return _opens_warc(head)

    def origin(self, source: str, position: int | None = None) -> Origin:
        """``path record N`` for the Nth record (the archive itself, with no position)."""
        return item_origin(source, position, "record")

    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """The articles of the archive's pages, the records passed over counted in one report."""
        try:
            import warcio  # noqa: F401
        except ImportError as exc:
            report(InputError(origin, f"reading .warc needs warcio: {WARC_EXTRA} ({exc})"))
            return
        try:
            extractor()
        except ImportError as exc:
            report(InputError(origin, f"reading the pages of a .warc needs trafilatura: {HTML_EXTRA} ({exc})"))
            return
        opened = open_input(source, origin, report, 4096)
        if opened is None:
            return
        stream, head = opened
        with stream:
            if not head.strip():
                report(InputError(origin, "empty file: no WARC records"))
                return
            if not _opens_warc(head):
                kind = kind_of(head)
                what = f"it is {kind}" if kind else "it does not start with a WARC/1.x record"
                if head.startswith(_GZIP):
                    what = "gzip-compressed, but not a WARC file inside"
                report(InputError(origin, f"not a WARC file: {what}"))
                return
            walk = _Walk(self, stream, origin, report, stem, options, gzipped=head.startswith(_GZIP))
            yield from walk.articles()
            if walk.skipped:
                report(Skipped(origin, _summary(walk.skipped)))


def _opens_warc(head: bytes) -> bool:
    """Whether ``head`` starts with a WARC record (after gzip decompression if compressed)."""
    if head.startswith(_GZIP):
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def _summary(skipped: Counter) -> str:
    """``12 records with no article: warcinfo 1, request 5, image/jpeg 3, status 404 3``
    (printed as ``warning: skipped crawl.warc: 12 records with no article: ...``)."""

    def order(kind: str) -> tuple:
        if kind in _RECORD_TYPES:
            return (0, _RECORD_TYPES.index(kind), kind)
        if kind.startswith("status "):
            code = kind.split()[1]
            return (2, int(code) if code.isdigit() else 1000, kind)
        return (3, 0, kind) if kind in ("no main text", "provenance report") else (1, 0, kind)

    counts = ", ".join(f"{kind} {skipped[kind]}" for kind in sorted(skipped, key=order))
    total = sum(skipped.values())
    return f"{total} record{'s' if total != 1 else ''} with no article: {counts}"


class _Walk:
    """One pass over an archive's records, from the start or from where the
    last corrupt record was passed: numbers, counts and resynchronisation."""

    def __init__(self, reader: WarcReader, stream: BinaryIO, origin: str, report: ErrorHandler, stem: str,
                 options: ReadOptions, *, gzipped: bool):
        self.reader, self.stream, self.origin, self.report = reader, stream, origin, report
        self.stem, self.options, self.gzipped = stem, options, gzipped
        self.number = 0
        self.skipped: Counter = Counter()

    def articles(self) -> Iterator[Article]:
        from warcio.archiveiterator import ArchiveIterator

        class Quiet(ArchiveIterator):
            # warcio writes this warning to standard error; the reader
            # reports the record itself (see Content-Length below).
            INC_RECORD = ""

        start: int | None = 0
        whole_gzip = False
        while start is not None:
            self.stream.seek(start)
            source = gzip.GzipFile(fileobj=self.stream) if whole_gzip else self.stream
            iterator = Quiet(source, check_digests=True)
            records = iter(iterator)
            passed, start = (self.number if whole_gzip else 0), None
            while True:
                record_start = iterator.offset
                try:
                    record = next(records)
                except StopIteration:
                    break
                except Exception as exc:  # whatever warcio raises on a corrupt record, the record is named
                    if self.gzipped and not whole_gzip and "non-chunked" in str(exc):
                        # Compressed whole (gzip file.warc), not record by record: read
                        # through one decompressed stream, past the records already read.
                        whole_gzip, start = True, 0
                        break
                    self.number += 1
                    self._corrupt(f"{type(exc).__name__}: {_first_line(exc)}")
                    start = None if whole_gzip else self._next_start(ArchiveIterator, iterator.offset + 1)
                    break
                if passed:
                    passed -= 1
                    continue
                self.number += 1
                errors = iterator.err_count
                try:
                    article = self._record(record, iterator, errors)
                    iterator.read_to_end()
                    _check_frame(record, iterator, errors, whole=article is not None)
                except Exception as exc:  # a record that breaks while its content is read
                    self._corrupt(str(exc) if isinstance(exc, _Misframed) else f"{type(exc).__name__}: {_first_line(exc)}")
                    start = None if whole_gzip else self._next_start(ArchiveIterator, record_start + 1)
                    break
                if article is not None:
                    yield article

    def _corrupt(self, reason: str) -> None:
        where = str(self.reader.origin(self.origin, self.number))
        self.report(InputError(where, f"corrupt WARC record, not read: {reason}"))

    def _record(self, record, iterator, errors: int) -> Article | None:
        """The record's article, or None when it is passed over (counted) or reported."""
        kind = record.rec_type or "unknown"
        http = record.http_headers
        if kind not in ("response", "resource"):
            self.skipped[kind] += 1
            return None
        if kind == "response" and http is not None:
            status = http.get_statuscode()
            if status != "200":
                self.skipped[f"status {status}"] += 1
                return None
            content_type = http.get_header("Content-Type")
        else:
            content_type = record.content_type
        media = (content_type or "").split(";")[0].strip().lower()
        if media and media not in _HTML_TYPES:
            self.skipped[media] += 1
            return None
        where = self.reader.origin(self.origin, self.number)
        encoding = (http.get_header("Content-Encoding") or "").strip().lower() if http is not None else ""
        if encoding and encoding != "identity" and encoding not in _decompressors():
            self.report(InputError(str(where), f"the page is compressed with {encoding!r}, which cannot be "
                                               "decoded here (for 'br': pip install brotli)"))
            return None
        payload = record.content_stream().read(MAX_PAGE_BYTES + 1)
        iterator.read_to_end()
        _check_frame(record, iterator, errors, whole=True)
        if record.digest_checker is not None and record.digest_checker.passed is False:
            self._corrupt("; ".join(record.digest_checker.problems) or "digest mismatch")
            return None
        if not media and kind_of(payload[:8192]) != "an HTML page (.html)":
            self.skipped["no content type"] += 1
            return None
        uri = record.rec_headers.get_header("WARC-Target-URI")
        uri = printable(uri.strip()) if uri and uri.strip() else None
        try:
            page = page_of(payload, declared=_charset(content_type), forced=self.options.encoding, url=uri)
        except NotAPage as exc:
            if exc.kind is not None:
                self.skipped[exc.kind] += 1
            else:
                self.report(InputError(str(where), str(exc)))
            return None
        captured = record.rec_headers.get_header("WARC-Date")
        return Article(
            id=uri or f"{self.stem}#{self.number}", text=page.text, title=page.title, outlet=page.outlet,
            published=page.published, url=uri, origin=where, author=page.author, encoding=page.encoding,
            guid=uri, version=printable(captured.strip()) if captured and captured.strip() else None)

    def _next_start(self, iterator_class, after: int) -> int | None:
        """The offset of the first record that opens cleanly past ``after``:
        a gzip member (compressed archives) or a ``WARC/1.`` line."""
        marker = _GZIP + b"\x08" if self.gzipped else b"\nWARC/1."
        at = after - (0 if self.gzipped else 1)
        while True:
            found = _find(self.stream, marker, at)
            if found is None:
                return None
            candidate = found if self.gzipped else found + 1
            self.stream.seek(candidate)
            try:
                next(iter(iterator_class(self.stream)))
            except Exception:  # not a record after all: look further on
                at = found + 1
                continue
            return candidate


def _find(stream: BinaryIO, marker: bytes, at: int) -> int | None:
    """The offset of ``marker`` at or after ``at`` in ``stream``, read a block at a time."""
    stream.seek(at)
    carry = b""
    while True:
        block = stream.read(_BLOCK)
        if not block:
            return None
        window = carry + block
        found = window.find(marker)
        if found >= 0:
            return at - len(carry) + found
        carry = window[-(len(marker) - 1):]
        at += len(block)


class _Misframed(ValueError):
    """A record whose Content-Length does not end where the record does:
    where the next record starts must be found again."""


def _check_frame(record, iterator, errors_before: int, *, whole: bool) -> None:
    """Raise :class:`_Misframed` when the record just read ended somewhere
    other than at the blank lines that close a record, or (``whole``: a
    page, which is read) when the file ended before its Content-Length did."""
    if iterator.err_count > errors_before:
        raise _Misframed("its Content-Length does not end where the record does")
    remaining = getattr(record.raw_stream, "limit", 0)
    if whole and remaining:
        raise _Misframed(f"cut short: {remaining:,} bytes of its Content-Length missing")


def _charset(content_type: str | None) -> str | None:
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'")
    return None


def _decompressors():
    from warcio.bufferedreaders import BufferedReader

    return BufferedReader.get_supported_decompressors()


def _first_line(exc: BaseException) -> str:
    return printable((str(exc).strip().splitlines() or [""])[0][:200])


WARC = register_reader(WarcReader())
