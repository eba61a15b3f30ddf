"""Compiled (numba) kernels of the candidate search.
"""

from __future__ import annotations

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
