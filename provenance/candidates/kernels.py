"""Compiled (numba) kernels of the candidate search.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def pair_estimates(matrix, usable, low, high, min_counted, out):
    """As :func:`provenance.candidates.search.pair_estimates`; ``usable`` may be
    an empty (0 x 0) array when every cell counts."""
    width = matrix.shape[1]
    masked = usable.shape[0] > 0
    for p in range(len(low)):
        i, j = low[p], high[p]
        equal = 0
        counted = 0
        for k in range(width):
            a, b = matrix[i, k], matrix[j, k]
            if masked:
                ok = usable[i, k] if a <= b else usable[j, k]
                if not ok:
                    continue
            counted += 1
            if a == b:
                equal += 1
        if masked and counted < min_counted:
            out[p] = 0.0
        else:
            out[p] = equal / counted if counted > 0 else 0.0


@njit(cache=True, nogil=True)
def pair_tests(matrix, usable, low, high, min_counted, bar, min_shared, offsets, inverse, mask, estimate, plain,
               contained):
    """Each pair's three candidate tests in one pass over its two rows (the
    passes are bound by reading the rows): the estimate of
    :func:`provenance.candidates.search.pair_estimates` over ``usable``
    cells (an empty (0 x 0) array when every cell counts), the plain
    estimate over all cells, and
    :func:`provenance.candidates.containment.contained_pairs` (never for a
    ``bar`` above 1)."""
    width = matrix.shape[1]
    masked = usable.shape[0] > 0
    ids = np.empty(width, dtype=np.uint64)
    for p in range(len(low)):
        i, j = low[p], high[p]
        # Counted without branches first (the loop vectorises); the shared
        # shingles are gathered only for the few pairs that may be contained.
        equal = 0
        counted = 0
        first = 0
        second = 0
        same = 0
        for k in range(width):
            a, b = matrix[i, k], matrix[j, k]
            same += a == b
            if masked:
                ok = usable[i, k] if a <= b else usable[j, k]
                if not ok:
                    continue
            counted += 1
            equal += a == b
            first += a <= b
            second += b <= a
        plain[p] = same / width
        if masked:
            estimate[p] = 0.0 if counted < min_counted else (equal / counted if counted > 0 else 0.0)
        else:
            estimate[p] = equal / width
        contained[p] = False
        if (masked and counted < min_counted) or equal < min_shared or equal / max(min(first, second), 1) < bar:
            continue
        found = 0
        for k in range(width):
            a, b = matrix[i, k], matrix[j, k]
            if a != b or (masked and not usable[i, k]):
                continue
            # The shingle behind the value: the permutation undone.
            ids[found] = ((np.uint64(a) - offsets[k]) * inverse[k]) & mask
            found += 1
        shared = np.sort(ids[:found])
        distinct = 1
        for k in range(1, found):
            if shared[k] != shared[k - 1]:
                distinct += 1
        contained[p] = distinct >= min_shared
