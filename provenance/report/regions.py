"""Where a derived article's reused text sits in the file it was read from.

Alignment works on the *display* text (NFC, hard wraps joined, page furniture
dropped), so its offsets are not file offsets. Each reused span is found
again in the article's text as given: its words in order, separated by any
run of whitespace (a joined hard wrap was a newline in the file), searched
forward from the previous span. Line and column are 1-based; columns count
Unicode code points (SARIF ``columnKind: unicodeCodePoints``), and a line
ends at LF, CRLF or CR. A span that cannot be found (the text was
normalised beyond whitespace) is left out rather than placed wrongly.

Articles read from JSON lines are located at their line only; articles from
``.json`` files and standard input have no position. Where an article is
comes from its :class:`~provenance.model.Origin`, which its reader made.

Not every reused span is worth showing: alignment keeps copied runs of two
words, and many of them are names ("Dmitry Peskov") or glue ("in recent
days"). :func:`is_evidence` decides which spans are evidence of copying;
:attr:`Location.evidence` holds those, longest first, and is what the gate's
reports show and anchor their annotations on.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..errors import InputError
from ..model import ADDED, QUOTED, VERBATIM, Article, Document, Origin, Relation

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Region:
    """A reused span of the derived article, in file coordinates."""

    start_line: int
    start_column: int
    end_line: int
    #: Column just past the last character (exclusive, as in SARIF).
    end_column: int
    #: The text of the span as it appears in the file.
    text: str
    #: ``verbatim`` (copied word for word) or ``rewrite`` (a matched sentence).
    kind: str
    #: Indexes of the source sentences the span was matched to.
    source_sentences: tuple[int, ...]

    @property
    def words(self) -> int:
        return len(_PASSAGE_WORD.findall(self.text))


@dataclass(frozen=True)
class Location:
    """The file an article came from and where its reused text is."""

    #: The path as given on the command line (None for standard input).
    path: str | None
    #: 1-based line of the article's JSON record (JSONL inputs).
    line: int | None = None
    regions: tuple[Region, ...] = ()

    @property
    def first_line(self) -> int | None:
        return self.regions[0].start_line if self.regions else self.line

    @property
    def evidence(self) -> tuple[Region, ...]:
        """The regions that are evidence (:func:`is_evidence`): passages copied
        word for word first, then rewritten sentences, each longest first
        (in file order on a tie)."""
        found = [(region.kind != VERBATIM, -region.words, number, region)
                 for number, region in enumerate(self.regions) if is_evidence(region.text)]
        return tuple(region for *_, region in sorted(found, key=lambda item: item[:3]))


# The words of a passage that two articles on one story share without either
# copying the other: names and their titles, dates, function words, stock phrases.
_PASSAGE_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_APOSTROPHE = re.compile("['’]")
_TITLES = frozenset("""
    president president-elect vice prime minister premier chancellor secretary spokesman spokeswoman
    spokesperson senator governor mayor ambassador envoy general chief deputy mr mrs ms dr
""".split())
_MONTHS = frozenset("""
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
""".split())
_FUNCTION_WORDS = frozenset("""
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would yet you
    your yours yourself yourselves still even ago last next since one two three four five six seven eight
    nine ten hundred thousand million billion per cent percent
""".split())
# Phrases every wire story is written in; a lone reporting verb counts as one.
_STOCK_PHRASES = tuple(tuple(phrase.split()) for phrase in (
    "according to", "in a statement", "told reporters", "news conference", "press conference",
    "news briefing", "press briefing", "on condition of anonymity", "declined to comment",
    "request for comment", "did not immediately respond", "familiar with the matter",
    "unidentified sources", "unidentified source", "local time", "on the phone",
    "said", "says", "say", "told", "added", "adding", "reported", "reports", "asked", "citing", "cited",
    "quoted", "stated", "noted", "announced", "confirmed", "statement", "comment", "comments",
))


def is_evidence(passage: str) -> bool:
    """Whether a reused passage shows copying, and so may be shown as evidence.

    Two articles on one story share names, dates and the stock words of news
    writing whether or not one copied the other, so a passage is evidence only
    if it has more than three words and at least one word that is none of:

    * a name: a capitalised word ("Kremlin", "NATO", "President-elect"), or a
      title that goes with one ("president", "spokesman");
    * a date or number: a word with a digit, a month or weekday name;
    * a function word ("the", "had", "that", "on");
    * part of a stock phrase ("according to", "told reporters", "in a
      statement", a reporting verb such as "said").

    >>> is_evidence("Dmitry Peskov")
    False
    >>> is_evidence("Kremlin spokesman Dmitry Peskov said on Monday")
    False
    >>> is_evidence("denied reports that Donald Trump had spoken to")
    True
    """
    originals = _PASSAGE_WORD.findall(passage)
    if len(originals) <= 3:
        return False
    words = [w.casefold() for w in originals]
    stock = [False] * len(words)
    for start in range(len(words)):
        for phrase in _STOCK_PHRASES:
            if tuple(words[start:start + len(phrase)]) == phrase:
                stock[start:start + len(phrase)] = [True] * len(phrase)
    return any(not covered and not _plain_fact(original, word)
               for original, word, covered in zip(originals, words, stock))


def _plain_fact(original: str, word: str) -> bool:
    """A name, date, number or function word (see :func:`is_evidence`)."""
    base = _APOSTROPHE.split(word, 1)[0]
    return (original[:1].isupper() or any(c.isdigit() for c in word)
            or word in _TITLES or base in _TITLES or base in _MONTHS or base in _FUNCTION_WORDS)


def source_file(article: Article) -> tuple[str | None, int | None, bool]:
    """(path, JSONL line, whether the article's text is the file's text)."""
    origin = Origin.of(article.origin)
    return origin.path, origin.line, origin.whole_file


def problem_file(problem: InputError) -> str | None:
    """The file a problem or skipped part of an input is in (its origin may
    be ``path``, ``path item N`` or ``path record N``); None for standard input."""
    return Origin.of(str(problem.origin)).path


def locate(article: Article, document: Document, relation: Relation | None) -> Location:
    """The file location of ``article`` and, for a plain-text file, the regions
    of its text reused from ``relation``'s source: word-for-word copied spans,
    or for matched sentences without any, the whole sentence (not the
    quotations both texts carry: they are no evidence of reuse)."""
    path, line, is_text = source_file(article)
    if not is_text or relation is None:
        return Location(path, line)
    finder = _Finder(article.text)
    regions = []
    for row in relation.ledger.sentences:
        if row.label in (ADDED, QUOTED):  # a shared quotation is no evidence of reuse
            continue
        sentence = document.sentences[row.index]
        spans = row.verbatim_spans or ((0, len(sentence.text)),)
        kind = VERBATIM if row.verbatim_spans else "rewrite"
        for start, end in spans:
            region = finder.find(sentence.text[start:end], kind, row.source_indexes)
            if region is not None:
                regions.append(region)
    return Location(path, line, tuple(regions))


class _Finder:
    """Forward search of display-text spans in the raw text, with line/column."""

    def __init__(self, raw: str):
        self.raw = raw
        self.cursor = 0
        self.line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(raw)]

    def find(self, span: str, kind: str, sources: tuple[int, ...]) -> Region | None:
        words = _WORD.findall(span)
        if not words:
            return None
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
        match = pattern.search(self.raw, self.cursor) or pattern.search(self.raw)
        if match is None:
            return None
        self.cursor = match.end()
        start_line, start_column = self._position(match.start())
        end_line, end_column = self._position(match.end())
        return Region(start_line, start_column, end_line, end_column, match.group(0), kind, tuple(sources))

    def _position(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1
