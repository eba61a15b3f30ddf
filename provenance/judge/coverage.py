"""The share of a derived text in runs of n words copied from the source.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..arrays import sorted_unique
from ..engine import kernels


def _native():
    """The judge's compiled kernels, or None (the numpy engine)."""
    return kernels("provenance.judge.kernels")


#: Run lengths whose coverage goes into ``Scores`` (``run_coverage_<n>``):
#: the verdict model's inputs, so they are fixed by the model it was trained
#: with (provenance/data/verdict_model.json names them), not a setting.
RUN_LENGTHS = (1, 3, 8)


_HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def run_keys(ids: np.ndarray, n: int) -> np.ndarray:
    """The sorted distinct hashes of every run of ``n`` token ids in ``ids``."""
    return sorted_unique(_gram_keys(ids, n))


def covered_share(ids: np.ndarray, keys: np.ndarray, n: int) -> float:
    """Share of the tokens ``ids`` inside a run of ``n`` whose hash is in the
    sorted ``keys`` (see :func:`run_keys`)."""
    if n < 1:
        raise ValueError(f"run length must be at least 1, got {n}")
    if len(ids) == 0:
        return 0.0
    grams = _gram_keys(ids, n)
    if len(grams) == 0 or len(keys) == 0:
        return 0.0
    at = np.searchsorted(keys, grams)
    hits = keys[np.minimum(at, len(keys) - 1)] == grams
    # A token is covered when one of the n windows holding it is a hit.
    covered = np.convolve(hits.astype(np.int64), np.ones(n, dtype=np.int64))[: len(ids)]
    return float(np.count_nonzero(covered)) / len(ids)


def run_coverage(source_ids: np.ndarray, derived_ids: np.ndarray, n: int,
                 source_keys: Callable[[], np.ndarray] | None = None) -> float:
    """``covered_share(derived_ids, run_keys(source_ids, n), n)``; with the
    compiled engine, without sorting. ``source_keys`` may give the source's
    run keys from a cache."""
    if n < 1:
        raise ValueError(f"run length must be at least 1, got {n}")
    if len(derived_ids) == 0:
        return 0.0
    native = _native()
    if native is not None:
        return native.run_coverage(source_ids, derived_ids, n, _HASH_MULTIPLIER) / len(derived_ids)
    keys = source_keys() if source_keys is not None else run_keys(source_ids, n)
    return covered_share(derived_ids, keys, n)


def _gram_keys(ids: np.ndarray, n: int) -> np.ndarray:
    """A 64-bit polynomial hash of every window of ``n`` ids (ids are offset
    by one so that a zero id still counts)."""
    count = len(ids) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    ids = ids.astype(np.uint64) + np.uint64(1)
    keys = ids[:count].copy()
    with np.errstate(over="ignore"):
        for k in range(1, n):
            keys = keys * _HASH_MULTIPLIER + ids[k : k + count]
    return keys


def shared_count(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted arrays of distinct values share."""
    native = _native()
    if native is not None:
        return int(native.shared_count(a, b))
    return len(np.intersect1d(a, b, assume_unique=True))
