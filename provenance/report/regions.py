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
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..model import ADDED, VERBATIM, Article, Document, Origin, Relation

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


def source_file(article: Article) -> tuple[str | None, int | None, bool]:
    """(path, JSONL line, whether the article's text is the file's text)."""
    origin = Origin.of(article.origin)
    return origin.path, origin.line, origin.whole_file


def locate(article: Article, document: Document, relation: Relation | None) -> Location:
    """The file location of ``article`` and, for a plain-text file, the regions
    of its text reused from ``relation``'s source: word-for-word copied spans,
    or for matched sentences without any, the whole sentence."""
    path, line, is_text = source_file(article)
    if not is_text or relation is None:
        return Location(path, line)
    finder = _Finder(article.text)
    regions = []
    for row in relation.ledger.sentences:
        if row.label == ADDED:
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
