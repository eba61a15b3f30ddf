"""Candidate search: which stored articles might share text with a query.

An index holds :class:`~provenance.fingerprint.Signature` objects and answers
"which keys could be near this signature?" through LSH at each shingle
granularity. It never decides anything: the aligner does. Backends share the
small :class:`CandidateIndex` interface; :func:`open_index` chooses one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator

from ..config import DEFAULT_SETTINGS, Settings
from ..errors import ProvenanceError
from ..fingerprint import GRANULARITIES, Signature


#: (false-positive, false-negative) weights for datasketch's choice of LSH
#: bands: a missed pair is lost for good, a false one costs one estimate.
RECALL_WEIGHTS = (0.05, 0.95)


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
        thresholds = self.thresholds()
        found = []
        for key in self._lsh_query(signature):
            stored = self.signature_of(key)
            ratio = max(signature.jaccard(stored, g) / thresholds[g] for g in GRANULARITIES)
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


def candidate_pairs(signatures: list[Signature], settings: Settings = DEFAULT_SETTINGS) -> Iterator[tuple[str, str]]:
    """Every unordered pair of ``signatures`` the LSH indexes propose, each once,
    in a deterministic order."""
    from .memory import MemoryIndex

    index = MemoryIndex(settings)
    index.add_all(signatures)
    seen: set[tuple[str, str]] = set()
    for sig in signatures:
        for other, _ in index.query(sig):
            if other == sig.id:
                continue
            pair = (sig.id, other) if sig.id < other else (other, sig.id)
            if pair not in seen:
                seen.add(pair)
                yield pair




__all__ = ["CandidateIndex", "GRANULARITIES", "candidate_pairs"]
