"""NewsML-G2 (IPTC): a news item, or a news message of several, as articles.

A ``newsItem`` is one article: its ``contentSet`` gives the text (an
``inlineXML`` NITF ``body.content`` or XHTML ``body``, paragraph by
paragraph, or an ``inlineData`` text), and its metadata the rest:

=====================================================  ==============================
NewsML-G2                                              article
=====================================================  ==============================
``contentMeta/headline``                               title
``contentMeta/by``, else its ``creator`` names         author
``rightsInfo/copyrightHolder``, else                   outlet (a wire under its usual
``itemMeta/provider``                                  name: ``nprov:REUTERS`` is Reuters)
``itemMeta/versionCreated``, else ``firstCreated``     published
``@guid`` / ``@version``                               guid / version; id ``guid@vVERSION``
``itemMeta/pubStatus/@qcode`` (``stat:`` dropped)      status
=====================================================  ==============================

A ``newsMessage`` holds items in its ``itemSet``: the Nth is ``path item
N``, and items that are not articles (``packageItem``, ``knowledgeItem``,
a picture with no text, a canceled item with no text) are reported as
passed over. Files are read by the ``.xml`` reader (:mod:`.xml`), which
hands NewsML-G2 here; standard input is recognised by its root element.

Parsing never expands an entity, loads a DTD or touches the network, and
keeps libxml2's limits on depth and text size: a document that declares
entities is refused before anything is read from it. A document cut short
gives the items that ended before the cut, and the cut is reported.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
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
    read_bytes,
    register_reader,
)
from .json import item_article
from .ninjs import LXML_INSTALL, Item, ItemProblem, agency_name, local_name, markup_text, no_text, paragraphs_of

#: The root elements of NewsML-G2 documents (local names, lower case), and
#: what the items that are not articles hold.
NEWSML_ROOTS = frozenset({"newsitem", "newsmessage", "packageitem", "knowledgeitem", "conceptitem",
                          "planningitem", "catalogitem"})
NOT_ARTICLES = {
    "packageitem": "a package of other items", "knowledgeitem": "concepts", "conceptitem": "a concept",
    "planningitem": "planning information", "catalogitem": "a catalog of codes",
}

# Documents are fed to the parser this much at a time, so that the items of
# a long news message are handled (and freed) as they end.
_CHUNK = 1 << 20
# The end tag of a message's item (newsItem, packageItem, ...): documents are fed
# to the parser in pieces that end just after one, so that every item which ends
# before a syntax error has been delivered before it (lxml 6.2 closes the open
# elements with end events of its own after an error; those are never read).
_ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?[A-Za-z]*Item\s*>")
# Standard input is recognised by a root element within this much of its start.
_SNIFF_LIMIT = 1 << 20

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_ENTITY_MARKS = tuple("<!ENTITY".encode(name) for name in ("utf-8", "utf-16-le", "utf-16-be"))

ENTITIES_REFUSED = ("declares XML entities in a DOCTYPE; entities are never expanded (they can be made to "
                    "grow without bound or to read local files), so the document is refused")


def parser(events: tuple[str, ...], encoding: str | None = None) -> Any:
    """A pull parser that reads no DTD, expands no entity, uses no network and keeps libxml2's size limits."""
    from lxml import etree

    # Not collect_ids=False: with it, libxml2 reads a DOCTYPE's external subset from disk.
    return etree.XMLPullParser(events=events, encoding=encoding, resolve_entities=False, load_dtd=False,
                               no_network=True, huge_tree=False, dtd_validation=False, remove_pis=True)


def xml_root(chunks: Iterable[bytes], encoding: str | None = None) -> tuple[str, str | None] | str:
    """The root element of the XML in ``chunks`` as (local name, namespace),
    or why there is none (a message). Reads no further than the root's start tag.

    >>> xml_root([b'<?xml version="1.0"?><newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="a">'])
    ('newsItem', 'http://iptc.org/std/nar/2006-10-01/')
    >>> xml_root([b"plain words"])
    "Start tag expected, '<' not found (line 1)"
    """
    from lxml import etree

    pull = parser(("start",), encoding)
    try:
        for chunk in chunks:
            pull.feed(chunk)
            for _, element in pull.read_events():
                return _qualified(element)
        pull.close()
    except etree.XMLSyntaxError as exc:
        for _, element in pull.read_events():  # the root started before the error
            return _qualified(element)
        return syntax_error(exc)
    return "no root element"


