"""Compiled (numba) kernels of the alignment.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Token comparisons a call of :func:`copied_cover` may make before it
#: leaves the pair to the sort-based path (very long unsegmented sentences).
COVER_BUDGET = 20_000_000


@njit(cache=True, nogil=True)
def copied_cover(source_tokens, source_offsets, derived_tokens, derived_offsets, group_flat, group_offsets, n,
                 budget, covered):
    """Mark in ``covered`` each derived token inside a run of ``n`` tokens
    that one of its sentence's matched source sentences also holds
    (sentence ``i``'s tokens are ``derived_tokens[derived_offsets[i]:derived_offsets[i + 1]]``,
    its matched source sentences ``group_flat[group_offsets[i]:group_offsets[i + 1]]``).
    Compares the sentences directly: they are short. Returns False, having
    marked nothing, when that would exceed ``budget`` comparisons."""
    sentences = len(derived_offsets) - 1
    work = 0
    for i in range(sentences):
        length = derived_offsets[i + 1] - derived_offsets[i]
        for g in range(group_offsets[i], group_offsets[i + 1]):
            j = group_flat[g]
            work += length * (source_offsets[j + 1] - source_offsets[j])
    if work > budget:
        return False
    for i in range(sentences):
        a0 = derived_offsets[i]
        a1 = derived_offsets[i + 1]
        if a1 - a0 < n:
            continue
        for p in range(a0, a1 - n + 1):
            found = False
            for g in range(group_offsets[i], group_offsets[i + 1]):
                j = group_flat[g]
                for q in range(source_offsets[j], source_offsets[j + 1] - n + 1):
                    same = True
                    for r in range(n):
                        if derived_tokens[p + r] != source_tokens[q + r]:
                            same = False
                            break
                    if same:
                        found = True
                        break
                if found:
                    break
            if found:
                for r in range(n):
                    covered[p + r] = True
    return True


@njit(cache=True, nogil=True)
def best_groups(similarity, gram, floor, gain, max_merge, groups, sizes, scores):
    """``align._best_group`` of every derived sentence (row), with the same
    arithmetic in the same order: ``groups[i, :sizes[i]]`` and ``scores[i]``."""
    n_derived, n_source = similarity.shape
    for i in range(n_derived):
        row = similarity[i]
        expected = (i * (n_source - 1)) / max(n_derived - 1, 1)
        top = row.max()
        best = -1
        nearest = np.inf
        for j in range(n_source):
            # The nearest of the ties; the lower index of two as near.
            if row[j] >= top - 1e-9 and abs(j - expected) < nearest:
                best, nearest = j, abs(j - expected)
        score = row[best]
        if score <= 0.0:
            sizes[i], scores[i] = 0, 0.0
            continue
        size = 1
        groups[i, 0] = best
        product, square = score, gram[best, best]
        order = np.argsort(-row, kind="mergesort")
        for t in range(1, min(max_merge + 4, n_source)):
            j = order[t]
            if size >= max_merge or row[j] < floor:
                break
            candidate_product = product + row[j]
            shared = gram[groups[i, 0], j]  # summed left to right, as numpy sums a few values
            for g in range(1, size):
                shared += gram[groups[i, g], j]
            candidate_square = square + 2.0 * shared + gram[j, j]
            norm = np.sqrt(candidate_square) if candidate_square > 0 else 0.0
            merged = candidate_product / norm if norm != 0.0 else 0.0
            if merged >= score + gain:
                groups[i, size] = j
                size += 1
                product, square, score = candidate_product, candidate_square, merged
        groups[i, :size] = np.sort(groups[i, :size])
        sizes[i] = size
        scores[i] = min(score, 1.0)
