"""Datelines, bylines, credit lines, site names and dates.

Pure functions over one paragraph or sentence at a time: the text stage uses
them to separate an article's attribution lines from its body and to sniff
metadata, the judge uses them to decide whether a derived text credits its
source in its own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date

#: Wire agencies and the names they go by. Used to recognise a wire dateline
#: and to credit a wire under any of its names.
WIRE_AGENCIES: dict[str, tuple[str, ...]] = {
    "Reuters": ("Reuters", "Thomson Reuters"),
    "AP": ("AP", "Associated Press"),
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "PA": ("PA", "Press Association", "PA Media", "PA News"),
    "Bloomberg": ("Bloomberg",),
    "dpa": ("dpa", "Deutsche Presse-Agentur"),
    "TASS": ("TASS", "ITAR-TASS"),
    "Interfax": ("Interfax",),
    "RIA Novosti": ("RIA Novosti", "RIA"),
    "Xinhua": ("Xinhua",),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "Yonhap": ("Yonhap",),
    "UPI": ("UPI", "United Press International"),
    "ANSA": ("ANSA",),
    "EFE": ("EFE",),
    "PTI": ("PTI", "Press Trust of India"),
    "AAP": ("AAP", "Australian Associated Press"),
    "Ukrinform": ("Ukrinform",),
}

_ALIAS_TO_WIRE = {alias.casefold(): name for name, aliases in WIRE_AGENCIES.items() for alias in aliases}

_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_PREFIX = re.compile(
    rf"""^\s*(?P<label>(?:date|published|updated|posted|last\s+updated)(?:\s+on)?\s*:?\s+)?(?:{_WEEKDAY},?\s*)?
    (?:
        (?P<iso>(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}}))(?:[T\s]\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\.\d+)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?
      | (?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})
      | (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}})
    )
    (?:,?\s+\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{{2,4}})?)?
    (?P<end>\s*[-–—|:]+\s*|\s*$|\s+)""",
    re.IGNORECASE | re.VERBOSE,
)
_DATELINE = re.compile(
    r"""^(?P<place>[A-Z][A-Z'’.\-]+(?:\s[A-Z][A-Z'’.\-]+){0,3}(?:,\s*[A-Z][A-Za-z.\-]+(?:\s[A-Z][A-Za-z.\-]+){0,2})?)
    (?:,\s*(?P<when>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?
    \s*\((?P<agency>[A-Z][A-Za-z .&'-]{1,30})\)\s*[-–—]+\s*""",
    re.VERBOSE,
)
_BYLINE = re.compile(r"^By\s+(?P<names>[A-Z][\w.'’-]*(?:[\s,;&/]+(?:and\s+)?[A-Z][\w.'’-]*)*)\s*$")
_NOT_A_NAME = re.compile(
    rf"^(?:the|a|an|this|that|our|{_WEEKDAY}|{_MONTH}|noon|midnight|now|then)$", re.IGNORECASE
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


@dataclass(frozen=True, slots=True)
class Attribution:
    """An attribution element found in an article's own text."""

    kind: str  # "date" | "dateline" | "byline" | "credit" | "site"
    text: str
    #: Outlet, agency or person names the element mentions.
    names: tuple[str, ...] = ()


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


def parse_date_prefix(text: str) -> tuple[str, int] | None:
    """An ISO date and the offset after it, when ``text`` starts with a date."""
    match = _DATE_PREFIX.match(text)
    if not match:
        return None
    if not match["label"] and match["end"].strip() == "" and text[match.end():].strip():
        # "March 3, 2020 was the day ...": a sentence that opens with a date.
        return None
    if match.group("iso"):
        year, month, day = int(match["iy"]), int(match["im"]), int(match["id"])
    else:
        year = int(match["y1"] or match["y2"])
        day = int(match["d1"] or match["d2"])
        month = _MONTHS[(match["m1"] or match["m2"]).lower()[:3]]
    try:
        when = date(year, month, day)
    except ValueError:
        return None
    return (when.isoformat(), match.end()) if 1800 <= year <= 2200 else None


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
    if len(line) > 300:
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
            out.append(canonical_outlet(part) if part.casefold() in _ALIAS_TO_WIRE else part)
    return out


def canonical_outlet(name: str) -> str:
    """The canonical name of a wire agency, or ``name`` itself."""
    return _ALIAS_TO_WIRE.get(name.strip().casefold(), name.strip())


def is_wire(outlet: str | None) -> bool:
    return outlet is not None and outlet.strip().casefold() in _ALIAS_TO_WIRE


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
        aliases = sorted(_ALIAS_TO_WIRE, key=len, reverse=True)
        _WIRE_PATTERN = names_pattern(
            [a for name, group in WIRE_AGENCIES.items() for a in group if a.casefold() in aliases]
        )
    return _WIRE_PATTERN


@lru_cache(maxsize=4096)  # a scan asks it for the same few outlets, pair after pair
def aliases_of(outlet: str) -> tuple[str, ...]:
    """Every name under which ``outlet`` may be credited."""
    canonical = canonical_outlet(outlet)
    names = list(WIRE_AGENCIES.get(canonical, (outlet,)))
    if outlet not in names:
        names.append(outlet)
    domain = re.match(r"^(?:www\.)?([a-z0-9-]+)\.[a-z.]+$", outlet.lower())
    if domain:
        names.append(domain.group(1))
    return tuple(dict.fromkeys(names))


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
