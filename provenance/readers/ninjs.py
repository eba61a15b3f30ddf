"""IPTC agency items: ninjs (News in JSON, 1.x and 2.0) records, and what
NewsML-G2 shares with them (agency names, version ids, markup to paragraphs).

A ninjs item is a JSON object with a ``uri`` and no ``text``, carrying a
ninjs field (``type``, ``headline``/``headlines``, ``body_text``,
``body_html``, ``bodies``...). The JSON and JSON lines readers
(:mod:`.json`) hand such records here, so ninjs is read from ``.json`` and
``.jsonl`` files and standard input alike:

==================================  =================================
ninjs                               article
==================================  =================================
``headline`` / ``headlines``        title (the ``main`` headline first)
``body_text``, else ``body_html``   text (markup removed, paragraphs kept)
(1.x), ``bodies`` (2.0)
``byline`` (1.x) / ``by`` (2.0)     author
``copyrightholder``, else           outlet (a wire under its usual name:
``infosource(s)`` or ``provider``   ``Thomson Reuters`` is ``Reuters``)
``versioncreated``, else            published
``firstcreated``
``uri`` / ``version``               guid / version; id ``uri@vVERSION``
``pubstatus``                       status (``usable``, ``withheld``, ``canceled``)
==================================  =================================

Every version of an item is its own article: its id is the item's guid with
``@v`` and the version when it has one, so two versions of one item never
clash and an id does not depend on what else is read.

>>> item = ninjs_item({"uri": "urn:example:wire:1", "version": 2, "type": "text",
...                    "headlines": [{"value": "Council meets"}], "by": "Ann Lee",
...                    "copyrightholder": "© 2024 Thomson Reuters",
...                    "body_html": "<p>MOSCOW (Reuters) - The <b>council</b> met.</p><p>It voted.</p>"})
>>> item.id, item.outlet, item.text
('urn:example:wire:1@v2', 'Reuters', 'MOSCOW (Reuters) - The council met.\\n\\nIt voted.')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..outlets import canonical_outlet, is_wire
from .base import has_words

#: Fields only a ninjs item has (with a ``uri`` and no ``text``, they tell
#: a ninjs record from a plain article record).
NINJS_FIELDS = frozenset({
    "type", "headline", "headlines", "bodies", "body_text", "body_html", "body_xhtml", "byline", "by",
    "versioncreated", "firstcreated", "pubstatus", "copyrightholder", "standard", "$standard",
})

#: Item kinds that are media, not text: without text they are passed over, not errors.
MEDIA_KINDS = frozenset({"picture", "video", "audio", "graphic", "composite", "component"})


#: How to get the library that reads markup (HTML bodies, NewsML-G2).
LXML_INSTALL = "pip install lxml"


class ItemProblem(Exception):
    """Why an agency item gives no article; ``skipped`` when that is by
    design (a picture, a withdrawn item with no text), not a fault."""

    def __init__(self, message: str, *, skipped: bool = False):
        super().__init__(message)
        self.skipped = skipped


@dataclass(frozen=True)
class Item:
    """An agency item's article fields as the format gives them (the date not yet normalised)."""

    guid: str | None
    version: str | None
    status: str | None
    kind: str | None
    title: str | None
    text: str
    author: str | None
    outlet: str | None
    #: The date as given, and the field it came from (for messages).
    published: str | None
    published_field: str

    @property
    def id(self) -> str | None:
        """The article id: the guid, with ``@v`` and the version when the item has one."""
        return item_id(self.guid, self.version)


def item_id(guid: str | None, version: str | None) -> str | None:
    """``guid@vVERSION``, or the guid of an item without a version.

    >>> item_id("urn:x:1", "3"), item_id("urn:x:1", None)
    ('urn:x:1@v3', 'urn:x:1')
    """
    if guid is None:
        return None
    return f"{guid}@v{version}" if version else guid