def _qualified(element: Any) -> tuple[str, str | None]:
    from lxml import etree

    name = etree.QName(element)
    return name.localname, name.namespace


def syntax_error(exc: Any) -> str:
    """An lxml syntax error as one short line, with its line."""
    message, line = syntax_problem(exc)
    return f"{message} (line {line})" if line else message


def syntax_problem(exc: Any) -> tuple[str, int | None]:
    """What an lxml syntax error says, and on which line. An error found
    only as the parser closes says no more than "no element found" (line 0):
    then the last fatal error the parser logged says what it was."""
    message, line = getattr(exc, "msg", None) or str(exc), exc.lineno
    fatal = [entry for entry in getattr(exc, "error_log", ()) if entry.level_name == "FATAL"]
    if not line and fatal:
        message, line = fatal[-1].message, fatal[-1].line
    message = re.sub(r",? line \d+, column \d+$", "", message.split("\n")[0].strip())
    if message.startswith("Excessive depth in document"):
        message = "elements nested too deeply (more than 256 levels)"
    return message, line if line and line > 0 else None


def declared_encoding(data: bytes) -> str:
    """The encoding XML bytes are in: a byte-order mark's, else the declaration's, else UTF-8.

    >>> declared_encoding(b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>'), declared_encoding(b"<a/>")
    ('iso8859-1', 'utf-8')
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    found = _DECLARED.match(data[:200])
    if not found:
        return "utf-8"
    name = found.group(1).decode("ascii").lower()
    try:
        return codecs.lookup(name).name  # the name text inputs record too
    except LookupError:
        return name


def looks_like_xml(head: bytes) -> bool:
    """Whether ``head`` starts (after a byte-order mark and blanks) with markup."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return head[len(bom):].decode(name, "ignore").lstrip()[:1] == "<"
    return head.lstrip()[:1] == b"<"


class NewsMLReader(Reader):
    """NewsML-G2 items and messages. It claims no suffix: ``.xml`` files come
    through the ``xml`` reader; standard input is recognised by its root."""

    name = "newsml"
    suffixes = ()

    def sniff(self, head: bytes) -> bool:
        """A NewsML-G2 root element (``newsItem``, ``newsMessage``, ...)."""
        if not looks_like_xml(head):
            return False
        try:
            root = xml_root(head[i:i + 65536] for i in range(0, min(len(head), _SNIFF_LIMIT), 65536))
        except ImportError:
            return False
        return isinstance(root, tuple) and root[0].lower() in NEWSML_ROOTS

    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """An article for each news item of ``source`` (``options.encoding`` overrides the declared one)."""
        try:
            import lxml  # noqa: F401
        except ImportError:
            report(InputError(origin, f"reading NewsML-G2 needs lxml: {LXML_INSTALL}"))
            return
        data = read_bytes(source, origin, report)
        if data is not None:
            yield from _Document(self, data, origin, stem, report, options.encoding).articles()

    def origin(self, source: str, position: int | None = None) -> Origin:
        """``path item N`` for the Nth item of a news message; the path for a lone item."""
        return item_origin(source, position)


