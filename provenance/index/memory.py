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

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .._arrays import sorted_unique
from ..config import DEFAULT_SETTINGS, Settings
from ..fingerprint import GRANULARITIES, Signature, _native, permutations, scheme_width
from . import CandidateIndex, lsh_layout

#: A shingle is common when more than max(COMMON_FLOOR[granularity],
#: COMMON_SHARE[granularity] * n) articles hold it; below the floor nothing is cut and
#: the candidates are exactly the plain estimate's (the seeds).
#: Per granularity: word 5-grams held by 50 articles are boilerplate (or a
#: story republished 50 times, which the near-duplicate rule keeps); content
#: words only from 500 articles up, since cutting them leaves a pair fewer
#: permutations to estimate from (at 50, noise made 72k candidates of 20k
#: articles; at 500, 7,941, 7,789 of them related).
COMMON_FLOOR = {"words": 50, "content": 500}
#: ... and above this share of the corpus: an outlet's trailer is under a
#: tenth or so of a feed; content words need the larger share, or at
#: 100,000 articles (0.2%) so much is cut that rewrites are missed (recall
#: 0.96 against 0.99 at 2%).
COMMON_SHARE = {"words": 0.002, "content": 0.02}
#: A pair's estimate needs this many permutations whose least shingle is
#: uncommon; with fewer it is taken as 0.
MIN_COUNTED = 32
#: A pair whose estimate over all shingles reaches this is a candidate even
#: when the shingles it shares are common (a story republished widely);
#: unrelated articles sharing boilerplate or common words stay far below.
NEAR_DUPLICATE = 0.3
#: Rows per band when surfacing such near-duplicates.
NEAR_ROWS = 4
#: Shingles held by at most this many articles surface a pair with one
#: collision even when the granularity's bands are wide.
RARE_DF = 50
#: Most colliding (pair, band) cells one granularity may cost before its
#: permutations are banded.
PAIR_BUDGET = 30_000_000


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


def common_df(articles: int, granularity: str = "content") -> float:
    return max(COMMON_FLOOR[granularity], COMMON_SHARE[granularity] * articles)


#: Cells handled at a time when estimating shingle frequencies.
_FREQUENCY_BLOCK = 1 << 20


