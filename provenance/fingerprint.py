"""MinHash signatures of a document at each shingle granularity.

Signatures are datasketch MinHash values made with an explicit seed, scheme
and a non-salted hash (SHA-1 of the UTF-8 shingle), so the same text gives
the same signature in every process and on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash

from .config import DEFAULT_SETTINGS, Settings
from .text import Document, document_shingles

GRANULARITIES = ("words", "content")


@dataclass(frozen=True)
class Signature:
    """MinHash values of one document per granularity, and what made them."""

    id: str
    #: granularity -> uint64 array of ``num_perm`` hash values
    values: dict[str, np.ndarray]
    num_perm: int
    seed: int
    scheme: str

    def minhash(self, granularity: str) -> LeanMinHash:
        """The values as a datasketch object, for LSH and Jaccard estimates."""
        return LeanMinHash(seed=self.seed, hashvalues=self.values[granularity], scheme=self.scheme)

    def jaccard(self, other: Signature, granularity: str) -> float:
        mine, theirs = self.values[granularity], other.values[granularity]
        return float(np.count_nonzero(mine == theirs)) / len(mine)


def signature(document: Document, settings: Settings = DEFAULT_SETTINGS) -> Signature:
    """The signature of ``document`` under ``settings``."""
    shingles = document_shingles(document, settings)
    values = {}
    for granularity in GRANULARITIES:
        minhash = MinHash(num_perm=settings.num_perm, seed=settings.seed, scheme=settings.minhash_scheme)
        minhash.update_batch([s.encode("utf-8") for s in sorted(shingles[granularity])])
        values[granularity] = minhash.hashvalues.copy()
    return Signature(document.id, values, settings.num_perm, settings.seed, settings.minhash_scheme)
