"""Syndication feeds: RSS 2.0, Atom and RSS 1.0 (RDF), read with feedparser.

Each entry is an article: its fullest body (``content:encoded`` or Atom
``content``, else the summary or description) with the markup taken out
and the paragraphs kept, its title, link (``url``), date (``published``, or
``updated``), author, guid, and as outlet the entry's own ``<source>`` or
else the feed's title. Origins are ``path item N`` (the Nth entry, from 1);
an entry's id is its guid, else its link, else ``stem#N``.

Nothing is fetched and no entity is expanded: feedparser is given the bytes
(never a string, which it would open as a URL or a path), and the DOCTYPE,
where entities are declared, is taken out before it parses.

>>> from provenance.readers.feed import FEED
>>> rss = b'''<rss version="2.0"><channel><title>Wire</title><item><guid>w-1</guid>
... <title>Council meets</title><description>&lt;p&gt;The council met.&lt;/p&gt;</description>
... </item></channel></rss>'''
>>> [(a.id, a.text, a.outlet, a.origin) for a in FEED.read(rss, "wire.rss", print, stem="wire")]
[('w-1', 'The council met.', 'Wire', 'wire.rss item 1')]
"""

from __future__ import annotations

import codecs
import io
import xml.sax
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

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
    printable,
    read_bytes,
    register_reader,
)
from .html import html_text, kind_of, markup_start, root_name
from .json import normalise_published

FEED_SUFFIXES = (".rss", ".atom", ".rdf")

#: How to get what reads feeds, should it be missing.
FEEDS_INSTALL = "pip install feedparser lxml"

#: feedparser's names for the feed formats, as messages name them.
_VERSIONS = {
    "rss090": "RSS 0.90", "rss091n": "RSS 0.91", "rss091u": "RSS 0.91", "rss092": "RSS 0.92",
    "rss093": "RSS 0.93", "rss094": "RSS 0.94", "rss20": "RSS 2.0", "rss10": "RSS 1.0", "rss": "RSS",
    "atom01": "Atom 0.1", "atom02": "Atom 0.2", "atom03": "Atom 0.3", "atom10": "Atom 1.0", "atom": "Atom",
    "cdf": "CDF",
}

_MARKUP_TYPES = ("text/html", "application/xhtml+xml")

