"""The candidate search of a whole scan: surfaced pairs estimated and kept
when they pass a threshold at either granularity.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..arrays import sorted_unique
from ..config import DEFAULT_SETTINGS, CandidateSettings, FingerprintSettings, Settings
from ..engine import kernels
from ..model import CONTENT, WORDS
from .bands import band_layout, band_runs, band_strides, run_volume, strided_pairs, surfaced_pairs
from .containment import contained_pairs, kernel_arguments
from .frequency import cell_frequencies, common_df


def _native():
    """The candidate search's compiled kernels, or None (the numpy engine)."""
    return kernels("provenance.candidates.kernels")


def pair_estimates(matrix: np.ndarray, usable: np.ndarray | None, low: np.ndarray, high: np.ndarray,
                   min_counted: int = 32) -> np.ndarray:
    """Jaccard estimate of each pair (over the permutations whose least
    shingle of the pair is uncommon; 0 where fewer than ``min_counted`` are)."""
    out = np.zeros(len(low))
    native = _native()
    if native is not None and len(low):
        mask = usable if usable is not None else np.zeros((0, 0), dtype=bool)
        native.pair_estimates(matrix, mask, low.astype(np.int64), high.astype(np.int64), min_counted, out)
        return out
    for lo in range(0, len(low), 65_536):
        i, j = low[lo : lo + 65_536], high[lo : lo + 65_536]
        a, b = matrix[i], matrix[j]
        equal = a == b
        if usable is None:
            out[lo : lo + len(i)] = equal.mean(axis=1)
        else:
            # The pair's least shingle in a permutation is the lesser value's.
            counted = np.where(a <= b, usable[i], usable[j])
            denominator = counted.sum(axis=1)
            out[lo : lo + len(i)] = np.where(denominator >= min_counted,
                                             (equal & counted).sum(axis=1) / np.maximum(denominator, 1), 0.0)
    return out


#: Surfaced pairs estimated at a time by :func:`granularity_candidates`.
ESTIMATE_BLOCK = 1 << 20