def is_ninjs(record: Any) -> bool:
    """Whether a JSON record is shaped as a ninjs item (not a plain article record).

    >>> is_ninjs({"uri": "urn:x:1", "type": "text"}), is_ninjs({"uri": "urn:x:1", "text": "plain"})
    (True, False)
    """
    return (isinstance(record, dict) and "uri" in record and "text" not in record
            and any(key in NINJS_FIELDS or key.startswith("body_") for key in record))


def ninjs_item(record: dict) -> Item:
    """The fields of one ninjs record; raises :class:`ItemProblem` when it gives no article."""
    guid = _string(record, "uri")
    if not guid:
        raise ItemProblem("ninjs 'uri' must be a non-empty string")
    kind = _string(record, "type")
    status = _string(record, "pubstatus")
    status = status.lower() if status else None
    text = _body(record)
    if text is None or not has_words(text):
        raise no_text("ninjs", kind, status, "body_text, body_html or bodies")
    published_field = "versioncreated" if record.get("versioncreated") is not None else "firstcreated"
    return Item(
        guid=guid, version=_version(record), status=status, kind=kind, title=_headline(record), text=text,
        author=_string(record, "byline") or _string(record, "by"), outlet=_outlet(record),
        published=_string(record, published_field), published_field=published_field,
    )


def no_text(standard: str, kind: str | None, status: str | None, where: str) -> ItemProblem:
    """The problem of an item without words: passed over for media kinds and
    items withdrawn, withheld or canceled; an error otherwise."""
    if kind in MEDIA_KINDS:
        return ItemProblem(f"a {standard} {kind} item with no text: not an article", skipped=True)
    if status not in (None, "usable"):
        return ItemProblem(f"a {status} {standard} item with no text: nothing to read", skipped=True)
    return ItemProblem(f"a {standard} item with no text (nothing in {where})")


def _string(record: dict, key: str, *, strip: bool = True) -> str | None:
    """``record[key]``, stripped unless told (None if absent or blank); a
    value of another type is an :class:`ItemProblem`."""
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ItemProblem(f"ninjs '{key}' must be a string")
    if not value.strip():
        return None
    return value.strip() if strip else value


def _version(record: dict) -> str | None:
    value = record.get("version")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a number where the schema says string: the same version
    return _string(record, "version")


def _values(record: dict, key: str) -> list[dict]:
    """A ninjs 2.0 array of ``{"value": ..., "role": ..., "contenttype": ...}`` objects."""
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(each, dict) and isinstance(each.get("value"), str)
                                              for each in value):
        raise ItemProblem(f"ninjs '{key}' must be an array of objects with a string 'value'")
    for each in value:
        for field in ("role", "contenttype"):
            if each.get(field) is not None and not isinstance(each[field], str):
                raise ItemProblem(f"ninjs '{key}' {field} must be a string")
    return value


def _headline(record: dict) -> str | None:
    headline = _string(record, "headline")
    if headline:
        return headline
    headlines = [h for h in _values(record, "headlines") if h["value"].strip()]
    main = [h for h in headlines if (h.get("role") or "main") == "main"]
    chosen = (main or headlines)[:1]
    return chosen[0]["value"].strip() if chosen else None


def _body(record: dict) -> str | None:
    """The item's text: a plain-text body first, else one with markup removed."""
    plain: list[str] = []
    markup: list[str] = []
    # Bodies are taken as given (article text is never changed), markup aside.
    text = _string(record, "body_text", strip=False)
    if text:
        plain.append(text)
    for key in sorted(k for k in record if k.startswith("body_") and k != "body_text"):
        value = _string(record, key, strip=False)
        if value:
            (markup if any(word in key for word in ("html", "xml", "nitf")) else plain).append(value)
    for body in _values(record, "bodies"):
        kind = (body.get("contenttype") or "").lower()
        value = body["value"]
        is_markup = "html" in kind or "xml" in kind or (not kind and value.lstrip().startswith("<"))
        (markup if is_markup else plain).append(value)
    for value in plain:
        if has_words(value):
            return value
    for value in markup:
        try:
            text = markup_text(value)
        except ImportError:
            raise ItemProblem(f"reading a ninjs HTML body needs lxml: {LXML_INSTALL}") from None
        if has_words(text):
            return text
    return None


