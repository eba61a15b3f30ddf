"""HTML pages: the main text of a saved web page (navigation, banners,
share widgets, comments and related links left out by trafilatura), with
its title, site name, author, date and canonical URL; and the markup
helpers the feed and web-archive readers share (markup to paragraphs,
what a document's bytes are, the encoding of a page).

Nothing is fetched: a page is read from its bytes, never from a URL, and
the parser resolves no external entity. trafilatura is heavy, so it is the
optional extra ``html``; without it a page is reported, not misread.

>>> html_text("<p>One &amp; two.</p><script>alert(1)</script><p>Three<br>four</p>")
'One & two.\\n\\nThree\\nfour'
>>> kind_of(b'<?xml version="1.0"?><rss version="2.0">'), kind_of(b"WARC/1.1\\r\\n")
('an RSS or Atom feed (.rss, .atom)', 'a WARC web archive (.warc)')
"""

from __future__ import annotations

import codecs
import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Article, Origin
from .base import (DEFAULT_READ_OPTIONS, ErrorHandler, ReadOptions, Reader, Skipped, has_words, printable, read_bytes,
                   register_reader)
from .json import normalise_published
from .sniff import binary_kind

HTML_SUFFIXES = (".html", ".htm", ".xhtml")

#: What to install for pages (and web archives) when trafilatura is missing.
HTML_EXTRA = "pip install 'provenance-news[html]'"

#: A larger page is not extracted: no saved news page comes near it, and
#: extraction time grows faster than the page (a 5 MB page of 200,000
#: links took over a minute); 50,000 elements take a few seconds.
MAX_PAGE_BYTES = 16 * 2**20
MAX_PAGE_ELEMENTS = 50_000

# Elements whose start or end breaks a paragraph (in HTML fragments), and
# elements whose content is never text.
_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary "
    "table tbody tfoot thead tr ul".split())
_HIDDEN = frozenset("script style noscript template title iframe object embed svg math select textarea".split())

# (mark, codec, the encoding named); UTF-32 before UTF-16, whose mark begins it.
_UNICODE_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"), (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)

_FEED_ROOTS = frozenset({"rss", "feed", "rdf"})

# The elements taken out of a page before extraction (the page's own
# footer only: an article's footer holds its credits).
_NEVER_TEXT = ("//script | //style | //noscript | //template | //iframe | //frameset | //object | //embed"
               " | //svg | //math | //select | //textarea | //nav | //footer[not(ancestor::article)]")

# A start or end tag, a comment or a DOCTYPE: what any HTML page holds.
_TAG = re.compile(r"<[A-Za-z!/]")


def html_text(markup: str) -> str:
    """The text of an HTML fragment (a feed entry's body): blocks as
    paragraphs separated by a blank line, ``<br>`` as a line break, runs of
    whitespace as one space, entities decoded, scripts, styles, frames and
    comments dropped. Parsed by lxml's HTML parser (no network, no entity
    resolution, linear in the size of the markup); nothing in it is run."""
    import lxml.html
    from lxml import etree

    try:
        document = lxml.html.document_fromstring(markup.encode("utf-8", "replace"), parser=_fragment_parser())
    except (etree.ParserError, ValueError):
        return ""  # no element, no text: an empty fragment
    body = document.find("body")
    return _text_of(body if body is not None else document, lambda tag: tag in _BLOCKS)


@functools.lru_cache(maxsize=None)
def _fragment_parser():
    import lxml.html

    return lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True,
                                collect_ids=False, default_doctype=False)


def _text_of(root, is_block) -> str:
    """The paragraphs under ``root``: an element for which ``is_block(tag)``
    breaks a paragraph at its start and end, ``br`` (``lb`` in trafilatura's
    vocabulary) breaks a line, a table cell is set off by a space, and what
    :data:`_HIDDEN` names is left out. Walked with a stack, not recursion,
    so no nesting is too deep."""
    paragraphs: list[str] = []
    lines: list[str] = []
    words: list[str] = []

    def end_line() -> None:
        line = " ".join("".join(words).split())
        words.clear()
        if line:
            lines.append(line)

    def end_paragraph() -> None:
        end_line()
        if lines:
            paragraphs.append("\n".join(lines))
            lines.clear()

    stack = [(root, False)]
    while stack:
        element, leaving = stack.pop()
        tag = element.tag.rpartition("}")[2].lower() if isinstance(element.tag, str) else None
        if leaving or tag is None or tag in _HIDDEN:
            if leaving and is_block(tag):
                end_paragraph()
            if element is not root and element.tail:
                words.append(element.tail)
            continue
        if tag in ("br", "lb"):
            end_line()
        elif tag in ("td", "th", "cell"):
            words.append(" ")
        elif is_block(tag):
            end_paragraph()
        if element.text:
            words.append(element.text)
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    end_paragraph()
    return "\n\n".join(paragraphs)


