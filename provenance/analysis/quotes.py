"""Quotations: the spans of a text inside quotation marks that a speaker is
said to have spoken, and the short attribution frames beside them.

A quotation both texts attribute to the same speaker is evidence that they
tell the same story, not that one reused the other's prose: anyone at the
briefing, or reading any agency, has it. The ledger reads these spans to
tell a shared quotation (``quoted``) from the source's own words.

Marks read: straight and curly double quotes, low-high German quotes,
guillemets either way round (French and Russian ``« »``, German ``» «``),
single guillemets, and single quotes as British papers use them (``'...'``
and ``‘...’``), told apart from apostrophes (``don't``, ``Putin's``,
``players'``) by what stands either side. A quotation stays within its
paragraph: a quote left open at a paragraph's end (the convention for a
quotation running over several paragraphs) closes there.

A span counts as a quotation when it holds at least :data:`MIN_QUOTE_WORDS`
words and its paragraph attributes it -- a verb of saying (``said``,
``told``, ``added``, ``insisted``...), ``according to``, or a colon before
the quote. Shorter marked phrases are scare quotes or titles, and a quoted
passage nobody is said to have spoken is a title or a term, not testimony.

>>> text = '"This is pure fiction," Peskov said.'
>>> [text[a:b] for a, b in quotations(text)]
['"This is pure fiction,"']
>>> [text[a:b] for a, b in attribution_frames(text, quotations(text))]
[' Peskov said.']
>>> quotations("The players' union said it's Putin's 'so-called' plan.")
()
"""

from __future__ import annotations

import re

from ..model import Span

#: Fewest words inside marks for a quotation (fewer: a scare quote, a title).
MIN_QUOTE_WORDS = 3

#: Most words in an attribution frame ("Kremlin spokesman Dmitry Peskov
#: told reporters at a briefing on Monday"): a longer stretch beside a
#: quotation is the writer's own sentence.
MAX_FRAME_WORDS = 12

_WORD = re.compile(r"\w+(?:['’]\w+)*")