# UTF-16 without a byte-order mark: the first character, "<", gives it away.
_BARE_UTF16 = ((b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16"))


class FeedReader(Reader):
    """An RSS, Atom or RSS 1.0 feed: one article an entry."""

    name = "feed"
    suffixes = FEED_SUFFIXES

    def sniff(self, head: bytes) -> bool:
        """An ``<rss>`` or ``<feed>`` root, or an ``<rdf:RDF>`` one in the RSS 1.0 namespace."""
        root = root_name(head[:8192])
        return root in ("rss", "feed") or (root == "rdf" and b"purl.org/rss/1.0" in head[:8192])

    def origin(self, source: str, position: int | None = None) -> Origin:
        """``path item N`` for the Nth entry (the feed itself, with no position)."""
        return item_origin(source, position)

    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """An article for each entry with text; a document that is not a feed is refused."""
        try:
            import feedparser
            import lxml.html  # noqa: F401  (the entries' markup is read with it)
        except ImportError as exc:
            report(InputError(origin, f"reading feeds needs feedparser and lxml: {FEEDS_INSTALL} ({exc})"))
            return
        data = read_bytes(source, origin, report)
        if data is None:
            return
        if not data.strip():
            report(InputError(origin, "empty file: no feed"))
            return
        data, encoding, headers = _as_utf8(data, options.encoding)
        kind = kind_of(data[:8192])
        if kind is not None and not kind.startswith("an RSS"):
            report(InputError(origin, f"not an RSS or Atom feed: it is {kind}"))
            return
        data, entities = _without_doctype(data)
        if entities:
            report(Skipped(origin, "the entities its DOCTYPE declares "
                                   "(never expanded: references to them are left as written)"))
        # A file-like object: given bytes or a string, feedparser would try
        # them as a URL and as a path first. Not sanitised: the markup is
        # never shown, only its text taken, and the sanitiser would turn what
        # no reader sees (an iframe's fallback content) into text.
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, resolve_relative_uris=False,
                                  sanitize_html=False)
        version = parsed.get("version") or ""
        problem = _malformed(parsed)
        if not version:
            if problem is not None and kind is not None:  # the root says feed, the rest breaks
                report(InputError(origin, f"malformed XML: {problem[0]}; not readable as a feed", line=problem[1]))
            else:
                report(InputError(origin, "not an RSS or Atom feed: no <rss>, <feed> or <rdf:RDF> root element"))
            return
        entries = parsed.get("entries") or []
        if not entries:
            reason = (f"malformed XML: {problem[0]}; no entries could be read" if problem else
                      f"an {_VERSIONS.get(version, version)} feed with no entries: no articles")
            report(InputError(origin, reason, line=problem[1] if problem else None))
            return
        if problem is not None:
            report(InputError(origin, f"malformed XML: {problem[0]}; read leniently, so entries may be cut or missing",
                              line=problem[1]))
        if encoding is None:
            encoding = _codec_name(parsed.get("encoding"))
        channel = parsed.get("feed") or {}
        for number, entry in enumerate(entries, start=1):
            article = self._article(entry, channel, number, origin, stem, encoding, report)
            if article is not None:
                yield article

    def _article(self, entry: Any, channel: Any, number: int, origin: str, stem: str, encoding: str | None,
                 report: ErrorHandler) -> Article | None:
        where = self.origin(origin, number)
        text = _body(entry)
        if not has_words(text):
            report(InputError(str(where), "entry has no text (no content, summary or description)"))
            return None
        link = _text(entry.get("link"))
        url = link if link and link.lower().startswith(("http://", "https://")) else None
        guid = _text(entry.get("id"))
        source = entry.get("source") or {}
        author = (entry.get("author_detail") or {}).get("name") or entry.get("author")
        return Article(
            id=guid or url or f"{stem}#{number}", text=text, title=_title(entry), url=url,
            outlet=_text(source.get("title")) or _text(channel.get("title")),
            published=_published(entry), origin=where, author=_text(author), encoding=encoding, guid=guid)


def _as_utf8(data: bytes, forced: str | None) -> tuple[bytes, str | None, dict[str, str]]:
    """The bytes to parse, the encoding they were decoded from (None: the
    feed's own declaration decides, as feedparser reads it) and the response
    headers that tell feedparser so. Text that is not ASCII-compatible (UTF-16,
    UTF-32) or that the user gave an encoding for is decoded here and handed
    on as UTF-8, so that the DOCTYPE can be found in it."""
    encoding = codec = None
    if forced:
        codec = encoding = codecs.lookup(forced).name
    else:
        for mark, name in _BOMS:
            if data.startswith(mark):
                codec = encoding = name
                break
        else:
            for start, name in _BARE_UTF16:
                if data.startswith(start):
                    codec, encoding = name, "utf-16"
                    break
    if codec is None:
        return data, None, {}
    text = data.decode(codec, "replace").lstrip("\ufeff")
    return text.encode("utf-8"), encoding, {"content-type": "application/xml; charset=utf-8"}


def _without_doctype(data: bytes) -> tuple[bytes, bool]:
    """``data`` with its DOCTYPE declaration blanked (its newlines kept, so
    that lines keep their numbers), and whether it declared entities: an
    entity declared there could expand a few bytes into gigabytes."""
    found = markup_start(data)
    if found is None or found[1] is None:
        return data, False
    start, end = found[1]
    declaration = data[start:end]
    return data[:start] + b"\n" * declaration.count(b"\n") + data[end:], b"<!ENTITY" in declaration.upper()


def _malformed(parsed: Any) -> tuple[str, int | None] | None:
    """Why the strict XML parse failed, when it failed for more than an
    undefined entity (``&nbsp;`` and other HTML entities, common in feeds
    and read by the lenient parser): the message and its line."""
    if not parsed.get("bozo"):
        return None
    problem = parsed.get("bozo_exception")
    if not isinstance(problem, xml.sax.SAXParseException) or "undefined entity" in problem.getMessage():
        return None
    return problem.getMessage(), problem.getLineNumber()


def _body(entry: Any) -> str:
    """The fullest text the entry holds: of its contents and summary, the
    one with the most text once markup is taken out (the first on a tie)."""
    candidates = [(part.get("type"), part.get("value")) for part in entry.get("content") or ()]
    summary = entry.get("summary_detail") or {}
    candidates.append((summary.get("type", "text/html"), summary.get("value", entry.get("summary"))))
    best = ""
    for kind, value in candidates:
        text = _plain(kind, value)
        if len(text) > len(best):
            best = text
    return best


def _plain(kind: str | None, value: Any) -> str:
    """A text construct as plain text: markup taken out of HTML and XHTML,
    plain text kept as written (its line breaks unified)."""
    if not isinstance(value, str) or not value.strip():
        return ""
    if kind in _MARKUP_TYPES:
        return html_text(value)
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _title(entry: Any) -> str | None:
    detail = entry.get("title_detail") or {}
    return _text(_plain(detail.get("type"), entry.get("title")))


def _text(value: Any) -> str | None:
    """A metadata value on one line, or None when empty or not a string."""
    if not isinstance(value, str):
        return None
    return printable(" ".join(value.split())) or None


def _published(entry: Any) -> str | None:
    """The entry's date as ``YYYY-MM-DD`` (UTC): its ``published``, else
    ``updated``; feedparser's parse of it when the date is in a form only
    feedparser knows; None without one."""
    for name in ("published", "updated"):
        raw = entry.get(name)
        found = normalise_published(raw) if isinstance(raw, str) and raw.strip() else None
        parsed = entry.get(f"{name}_parsed")
        if found is None and parsed:
            try:
                found = date(*parsed[:3]).isoformat()
            except (TypeError, ValueError):
                found = None
        if found is not None:
            return found
    return None


def _codec_name(label: str | None) -> str | None:
    try:
        return codecs.lookup(label).name if label else None
    except LookupError:
        return label


FEED = register_reader(FeedReader())