def markup_start(data: bytes) -> tuple[int, tuple[int, int] | None] | None:
    """Where the first element of an XML or HTML document starts, past its
    byte-order mark, XML declaration, comments, processing instructions and
    DOCTYPE, and the span of the DOCTYPE declaration (None when it has
    none); None when something other than markup comes first.

    >>> markup_start(b'<?xml version="1.0"?>\\n<!DOCTYPE r [<!ENTITY a "]>">]>\\n<r/>')
    (54, (22, 53))
    """
    at, end = (3 if data.startswith(b"\xef\xbb\xbf") else 0), len(data)
    doctype = None
    while at < end:
        if data[at:at + 1].isspace():
            at += 1
        elif data.startswith(b"<?", at):
            at = _after(data, b"?>", at + 2)
        elif data.startswith(b"<!--", at):
            at = _after(data, b"-->", at + 4)
        elif data[at:at + 9].upper() == b"<!DOCTYPE":
            close = _doctype_end(data, at + 9)
            doctype, at = (at, close), close
        elif data.startswith(b"<", at):
            return at, doctype
        else:
            return None
    return None


def _after(data: bytes, marker: bytes, start: int) -> int:
    found = data.find(marker, start)
    return len(data) if found < 0 else found + len(marker)


def _doctype_end(data: bytes, at: int) -> int:
    """The offset past the ``>`` that closes a DOCTYPE declaration: quoted
    strings and the internal subset (with its own quotes, comments and
    ``>``) are stepped over, so ``<!ENTITY a "]>">`` does not end it."""
    subset = False
    end = len(data)
    while at < end:
        byte = data[at:at + 1]
        if byte in (b'"', b"'"):
            at = _after(data, byte, at + 1)
        elif subset and data.startswith(b"<!--", at):
            at = _after(data, b"-->", at + 4)
        elif byte == b"[":
            subset, at = True, at + 1
        elif byte == b"]":
            subset, at = False, at + 1
        elif byte == b">" and not subset:
            return at + 1
        else:
            at += 1
    return end


def root_name(data: bytes) -> str | None:
    """The name of a document's first element, lower-case and without its
    namespace prefix (``rdf:RDF`` -> ``rdf``), or ``html`` for an HTML DOCTYPE."""
    found = markup_start(data)
    if found is None:
        return None
    at, doctype = found
    if doctype is not None and data[doctype[0] + 9:doctype[1]].split(b"[")[0].strip().lower().startswith(b"html"):
        return "html"
    name = re.match(rb"<([A-Za-z_][-\w.:]*)", data[at:at + 256])
    return name.group(1).decode("ascii", "replace").rpartition(":")[2].lower() if name else None


def kind_of(head: bytes) -> str | None:
    """What the first bytes of a file are, for a refusal to name: a web
    archive, a binary format (:func:`~provenance.readers.sniff.binary_kind`:
    PDF, Office, images, archives, compressed data), a feed, a page, other
    binary data; None when they are none of these."""
    if head.startswith(b"WARC/"):
        return "a WARC web archive (.warc)"
    binary = binary_kind(head)
    if binary is not None:
        return binary
    if any(head.startswith(bom) for bom, _, _ in _UNICODE_BOMS[1:]):
        head = _decode_bom(head[:4096])[0].encode("utf-8", "replace")
    root = root_name(head)
    if root in _FEED_ROOTS:
        return "an RSS or Atom feed (.rss, .atom)"
    if root in ("html", "head", "body"):
        return "an HTML page (.html)"
    if b"\x00" in head[:8192]:
        return "binary data"
    return None


def _decode_bom(data: bytes) -> tuple[str, str]:
    """The text after a Unicode byte-order mark and the encoding it names;
    ValueError when there is none."""
    for bom, codec, encoding in _UNICODE_BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace"), encoding
    raise ValueError("no byte-order mark")