def cell_frequencies(matrix: np.ndarray, settings: Settings, granularity: str = "content") -> np.ndarray | None:
    """(articles x num_perm) estimated document frequency of the shingle
    behind each MinHash value, or None below :data:`COMMON_FLOOR` articles
    (where nothing can be common)."""
    n = len(matrix)
    if n <= COMMON_FLOOR[granularity]:
        return None
    a, b = permutations(settings.num_perm, settings.seed, settings.minhash_scheme)
    width = scheme_width(settings.minhash_scheme)
    inverse = np.array([pow(int(x), -1, 1 << width) for x in a], dtype=np.uint64)
    # Undo the permutations a block of rows at a time (a scan's matrices are large).
    shingles = np.empty_like(matrix)
    for at in range(0, n, 65_536):
        wide = matrix[at : at + 65_536].astype(np.uint64)
        wide -= b.astype(np.uint64)
        wide *= inverse
        shingles[at : at + 65_536] = wide
    del wide
    top = float(2**width)
    # Set size from the signature: k / sum(v / max) - 1 (a block of rows at a time).
    sums = np.concatenate([(matrix[at : at + 65_536] / top).sum(axis=1) for at in range(0, n, 65_536)])
    sizes = matrix.shape[1] / np.maximum(sums, 1e-12) - 1.0
    shape = shingles.shape
    flat = shingles.ravel()
    del shingles
    if width == 32 and len(flat) < 2**32:
        # Each value with its position in one 64-bit word: a plain sort
        # (vectorised) instead of an argsort, several times slower.
        # Blocks keep the temporaries small (the matrix may hold 100 M cells).
        block = _FREQUENCY_BLOCK
        packed = flat.astype(np.uint64)
        del flat
        packed <<= np.uint64(32)
        for at in range(0, len(packed), block):
            packed[at : at + block] |= np.arange(at, min(at + block, len(packed)), dtype=np.uint64)
        packed.sort()
        order = np.empty(len(packed), dtype=np.uint32)
        for at in range(0, len(packed), block):
            order[at : at + block] = packed[at : at + block] & np.uint64(0xFFFFFFFF)
        packed >>= np.uint64(32)
        ordered = packed
    else:
        order = np.argsort(flat, kind="stable")
        ordered = flat[order]
        del flat
    starts = np.concatenate([[True], ordered[1:] != ordered[:-1]])
    del ordered
    unique_count = int(np.count_nonzero(starts))
    group = np.cumsum(starts, dtype=np.int32)
    group -= 1
    # Each shingle's frequency: its cells' row weights summed in order of
    # position (as a bincount over the whole matrix adds them), here in
    # blocks of the sorted cells cut where a shingle begins, so that no sum
    # is split and no matrix-sized weight array is made. Empty cells weigh 0.
    row_weights = sizes / matrix.shape[1]
    flat_matrix = matrix.reshape(-1)
    empty_value = np.iinfo(matrix.dtype).max
    df = np.zeros(unique_count)
    at = 0
    while at < len(order):
        end = at + _FREQUENCY_BLOCK
        while end < len(order) and not starts[end]:  # to where the next shingle begins
            following = np.flatnonzero(starts[end : end + 4096])
            end = end + int(following[0]) if len(following) else end + 4096
        end = min(end, len(order))
        positions = order[at:end]
        weights = row_weights[positions // matrix.shape[1]]
        weights[flat_matrix[positions] == empty_value] = 0.0
        first_group = int(group[at])
        df[first_group : int(group[end - 1]) + 1] = np.bincount(group[at:end] - first_group, weights=weights)
        at = end
    del starts
    inverse_index = np.empty(len(order), dtype=np.int32)
    inverse_index[order] = group
    del order, group
    return df.astype(np.float32)[inverse_index.reshape(shape)]


def uncommon_cells(matrix: np.ndarray, settings: Settings, granularity: str = "content") -> np.ndarray | None:
    """(articles x num_perm) mask of the cells whose least shingle is not
    common, or None when nothing is common (every cell counts)."""
    frequencies = cell_frequencies(matrix, settings, granularity)
    if frequencies is None:
        return None
    usable = frequencies <= common_df(len(matrix), granularity)
    return None if usable.all() else usable


def band_layout(matrix: np.ndarray, usable: np.ndarray | None, threshold: float
                ) -> tuple[int, int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """(bands, rows) for this granularity: datasketch's recall-weighted
    layout for the threshold while its collisions fit :data:`PAIR_BUDGET`,
    else bands of more rows over all permutations until they fit; and each
    band's runs (see :func:`_band_runs`), found in counting the collisions
    and kept for making the pairs (only the articles in runs: at 100,000
    articles a few tens of MB for the word search's 128 bands)."""
    num_perm = matrix.shape[1]
    bands, rows = lsh_layout(threshold, num_perm)
    while True:
        runs = None  # a refused layout's runs go before the next one's are found
        runs = [_band_runs(matrix, usable, band, rows) for band in range(bands)]
        volume = sum(int((lengths * (lengths - 1) // 2).sum()) for _, _, lengths in runs)
        if volume <= PAIR_BUDGET or num_perm // (rows + 1) < 8:
            return bands, rows, runs
        rows += 1
        bands = num_perm // rows


def _band_keys(matrix: np.ndarray, usable: np.ndarray | None, band: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
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
    members, starts, lengths = _runs(*_band_keys(matrix, usable, band, rows))
    # Only the members in runs are kept (the layout's runs are kept for every band).
    members = members[np.repeat(starts, lengths) + _ramp(lengths)]
    return members, np.cumsum(lengths) - lengths, lengths


def _run_pairs(members: np.ndarray, starts: np.ndarray, lengths: np.ndarray, n: int) -> np.ndarray:
    """Every pair inside each run, as ``low * n + high``."""
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


def _ramp(lengths: np.ndarray) -> np.ndarray:
    """0..len-1 for each length, concatenated."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(total, dtype=np.int64) - starts


def surfaced_pairs(matrix: np.ndarray, usable: np.ndarray | None, bands: int, rows: int,
                   runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None) -> np.ndarray:
    """Sorted unique ``low * n + high`` keys of pairs colliding in at least
    one of the first ``bands`` bands of ``rows`` rows (whose runs may be given)."""
    n = len(matrix)
    found: list[np.ndarray] = []
    pending: list[np.ndarray] = []
    pending_size = 0
    for band in range(bands):
        members, starts, lengths = runs[band] if runs is not None else _band_runs(matrix, usable, band, rows)
        if len(starts):
            pairs = _run_pairs(members, starts, lengths, n)
            pending.append(pairs)
            pending_size += len(pairs)
        if pending_size > 4_000_000:
            found.append(sorted_unique(np.concatenate(pending)))
            pending, pending_size = [], 0
    if pending:
        found.append(sorted_unique(np.concatenate(pending)))
    return sorted_unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


def pair_estimates(matrix: np.ndarray, usable: np.ndarray | None, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Jaccard estimate of each pair (over the permutations whose least
    shingle of the pair is uncommon)."""
    out = np.zeros(len(low))
    native = _native()
    if native is not None and len(low):
        mask = usable if usable is not None else np.zeros((0, 0), dtype=bool)
        native.pair_estimates(matrix, mask, low.astype(np.int64), high.astype(np.int64), MIN_COUNTED, out)
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
            out[lo : lo + len(i)] = np.where(denominator >= MIN_COUNTED,
                                             (equal & counted).sum(axis=1) / np.maximum(denominator, 1), 0.0)
    return out


#: Surfaced pairs estimated at a time by :func:`granularity_candidates`.
ESTIMATE_BLOCK = 1 << 20


def _passing(matrix: np.ndarray, usable: np.ndarray | None, keys: np.ndarray, threshold: float) -> np.ndarray:
    """The pair keys whose estimate reaches ``threshold`` (or, with common
    cells left out, whose plain estimate shows a near-duplicate)."""
    n = len(matrix)
    low, high = keys // n, keys % n
    passed = pair_estimates(matrix, usable, low, high) >= threshold - 1e-12
    if usable is not None:
        passed |= pair_estimates(matrix, None, low, high) >= NEAR_DUPLICATE
    return keys[passed]


def _all_passing(matrix: np.ndarray, usable: np.ndarray | None, keys: np.ndarray, threshold: float,
                 threads: int) -> np.ndarray:
    """:func:`_passing` of ``keys``, a block at a time: the surfaced pairs
    can run to millions, and a block's row numbers and estimates are not
    kept. The compiled estimate releases the GIL, so blocks may run in
    threads (a scan's other search often ends first and leaves its core
    idle); the blocks are smaller then, to hold memory level."""
    threads = max(1, threads) if _native() is not None else 1
    size = max(1, ESTIMATE_BLOCK // threads)
    blocks = [keys[at : at + size] for at in range(0, len(keys), size)]
    if threads > 1 and len(blocks) > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            parts = list(pool.map(lambda block: _passing(matrix, usable, block, threshold), blocks))
    else:
        parts = [_passing(matrix, usable, block, threshold) for block in blocks]
    return np.concatenate([np.zeros(0, dtype=np.int64)] + parts)


def scan_candidates(
    matrices: dict[str, np.ndarray], settings: Settings = DEFAULT_SETTINGS, stats: dict | None = None
) -> np.ndarray:
    """Candidate pairs of a corpus as an ``(m, 2)`` array of row numbers
    (low, high), sorted: pairs whose estimate reaches a granularity's
    threshold. ``stats`` (if given) receives per-granularity counts."""
    found = {g: granularity_candidates(matrices[g], g, settings) for g in GRANULARITIES}
    return merge_candidates(found, len(next(iter(matrices.values()))), stats)


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
                           threads: int = 1) -> tuple[np.ndarray, dict | None]:
    """The pair keys (``low * n + high``) one granularity's signatures
    propose, and figures on how they were found (None for under two articles).
    With the compiled engine, up to ``threads`` threads estimate the
    surfaced pairs (the same keys for any number)."""
    threshold = {"words": settings.word_lsh_threshold, "content": settings.content_lsh_threshold}[granularity]
    n = len(matrix)
    if n < 2:
        return np.zeros(0, dtype=np.int64), None
    frequencies = cell_frequencies(matrix, settings, granularity)
    usable = None if frequencies is None else frequencies <= common_df(n, granularity)
    bands, rows, runs = band_layout(matrix, usable, threshold)
    keys = surfaced_pairs(matrix, usable, bands, rows, runs)
    del runs
    if usable is not None:
        extra = [keys]
        if rows > 1:
            # Wide bands miss pairs of modest overlap; a single shared
            # rare shingle (a name, a quote) still surfaces them, cheaply.
            extra.append(surfaced_pairs(matrix, frequencies <= RARE_DF, matrix.shape[1], 1))
        # Near-duplicates of a widely republished story share shingles
        # that are common for that very reason: surface them by whole
        # bands of all cells.
        extra.append(surfaced_pairs(matrix, None, matrix.shape[1] // NEAR_ROWS, NEAR_ROWS))
        keys = sorted_unique(np.concatenate(extra))
    del frequencies
    passed = _all_passing(matrix, usable, keys, threshold, threads)
    figures = {
        "bands": bands,
        "band_rows": rows,
        "common_cells": 0 if usable is None else int((~usable).sum()),
        "surfaced_pairs": int(len(keys)),
        "candidate_pairs": int(len(passed)),
    }
    return passed, figures


def matrices_of(signatures: Iterable[Signature], settings: Settings = DEFAULT_SETTINGS) -> dict[str, np.ndarray]:
    signatures = list(signatures)
    dtype = np.uint64 if scheme_width(settings.minhash_scheme) == 64 else np.uint32
    return {
        g: (np.stack([s.values[g] for s in signatures]) if signatures else np.zeros((0, settings.num_perm), dtype))
        for g in GRANULARITIES
    }