def passing(matrix: np.ndarray, usable: np.ndarray | None, keys: np.ndarray, threshold: float,
             knobs: CandidateSettings, contained: FingerprintSettings | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """The pair keys whose estimate reaches ``threshold`` (or, with common
    cells left out, whose plain estimate shows a near-duplicate; or, given
    the ``contained`` signatures' fingerprint settings, whose containment
    reaches ``content_containment``: a short text inside a long one), and
    their plain estimates (over all cells)."""
    n = len(matrix)
    low, high = keys // n, keys % n
    native = _native()
    if native is not None and len(low):
        # All three tests in one pass over each pair's rows.
        estimate, plain, inside = np.zeros(len(low)), np.zeros(len(low)), np.zeros(len(low), dtype=bool)
        bar = knobs.content_containment if contained is not None else 2.0  # above 1: never contained
        arguments = kernel_arguments(usable, low, high, knobs.min_counted, bar, knobs.containment_min_shared,
                                     contained or DEFAULT_SETTINGS.fingerprint)
        native.pair_tests(matrix, *arguments, estimate, plain, inside)
        passed = (estimate >= threshold - 1e-12) | inside
        if usable is not None:
            passed |= plain >= knobs.near_duplicate
        return keys[passed], plain[passed]
    estimate = pair_estimates(matrix, usable, low, high, knobs.min_counted)
    passed = estimate >= threshold - 1e-12
    if usable is not None:
        estimate = pair_estimates(matrix, None, low, high, knobs.min_counted)
        passed |= estimate >= knobs.near_duplicate
    if contained is not None:
        # Containment needs containment_min_shared equal values, and the
        # plain estimate counts them all: most surfaced pairs are spared.
        maybe = np.flatnonzero(~passed & (np.rint(estimate * matrix.shape[1]) >= knobs.containment_min_shared))
        passed[maybe] = contained_pairs(matrix, usable, low[maybe], high[maybe], knobs.content_containment,
                                        knobs.min_counted, knobs.containment_min_shared, contained)
    return keys[passed], estimate[passed]


def _allpassing(matrix: np.ndarray, usable: np.ndarray | None, keys: np.ndarray, threshold: float,
                 threads: int, knobs: CandidateSettings, contained: FingerprintSettings | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`passing` of ``keys``, a block at a time: the surfaced pairs
    can run to millions, and a block's row numbers and estimates are not
    kept. The compiled estimate releases the GIL, so blocks may run in
    threads (a scan's other search often ends first and leaves its core
    idle); the blocks are smaller then, to hold memory level."""
    threads = max(1, threads) if _native() is not None else 1
    size = max(1, ESTIMATE_BLOCK // threads)
    blocks = [keys[at : at + size] for at in range(0, len(keys), size)]
    if threads > 1 and len(blocks) > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            parts = list(pool.map(lambda block: passing(matrix, usable, block, threshold, knobs, contained), blocks))
    else:
        parts = [passing(matrix, usable, block, threshold, knobs, contained) for block in blocks]
    return (np.concatenate([np.zeros(0, dtype=np.int64)] + [k for k, _ in parts]),
            np.concatenate([np.zeros(0)] + [e for _, e in parts]))


def cap_near_duplicates(keys: np.ndarray, estimates: np.ndarray, n: int, knobs: CandidateSettings,
                        rank: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """``keys`` (sorted) without the near-duplicate pairs (plain estimate of
    ``near_duplicate`` or more) that neither article keeps among its
    ``near_duplicate_partners`` nearest: most similar first, then the
    partner of lowest ``rank`` (default: row), a likelier source. Also
    returns how many were left out. Other pairs are all kept."""
    cap = knobs.near_duplicate_partners
    near = np.flatnonzero(estimates >= knobs.near_duplicate)
    low, high = keys[near] // n, keys[near] % n
    degree = np.bincount(low, minlength=n) + np.bincount(high, minlength=n)
    if not len(near) or degree.max() <= cap:
        return keys, 0
    # Each near-duplicate pair seen from both of its articles.
    article, partner = np.concatenate([low, high]), np.concatenate([high, low])
    pair = np.tile(np.arange(len(near)), 2)
    kept = np.zeros(len(near), dtype=bool)
    over = degree[article] > cap
    kept[pair[~over]] = True  # an article of few near-duplicates keeps them all
    article, partner, pair = article[over], partner[over], pair[over]
    similarity = np.tile(estimates[near], 2)[over]
    order = np.lexsort((partner if rank is None else rank[partner], -similarity, article))
    article, pair = article[order], pair[order]
    begins = np.flatnonzero(np.concatenate([[True], article[1:] != article[:-1]]))
    place = np.arange(len(article)) - np.repeat(begins, np.diff(np.concatenate([begins, [len(article)]])))
    kept[pair[place < cap]] = True
    left_out = near[~kept]
    return np.delete(keys, left_out), int(len(left_out))


def merge_candidates(found: dict[str, tuple[np.ndarray, dict | None]], n: int, stats: dict | None = None) -> np.ndarray:
    """The ``(m, 2)`` candidate rows from each granularity's :func:`granularity_candidates`."""
    chosen = []
    for granularity, (keys, figures) in found.items():
        chosen.append(keys)
        if stats is not None and figures is not None:
            stats[granularity] = figures
    if not chosen:
        return np.zeros((0, 2), dtype=np.int64)
    keys = sorted_unique(np.concatenate(chosen))
    return np.stack([keys // n, keys % n], axis=1)


def granularity_candidates(matrix: np.ndarray, granularity: str, settings: Settings = DEFAULT_SETTINGS, *,
                           threads: int = 1, rank: np.ndarray | None = None) -> tuple[np.ndarray, dict | None]:
    """The pair keys (``low * n + high``) one granularity's signatures
    propose, and figures on how they were found (None for under two articles).
    With the compiled engine, up to ``threads`` threads estimate the
    surfaced pairs (the same keys for any number). ``rank`` is each row's
    place in the order of likelier sources (default: the rows' order): an
    article of many near-duplicates keeps the likeliest of equally similar
    ones (:func:`cap_near_duplicates`)."""
    knobs = settings.candidates
    threshold = {WORDS: knobs.word_lsh_threshold, CONTENT: knobs.content_lsh_threshold}[granularity]
    n = len(matrix)
    if n < 2:
        return np.zeros(0, dtype=np.int64), None
    cap = knobs.near_duplicate_partners
    frequencies = cell_frequencies(matrix, settings, granularity)
    usable = None if frequencies is None else frequencies <= common_df(n, granularity, knobs)
    bands, rows, runs, run_cap = band_layout(matrix, usable, threshold, knobs.pair_budget, cap, knobs.near_rows)
    strides = 0
    if rows == 2 and usable is not None:
        # Two-row bands over disjoint pairs of permutations miss pairs of
        # modest overlap (half an article's least shingles are common, and
        # a band needs both its cells uncommon): pair each permutation with
        # the next few instead, as many as surface a pair at the threshold
        # with probability band_recall.
        strides = band_strides(usable, threshold, knobs.band_recall, sum(run_volume(r[2]) for r in runs),
                               knobs.pair_budget)
    # Wider bands miss pairs of modest overlap; a single shared rare
    # shingle (a name, a quote) still surfaces some of them, cheaply.
    rare = frequencies <= knobs.rare_df if rows > 1 and not strides and frequencies is not None else None
    del frequencies
    if strides:
        del runs
        keys = strided_pairs(matrix, usable, strides)
        bands = strides * matrix.shape[1]
    else:
        keys = surfaced_pairs(matrix, usable, bands, rows, runs, run_cap, rank)
        del runs
    if usable is not None:
        extra = [keys]
        if rare is not None:
            extra.append(surfaced_pairs(matrix, rare, matrix.shape[1], 1))
            del rare
        # Near-duplicates of a widely republished story share shingles
        # that are common for that very reason: surface them by whole
        # bands of all cells (a family too large for the budget is paired
        # with its likeliest sources only).
        near_bands = matrix.shape[1] // knobs.near_rows
        runs, run_cap, _ = band_runs(matrix, None, near_bands, knobs.near_rows, knobs.pair_budget, cap)
        extra.append(surfaced_pairs(matrix, None, near_bands, knobs.near_rows, runs, run_cap, rank))
        del runs
        keys = sorted_unique(np.concatenate(extra))
    # Content words also propose a short text inside a long one (containment).
    contained = settings.fingerprint if granularity == CONTENT else None
    passed, estimates = _allpassing(matrix, usable, keys, threshold, threads, knobs, contained)
    passed, left_out = cap_near_duplicates(passed, estimates, n, knobs, rank)
    figures = {
        "bands": bands,
        "band_rows": rows,
        "band_strides": strides,
        "common_cells": 0 if usable is None else int((~usable).sum()),
        "surfaced_pairs": int(len(keys)),
        "near_duplicates_left_out": left_out,
        "candidate_pairs": int(len(passed)),
    }
    return passed, figures
