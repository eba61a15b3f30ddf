"""LSH bands over a signature matrix: the layout for a threshold, the band
keys, and the pairs that share a band.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from math import ceil, comb

import numpy as np

from ..arrays import sorted_unique
from ..config import RECALL_WEIGHTS
from ..errors import ConfigError


@lru_cache(maxsize=64)
def lsh_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) datasketch's ``MinHashLSH`` picks for ``threshold`` with
    :data:`RECALL_WEIGHTS`: of every layout of at most ``num_perm``
    permutations, the first (bands ascending, then rows) with the least
    weighted sum of the areas where a pair below the threshold collides and
    a pair above it does not. Computed here, as datasketch would, so that a
    scan does not import it (scipy's integrator costs half a second): the
    collision probability ``1 - (1 - s**r)**b`` is a polynomial of degree
    ``r * b <= num_perm``, so Gauss-Legendre quadrature with
    ``num_perm // 2 + 2`` nodes integrates it exactly. A test holds the
    choice equal to datasketch's, and its refusal of a single band."""
    layouts = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=np.float64)
    bands, rows = layouts[:, :1], layouts[:, 1:]
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 2)
    below = (nodes + 1.0) * (threshold / 2.0)
    above = threshold + (nodes + 1.0) * ((1.0 - threshold) / 2.0)
    false_positive = (1.0 - (1.0 - below ** rows) ** bands) @ weights * (threshold / 2.0)
    false_negative = ((1.0 - above ** rows) ** bands) @ weights * ((1.0 - threshold) / 2.0)
    fp_weight, fn_weight = RECALL_WEIGHTS
    best = int(np.argmin(false_positive * fp_weight + false_negative * fn_weight))  # the first least
    if bands[best, 0] < 2:  # as datasketch refuses it
        raise ConfigError(f"an LSH threshold of {threshold} with num_perm={num_perm} leaves a single band: "
                          "lower word_lsh_threshold or content_lsh_threshold, or raise num_perm")
    return int(bands[best, 0]), int(rows[best, 0])


def band_layout(matrix: np.ndarray, usable: np.ndarray | None, threshold: float, budget: int = 30_000_000,
                cap: int | None = None, cap_rows: int = 1
                ) -> tuple[int, int, list[tuple[np.ndarray, np.ndarray, np.ndarray]], int | None]:
    """(bands, rows) for this granularity: datasketch's recall-weighted
    layout for the threshold while its collisions fit ``budget`` pairs
    (``CandidateSettings.pair_budget``),
    else bands of more rows over all permutations until they fit; each
    band's runs (see :func:`_band_runs`), found in counting the collisions
    and kept for making the pairs (only the articles in runs: at 100,000
    articles a few tens of MB for the word search's 128 bands); and the cap
    on their runs (:func:`band_runs`), which bands of ``cap_rows`` rows or
    more take before they widen further."""
    num_perm = matrix.shape[1]
    bands, rows = lsh_layout(threshold, num_perm)
    while True:
        runs = None  # a refused layout's runs go before the next one's are found
        runs, run_cap, volume = band_runs(matrix, usable, bands, rows, budget, cap if rows >= cap_rows else None)
        if volume <= budget or num_perm // (rows + 1) < 8:
            return bands, rows, runs, run_cap
        rows += 1
        bands = num_perm // rows


def band_runs(matrix: np.ndarray, usable: np.ndarray | None, bands: int, rows: int, budget: int,
              cap: int | None = None) -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]], int | None, int]:
    """The runs of the first ``bands`` bands of ``rows`` rows; the cap their
    pairs take (:func:`_run_pairs`): None while every pair fits ``budget``
    (or no ``cap`` is given), else ``cap``; and how many pairs they make.
    Runs overflow the budget in bands of many rows only when large families
    of near-duplicates collide in them, and each member compared with a few
    of its family is then enough."""
    runs = [_band_runs(matrix, usable, band, rows) for band in range(bands)]
    volume = sum(run_volume(lengths) for _, _, lengths in runs)
    if cap is None or volume <= budget:
        return runs, None, volume
    return runs, cap, sum(run_volume(lengths, cap) for _, _, lengths in runs)


