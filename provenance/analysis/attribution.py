"""Datelines, bylines, credit lines and site names.

Pure functions over one paragraph or sentence at a time: analysis uses
them to separate an article's attribution lines from its body and to sniff
metadata, the judge to decide whether a derived text credits its source in
its own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..config import ATTRIBUTION_MAX_CHARS, SOURCE_NAME_MAX_CHARS, TOP_PARAGRAPHS
from ..dates import MONTH, WEEKDAY, parse_date_prefix
from ..model import Attribution
from ..outlets import ALIAS_TO_WIRE, WIRE_AGENCIES, canonical_outlet, is_wire

_DATELINE = re.compile(
    r"""^(?P<place>[A-Z][A-Z'’.\-]+(?:\s[A-Z][A-Z'’.\-]+){0,3}(?:,\s*[A-Z][A-Za-z.\-]+(?:\s[A-Z][A-Za-z.\-]+){0,2})?)
    (?:,\s*(?P<when>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?
    \s*\((?P<agency>[A-Z][A-Za-z .&'-]{1,30})\)\s*[-–—]+\s*""",
    re.VERBOSE,
)
_BYLINE = re.compile(r"^By\s+(?P<names>[A-Z][\w.'’-]*(?:[\s,;&/]+(?:and\s+)?[A-Z][\w.'’-]*)*)\s*$")
_NOT_A_NAME = re.compile(
    rf"^(?:the|a|an|this|that|our|{WEEKDAY}|{MONTH}|noon|midnight|now|then)$", re.IGNORECASE
)
# "Source:" and its kin need their colon or dash ("Sources close to the
# minister said" is a sentence); "Reporting by" reads as a credit without one;
# a copyright line needs its sign or a year ("Copyright lawyers said" does not).
_CREDIT_LINE = re.compile(
    r"""^\(?\s*(?:
        (?:sources?|credits?|via|courtesy)\s*[:\-–—]\s*
      | (?:(?:additional\s+)?reporting\s+by|writing\s+by|editing\s+by|compiled\s+by|reported\s+by
         |with\s+reporting\s+from|courtesy\s+of)\s*[:\-–—]?\s+
      | (?:copyright\s*)?(?:©|\(c\))\s*
      | copyright\s+(?:\d{4}|©)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A paragraph that is only a parenthesised agency: "(Reuters)".
_AGENCY_LINE = re.compile(r"^\(\s*(?P<name>[A-Z][\w.&' -]{0,40}?)\s*\)\.?$")
_SITE_LINE = re.compile(r"^(?:https?://)?(?:www\.)?(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})/?$", re.IGNORECASE)


@dataclass(frozen=True)
class ParagraphHead:
    """What :func:`read_paragraph_head` found at the start of a paragraph."""

    attributions: tuple[Attribution, ...]
    #: Offset where the paragraph's body text starts (len(paragraph) if none).
    body_start: int
    published: str | None = None


#: A paragraph that opens with no attribution (most of them): one shared,
#: immutable answer rather than a new one each.
_BODY_ONLY = ParagraphHead((), 0)


def read_paragraph_head(paragraph: str, *, near_top: bool) -> ParagraphHead:
    """Split attribution from body at the start of one paragraph.

    A whole paragraph may be an attribution line (byline, credit line, site
    name, bare date); otherwise a leading date (near the top only) or a wire
    dateline is peeled off and the rest is body text.
    """
    stripped = paragraph.strip()
    whole = _whole_line_attribution(stripped)
    if whole is not None:
        return ParagraphHead((whole,), len(paragraph))
    found: list[Attribution] = []
    start = 0
    published = None
    if near_top:
        dated = parse_date_prefix(paragraph)
        if dated is not None:
            published, start = dated
            found.append(Attribution("date", paragraph[:start].strip()))
            if not paragraph[start:].strip():
                return ParagraphHead(tuple(found), len(paragraph), published)
    dateline = _DATELINE.match(paragraph, start)
    if dateline is not None:
        agency = dateline["agency"].strip()
        found.append(Attribution("dateline", dateline.group(0).strip(), (canonical_outlet(agency),)))
        start = dateline.end()
    if not found:
        return _BODY_ONLY
    return ParagraphHead(tuple(found), start, published)


def _whole_line_attribution(line: str) -> Attribution | None:
    if len(line) > ATTRIBUTION_MAX_CHARS:
        return None
    byline = _BYLINE.match(line)
    if byline is not None and len(line) <= 120:
        names = _split_names(byline["names"])
        if names and all(_is_name(n) for n in names):
            return Attribution("byline", line, tuple(names))
    agency = _AGENCY_LINE.match(line)
    if agency is not None and is_wire(agency["name"]):
        return Attribution("credit", line, (canonical_outlet(agency["name"]),))
    inner = line[1:-1] if line.startswith("(") and line.endswith(")") else line
    if _CREDIT_LINE.match(inner):
        return Attribution("credit", line, tuple(wire_names_in(line)))
    site = _SITE_LINE.match(line)
    if site is not None:
        return Attribution("site", line, (site["domain"].lower(),))
    return None


# A line that is only a wire agency's name, as a paper signs off or slugs
# copy it took from the wire: "- Reuters", "— AP", "Reuters", "With AFP",
# "PA", "Press Association", "Reuters/AFP", "AP and agencies". ("(AFP)",
# "Source: Reuters" and "Additional reporting by Reuters" are credit lines
# already.) Read by the judge from the text's edges (:func:`signoff_lines`),
# not set apart from the body: doing that would change documents' tokens.
_SIGNOFF = re.compile(r"^[-–—‒―‐~•*|\s]*(?:with\s+)?(?P<names>[^\W\d_][\w .&'/,+-]*?)[\s.]*$",
                      re.IGNORECASE)
_SIGNOFF_JOINER = re.compile(r"\s*(?:/|,|&|\+|\band\b)\s*", re.IGNORECASE)
_AGENCIES = frozenset({"agencies", "agency", "wires"})


def signoff_names(line: str) -> tuple[str, ...]:
    """The wire agencies a sign-off or slug line names (canonical names), or
    () when ``line`` is anything but such a line.

    >>> signoff_names("— Reuters"), signoff_names("With AFP"), signoff_names("PA")
    (('Reuters',), ('AFP',), ('PA',))
    >>> signoff_names("Reuters/AP"), signoff_names("pa"), signoff_names("Reuters said so.")
    (('Reuters', 'AP'), (), ())
    """
    stripped = line.strip()
    if len(stripped) > SOURCE_NAME_MAX_CHARS:
        return ()
    found = _SIGNOFF.match(stripped)
    if found is None:
        return ()
    names: list[str] = []
    for part in _SIGNOFF_JOINER.split(found["names"]):
        if part.casefold() in _AGENCIES and names:
            continue
        name = _wire_alias(part)
        if name is None:
            return ()
        names.append(name)
    return tuple(dict.fromkeys(names))


def _wire_alias(part: str) -> str | None:
    """The canonical wire ``part`` names, keeping names_pattern's case rule:
    a short capital name (AP, PA) only in capitals."""
    canonical = ALIAS_TO_WIRE.get(part.casefold())
    if canonical is None:
        return None
    alias = next(a for a in WIRE_AGENCIES[canonical] if a.casefold() == part.casefold())
    if len(alias) <= 4 and alias.isupper() and part != alias:
        return None
    return canonical


def signoff_lines(text: str) -> tuple[Attribution, ...]:
    r"""Sign-off and slug lines (:func:`signoff_names`) at the edges of a
    document's display text, as credit attributions: any of the first
    ``TOP_PARAGRAPHS`` paragraphs, and the last paragraphs up to the last
    that is neither an attribution line nor a sign-off (a copyright or site
    line may follow a sign-off). A wire's name inside a paragraph of prose
    is no sign-off: that is a credit phrase or nothing.

    >>> [a.text for a in signoff_lines("Reuters\n\nThe bank raised rates.\n\n- AFP\n\n© 2024 Example")]
    ['Reuters', '- AFP']
    """
    found: list[Attribution] = []
    for paragraph in _edge_paragraphs(text, TOP_PARAGRAPHS, from_end=False):
        names = signoff_names(paragraph)
        if names:
            found.append(Attribution("credit", paragraph.strip(), names))
    bottom: list[Attribution] = []
    for paragraph in _edge_paragraphs(text, TOP_PARAGRAPHS, from_end=True):
        names = signoff_names(paragraph)
        if names:
            bottom.append(Attribution("credit", paragraph.strip(), names))
        elif _whole_line_attribution(paragraph.strip()) is None:
            break
    found.extend(reversed(bottom))
    return tuple(dict.fromkeys(found))


def _edge_paragraphs(text: str, count: int, *, from_end: bool) -> list[str]:
    """The first (or last, last first) ``count`` paragraphs of a display
    text, whose paragraphs are joined by blank lines, without splitting the
    rest of it."""
    out: list[str] = []
    if from_end:
        stop = len(text)
        while stop > 0 and len(out) < count:
            start = text.rfind("\n\n", 0, stop)
            out.append(text[start + 2 if start >= 0 else 0 : stop])
            stop = start if start >= 0 else 0
    else:
        start = 0
        while start < len(text) and len(out) < count:
            stop = text.find("\n\n", start)
            stop = len(text) if stop < 0 else stop
            out.append(text[start:stop])
            start = stop + 2
    return out


def _is_name(name: str) -> bool:
    """A person's name (two words or more, none of them a weekday, month or
    article: "By Monday" is not a byline) or a wire agency."""
    words = name.split()
    return is_wire(name) or (len(words) >= 2 and not any(_NOT_A_NAME.match(w) for w in words))


def starts_attribution(line: str) -> bool:
    """Whether a line is an attribution line or opens with a wire dateline:
    such a line never continues the line before it."""
    stripped = line.strip()
    if _whole_line_attribution(stripped) is not None:
        return True
    dateline = _DATELINE.match(stripped)
    return dateline is not None and is_wire(dateline["agency"])


def _split_names(names: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|&|/|\band\b)\s*", names)
    out = []
    for part in parts:
        part = part.strip()
        if part:
            out.append(canonical_outlet(part) if part.casefold() in ALIAS_TO_WIRE else part)
    return out


def wire_names_in(text: str) -> list[str]:
    """Wire agencies named anywhere in ``text``, canonical, in order of appearance."""
    found = []
    for match in _any_wire_pattern().finditer(text):
        name = canonical_outlet(match.group(0))
        if name not in found:
            found.append(name)
    return found


_WIRE_PATTERN: re.Pattern[str] | None = None


def _any_wire_pattern() -> re.Pattern[str]:
    global _WIRE_PATTERN
    if _WIRE_PATTERN is None:
        aliases = sorted(ALIAS_TO_WIRE, key=len, reverse=True)
        _WIRE_PATTERN = names_pattern(
            [a for name, group in WIRE_AGENCIES.items() for a in group if a.casefold() in aliases]
        )
    return _WIRE_PATTERN


def names_pattern(names: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """A pattern matching any of ``names`` as whole words.

    Short all-capital names (AP, PA) match case-sensitively so that the word
    "pa" or "ap" in running text is not taken for an agency.
    """
    return _names_pattern(tuple(names))


@lru_cache(maxsize=1024)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = []
    for name in sorted(set(names), key=len, reverse=True):
        escaped = re.escape(name)
        if len(name) <= 4 and name.isupper():
            alternatives.append(escaped)
        else:
            alternatives.append(f"(?i:{escaped})")
    return re.compile(r"(?<![\w.])(?:" + "|".join(alternatives) + r")(?![\w])")


# The connecting words match in any case ("According to Reuters" opens a
# sentence); the names keep the case rules of names_pattern.
_CREDIT_PHRASES = (
    r"(?i:according\s+to\s+(?:the\s+)?(?:news\s+agency\s+|wire\s+service\s+)?){N}",
    r"{N}(?i:(?:\s+news\s+agency)?\s+(?:reported|reports|said|says|wrote|writes|quoted|cited|added|contributed))",
    r"(?i:(?:told|citing|cited\s+by|quoted\s+by|reported\s+by|via|courtesy\s+of|from|by)\s+(?:the\s+)?(?:news\s+agency\s+)?){N}",
    r"\(\s*{N}\s*\)",
    r"(?i:(?:news\s+agency|wire\s+service)\s+){N}",
    r"{N}(?i:\s+(?:news\s+agency|wire\s+service))",
)


def credit_phrases(text: str, names: tuple[str, ...]) -> list[str]:
    """Phrases in ``text`` that credit one of ``names`` (``according to Reuters``...)."""
    if not names:
        return []
    any_name, phrases = _credit_patterns(tuple(names))
    if any_name.search(text) is None:  # most sentences name no one: one search instead of six
        return []
    return [match.group(0) for pattern in phrases for match in pattern.finditer(text)]


@lru_cache(maxsize=1024)
def _credit_patterns(names: tuple[str, ...]) -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]:
    any_name = names_pattern(names)
    return any_name, tuple(re.compile(t.replace("{N}", any_name.pattern)) for t in _CREDIT_PHRASES)


def may_mention(text: str, names: tuple[str, ...]) -> bool:
    """False only when ``text`` holds none of ``names`` in any case or
    position: a cheap test before asking :func:`mentions` or
    :func:`credit_phrases` of each part of it."""
    if not names:
        return False
    found = _ascii_mention(text, names)
    return found if found is not None else _loose_pattern(tuple(names)).search(text) is not None


def _ascii_mention(text: str, names: tuple[str, ...]) -> bool | None:
    """Whether an ASCII ``text`` holds one of the ASCII ``names`` in some
    case -- what an ignore-case search for them finds there, with no
    pattern compiled or run; None when either is not ASCII (ignoring case
    then also matches letters such as the long s and the Kelvin sign)."""
    if not text.isascii() or not all(name.isascii() for name in names):
        return None
    lowered = text.lower()
    return any(name.lower() in lowered for name in names)


@lru_cache(maxsize=1024)
def _loose_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True)), re.IGNORECASE)


def mentions(text: str, names: tuple[str, ...]) -> bool:
    # A name matches only where its letters appear in some case: asked
    # first, that spares compiling the pattern of every new source's bylines.
    if not names or _ascii_mention(text, names) is False:
        return False
    return names_pattern(names).search(text) is not None
