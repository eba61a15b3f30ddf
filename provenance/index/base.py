"""The interface every index backend implements, and the records it takes
and gives: :class:`StoredArticle` in, :class:`AddReport`, :class:`IndexEntry`
and :class:`IndexInfo` out.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..candidates.bands import lsh_layout
from ..candidates.containment import CONTAINMENT, containment_counts, query_containment
from ..codec import encode_document
from ..config import DEFAULT_SETTINGS, Settings
from ..errors import IncompatibleIndexError, IndexStoreError
from ..model import CONTENT, GRANULARITIES, WORDS, Document, Signature


class CandidateIndex(ABC):
    """Signatures by id, and which of them could be near a query.

    A backend implements the abstract methods; the others have defaults
    built on them (persistent backends override :meth:`best` to avoid
    loading every hit). Used as a context manager it closes on exit.
    """

    #: Short name of the storage: "memory", "sqlite", "redis", or a plug-in's.
    backend = "memory"
    #: Where the index lives, as messages and reports show it.
    location = "<memory>"

    def __init__(self, settings: Settings = DEFAULT_SETTINGS):
        self.settings = settings

    # --- what each backend implements ---------------------------------------------

    @abstractmethod
    def add(self, signature: Signature) -> None:
        """Store one signature under its id (without a document)."""

    @abstractmethod
    def add_documents(self, entries: Iterable[StoredArticle], *, replace: bool = False) -> AddReport:
        """Store ``entries`` (see :func:`stored_article`) in one transaction, as :class:`AddReport` tells."""

    @abstractmethod
    def remove(self, keys: Iterable[str]) -> tuple[str, ...]:
        """Remove ``keys`` in one transaction; returns the ids that were stored."""

    @abstractmethod
    def _lsh_query(self, signature: Signature) -> set[str]:
        """Ids whose LSH buckets meet ``signature``'s at any granularity."""

    @abstractmethod
    def signature_of(self, key: str) -> Signature:
        """The stored signature of ``key`` (KeyError when it is not stored)."""

    @abstractmethod
    def documents(self, keys: Iterable[str]) -> dict[str, Document]:
        """The analysed documents stored under ``keys`` (KeyError for one not stored)."""

    @abstractmethod
    def digests(self, keys: Iterable[str]) -> dict[str, str]:
        """Text digests (:func:`text_digest`) of the stored ``keys`` that have one."""

    @abstractmethod
    def entries(self) -> Iterator[IndexEntry]:
        """Every stored article's metadata, by id."""

    @abstractmethod
    def info(self) -> IndexInfo:
        """What ``provenance index info`` reports: size, parameters, bands."""

    def verify(self) -> int:
        """Read every stored article back; the number read, or :class:`IndexStoreError` naming the first damage."""
        count = 0
        keys = [entry.id for entry in self.entries()]
        for start in range(0, len(keys), 500):  # a few round trips per 500 articles, not three per article
            chunk = keys[start : start + 500]
            for key in chunk:
                self.signature_of(key)
            # Stored with its text (an API add may store a signature alone).
            self.documents([key for key, digest in self.digests(chunk).items() if digest])
            count += len(chunk)
        if count != len(self):
            raise damaged(self.location, f"it lists {count} articles but counts {len(self)}")
        return count

    @abstractmethod
    def __contains__(self, key: object) -> bool:
        """Whether an article is stored under ``key``."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of stored articles."""

    # --- built on them ------------------------------------------------------------

    def query(self, signature: Signature) -> list[tuple[str, float]]:
        """Stored ids near ``signature``, with the best estimated Jaccard
        relative to its granularity's threshold, best first."""
        found = []
        for key in self._lsh_query(signature):
            ratio = self.ratio(signature, self.signature_of(key))
            if ratio >= 1.0:
                found.append((key, ratio))
        found.sort(key=lambda item: (-item[1], item[0]))
        return found

    def best(self, signature: Signature, limit: int | None = None,
             floors: dict[str, float] | None = None) -> list[tuple[str, float]]:
        """The first ``limit`` of :meth:`query`'s answer, keeping only stored
        signatures whose estimate reaches ``floors`` (granularity -> Jaccard)
        at some granularity, or whose containment reaches ``floors``'
        :data:`~provenance.candidates.containment.CONTAINMENT` (:meth:`keeps`)."""
        found = []
        for key, ratio in self.query(signature):
            if limit is not None and len(found) >= limit:
                break
            if self.keeps(signature, self.signature_of(key), floors):
                found.append((key, ratio))
        return found

    def add_all(self, signatures: Iterable[Signature]) -> None:
        """:meth:`add` each of ``signatures``."""
        for sig in signatures:
            self.add(sig)

    def thresholds(self) -> dict[str, float]:
        """granularity -> the LSH threshold of this index's settings."""
        return {
            WORDS: self.settings.candidates.word_lsh_threshold,
            CONTENT: self.settings.candidates.content_lsh_threshold,
        }

    def ratio(self, signature: Signature, stored: Signature) -> float:
        """The estimate :meth:`query` ranks by: the best Jaccard estimate
        relative to its granularity's threshold, or the query's containment
        in the stored text (:meth:`containment`) relative to
        ``content_containment``, whichever is greater (a hit when >= 1)."""
        thresholds = self.thresholds()
        best = max(signature.jaccard(stored, g) / thresholds[g] for g in GRANULARITIES)
        return max(best, self.containment(signature, stored) / self.settings.candidates.content_containment)

    def containment(self, signature: Signature, stored: Signature) -> float:
        """How much of the query's content words lie in the stored text's
        (:mod:`provenance.candidates.containment`): a short article's
        containment in the long story it was written from is high where
        their Jaccard is not. 0 when it reaches ``content_containment`` on
        fewer than ``containment_min_shared`` distinct shared words."""
        knobs = self.settings.candidates
        query, other = signature.values[CONTENT], stored.values[CONTENT]
        equal, query_least, _ = containment_counts(query, other)
        return float(query_containment(query, lambda rows: other[None, :][rows], np.array([equal]),
                                       np.array([query_least]), self.settings.fingerprint,
                                       knobs.containment_min_shared, knobs.content_containment)[0])

    def bands(self) -> dict[str, tuple[int, int]]:
        """(bands, rows per band) of the LSH at each granularity, as datasketch
        chooses them for the current thresholds."""
        return {g: lsh_layout(t, self.settings.fingerprint.num_perm) for g, t in self.thresholds().items()}

    @staticmethod
    def passes(signature: Signature, stored: Signature, floors: dict[str, float] | None) -> bool:
        """Whether some granularity's Jaccard estimate reaches its floor."""
        return floors is None or any(signature.jaccard(stored, g) >= floors[g] for g in GRANULARITIES)

    def keeps(self, signature: Signature, stored: Signature, floors: dict[str, float] | None) -> bool:
        """Whether ``stored`` passes ``floors``: :meth:`passes`, or, when the
        floors name :data:`~provenance.candidates.containment.CONTAINMENT`,
        the containment estimate (:meth:`containment`) reaches that floor (a
        short text of the same story, whose Jaccard no floor for texts of
        like length would pass)."""
        if self.passes(signature, stored, floors):
            return True
        floor = floors.get(CONTAINMENT) if floors else None
        return floor is not None and self.containment(signature, stored) >= floor - 1e-12

    def close(self) -> None:
        """Release the connection or file handle (nothing to release in memory)."""

    def __enter__(self) -> CandidateIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- for backends -------------------------------------------------------------

    def _stored_info(self, meta: dict[str, str], size_bytes: int | None, **details: str) -> IndexInfo:
        """What a persistent backend reports of itself, from the metadata it
        stored when built, with its own ``details`` after the common ones."""
        common = {key: meta.get(key, "") for key in ("format", "created_by", "generation")}
        return IndexInfo(location=self.location, backend=self.backend, articles=len(self),
                         parameters=stored_parameters(self.location, meta), bands=self.bands(), size_bytes=size_bytes,
                         details={**common, **details})

    def _collides(self, signature: Signature, stored: Signature, bands: dict[str, tuple[int, int]]) -> bool:
        """Whether ``stored`` shares an LSH bucket with ``signature`` at any
        granularity: all hash values of some band equal."""
        for granularity, (b, r) in bands.items():
            mine, theirs = signature.values[granularity][: b * r], stored.values[granularity][: b * r]
            if np.any(np.all((mine == theirs).reshape(b, r), axis=1)):
                return True
        return False