# Verbs and phrases of saying that attribute a quotation (the past, present
# and a few nouns: "in a statement", "told reporters").
_SAYING = re.compile(
    r"""\b(?:
        said|says|say|saying|told|tells|added|adds|stated|states|declared|insisted|insists|explained|explains
      | noted|notes|replied|replies|answered|asked|asks|warned|warns|claimed|claims|argued|argues|wrote|writes
      | commented|comments|continued|recalled|stressed|stresses|emphasi[sz]ed|announced|announces|admitted
      | denied|denies|confirmed|confirms|described|describes|called|calls|urged|urges|pleaded|shouted|cried
      | testified|told\s+reporters|quoted|quoting|according\s+to|in\s+a\s+statement|statement
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)

# Opening mark -> the closing marks that end it.
_DOUBLE_PAIRS = {'"': '"', "“": "”\"", "„": "“”\"", "«": "»", "»": "«", "‹": "›", "›": "‹"}
_SINGLE_OPEN = "'‘‚"
_SINGLE_CLOSE = "'’"
_LETTER_OR_DIGIT = re.compile(r"\w")
_MARKS = re.compile("[\"“”„«»‹›'‘‚’]")
#: Any quotation mark (a text without one holds no quotation).
MARKS = _MARKS


def _opens_single(text: str, at: int) -> bool:
    """Whether the single quote at ``at`` opens a quotation: after a space,
    an opening bracket or dash, or the start, and before a word character
    (so not an apostrophe inside or after a word)."""
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:\"“") and bool(_LETTER_OR_DIGIT.match(after) or after in "‘\"“")


def _closes_single(text: str, at: int) -> bool:
    """Whether the single quote at ``at`` can close one: after a word
    character or a mark of punctuation, and before a space, the end, or
    punctuation (so not the apostrophe of ``don't``)."""
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return not before.isspace() and (after.isspace() or after in ".,;:!?)]}—–-\"”")


def marked_spans(paragraph: str) -> list[Span]:
    """The spans of one paragraph inside quotation marks, marks included
    (outermost only; a quote left open closes at the paragraph's end)."""
    spans: list[Span] = []
    n = len(paragraph)
    # Only the marks are visited, not every character.
    marks = [m.start() for m in _MARKS.finditer(paragraph)]
    k, done = 0, 0
    while k < len(marks):
        i = marks[k]
        k += 1
        if i < done:
            continue
        char = paragraph[i]
        if char in _DOUBLE_PAIRS:
            closers = _DOUBLE_PAIRS[char]
            if char == '"' and i + 1 < n and paragraph[i + 1].isspace() and i and not paragraph[i - 1].isspace():
                continue  # a straight quote after a word and before a space closes, it cannot open
            end = next((j for j in marks[k:] if paragraph[j] in closers), n - 1)
        elif char in _SINGLE_OPEN and _opens_single(paragraph, i):
            end = next((j for j in marks[k:] if j > i + 1 and paragraph[j] in _SINGLE_CLOSE
                        and _closes_single(paragraph, j)), -1)
            if end < 0:
                continue
        else:
            continue
        spans.append((i, end + 1))
        done = end + 1
    return spans


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def quotations(text: str) -> tuple[Span, ...]:
    """The spans of ``text`` (marks included) that are attributed
    quotations of at least :data:`MIN_QUOTE_WORDS` words, paragraph by
    paragraph (paragraphs end at a line break)."""
    found: list[Span] = []
    start = 0
    for paragraph in text.split("\n"):
        if paragraph:
            spans = [s for s in marked_spans(paragraph) if _words(paragraph[s[0] : s[1]]) >= MIN_QUOTE_WORDS]
            if spans and _attributed(paragraph, spans):
                found.extend((start + a, start + b) for a, b in spans)
        start += len(paragraph) + 1
    return tuple(found)


def _attributed(paragraph: str, spans: list[Span]) -> bool:
    """Whether the paragraph says who spoke: a verb of saying outside the
    marks, a colon just before a quote, or a paragraph that is all quotation
    (a quotation running on from the paragraph before)."""
    outside = _outside(paragraph, spans)
    if any(_SAYING.search(paragraph[a:b]) for a, b in outside):
        return True
    if any(paragraph[:a].rstrip().endswith(":") for a, _ in spans):
        return True
    return sum(_words(paragraph[a:b]) for a, b in outside) == 0


def _outside(text: str, spans: tuple[Span, ...] | list[Span], start: int = 0, end: int | None = None) -> list[Span]:
    """The stretches of ``text[start:end]`` outside ``spans`` (sorted, within it)."""
    end = len(text) if end is None else end
    out, at = [], start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        if a > at:
            out.append((at, a))
        at = max(at, b)
    if at < end:
        out.append((at, end))
    return out


def attribution_frames(text: str, quotes: tuple[Span, ...], start: int = 0, end: int | None = None) -> list[Span]:
    """The stretches of ``text[start:end]`` (one sentence) outside its
    quotations that only say who spoke: beside a quotation, holding a verb
    of saying, and at most :data:`MAX_FRAME_WORDS` words ("Kremlin
    spokesman Dmitry Peskov told reporters")."""
    end = len(text) if end is None else end
    inside = [(a, b) for a, b in quotes if a < end and b > start]
    if not inside:
        return []
    frames = []
    for a, b in _outside(text, inside, start, end):
        stretch = text[a:b]
        words = _words(stretch)
        if words and words <= MAX_FRAME_WORDS and _SAYING.search(stretch):
            frames.append((a, b))
    return frames


def quoted_mask(text: str, token_starts: list[int]) -> list[bool]:
    """For tokens starting at ``token_starts`` (offsets in ``text``, sorted),
    whether each lies in a quotation (see :func:`quotations`)."""
    quotes = quotations(text)
    if not quotes:
        return [False] * len(token_starts)
    out, k = [], 0
    for at in token_starts:
        while k < len(quotes) and quotes[k][1] <= at:
            k += 1
        out.append(k < len(quotes) and quotes[k][0] <= at)
    return out
