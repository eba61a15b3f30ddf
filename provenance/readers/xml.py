"""``.xml`` files: the root element says which reader reads them.

Several kinds of news document are XML and end in ``.xml``: agency items
(NewsML-G2: ``newsItem``, ``newsMessage``...), feeds (RSS ``rss``, RSS 1.0
``rdf:RDF``, Atom ``feed``) and XHTML pages (``html``). This reader reads
no further than the root's start tag and hands the file to the registered
reader of that kind (``newsml``, ``feed``, ``html``); any other XML is
refused, never read as text.

>>> from provenance.readers.xml import XML, kind_of
>>> XML.suffixes, kind_of("rss"), kind_of("newsMessage"), kind_of("svg") is None
(('.xml',), 'feed', 'newsml', True)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article
from .base import DEFAULT_READ_OPTIONS, ErrorHandler, ReadOptions, Reader, read_head, readers, register_reader
from .inputs import read_with
from .newsml import NEWSML_ROOTS, looks_like_xml, xml_root
from .ninjs import LXML_INSTALL

#: The reader that reads each kind of XML document, by its root element's
#: local name (lower case), and what the kind is called in messages.
KINDS = {
    **{name: ("newsml", "a NewsML-G2 document") for name in NEWSML_ROOTS},
    "rss": ("feed", "an RSS feed"), "rdf": ("feed", "an RSS 1.0 feed"), "feed": ("feed", "an Atom feed"),
    "html": ("html", "an XHTML page"),
}

_READS = "readers take NewsML-G2, RSS, Atom and XHTML"

# The root is found within this much of the file's start (a prolog of
# comments longer than this is not a news document).
_HEAD_LIMIT = 1 << 20
_CHUNK = 65536


def kind_of(root: str) -> str | None:
    """The name of the reader for XML whose root element is ``root`` (its local name), or None."""
    found = KINDS.get(root.lower())
    return found[0] if found else None


class XmlReader(Reader):
    """Any ``.xml`` file, handed by its root element to the reader of its kind."""

    name = "xml"
    suffixes = (".xml",)

    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """The articles the reader of the document's kind reads from it."""
        head = read_head(source, origin, report, _HEAD_LIMIT)
        if head is None:
            return
        root = self._root(head, origin, report, options)
        if root is None:
            return
        name, label = KINDS[root]
        reader = next((each for each in readers() if each.name == name), None)
        if reader is None:
            report(InputError(origin, f"holds {label}, but no reader named {name!r} is registered to read it"))
            return
        yield from read_with(reader, source, origin, report, stem, options)

    def _root(self, head: bytes, origin: str, report: ErrorHandler, options: ReadOptions) -> str | None:
        """The key of :data:`KINDS` for the document, or None (reported)."""
        if not head.strip():
            report(InputError(origin, "empty file: no XML document"))
            return None
        encoding = None
        if options.encoding:  # decoded by Python, which knows every codec --encoding accepts
            head, encoding = head.decode(options.encoding, "replace").encode("utf-8"), "utf-8"
        try:
            root = xml_root((head[i:i + _CHUNK] for i in range(0, len(head), _CHUNK)), encoding)
        except ImportError:
            report(InputError(origin, f"reading .xml needs lxml: {LXML_INSTALL}"))
            return None
        if isinstance(root, str):
            if _html_page(head):  # an HTML page, not well-formed XML: the HTML reader's
                return "html"
            report(InputError(origin, f"not an XML document: {root}; {_READS} in .xml files"))
            return None
        name, namespace = root
        if name.lower() not in KINDS:
            where = f" in namespace {namespace}" if namespace else ""
            report(InputError(origin, f"an XML document of an unknown kind (root <{name}>{where}); {_READS}"))
            return None
        return name.lower()


def _html_page(head: bytes) -> bool:
    """Whether text that is not well-formed XML starts as an HTML page does."""
    if not looks_like_xml(head):
        return False
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:64].lower()
    return start.startswith((b"<!doctype html", b"<html"))


XML = register_reader(XmlReader())
