"""Display text: Unicode normalised, hard wraps joined, page furniture
removed; and the folding that matching applies on top of it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from ..config import MIN_WRAPPED_LINE
from .attribution import starts_attribution

# Control characters, C1 controls, and every format character (Unicode
# category Cf: zero-width spaces and joiners, direction marks and isolates,
# invisible operators, tags), the combining grapheme joiner and variation
# selectors. Inserted
# into words they would hide a verbatim copy from matching.
# (Format characters live in the first two planes and among the tags of
# plane 14; planes 2-13 hold none. Scanning only those keeps start-up quick;
# a test checks the whole range gives the same.)
_FORMAT_RANGES = (range(0xA0, 0x20000), range(0xE0000, 0xE0080))


_INVISIBLE = dict.fromkeys(
    c for c in range(0x20) if chr(c) not in "\n\t\v\f"
) | dict.fromkeys(range(0x7F, 0xA0)) | dict.fromkeys(
    c for codes in _FORMAT_RANGES for c in codes if unicodedata.category(chr(c)) == "Cf"
) | {0x34F: None} | dict.fromkeys(range(0xFE00, 0xFE10)) | dict.fromkeys(range(0xE0100, 0xE01F0))


# Line and paragraph separators of every kind become newlines (after CRLF
# pairs become one). U+2028 and U+2029 also crash the sentence segmenter.
_LINE_BREAKS = dict.fromkeys(map(ord, "\r\v\f\x85\u2028\u2029"), "\n")


# Tabs and every other space become plain spaces; invisible characters go.
_SPACES = dict.fromkeys(map(ord, "\t\u00a0\u1680\u202f\u205f\u3000"), " ") | dict.fromkeys(range(0x2000, 0x200B), " ")


_AFTER_NFC = _INVISIBLE | _SPACES


_QUOTES = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"', "‹": "'", "›": "'",
    "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "‐": "-", "‑": "-",
})


def normalise_display(raw: str) -> str:
    """NFC, unified newlines and spaces, control and zero-width characters removed."""
    # Tables, not regular expressions: a translation is one pass, and an
    # alternation or character class costs more than the rest together.
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").translate(_LINE_BREAKS))
    return text.translate(_AFTER_NFC)


def fold(text: str) -> str:
    """The matching form of a string: compatibility-normalised, casefolded,
    quotes and dashes unified."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()


_FURNITURE = re.compile(
    r"""^(?:
        \d+\s+comments?|comments?|no\s+comments?|leave\s+a\s+comment
      | related(?:\s+(?:articles?|stories|news|posts|content|coverage|topics))?:?
      | share(?:\s+(?:this|the))?(?:\s+(?:article|story|page|post))?
      | share\s+(?:on|via)\s+(?:facebook|twitter|x|linkedin|whatsapp|telegram|email|reddit)
      | (?:tweet|email|print|save|copy\s+link|whatsapp|facebook|twitter|linkedin|telegram|reddit)
      | advertisement|advert|sponsored(?:\s+content)?|read\s+more|see\s+also|more\s+from\s+\w+
      | subscribe(?:\s+now)?|sign\s+up(?:\s+(?:now|here|today))?
      | sign\s+up\s+(?:for|to)\s+(?:our|the)\s+\w+\s+newsletter|follow\s+us(?:\s+on\s+\w+)?
      | \d+\s+min(?:ute)?s?(?:\s+read)?|\d+\s+(?:hours?|minutes?|days?)\s+ago
      | [a-z]+(?:_[a-z]+)+                      # template or widget identifiers
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


_SENTENCE_END = re.compile(r"""[.!?:;]['"’”»)\]]*\s*$""")




def is_furniture(line: str) -> bool:
    """A whole line of page chrome: share widgets, comment counters, 'Related'."""
    return bool(_FURNITURE.match(line.strip()))


class _Paragraph(NamedTuple):
    text: str
    #: The paragraph ended at a blank line (rather than a single newline).
    blank_after: bool


def paragraphs(text: str) -> list[_Paragraph]:
    """Split display text into paragraphs, joining hard-wrapped lines.

    A line break is a soft wrap when the line is long enough to have been
    wrapped and does not end a sentence, or when the next line starts in
    lower case; short lines (dates, site names, headings) stay on their own.
    """
    out: list[_Paragraph] = []
    current: list[str] = []

    def close(blank_after: bool) -> None:
        if current:
            out.append(_Paragraph(" ".join(current), blank_after))
            current.clear()

    lines = [line.strip() for line in text.split("\n")]
    # Blank lines and page furniture break paragraphs (each line is asked once).
    breaks = [not line or is_furniture(line) for line in lines]
    widest = max(map(len, lines), default=0)
    min_wrapped = max(20, min(MIN_WRAPPED_LINE, widest // 2))
    last = len(lines) - 1
    for i, line in enumerate(lines):
        if breaks[i]:
            close(blank_after=True)
            continue
        current.append(line)
        if i == last or breaks[i + 1]:
            continue  # closed on the next iteration
        if not _soft_wrap(line, lines[i + 1], min_wrapped):
            close(blank_after=False)
    close(blank_after=True)
    return [p for p in out if p.text.strip()]


def _soft_wrap(line: str, following: str, min_wrapped: int) -> bool:
    if starts_attribution(following) or starts_attribution(line):
        return False  # datelines, bylines, credit and site lines stand alone
    if following[:1].islower():
        return True
    return len(line) >= min_wrapped and not _SENTENCE_END.search(line)
