"""How much of one text's content words lie in another's, from their MinHash
signatures alone: the candidate rule for a short text inside a long one,
shared by a scan's search and every index's query.

Jaccard punishes a small set inside a big one: a 40-word brief written from
two sentences of a 400-word wire story has a content-word Jaccard near 0.1
with it, however much of the brief comes from the wire (``|A & B| / |A | B|``
is at most ``|A| / |B|``). What says "the brief is made of the story" is the
containment ``|A & B| / |A|``, and MinHash estimates it without the set
sizes. In one permutation the pair's least shingle (the lesser of the two
values) is the least of ``A | B``, drawn uniformly from it, so

* the two values are equal with probability ``|A & B| / |A | B|``, and
* ``A`` holds the pair's least (its value is the lesser or equal) with
  probability ``|A| / |A | B|``;

over the permutations, ``equal / least(A)`` estimates ``|A & B| / |A|``.
It needs no set sizes, and it is closer than the Jaccard estimate scaled by
them, ``J (|A| + |B|) / ((1 + J) |A|)``, most where it matters: for 40
shingles among 400, a root mean square error of 0.12 against 0.21 when 30
are inside, and none when all are (tests/candidates/test_containment.py).

An index asks for the sources of its query: the query's containment in the
stored text. A scan's pairs have no order: the containment of either text
in the other, ``equal / min(least(A), least(B))`` (the text holding fewer
least values is the smaller). Either way the estimate counts only when the
equal values show at least ``CandidateSettings.containment_min_shared``
distinct shingles: a three-word snap ("The case was adjourned until
tomorrow.") lies wholly in any report using the phrase, and its equal values
are the same three words in many permutations. A value identifies its
shingle (each permutation is a bijection: :func:`shingle_ids`), so the
distinct shared shingles are counted exactly. Only content words are used:
a brief rewritten from its source keeps their words, not its word 5-grams.

>>> import numpy as np
>>> from provenance.config import Settings
>>> brief = np.array([1, 5, 2, 8, 3, 9, 4, 7] * 2, dtype=np.uint32)
>>> story = np.array([1, 2, 2, 8, 1, 9, 4, 6] * 2, dtype=np.uint32)
>>> equal, brief_least, story_least = containment_counts(brief, story)
>>> equal, brief_least, story_least
(10, 10, 16)
>>> float(containment(equal, brief_least)), float(containment(equal, story_least))
(1.0, 0.625)
>>> int(distinct_shared(brief, story[None, :], Settings(num_perm=16).fingerprint)[0])
10
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from ..config import FingerprintSettings
from ..engine import kernels
from ..fingerprint.hashing import permutations, scheme_width

#: The key of a containment floor among the floors (granularity -> Jaccard)
#: an index query is given: ``CandidateIndex.best(..., floors={..., CONTAINMENT: 0.5})``.
CONTAINMENT = "containment"


def _native():
    """The candidate search's compiled kernels, or None (the numpy engine)."""
    return kernels("provenance.candidates.kernels")


def containment_counts(first: np.ndarray, second: np.ndarray) -> tuple[int, int, int]:
    """(equal values, permutations where ``first`` holds the pair's least,
    the same for ``second``) of two signatures' values."""
    return (int(np.count_nonzero(first == second)), int(np.count_nonzero(first <= second)),
            int(np.count_nonzero(second <= first)))


def containment(equal, least):
    """The containment estimate ``equal / least`` of the text holding the
    pair's least in ``least`` permutations (elementwise for arrays)."""
    return np.asarray(equal, dtype=np.float64) / np.maximum(least, 1)


@lru_cache(maxsize=16)
def _unpermute(num_perm: int, seed: int, scheme: str) -> tuple[np.ndarray, np.ndarray, np.uint64]:
    """(offsets, inverse multipliers, mask) undoing each permutation ``a h + b (mod 2**width)``."""
    a, b = permutations(num_perm, seed, scheme)
    width = scheme_width(scheme)
    inverse = np.array([pow(int(x), -1, 1 << width) for x in a], dtype=np.uint64)
    return b.astype(np.uint64), inverse, np.uint64((1 << width) - 1)


def shingle_ids(values: np.ndarray, fingerprint: FingerprintSettings) -> np.ndarray:
    """The (hashed) shingle behind each value of signature rows ``values``
    (``rows x num_perm``, or one row): the same id wherever one shingle is
    the least, whatever the permutation."""
    offsets, inverse, mask = _unpermute(fingerprint.num_perm, fingerprint.seed, fingerprint.minhash_scheme)
    with np.errstate(over="ignore"):
        return ((values.astype(np.uint64) - offsets) * inverse) & mask