def _outlet(record: dict) -> str | None:
    holder = _string(record, "copyrightholder")
    names = [holder] if holder else []
    for key in ("infosources", "infosource"):
        sources = record.get(key)
        if isinstance(sources, list):
            names += [s["name"] for s in sources if isinstance(s, dict) and isinstance(s.get("name"), str)]
    provider = record.get("provider")
    if isinstance(provider, dict):
        provider = provider.get("name")
    if isinstance(provider, str):
        names.append(provider)
    return next((name for name in map(agency_name, names) if name), None)


_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)|all rights reserved\b|\d{4}(?:\s*[-–]\s*\d{4})?)[\s.,:;]*", re.I)
_TRAILING = re.compile(r"[\s.,:;]*(?:\d{4}|all rights reserved)?[\s.,:;]*$", re.I)


def agency_name(value: str) -> str | None:
    """The outlet a copyright holder or provider names: copyright words and
    years removed, a wire agency under its usual name.

    >>> agency_name("© 2024 Thomson Reuters"), agency_name("The Associated Press"), agency_name("Kyiv Post")
    ('Reuters', 'AP', 'Kyiv Post')
    """
    name = value.strip()
    while True:
        shorter = _COPYRIGHT.sub("", name, count=1)
        if shorter == name:
            break
        name = shorter
    name = _TRAILING.sub("", name)
    if not name:
        return None
    for candidate in (name, name[4:] if name.lower().startswith("the ") else name):
        if is_wire(candidate):
            return canonical_outlet(candidate)
    return name


# Elements that start and end a paragraph, and elements whose text is not
# the story's (scripts, page heads, NITF's head and media): by local name,
# lower case, so one list serves HTML, XHTML and NITF.
_BLOCKS = frozenset("""address article aside block blockquote body body.content caption dd div dl dt
    figcaption figure footer h1 h2 h3 h4 h5 h6 header hl1 hl2 hr li main nav ol p pre section table
    tbody td tfoot th thead tr ul""".split())
_NOT_TEXT = frozenset("""script style head title template noscript iframe object embed svg math
    body.head body.end media""".split())


def local_name(node: Any) -> str | None:
    """An element's tag without its namespace, lower case; None for comments,
    processing instructions and entities."""
    tag = node.tag
    if not isinstance(tag, str):
        return None
    return tag.rpartition("}")[2].lower()


def paragraphs_of(root: Any) -> list[str]:
    """The text of an lxml element as paragraphs: one per block element
    (``p``, headings, list items...), whitespace collapsed as a browser
    would, a ``br`` kept as a line break. Walked with a stack, so no
    nesting is too deep."""
    paragraphs: list[str] = []
    pieces: list[str | None] = []  # None: a line break

    def close() -> None:
        lines, line = [], []
        for piece in (*pieces, None):
            if piece is None:
                lines.append(" ".join("".join(line).split()))
                line.clear()
            else:
                line.append(piece)
        text = "\n".join(each for each in lines if each)
        if text:
            paragraphs.append(text)
        pieces.clear()

    stack = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        name = local_name(node)
        if leaving:
            if name in _BLOCKS:
                close()
            if node is not root and node.tail:
                pieces.append(node.tail)
            continue
        if name is None or name in _NOT_TEXT:
            if node is not root and node.tail:
                pieces.append(node.tail)
            continue
        if name in _BLOCKS:
            close()
        elif name == "br":
            pieces.append(None)
        if node.text:
            pieces.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    close()
    return paragraphs


def markup_text(markup: str) -> str:
    """HTML (a page or a fragment) as text: its paragraphs, blank-line separated.

    >>> markup_text("<p>One <i>line</i><br>two</p><script>x()</script><p>Three &amp; four</p>")
    'One line\\ntwo\\n\\nThree & four'
    """
    from lxml import etree, html

    parser = html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True)
    try:
        document = html.document_fromstring(markup.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""  # no element in it at all: nothing to read
    body = document.find("body")
    return "\n\n".join(paragraphs_of(body if body is not None else document))