def band_keys(matrix: np.ndarray, usable: np.ndarray | None, band: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(article rows, key) of every article whose band ``band`` counts."""
    columns = range(band * rows, band * rows + rows)
    empty_value = np.iinfo(matrix.dtype).max
    ok = np.ones(len(matrix), dtype=bool)
    for c in columns:
        ok &= matrix[:, c] != empty_value
        if usable is not None:
            ok &= usable[:, c]
    members = np.flatnonzero(ok)
    if rows == 1:
        return members, matrix[members, band].astype(np.uint64)
    key = np.zeros(len(members), dtype=np.uint64)
    for c in columns:
        key = (key * np.uint64(0x9E3779B97F4A7C15)) ^ matrix[members, c].astype(np.uint64)
        key ^= key >> np.uint64(29)
    return members, key


def _runs(members: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Members grouped by key (in no particular order within a group: the
    pairs made of a run do not depend on it), the start of each run of
    equal keys of length two or more, and the runs' lengths."""
    order = np.argsort(key)
    members, key = members[order], key[order]
    if len(key) < 2:
        return members, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    boundary = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    lengths = np.diff(np.concatenate([boundary, [len(key)]]))
    keep = lengths >= 2
    return members, boundary[keep], lengths[keep]


def _band_runs(matrix: np.ndarray, usable: np.ndarray | None, band: int, rows: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The articles that collide in band ``band``, grouped in runs of equal
    keys: (members, each run's start in them, each run's length)."""
    members, starts, lengths = _runs(*band_keys(matrix, usable, band, rows))
    # Only the members in runs are kept (the layout's runs are kept for every band).
    members = members[np.repeat(starts, lengths) + _ramp(lengths)]
    return members, np.cumsum(lengths) - lengths, lengths


def run_volume(lengths: np.ndarray, cap: int | None = None) -> int:
    """How many pairs :func:`_run_pairs` makes of runs of these lengths."""
    lengths = lengths.astype(np.int64)
    if cap is None:
        return int((lengths * (lengths - 1) // 2).sum())
    heads = np.minimum(lengths - 1, cap)
    # Each of a run's first ``heads`` members with every member after it.
    return int((heads * lengths - heads * (heads + 1) // 2).sum())


def _run_pairs(members: np.ndarray, starts: np.ndarray, lengths: np.ndarray, n: int, cap: int | None = None,
               rank: np.ndarray | None = None) -> np.ndarray:
    """Every pair inside each run, as ``low * n + high``; with ``cap``, a run
    of more than ``cap + 1`` members gives only the pairs of its first
    ``cap`` members by ``rank`` (a row's place, lowest first; default the
    row itself) with the others: a run in a band of many rows is a family of
    near-duplicates, and each member compared with its likeliest sources is
    enough to find the family, where every pair would be the square of it."""
    if cap is not None:
        long = lengths > cap + 1
        if long.any():
            heads = _head_pairs(members, starts[long], lengths[long], n, cap, rank)
            return np.concatenate([_run_pairs(members, starts[~long], lengths[~long], n), heads])
    out = []
    position = np.repeat(starts, lengths) + _ramp(lengths)
    run_end = np.repeat(starts + lengths, lengths)
    for step in range(1, int(lengths.max(initial=1))):
        valid = position + step < run_end
        if not valid.any():
            break
        position, run_end = position[valid], run_end[valid]
        first, second = members[position], members[position + step]
        out.append(np.minimum(first, second).astype(np.int64) * n + np.maximum(first, second))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _head_pairs(members: np.ndarray, starts: np.ndarray, lengths: np.ndarray, n: int, cap: int,
                rank: np.ndarray | None) -> np.ndarray:
    """The pairs of each run's first ``cap`` members by ``rank`` with every later member, as ``low * n + high``."""
    run_members = members[np.repeat(starts, lengths) + _ramp(lengths)]
    run = np.repeat(np.arange(len(lengths)), lengths)
    ordered = run_members[np.lexsort((run_members if rank is None else rank[run_members], run))]
    begins = np.cumsum(lengths) - lengths
    out = []
    for head in range(cap):
        after = lengths - head - 1
        first = np.repeat(ordered[begins + head], after)
        second = ordered[np.repeat(begins + head + 1, after) + _ramp(after)]
        out.append(np.minimum(first, second).astype(np.int64) * n + np.maximum(first, second))
    return np.concatenate(out)


def _ramp(lengths: np.ndarray) -> np.ndarray:
    """0..len-1 for each length, concatenated."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(total, dtype=np.int64) - starts


def surfaced_pairs(matrix: np.ndarray, usable: np.ndarray | None, bands: int, rows: int,
                   runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None, cap: int | None = None,
                   rank: np.ndarray | None = None) -> np.ndarray:
    """Sorted unique ``low * n + high`` keys of pairs colliding in at least
    one of the first ``bands`` bands of ``rows`` rows (whose runs may be
    given); with ``cap``, long runs give only their first members' pairs
    (:func:`_run_pairs`)."""
    n = len(matrix)

    def colliding() -> Iterator[np.ndarray]:
        for band in range(bands):
            members, starts, lengths = runs[band] if runs is not None else _band_runs(matrix, usable, band, rows)
            if len(starts):
                yield _run_pairs(members, starts, lengths, n, cap, rank)

    return _unique_keys(colliding())


def _unique_keys(batches: Iterable[np.ndarray], flush: int = 4_000_000) -> np.ndarray:
    """The sorted unique keys of ``batches``, deduplicated every ``flush``
    keys on the way, so that bands sharing most of their pairs never hold
    all their copies at once."""
    found: list[np.ndarray] = []
    pending: list[np.ndarray] = []
    pending_size = 0
    for pairs in batches:
        pending.append(pairs)
        pending_size += len(pairs)
        if pending_size > flush:
            found.append(sorted_unique(np.concatenate(pending)))
            pending, pending_size = [], 0
    if pending:
        found.append(sorted_unique(np.concatenate(pending)))
    return sorted_unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


def stride_recall(shared: int, strides: int, num_perm: int) -> float:
    """The probability that two-row bands pairing each permutation with the
    next ``strides`` (:func:`strided_pairs`) surface a pair whose values are
    equal in ``shared`` permutations, placed at random: that two of them lie
    at most ``strides`` apart around the ``num_perm`` permutations. Placings
    that keep every two at least ``strides + 1`` apart around a circle of
    ``num_perm`` number ``num_perm / (num_perm - shared * strides) * C(num_perm - shared * strides, shared)``.

    >>> round(stride_recall(6, 8, 128), 3), stride_recall(2, 64, 128)
    (0.911, 1.0)
    """
    if shared < 2:
        return 0.0
    free = num_perm - shared * strides
    if free <= 0:
        return 1.0
    return 1.0 - num_perm / free * comb(free, shared) / comb(num_perm, shared)


def band_strides(usable: np.ndarray | None, threshold: float, recall: float, layout_volume: int,
                 budget: int) -> int:
    """How many strides the two-row bands of a widened search take
    (:func:`strided_pairs`): the fewest that surface a pair at the
    ``threshold`` -- equal in ``threshold`` of an article's usable cells
    (the median article's count) -- with probability ``recall``
    (:func:`stride_recall`), but no more than keep the pairs within
    ``budget``: each stride has twice the bands of the disjoint layout,
    whose runs made ``layout_volume`` pairs. 0 (keep the disjoint layout)
    when not even one stride fits."""
    if usable is None or not usable.shape[1]:
        return 0
    cells = float(np.median(usable.sum(axis=1))) if len(usable) else float(usable.shape[1])
    return strides_for(cells, usable.shape[1], threshold, recall, layout_volume, budget)


def strides_for(cells: float, num_perm: int, threshold: float, recall: float, layout_volume: int, budget: int
                ) -> int:
    """:func:`band_strides` given the median article's count of usable ``cells``."""
    shared = max(2, ceil(threshold * cells - 1e-9))
    strides = next((s for s in range(1, num_perm // 2 + 1) if stride_recall(shared, s, num_perm) >= recall),
                   num_perm // 2)
    affordable = budget // max(1, 2 * layout_volume)
    return min(strides, affordable)


def stride_key(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The band key of two cells' values, as :func:`band_keys` makes it for a band of two rows."""
    key = (first.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ second.astype(np.uint64)
    key ^= key >> np.uint64(29)
    return key


def strided_pairs(matrix: np.ndarray, usable: np.ndarray, strides: int) -> np.ndarray:
    """Sorted unique ``low * n + high`` keys of pairs colliding in a two-row
    band of uncommon cells: permutations ``c`` and ``c + d`` (around the
    signature) for every ``c`` and ``d`` from 1 to ``strides``. With every
    stride up to ``num_perm // 2`` this is "equal in two uncommon cells";
    the disjoint layout's bands ``(2b, 2b + 1)`` are among them."""
    n, num_perm = matrix.shape
    empty_value = np.iinfo(matrix.dtype).max
    ok = usable & (matrix != empty_value)

    def colliding() -> Iterator[np.ndarray]:
        for stride in range(1, strides + 1):
            for first in range(num_perm):
                second = (first + stride) % num_perm
                members = np.flatnonzero(ok[:, first] & ok[:, second])
                key = stride_key(matrix[members, first], matrix[members, second])
                members, starts, lengths = _runs(members, key)
                if len(starts):
                    yield _run_pairs(members, starts, lengths, n)

    return _unique_keys(colliding())
