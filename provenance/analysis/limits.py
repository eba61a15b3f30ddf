"""How much of one article analysis reads.

An article past the limits of :class:`~provenance.config.FingerprintSettings`
(``max_article_chars``, ``max_sentences``, ``max_sentence_words``) is cut:
its text to the first characters, its sentences to the first ones, a
sentence of more words (a text without punctuation) into pieces. The limits
lie far above any news article; they bound what a hostile input costs, its
analysis and the sentence-by-sentence matrices of a pair. Each cut article
gives one :class:`ArticleCut` warning naming it and what was cut, which the
command line prints as one ``warning:`` line.

>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     warn_cut("big.txt", ["cut to the first 2,000,000 characters (of 52,428,800)"])
>>> str(caught[0].message)
'big.txt: cut to the first 2,000,000 characters (of 52,428,800)'
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

from .tokens import _TOKEN

#: How far back from a character limit the cut looks for a space, so as not
#: to split a word (a longer run without one is cut where the limit falls).
_WORD_SLACK = 64

_SPACE = re.compile(r"\s")


class ArticleCut(UserWarning):
    """An article was cut to the analysis limits; the message names it (its
    origin, else its id) and says what was cut."""


def cut_text(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``text`` (all of it when shorter),
    less the part of a word the cut would split."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not text[limit].isspace():
        tail = head[-_WORD_SLACK:]
        spaces = [m.start() for m in _SPACE.finditer(tail)]
        if spaces:
            head = head[: len(head) - len(tail) + spaces[-1]]
    return head.rstrip()


def split_words(start: int, piece: str, max_words: int) -> list[tuple[int, str]]:
    """``piece`` (at ``start``) as pieces of at most ``max_words`` tokens,
    each a slice of it cut before a token, with its own start."""
    if (len(piece) + 1) // 2 <= max_words:  # too short to hold more tokens
        return [(start, piece)]
    marks = [m.start() for m in islice(_TOKEN.finditer(piece), 0, None, max_words)][1:]
    if not marks:
        return [(start, piece)]
    bounds = [0, *marks, len(piece)]
    return [(start + a, piece[a:b].rstrip()) for a, b in zip(bounds, bounds[1:])]


def limit_sentences(pieces: Iterable[tuple[int, str]], max_sentences: int,
                    max_words: int) -> tuple[list[tuple[int, str]], int, int]:
    """The first ``max_sentences`` of ``pieces`` (sentences holding a token,
    each as its start and text), a longer one split into pieces of at most
    ``max_words`` tokens; also how many sentences there are in all (so
    split), and how many were split."""
    kept: list[tuple[int, str]] = []
    total = split = 0
    for start, piece in pieces:
        parts = split_words(start, piece, max_words)
        if len(parts) > 1:
            split += 1
        total += len(parts)
        if len(kept) < max_sentences:
            kept.extend(parts[: max_sentences - len(kept)])
    return kept, total, split


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def warn_cut(name: str, cuts: list[str]) -> None:
    """One :class:`ArticleCut` warning: ``name: cut; cut``."""
    warnings.warn(ArticleCut(f"{name}: " + "; ".join(cuts)), stacklevel=3)


@contextmanager
def caught_cuts() -> Iterator[list[str]]:
    """The :class:`ArticleCut` messages warned inside the block, caught
    rather than shown: for a worker process to send back with its results,
    and the process that shows warnings to give again (:func:`rewarn`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ArticleCut)
        found: list[str] = []
        yield found
    for record in caught:
        if issubclass(record.category, ArticleCut):
            found.append(str(record.message))
        else:  # not ours: shown as it would have been
            warnings.warn_explicit(record.message, record.category, record.filename, record.lineno)


def rewarn(messages: Iterable[str]) -> None:
    """Warn again the :class:`ArticleCut` messages :func:`caught_cuts` caught."""
    for message in messages:
        warnings.warn(ArticleCut(message), stacklevel=2)
