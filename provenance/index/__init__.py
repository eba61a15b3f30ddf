"""Candidate search: which stored articles might share text with a query.

An index holds :class:`~provenance.fingerprint.Signature` objects and answers
"which keys could be near this signature?" through LSH at each shingle
granularity. It never decides anything: the aligner does. Backends share the
small :class:`CandidateIndex` interface; :func:`open_index` chooses one.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from ..config import DEFAULT_SETTINGS, Settings
from ..errors import ConfigError, IncompatibleIndexError, IndexStoreError, ProvenanceError
from ..candidates.bands import lsh_layout
from ..model import GRANULARITIES, Document, Signature
from .codec import StoredArticle


class CandidateIndex(ABC):
    """The interface every backend implements."""

    def __init__(self, settings: Settings = DEFAULT_SETTINGS):
        self.settings = settings

    @abstractmethod
    def add(self, signature: Signature) -> None:
        """Store one signature under its id."""

    @abstractmethod
    def _lsh_query(self, signature: Signature) -> set[str]:
        """Ids whose LSH buckets meet ``signature``'s at any granularity."""

    @abstractmethod
    def signature_of(self, key: str) -> Signature:
        """The stored signature of ``key``."""

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

    @abstractmethod
    def __contains__(self, key: object) -> bool: ...

    @abstractmethod
    def __len__(self) -> int: ...

    def add_all(self, signatures: Iterable[Signature]) -> None:
        for sig in signatures:
            self.add(sig)

    def thresholds(self) -> dict[str, float]:
        return {
            "words": self.settings.word_lsh_threshold,
            "content": self.settings.content_lsh_threshold,
        }

    # --- extensions for persistent backends (defaults suit an in-memory index) ---

    #: Short name of the storage: "memory", "sqlite", "redis".
    backend = "memory"

    def ratio(self, signature: Signature, stored: Signature) -> float:
        """The estimate :meth:`query` ranks by: the best Jaccard estimate
        relative to its granularity's threshold (a hit when >= 1)."""
        thresholds = self.thresholds()
        return max(signature.jaccard(stored, g) / thresholds[g] for g in GRANULARITIES)

    def bands(self) -> dict[str, tuple[int, int]]:
        """(bands, rows per band) of the LSH at each granularity, as datasketch
        chooses them for the current thresholds."""
        return {g: lsh_layout(t, self.settings.num_perm) for g, t in self.thresholds().items()}

    def _stored_info(self, meta: dict[str, str], size_bytes: int | None, **details: str) -> IndexInfo:
        """What a persistent backend reports of itself, from the metadata it
        stored when built, with its own ``details`` after the common ones."""
        common = {key: meta.get(key, "") for key in ("format", "created_by", "generation")}
        return IndexInfo(location=self.location, backend=self.backend, articles=len(self),
                         parameters=json.loads(meta["parameters"]), bands=self.bands(), size_bytes=size_bytes,
                         details={**common, **details})

    def _collides(self, signature: Signature, stored: Signature, bands: dict[str, tuple[int, int]]) -> bool:
        """Whether ``stored`` shares an LSH bucket with ``signature`` at any
        granularity: all hash values of some band equal."""
        for granularity, (b, r) in bands.items():
            mine, theirs = signature.values[granularity][: b * r], stored.values[granularity][: b * r]
            if np.any(np.all((mine == theirs).reshape(b, r), axis=1)):
                return True
        return False

    @staticmethod
    def passes(signature: Signature, stored: Signature, floors: dict[str, float] | None) -> bool:
        """Whether some granularity's Jaccard estimate reaches its floor."""
        return floors is None or any(signature.jaccard(stored, g) >= floors[g] for g in GRANULARITIES)

    def best(self, signature: Signature, limit: int | None = None,
             floors: dict[str, float] | None = None) -> list[tuple[str, float]]:
        """The first ``limit`` of :meth:`query`'s answer, keeping only stored
        signatures whose estimate reaches ``floors`` (granularity -> Jaccard)
        at some granularity. Backends override this to avoid loading every hit."""
        found = [
            (key, ratio) for key, ratio in self.query(signature)
            if self.passes(signature, self.signature_of(key), floors)
        ]
        return found[:limit] if limit is not None else found

    def add_documents(self, entries: Iterable[StoredArticle], *, replace: bool = False) -> AddReport:
        """Store ``entries`` (see :func:`~provenance.index.codec.stored_article`)
        in one transaction (persistent backends; see :class:`AddReport`)."""
        raise IndexStoreError(f"a {self.backend} index stores signatures only, not documents")

    def digests(self, keys: Iterable[str]) -> dict[str, str]:
        """Text digests of the stored ``keys`` that have one."""
        return {}

    def documents(self, keys: Iterable[str]) -> dict[str, Document]:
        """The analysed documents stored under ``keys`` (persistent backends)."""
        raise IndexStoreError(f"a {self.backend} index stores signatures only, not documents")

    def remove(self, keys: Iterable[str]) -> tuple[str, ...]:
        """Remove ``keys``; returns the ids that were stored."""
        raise IndexStoreError(f"a {self.backend} index does not support removal")

    def close(self) -> None:
        """Release the connection or file handle (no-op in memory)."""

    def __enter__(self) -> CandidateIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


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


def open_index(location: str, settings: Settings = DEFAULT_SETTINGS, *, create: bool = False,
               prefix: str | None = None) -> CandidateIndex:
    """Open the persistent index at ``location``.

    ``redis://host:port/db`` (or ``rediss://``) opens the shared Redis backend
    (``prefix`` or a ``?prefix=`` query parameter namespaces its keys); any
    other string is a path to an SQLite file. ``create`` makes a missing index;
    otherwise a missing one raises :class:`~provenance.errors.IndexStoreError`.
    """
    if location.startswith(("redis://", "rediss://")):
        from .redis import RedisIndex

        return RedisIndex(location, settings, create=create, prefix=prefix)
    if prefix is not None:
        raise IndexStoreError("a key prefix applies to Redis indexes only (redis://host:port/db)")
    from .sqlite import SqliteIndex

    return SqliteIndex(location, settings, create=create)




__all__ = [
    "AddReport",
    "CandidateIndex",
    "GRANULARITIES",
    "IndexEntry",
    "IndexInfo",
    "check_parameters",
    "open_index",
]
