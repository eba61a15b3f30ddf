"""The in-process index: one datasketch MinHashLSH per granularity."""

from __future__ import annotations

from datasketch import MinHashLSH

from ..config import DEFAULT_SETTINGS, Settings
from ..fingerprint import GRANULARITIES, Signature
from . import RECALL_WEIGHTS, CandidateIndex


class MemoryIndex(CandidateIndex):
    """Signatures and LSH buckets held in this process; gone when it ends."""

    def __init__(self, settings: Settings = DEFAULT_SETTINGS):
        super().__init__(settings)
        thresholds = self.thresholds()
        self._lsh = {
            g: MinHashLSH(threshold=thresholds[g], num_perm=settings.num_perm, weights=RECALL_WEIGHTS)
            for g in GRANULARITIES
        }
        self._signatures: dict[str, Signature] = {}

    def add(self, signature: Signature) -> None:
        for granularity, lsh in self._lsh.items():
            lsh.insert(signature.id, signature.minhash(granularity), check_duplication=False)
        self._signatures[signature.id] = signature

    def _lsh_query(self, signature: Signature) -> set[str]:
        found: set[str] = set()
        for granularity, lsh in self._lsh.items():
            found.update(lsh.query(signature.minhash(granularity)))
        return found

    def signature_of(self, key: str) -> Signature:
        return self._signatures[key]

    def __contains__(self, key: object) -> bool:
        return key in self._signatures

    def __len__(self) -> int:
        return len(self._signatures)
