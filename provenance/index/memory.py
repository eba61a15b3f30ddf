"""The in-process index, and candidate pairs for a whole scan, at scale.

Signatures live in one ``(articles x num_perm)`` matrix per granularity
(4 bytes a value: 1M articles at 128 permutations and two granularities take
1 GB). Candidates come from *collision counting* rather than from bucket
sets: in permutation ``k`` two articles collide when their MinHash values
are equal, i.e. when the same shingle is the least of both; the share of the
``num_perm`` permutations in which they collide is the Jaccard estimate. A
pair is a candidate when that estimate reaches the granularity's threshold
(``word_lsh_threshold``, ``content_lsh_threshold``) -- the one-row-band LSH
of the previous design followed by its signature-estimate filter, computed
in one vectorised pass (sort each permutation's column, pair up equal
values, count).

**Common shingles.** At a few hundred articles that is all. At scale two
things break it: the commonest content words ("government", "year") make
unrelated articles collide in most permutations (collision volume grows
with the square of the corpus), and boilerplate (datelines, an outlet's
trailer) pushes unrelated articles of one outlet over the low word
threshold. A shingle held by more than ``max(COMMON_FLOOR[granularity],
COMMON_SHARE[granularity] * articles)`` articles is therefore *common*: a permutation
whose least shingle (for the pair: the lesser of the two values) is common
is left out of the pair's estimate, which becomes the Jaccard of the two
articles' uncommon shingles -- an IDF cut -- and needs ``MIN_COUNTED``
permutations left. Near-duplicates (``NEAR_DUPLICATE`` over all shingles)
pass whatever they share, so a widely republished story is not cut as
boilerplate. A shingle's document frequency is estimated from the
signatures alone: the MinHash value identifies its shingle (the
permutation is a bijection), and an article of ``m`` shingles holds its
least one in a given permutation with probability ``1/m``, so summing
``m / num_perm`` over the (article, permutation) cells where a shingle is
the least estimates how many articles hold it; ``m`` is estimated from the
signature too.

**Bands.** Counting single collisions costs the number of colliding
(pair, permutation) cells. When that would exceed ``PAIR_BUDGET`` for a
granularity, its permutations are grouped into bands of two (then three)
rows, and a pair is surfaced only when a whole band collides (recall
``1 - (1 - J**r) ** (num_perm / r)``: 0.998 at J = 0.3 with r = 2 and 128
permutations), or when it collides once on a shingle held by at most
``RARE_DF`` articles; surfaced pairs are then checked with the estimate.
``benchmarks/speed.py`` reports the recall this gives on planted copies,
rewrites and partial reuse. ``MemoryIndex.query`` (one signature against an
index) keeps datasketch's recall-weighted band layout and the plain
estimate, exactly as before.
"""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT_SETTINGS, Settings
from ..fingerprint.hashing import scheme_width
from ..model import GRANULARITIES, Signature
from . import CandidateIndex


class MemoryIndex(CandidateIndex):
    """Signatures held in this process as matrices; gone when it ends."""

    def __init__(self, settings: Settings = DEFAULT_SETTINGS):
        super().__init__(settings)
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._signatures: dict[str, Signature] = {}
        dtype = np.uint64 if scheme_width(settings.minhash_scheme) == 64 else np.uint32
        self._matrix = {g: np.empty((0, settings.num_perm), dtype=dtype) for g in GRANULARITIES}
        self._pending: dict[str, list[np.ndarray]] = {g: [] for g in GRANULARITIES}

    def add(self, signature: Signature) -> None:
        if signature.id in self._rows:
            raise ValueError(f"{signature.id!r} is already in the index")
        self._rows[signature.id] = len(self._ids)
        self._ids.append(signature.id)
        self._signatures[signature.id] = signature
        for granularity in GRANULARITIES:
            self._pending[granularity].append(signature.values[granularity])

    def matrix(self, granularity: str) -> np.ndarray:
        pending = self._pending[granularity]
        if pending:
            self._matrix[granularity] = np.concatenate([self._matrix[granularity], np.stack(pending)])
            pending.clear()
        return self._matrix[granularity]

    def _collisions(self, signature: Signature) -> dict[str, np.ndarray]:
        """granularity -> which stored rows share an LSH bucket with
        ``signature``: all values of some band equal, bands laid out as
        datasketch lays them out for the threshold (:meth:`bands`)."""
        out = {}
        for granularity, (b, r) in self.bands().items():
            matrix = self.matrix(granularity)
            equal = matrix[:, : b * r] == signature.values[granularity][: b * r]
            out[granularity] = equal.reshape(len(matrix), b, r).all(axis=2).any(axis=1)
        return out

    def _lsh_query(self, signature: Signature) -> set[str]:
        hits = np.zeros(len(self._ids), dtype=bool)
        for collided in self._collisions(signature).values():
            hits |= collided
        return {self._ids[i] for i in np.flatnonzero(hits)}

    def query(self, signature: Signature) -> list[tuple[str, float]]:
        """As :meth:`CandidateIndex.query` (LSH bucket, then the estimate),
        vectorised over the stored matrices."""
        thresholds = self.thresholds()
        collided = np.zeros(len(self._ids), dtype=bool)
        best = np.zeros(len(self._ids))
        for granularity, hits in self._collisions(signature).items():
            collided |= hits
            shares = (self.matrix(granularity) == signature.values[granularity]).mean(axis=1)
            best = np.maximum(best, shares / thresholds[granularity])
        found = [(self._ids[i], float(best[i])) for i in np.flatnonzero(collided & (best >= 1.0))]
        found.sort(key=lambda item: (-item[1], item[0]))
        return found

    def signature_of(self, key: str) -> Signature:
        return self._signatures[key]

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __len__(self) -> int:
        return len(self._ids)


# --- candidate pairs of a whole corpus ------------------------------------------------


