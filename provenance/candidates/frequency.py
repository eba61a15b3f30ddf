"""How many articles share each signature cell: the common cells (shared
boilerplate) are left out of the candidate search.
"""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT_SETTINGS, CandidateSettings, Settings
from ..fingerprint.hashing import permutations, scheme_width
from ..model import CONTENT


def common_df(articles: int, granularity: str = CONTENT, knobs: CandidateSettings = DEFAULT_SETTINGS.candidates
              ) -> float:
    """How many articles may share a cell before it is common (boilerplate)."""
    return max(knobs.common_floor(granularity), knobs.common_share(granularity) * articles)


#: Cells handled at a time when estimating shingle frequencies.
_FREQUENCY_BLOCK = 1 << 20


def cell_shingles(matrix: np.ndarray, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """The shingle behind each MinHash value (the permutation undone; the
    matrix's shape and type) and each row's estimated set size,
    ``num_perm / sum(v / max) - 1``, a block of rows at a time (a scan's
    matrices are large). Row by row, so a row's figures do not depend on
    the rows beside it (the Spark scan computes them a partition at a time)."""
    a, b = permutations(settings.fingerprint.num_perm, settings.fingerprint.seed, settings.fingerprint.minhash_scheme)
    width = scheme_width(settings.fingerprint.minhash_scheme)
    inverse = np.array([pow(int(x), -1, 1 << width) for x in a], dtype=np.uint64)
    n = len(matrix)
    shingles = np.empty_like(matrix)
    for at in range(0, n, 65_536):
        wide = matrix[at : at + 65_536].astype(np.uint64)
        wide -= b.astype(np.uint64)
        wide *= inverse
        shingles[at : at + 65_536] = wide
        del wide
    top = float(2**width)
    sums = np.concatenate([(matrix[at : at + 65_536] / top).sum(axis=1) for at in range(0, n, 65_536)] or [np.zeros(0)])
    sizes = matrix.shape[1] / np.maximum(sums, 1e-12) - 1.0
    return shingles, sizes


def cell_frequencies(matrix: np.ndarray, settings: Settings, granularity: str = CONTENT) -> np.ndarray | None:
    """(articles x num_perm) estimated document frequency of the shingle
    behind each MinHash value, or None up to the common floor's number of
    articles (where nothing can be common)."""
    n = len(matrix)
    if n <= settings.candidates.common_floor(granularity):
        return None
    shingles, sizes = cell_shingles(matrix, settings)
    width = scheme_width(settings.fingerprint.minhash_scheme)
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
