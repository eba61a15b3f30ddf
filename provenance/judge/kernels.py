"""Compiled (numba) kernels of the judge.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def shared_count(a, b):
    """How many values two sorted arrays of distinct values share."""
    i = j = n = 0
    while i < len(a) and j < len(b):
        if a[i] < b[j]:
            i += 1
        elif b[j] < a[i]:
            j += 1
        else:
            n += 1
            i += 1
            j += 1
    return n


@njit(cache=True, nogil=True)
def run_coverage(source_ids, derived_ids, n, multiplier):
    """How many of ``derived_ids`` lie in a run of ``n`` ids whose hash
    (verdict._gram_keys) is also a run's in ``source_ids``: what
    coverage.covered_share counts, with a hash set instead of sorting."""
    count = len(source_ids) - n + 1
    windows = len(derived_ids) - n + 1
    if count <= 0 or windows <= 0:
        return 0
    bits = 4
    while (1 << bits) < 2 * count:
        bits += 1
    mask = (1 << bits) - 1
    keys = np.zeros(1 << bits, dtype=np.uint64)
    used = np.zeros(1 << bits, dtype=np.bool_)
    for p in range(count):
        key = _window_key(source_ids, p, n, multiplier)
        j = np.int64((key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits))
        while used[j] and keys[j] != key:
            j = (j + 1) & mask
        used[j] = True
        keys[j] = key
    covered = 0
    until = 0  # tokens before this are already covered
    for p in range(windows):
        key = _window_key(derived_ids, p, n, multiplier)
        j = np.int64((key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits))
        while used[j] and keys[j] != key:
            j = (j + 1) & mask
        if used[j]:
            covered += p + n - max(p, until)
            until = p + n
    return covered


@njit(cache=True, nogil=True)
def _window_key(ids, p, n, multiplier):
    key = np.uint64(ids[p]) + np.uint64(1)
    for k in range(1, n):
        key = key * multiplier + (np.uint64(ids[p + k]) + np.uint64(1))
    return key