@dataclass(frozen=True)
class StoredArticle:
    """Everything an index stores for one article, already encoded.

    Built where the article is analysed (possibly in a worker process), so
    only compact bytes travel back to the process that writes the index.
    """

    signature: Signature
    #: :func:`provenance.codec.encode_document` of the analysed document (None: signature only).
    document: bytes | None
    #: :func:`text_digest` of the article text as given, to recognise an unchanged re-add.
    digest: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    origin: str | None = None
    words: int = 0

    @property
    def id(self) -> str:
        return self.signature.id


def stored_article(signature: Signature, document: Document | None, digest: str = "") -> StoredArticle:
    """What an index stores of ``document`` (or of the signature alone)."""
    if document is None:
        return StoredArticle(signature, None, digest)
    return StoredArticle(
        signature, encode_document(document), digest, document.title, document.outlet,
        document.published, document.url, document.origin, document.word_count,
    )


def text_digest(text: str) -> str:
    """Identity of an article's text, to tell an unchanged re-add from an update.

    >>> text_digest("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AddReport:
    """What one add transaction did, by article id."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    #: Already indexed with the same text: left alone.
    unchanged: tuple[str, ...] = ()
    #: Already indexed with different text and not replaced (no ``replace``).
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexEntry:
    """One indexed article, as ``provenance index list`` shows it."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    origin: str | None
    words: int


@dataclass(frozen=True)
class IndexInfo:
    """What ``provenance index info`` reports."""

    location: str
    backend: str
    articles: int
    #: The fingerprint and text-processing parameters the index was built with.
    parameters: dict[str, Any]
    #: granularity -> (bands, rows per band) for the current thresholds.
    bands: dict[str, tuple[int, int]]
    #: Bytes on disk (SQLite: the file with its WAL) or in memory (Redis).
    size_bytes: int | None
    details: dict[str, str] = field(default_factory=dict)


def damaged(location: str, problem: str, rebuild: str = "") -> IndexStoreError:
    """The error of an index whose stored data cannot be read: one line naming
    it, the ``problem``, and how to rebuild it (``rebuild``: the backend's way
    of emptying it, else "delete it").

    >>> print(damaged("wires.db", "no generation row"))
    index wires.db is damaged (no generation row): rebuild it: delete it and run 'provenance index add --index wires.db SOURCES...'
    """
    how = rebuild or "delete it"
    return IndexStoreError(f"index {location} is damaged ({problem}): rebuild it: {how} and run "
                           f"'provenance index add --index {location} SOURCES...'")


def stored_parameters(location: str, meta: dict[str, str], rebuild: str = "") -> dict[str, Any]:
    """The fingerprint parameters an index stored in its ``meta`` as JSON, or
    :func:`damaged`'s error when they are missing or not a JSON object."""
    raw = meta.get("parameters")
    if raw is None:
        raise damaged(location, "no fingerprint parameters stored", rebuild)
    try:
        parameters = json.loads(raw)
    except ValueError:
        raise damaged(location, "its fingerprint parameters are not JSON", rebuild) from None
    if not isinstance(parameters, dict):
        raise damaged(location, "its fingerprint parameters are not a JSON object", rebuild)
    return parameters


def check_parameters(location: str, stored: dict[str, Any], settings: Settings) -> None:
    """Refuse to compare signatures made with other fingerprint parameters.

    Signatures from different permutations, shingle sizes or text processing
    are not comparable: every estimate would be silently wrong.
    """
    wanted = settings.fingerprint_parameters()
    differing = [name for name in sorted(set(stored) | set(wanted)) if stored.get(name) != wanted.get(name)]
    if differing:
        detail = ", ".join(f"{n}={stored.get(n)!r} (this run: {wanted.get(n)!r})" for n in differing)
        raise IncompatibleIndexError(
            f"index {location} was built with different fingerprint parameters: {detail}; "
            "rebuild it with this version and settings (provenance index add --index NEW SOURCES...) "
            "or query it with the settings it was built with"
        )