def distinct_shared(query: np.ndarray, stored: np.ndarray, fingerprint: FingerprintSettings) -> np.ndarray:
    """How many distinct shingles the equal values of ``query`` and each row
    of ``stored`` show."""
    return _distinct(shingle_ids(np.broadcast_to(query, stored.shape), fingerprint), stored == query)


def _distinct(ids: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """Per row, the distinct ``ids`` where ``shared`` (the other cells take
    the row's first shared id, which adds none)."""
    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    first = ids[np.arange(len(ids)), np.argmax(shared, axis=1)]
    ids = np.where(shared, ids, first[:, None])
    ids.sort(axis=1)
    return np.where(shared.any(axis=1), 1 + (ids[:, 1:] != ids[:, :-1]).sum(axis=1), 0)


def query_containment(query: np.ndarray, stored: Callable[[np.ndarray], np.ndarray], equal: np.ndarray,
                      query_least: np.ndarray, fingerprint: FingerprintSettings, min_shared: int, bar: float,
                      settled: np.ndarray | None = None) -> np.ndarray:
    """The containment of the query's content words in each stored row (from
    the rows' counts of equal values and of positions where the query holds
    the least), 0 where it reaches ``bar`` (the lowest bar it is to be held
    to) on fewer than ``min_shared`` distinct shared shingles. ``stored``
    gives the rows' values: a callable taking row numbers, so that only the
    rows to check are read. Rows ``settled`` (whose answer the containment
    cannot change: already ranked above it and past the floors, or out of
    the answer) keep the estimate unchecked, so that a query among
    thousands of near-duplicates sorts no shingles."""
    estimate = containment(equal, query_least)
    estimate[np.asarray(equal) < min_shared] = 0.0
    check = estimate >= bar - 1e-12
    if settled is not None:
        check &= ~settled
    rows = np.flatnonzero(check)
    if len(rows):
        few = distinct_shared(query, stored(rows), fingerprint) < min_shared
        estimate[rows[few]] = 0.0
    return estimate


def kernel_arguments(usable: np.ndarray | None, low: np.ndarray, high: np.ndarray, min_counted: int, bar: float,
                     min_shared: int, fingerprint: FingerprintSettings) -> tuple:
    """The compiled ``pair_tests``' arguments after the matrix, before its outputs."""
    offsets, inverse, mask = _unpermute(fingerprint.num_perm, fingerprint.seed, fingerprint.minhash_scheme)
    usable_mask = usable if usable is not None else np.zeros((0, 0), dtype=bool)
    return (usable_mask, low.astype(np.int64), high.astype(np.int64), min_counted, bar - 1e-12, min_shared,
            offsets, inverse, mask)


def contained_pairs(matrix: np.ndarray, usable: np.ndarray | None, low: np.ndarray, high: np.ndarray, bar: float,
                    min_counted: int, min_shared: int, fingerprint: FingerprintSettings) -> np.ndarray:
    """Which pairs of rows ``(low, high)`` have one text's containment in the
    other reach ``bar`` on at least ``min_shared`` distinct shared shingles,
    counted over the permutations whose least shingle of the pair is
    uncommon (``usable``; all when None) as the scan's Jaccard estimate
    counts them, and never when fewer than ``min_counted`` permutations count."""
    out = np.zeros(len(low), dtype=bool)
    native = _native()
    if native is not None and len(low):
        native.pair_tests(matrix, *kernel_arguments(usable, low, high, min_counted, bar, min_shared, fingerprint),
                          np.zeros(len(low)), np.zeros(len(low)), out)
        return out
    for lo in range(0, len(low), 65_536):
        i, j = low[lo : lo + 65_536], high[lo : lo + 65_536]
        a, b = matrix[i], matrix[j]
        counted = np.ones(a.shape, dtype=bool) if usable is None else np.where(a <= b, usable[i], usable[j])
        shared = (a == b) & counted
        equal = shared.sum(axis=1)
        least = np.minimum(((a <= b) & counted).sum(axis=1), ((b <= a) & counted).sum(axis=1))
        passed = (equal >= min_shared) & (containment(equal, least) >= bar - 1e-12)
        if usable is not None:
            passed &= counted.sum(axis=1) >= min_counted
        rows = np.flatnonzero(passed)
        if len(rows):
            passed[rows[_distinct(shingle_ids(a[rows], fingerprint), shared[rows]) < min_shared]] = False
        out[lo : lo + len(i)] = passed
    return out