# The encoding a page declares in its first bytes, as browsers' prescan
# finds it: <meta charset>, <meta http-equiv="Content-Type" content="...;
# charset=...">, or an XML declaration's encoding.
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml\b[^>]*?\bencoding\s*=\s*["']([-\w.:]+)""")


def declared_charset(head: bytes) -> str | None:
    """The encoding the start of a page declares, or None.

    >>> declared_charset(b'<html><head><meta http-equiv="content-type" content="text/html; charset=ISO-8859-1">')
    'ISO-8859-1'
    """
    found = _XML_ENCODING.match(head) or _META_CHARSET.search(head[:4096])
    return found.group(1).decode("ascii") if found else None


def _known(label: str | None) -> str | None:
    """Python's name for an encoding label, or None if Python knows none.
    Browsers read latin-1 and ASCII labels as cp1252, a superset."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def decode_html(data: bytes, declared: str | None = None, forced: str | None = None) -> tuple[str, str]:
    """A page's text and the encoding it was decoded from: ``forced`` (the
    user's word), else a byte-order mark, else ``declared`` (an HTTP
    header's charset), else the page's own ``<meta charset>``, else UTF-8 if
    the bytes are valid UTF-8, else the encoding detected (charset-normalizer),
    else cp1252. A declared encoding the bytes do not fit is passed over.

    >>> decode_html('<meta charset="windows-1252"><p>caf\\xe9'.encode("cp1252"))
    ('<meta charset="windows-1252"><p>café', 'cp1252')
    """
    if forced:
        return data.decode(forced, "replace"), codecs.lookup(forced).name
    try:
        return _decode_bom(data)
    except ValueError:
        pass
    for label in (declared, declared_charset(data), "utf-8"):
        encoding = _known(label)
        if encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
            encoding = "utf-8"  # a page without a byte-order mark that says UTF-16 is ASCII-compatible
        if encoding:
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    encoding = _detected(data[:65536])
    return data.decode(encoding, "replace"), encoding


def _detected(sample: bytes) -> str:
    """The encoding charset-normalizer finds for ``sample``; cp1252 (what
    browsers read an undeclared page as) when it fits as well as the best."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return "cp1252"
    matches = from_bytes(sample)
    best = matches.best()
    if best is None or any(m.encoding == "cp1252" and m.chaos <= best.chaos for m in matches):
        return "cp1252"
    return _known(best.encoding) or "cp1252"


@dataclass(frozen=True)
class Page:
    """What a page says: its main text (paragraphs), and its metadata."""

    text: str
    encoding: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None


class NotAPage(ValueError):
    """A page that gives no article: its message says why, and ``kind``
    names pages of no article by their nature (``"no main text"``, ``"provenance
    report"``) rather than by a fault, for a web archive to count."""

    def __init__(self, message: str, *, kind: str | None = None):
        super().__init__(message)
        self.kind = kind


def extractor():
    """trafilatura, imported on first use (ImportError when it is missing)."""
    import trafilatura

    _quiet_loggers()
    return trafilatura


@functools.lru_cache(maxsize=None)
def _quiet_loggers() -> None:
    # A handler that drops records: without any, Python prints the warnings
    # trafilatura logs about each page it discards on standard error. A
    # program that configures logging still gets them (they propagate).
    for name in ("trafilatura", "htmldate", "courlan", "justext"):
        logging.getLogger(name).addHandler(logging.NullHandler())


