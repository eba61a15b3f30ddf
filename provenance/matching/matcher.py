"""The sentence-matcher door: how alike each derived sentence is to each
source sentence, for the ledger to match, merge and label.

A matcher takes the two documents and returns a :class:`SentenceMatch`: the
similarity of every derived sentence with every source sentence (0 to 1,
cosine-like) and, optionally, the products of the source sentences' vectors
with each other, which let the ledger merge neighbouring source sentences
that one derived sentence condenses (without them, no merging). Matchers are
chosen by name or given as a factory (``Settings(matcher=...)``), like
scikit-learn's ``analyzer``; the TF-IDF matcher is the first, registered as
``tfidf``. Third-party matchers register through the entry-point group
``provenance.matchers`` (a factory taking the shared vocabulary).

>>> from provenance.matching.tfidf import Vectoriser
>>> type(make_matcher("tfidf", Vectoriser())).__name__
'TfidfMatcher'
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np

from ..errors import ConfigError
from ..model import Document
from ..plugins import Registry
from .tfidf import Vectoriser

#: The entry-point group third-party matchers register in.
ENTRY_POINT_GROUP = "provenance.matchers"


class SentenceMatch(Protocol):
    """What the ledger reads of a matcher's answer for one pair."""

    #: (derived sentences x source sentences) similarities from 0 to 1.
    similarity: np.ndarray
    #: (source x source) products of the source sentences' unit vectors, or
    #: None: merging source sentences is then not tried.
    gram: np.ndarray | None
    #: Made by the compiled engine (the ledger may then use its own kernels).
    compiled: bool


@dataclass(frozen=True)
class Match:
    """A :class:`SentenceMatch` for matchers to return. A matcher that
    raises some scores above what the words give (the ``meaning`` matcher)
    also returns the words' own scores as ``lexical`` (``gram`` holds their
    vectors' products), and the raising scores as ``meaning``, with the
    products of the source rows in that space (``meaning_gram``) and the
    factor that puts a ``meaning`` score on the ledger's scale
    (``meaning_scale``): the ledger finds each sentence's best group of
    source sentences in each space, merging in one space at a time, and
    keeps the higher; ``similarity`` is the higher of the two scores cell
    by cell (what gaps are filled on)."""

    similarity: np.ndarray
    gram: np.ndarray | None = None
    compiled: bool = False
    lexical: np.ndarray | None = None
    meaning: np.ndarray | None = None
    meaning_gram: np.ndarray | None = None
    meaning_scale: float = 1.0


class SentenceMatcher(ABC):
    """Scores every derived sentence against every source sentence."""

    #: The name it is registered under.
    name: ClassVar[str] = ""

    @abstractmethod
    def match(self, derived: Document, source: Document) -> SentenceMatch:
        """The similarity of each of ``derived``'s sentences with each of ``source``'s."""

    def forget(self, document: Document) -> None:  # noqa: B027 - most matchers keep nothing
        """Drop whatever is kept about ``document`` (it will not be asked for again)."""


class TfidfMatcher(SentenceMatcher):
    """Cosine of TF-IDF vectors of word and character n-grams, weighted over
    the two texts (see :mod:`provenance.matching.tfidf`)."""

    name = "tfidf"

    def __init__(self, vocabulary: Vectoriser):
        self.vectoriser = vocabulary

    def match(self, derived: Document, source: Document) -> SentenceMatch:
        return self.vectoriser.pair(derived, source)

    def forget(self, document: Document) -> None:
        self.vectoriser.forget(document)


MatcherFactory = Callable[[Vectoriser], SentenceMatcher]


def _meaning(vocabulary: Vectoriser) -> SentenceMatcher:
    """The meaning-aware matcher (imported when asked for: it loads a model)."""
    from .meaning import MeaningMatcher

    return MeaningMatcher(vocabulary)


#: The sentence matchers by name.
MATCHERS: Registry[MatcherFactory] = Registry(ENTRY_POINT_GROUP, "a sentence matcher",
                                              {"tfidf": TfidfMatcher, "meaning": _meaning})


def register_matcher(name: str, factory: MatcherFactory, *, replace: bool = False) -> None:
    """Make ``factory`` (called with the shared :class:`Vectoriser`)
    available as ``Settings(matcher=name)``."""
    MATCHERS.register(name, factory, replace=replace)


def unregister_matcher(name: str) -> None:
    """Take the matcher ``name`` out of the registry (the built-in stays)."""
    MATCHERS.unregister(name)


def matcher_names() -> tuple[str, ...]:
    """The registered matchers' names, the built-in first."""
    return MATCHERS.names()


def make_matcher(spec: str | MatcherFactory, vocabulary: Vectoriser) -> SentenceMatcher:
    """The matcher ``spec`` names (or makes, when it is a factory), sharing ``vocabulary``."""
    if callable(spec):
        made = spec(vocabulary)
    else:
        made = MATCHERS.require(spec)(vocabulary)
    if not isinstance(made, SentenceMatcher):
        raise ConfigError(f"sentence matcher {spec!r} made {type(made).__name__}, not a SentenceMatcher")
    return made


def check_matcher(spec: str | MatcherFactory) -> None:
    """Raise :class:`~provenance.errors.ConfigError` now if ``spec`` names no
    matcher (a scan checks before its first pair, so that a scan with no
    pairs to judge does not report a matcher that does not exist)."""
    if not callable(spec):
        MATCHERS.require(spec)