class _Document:
    """One NewsML-G2 document read from its parser's events."""

    def __init__(self, reader: NewsMLReader, data: bytes, origin: str, stem: str, report: ErrorHandler,
                 forced: str | None):
        self.reader, self.data, self.origin, self.stem, self.report = reader, data, origin, stem, report
        self.forced = forced
        self.encoding = codecs.lookup(forced).name if forced else declared_encoding(data)
        self.root: Any = None
        self.kind: str | None = None
        self.items = 0
        self.stopped = False

    def articles(self) -> Iterator[Article]:
        from lxml import etree

        pull = parser(("start", "end"), None if self.forced is None else "utf-8")
        if self.forced is not None:
            # Decoded by Python, which knows every codec --encoding accepts (libxml2 does not).
            try:
                self.data = self.data.decode(self.forced).encode("utf-8")
            except UnicodeDecodeError as exc:
                self.report(InputError(self.origin, f"not valid {self.forced} (--encoding {self.forced}): "
                                                    f"byte 0x{self.data[exc.start]:02x} at offset {exc.start}"))
                return
        try:
            for piece in _pieces(self.data):
                pull.feed(piece)
                yield from self._events(pull.read_events())
                if self.stopped:
                    return
            pull.close()
        except etree.XMLSyntaxError as exc:
            # Only the root's start can be among these and still be the document's
            # own: an end read now may be one the parser made up for an open element.
            yield from self._events((event, element) for event, element in pull.read_events()
                                    if event == "start")
            if not self.stopped:
                self._malformed(exc)
            return
        yield from self._events(pull.read_events())
        if self.kind == "newsmessage" and not self.items and not self.stopped:
            self.report(InputError(self.origin, "a NewsML-G2 newsMessage with no items in its itemSet"))

    def _malformed(self, exc: Any) -> None:
        if self.root is None and any(mark in self.data for mark in _ENTITY_MARKS):
            self.report(InputError(self.origin, ENTITIES_REFUSED))
            return
        read = f"; the {self.items} item(s) before it were read" if self.items else ""
        message, line = syntax_problem(exc)
        self.report(InputError(self.origin, f"malformed XML: {message}{read}", line=line))

    def _events(self, events: Iterable[tuple[str, Any]]) -> Iterator[Article]:
        for event, element in events:
            if self.stopped:
                return
            if event == "start":
                if self.root is None:
                    self._start(element)
                continue
            if self.kind == "newsitem" and element is self.root:
                yield from self._item(element, None)
            elif self.kind == "newsmessage" and _is_message_item(element, self.root):
                self.items += 1
                yield from self._item(element, self.items)
                # Done with: free it and the items before it (a message may hold thousands).
                element.clear()
                parent = element.getparent()
                while element.getprevious() is not None:
                    del parent[0]

    def _start(self, root: Any) -> None:
        self.root = root
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None and any(True for _ in dtd.iterentities()):
            self._stop(InputError(self.origin, ENTITIES_REFUSED))
            return
        name = local_name(root)
        shown = _qualified(root)[0]
        if name in ("newsitem", "newsmessage"):
            self.kind = name
        elif name in NOT_ARTICLES:
            self._stop(Skipped(self.origin, f"a NewsML-G2 {shown} ({NOT_ARTICLES[name]}), not an article"))
        else:
            self._stop(InputError(self.origin, f"not NewsML-G2: the root element is <{shown}> "
                                               "(NewsML-G2 has <newsItem> or <newsMessage>)"))

    def _stop(self, problem: InputError) -> None:
        self.report(problem)
        self.stopped = True

    def _item(self, element: Any, number: int | None) -> Iterator[Article]:
        origin = self.reader.origin(self.origin, number)
        where = str(origin)
        name = local_name(element)
        if name != "newsitem":
            what = NOT_ARTICLES.get(name or "", "not a news item")
            self.report(Skipped(where, f"a NewsML-G2 {_qualified(element)[0]} ({what}), not an article"))
            return
        try:
            item = news_item(element)
        except ItemProblem as problem:
            self.report((Skipped if problem.skipped else InputError)(where, str(problem)))
            return
        default_id = self.stem if number is None else f"{self.stem}#{number}"
        article = item_article(item, item.id or default_id, self.report, where=where, origin=origin, line=None,
                               encoding=self.encoding)
        if article is not None:
            yield article


def _pieces(data: bytes) -> Iterator[bytes]:
    """*data* in pieces of at most _CHUNK bytes, each item's end tag ending one."""
    start = 0
    for end in [match.end() for match in _ITEM_END.finditer(data)] + [len(data)]:
        while end - start > _CHUNK:
            yield data[start:start + _CHUNK]
            start += _CHUNK
        if end > start or not data:
            yield data[start:end]
            start = end


def _is_message_item(element: Any, root: Any) -> bool:
    parent = element.getparent()
    return parent is not None and parent.getparent() is root and local_name(parent) == "itemset"


def _child(element: Any, name: str) -> Any:
    if element is None:
        return None
    return next((child for child in element if local_name(child) == name), None)


