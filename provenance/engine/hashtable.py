"""A compiled open-addressing hash table of 64-bit keys, shared by the
kernels of several stages.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def table_slot(keys, h, mask):
    """Where hash ``h`` is, or would go, in the open-addressing table ``keys`` (0: empty)."""
    j = (h >> np.uint64(17)) & mask
    while keys[j] != 0 and keys[j] != h:
        j = (j + np.uint64(1)) & mask
    return j


@njit(cache=True, nogil=True)
def table_lookup(keys, values, hashes, out, misses):
    """Stem hash of each token hash from the table; indexes of unknown ones
    go to ``misses``. Returns how many were unknown."""
    mask = np.uint64(len(keys) - 1)
    m = 0
    for i in range(len(hashes)):
        j = table_slot(keys, hashes[i], mask)
        if keys[j] == 0:
            misses[m] = i
            m += 1
        else:
            out[i] = values[j]
    return m


@njit(cache=True, nogil=True)
def table_insert(keys, values, new_keys, new_values):
    mask = np.uint64(len(keys) - 1)
    for i in range(len(new_keys)):
        j = table_slot(keys, new_keys[i], mask)
        keys[j] = new_keys[i]
        values[j] = new_values[i]


class HashTable:
    """64-bit hash -> value, open addressing, at most half full."""

    def __init__(self, capacity: int, dtype) -> None:
        self.keys = np.zeros(capacity, dtype=np.uint64)
        self.values = np.zeros(capacity, dtype=dtype)
        self.size = 0

    def reserve(self, extra: int) -> None:
        """Room for ``extra`` more keys."""
        needed = (self.size + extra) * 2
        if needed <= len(self.keys):
            return
        capacity = len(self.keys)
        while needed > capacity:
            capacity *= 2
        occupied = self.keys != 0
        old_keys, old_values = self.keys[occupied], self.values[occupied]
        self.keys = np.zeros(capacity, dtype=np.uint64)
        self.values = np.zeros(capacity, dtype=self.values.dtype)
        table_insert(self.keys, self.values, old_keys, old_values)