def page_of(data: bytes, *, declared: str | None = None, forced: str | None = None,
            url: str | None = None) -> Page:
    """The main text and metadata of the page in ``data`` (trafilatura must
    be importable, see :func:`extractor`); :class:`NotAPage` says why there
    is none. ``declared`` is the charset an HTTP header gave, ``forced`` the
    user's encoding and ``url`` where the page was fetched from."""
    if len(data) > MAX_PAGE_BYTES:
        raise NotAPage(f"larger than {MAX_PAGE_BYTES // 2**20} MiB: not extracted (a news page is far smaller)")
    text, encoding = decode_html(data, declared, forced)
    # Told from the decoded text when the user named the encoding (UTF-16
    # without a byte-order mark is no binary file then), else from the bytes.
    kind = kind_of(text[:8192].encode("utf-8") if forced else data[:8192])
    if kind is not None and kind != "an HTML page (.html)":
        raise NotAPage(f"not an HTML page: it is {kind}")
    if not _TAG.search(text):
        raise NotAPage("no HTML markup: not an HTML page (plain text reads as .txt)")
    trafilatura = extractor()
    import lxml.html
    from lxml import etree

    # Parsed here, not by trafilatura, so that no URL is ever opened and no
    # entity resolved: the HTML parser reads the string and nothing else.
    parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True,
                                  collect_ids=False, default_doctype=False)
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise NotAPage(f"not an HTML page: {exc}") from None
    if any(str(value).startswith("provenance ") for value in tree.xpath('//meta[@name="generator"]/@content')):
        # This tool's own HTML report, written into a folder it scans: its
        # excerpts of the articles would match them all.
        raise NotAPage("a provenance report, not an article: passed over", kind="provenance report")
    for element in tree.xpath(_NEVER_TEXT):
        # What no reader sees as the article: navigation, frames, scripts
        # (trafilatura keeps some of them when a page has nothing else).
        element.drop_tree()
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_PAGE_ELEMENTS:
        raise NotAPage(f"holds {elements:,} HTML elements, over the {MAX_PAGE_ELEMENTS:,} extracted from one page "
                       "(a news page holds a few thousand)")
    try:
        found = trafilatura.bare_extraction(
            tree, url=url, include_comments=False, include_tables=True, with_metadata=True, deduplicate=False,
            # Only the dates the page declares (meta tags, <time>, its URL),
            # never one guessed from its text; a fixed upper bound keeps the
            # result the same whatever day it runs.
            date_extraction_params={"extensive_search": False, "original_date": True, "max_date": "9999-12-31"})
    except Exception as exc:  # whatever the extractor raises on a hostile page, the page is named
        raise NotAPage(f"the main text could not be extracted ({type(exc).__name__}: {exc})") from None
    body = body_text(found.body) if found is not None and found.body is not None else ""
    if not has_words(body):
        raise NotAPage("no main text found: the page holds only navigation and boilerplate, or nothing",
                       kind="no main text")
    return Page(
        text=body, encoding=encoding, title=_clean(found.title), outlet=_clean(found.sitename),
        author=_clean(found.author), url=_clean(found.url),
        published=normalise_published(found.date) if found.date else None)


def _clean(value: str | None) -> str | None:
    return printable(" ".join(value.split())) or None if value else None


# trafilatura's output vocabulary: these are inline, the rest break paragraphs.
_INLINE = frozenset({"hi", "ref", "del", "span", "lb", "cell", "graphic", "sub", "sup"})


def body_text(body) -> str:
    """The paragraphs of trafilatura's extracted body (its XML vocabulary:
    ``p``, ``head``, ``item``, ``quote``, ``row`` and ``cell``, ``lb``...)."""
    return _text_of(body, lambda tag: tag not in _INLINE)


class HtmlReader(Reader):
    """A saved web page is one article: its main text, title, site name
    (outlet), author, date and canonical URL, with the page's encoding."""

    name = "html"
    suffixes = HTML_SUFFIXES

    def sniff(self, head: bytes) -> bool:
        """An HTML DOCTYPE or an ``<html>`` root first (after comments and a byte-order mark)."""
        return root_name(head[:8192]) == "html"

    def origin(self, source: str, position: int | None = None) -> Origin:
        """The path: the text is extracted, so places in it are not places in the file."""
        return Origin(source, path=None if source.startswith("<stdin>") else source)

    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """The page's one article, or a report of why there is none."""
        try:
            extractor()
        except ImportError as exc:
            report(InputError(origin, f"reading .html needs trafilatura: {HTML_EXTRA} ({exc})"))
            return
        data = read_bytes(source, origin, report)
        if data is None:
            return
        if not data.strip():
            report(InputError(origin, "empty file: no HTML page"))
            return
        try:
            page = page_of(data, forced=options.encoding)
        except NotAPage as exc:
            report((Skipped if exc.kind == "provenance report" else InputError)(origin, str(exc)))
            return
        yield Article(id=stem, text=page.text, title=page.title, outlet=page.outlet, published=page.published,
                      url=page.url, origin=self.origin(origin), author=page.author, encoding=page.encoding)


HTML = register_reader(HtmlReader())