def _children(element: Any, name: str) -> list[Any]:
    return [] if element is None else [child for child in element if local_name(child) == name]


def _descendant(element: Any, name: str) -> Any:
    return next((node for node in element.iter() if local_name(node) == name), None)


def _first(*elements: Any) -> Any:
    # Not ``a or b``: an lxml element without children is false.
    return next(element for element in elements if element is not None)


def _text(element: Any) -> str | None:
    """An element's text on one line (None when it has none)."""
    if element is None:
        return None
    return " ".join(" ".join(paragraphs_of(element)).split()) or None


def _code(element: Any) -> str | None:
    """The code a NewsML-G2 property gives: ``stat:usable`` and
    ``http://cv.iptc.org/newscodes/pubstatusg2/usable`` are ``usable``."""
    if element is None:
        return None
    qcode = (element.get("qcode") or "").strip()
    if qcode:
        return qcode.partition(":")[2].strip() or qcode
    uri = (element.get("uri") or "").strip().rstrip("/")
    return uri.rpartition("/")[2] or (element.get("literal") or "").strip() or None


def _party(element: Any) -> str | None:
    """A party's name: its ``name`` child, else its literal, else its code."""
    if element is None:
        return None
    return _text(_child(element, "name")) or (element.get("literal") or "").strip() or \
        (_code(element) if element.get("qcode") else None)


def _headline(content_meta: Any) -> str | None:
    headlines = [h for h in _children(content_meta, "headline") if _text(h)]
    main = [h for h in headlines if (h.get("role") or "main").endswith("main")]
    return _text((main or headlines)[0]) if headlines else None


def news_item(element: Any) -> Item:
    """The article fields of one ``newsItem`` element; raises :class:`ItemProblem` when it gives no article."""
    meta, content = _child(element, "itemmeta"), _child(element, "contentmeta")
    kind = _code(_child(meta, "itemclass"))
    status = _code(_child(meta, "pubstatus"))
    status = status.lower() if status else None
    text, nitf = _body(_child(element, "contentset"))
    if text is None:
        raise no_text("NewsML-G2", kind, status, "its contentSet's inlineXML or inlineData")
    title = _headline(content)
    author = _text(_child(content, "by")) or "; ".join(filter(None, map(_party, _children(content, "creator"))))
    if nitf is not None:  # a NITF body's own head, where the item's metadata says nothing
        head = _descendant(nitf, "body.head")
        if head is not None:
            title = title or _text(_descendant(head, "hl1"))
            author = author or _text(_descendant(head, "byline"))
    holders = [_party(h) for h in _children(_child(element, "rightsinfo"), "copyrightholder")]
    names = [name for name in (*holders, _party(_child(meta, "provider"))) if name]
    published_field, published = "versionCreated", _text(_child(meta, "versioncreated"))
    if published is None and _text(_child(meta, "firstcreated")):
        published_field, published = "firstCreated", _text(_child(meta, "firstcreated"))
    guid = (element.get("guid") or "").strip() or None
    version = (element.get("version") or "").strip() or None
    return Item(guid=guid, version=version, status=status, kind=kind, title=title, text=text,
                author=author or None, outlet=next(filter(None, map(agency_name, names)), None),
                published=published, published_field=published_field)


def _body(content_set: Any) -> tuple[str | None, Any]:
    """The first text with words in a ``contentSet``, and the NITF element it came from (if any)."""
    for content in [] if content_set is None else content_set:
        name, nitf, text = local_name(content), None, ""
        if name == "inlinexml":
            inner = next((child for child in content if local_name(child)), None)
            if inner is None:
                continue
            target = inner
            if local_name(inner) == "nitf":
                nitf = inner
                target = _first(_descendant(inner, "body.content"), _descendant(inner, "body"), inner)
            elif local_name(inner) == "html":
                target = _first(_descendant(inner, "body"), inner)
            text = "\n\n".join(paragraphs_of(target))
        elif name == "inlinedata" and (content.get("encoding") or "").lower() != "base64":
            value = content.text or ""
            kind = (content.get("contenttype") or "text/plain").lower()
            text = markup_text(value) if "html" in kind or "xml" in kind else value.strip()
        if has_words(text):
            return text, nitf
    return None, None


NEWSML = register_reader(NewsMLReader())
