"""Runs of words copied word for word between two texts.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ..arrays import sorted_unique
from ..engine import kernels
from ..matching.tfidf import DocumentFeatures
from ..model import Span


def _native():
    """The alignment's compiled kernels, or None (the numpy engine)."""
    return kernels("provenance.align.kernels")


class CopiedRuns:
    """Which words of each derived sentence lie in runs of ``n`` consecutive
    words found, in the same order, in one of the source sentences it was
    matched to (``groups[i]`` for derived sentence ``i``), for a whole pair
    at once: every n-gram of the two texts gets an exact integer code, and
    a derived n-gram is copied when (code, matched source sentence) is among
    the source's (code, sentence) keys."""

    def __init__(self, source: DocumentFeatures, derived: DocumentFeatures,
                 groups: list[tuple[int, ...]], n: int):
        self._rows, self._token_spans = derived.token_rows, derived.spans
        self._covered_tokens = covered = self._covered(source, derived, groups, n)
        # Read a sentence at a time: as Python numbers.
        self._lengths = np.diff(derived.offsets).tolist()
        self._copied = np.bincount(self._rows, weights=covered, minlength=derived.sentence_count).tolist()

    def _covered(self, source: DocumentFeatures, derived: DocumentFeatures,
                 groups: list[tuple[int, ...]], n: int) -> np.ndarray:
        covered = np.zeros(len(derived.tokens), dtype=bool)
        sizes = np.fromiter((len(g) for g in groups), dtype=np.int64, count=len(groups))
        if not sizes.any() or len(derived.tokens) < n or len(source.tokens) < n:
            return covered
        flat = np.fromiter((j for g in groups for j in g), dtype=np.int64, count=int(sizes.sum()))
        native = _native()
        if native is not None:
            group_offsets = np.concatenate([[0], np.cumsum(sizes)])
            if native.copied_cover(source.tokens, source.offsets, derived.tokens, derived.offsets, flat,
                                   group_offsets, n, native.COVER_BUDGET, covered):
                return covered
        source_sentences = source.sentence_count
        ids = np.concatenate([source.tokens, derived.tokens])
        rows = np.concatenate([source.token_rows, derived.token_rows + source_sentences])
        codes = _gram_codes(ids, n)
        whole = rows[: len(codes)] == rows[n - 1 :]  # the n-gram lies inside one sentence
        start = np.flatnonzero(whole[: len(source.tokens) - n + 1])
        keys = sorted_unique(codes[start] * source_sentences + rows[start])
        # Each derived n-gram, once per source sentence its sentence was matched to.
        mine = len(source.tokens) + np.flatnonzero(whole[len(source.tokens) :])
        sentence = rows[mine] - source_sentences
        per = sizes[sentence]
        at = np.repeat(mine, per)
        nth = np.arange(len(at)) - np.repeat(np.cumsum(per) - per, per)
        matched = flat[np.repeat((np.cumsum(sizes) - sizes)[sentence], per) + nth]
        hit = sorted_unique(at[np.isin(codes[at] * source_sentences + matched, keys)]) - len(source.tokens)
        for shift in range(n):
            covered[hit + shift] = True
        return covered

    @cached_property
    def _spans(self) -> dict[int, tuple[Span, ...]]:
        """Character spans of the runs of covered tokens, by sentence (only
        when asked for: the runs that count as evidence are not shown)."""
        covered, token_spans = self._covered_tokens, self._token_spans
        same = self._rows[1:] == self._rows[:-1]
        after_covered = np.zeros_like(covered)
        after_covered[1:] = covered[:-1] & same
        before_covered = np.zeros_like(covered)
        before_covered[:-1] = covered[1:] & same
        firsts = np.flatnonzero(covered & ~after_covered)
        lasts = np.flatnonzero(covered & ~before_covered)
        spans: dict[int, list[Span]] = {}
        for row, start, end in zip(self._rows[firsts].tolist(), token_spans[firsts, 0].tolist(),
                                   token_spans[lasts, 1].tolist()):
            spans.setdefault(row, []).append((start, end))
        return {row: tuple(found) for row, found in spans.items()}

    def share(self, i: int) -> float:
        length = self._lengths[i]
        return self._copied[i] / length if length else 0.0

    def words(self, i: int) -> int:
        """The number of tokens of the derived text's ``i``-th sentence."""
        return self._lengths[i]

    def spans(self, i: int) -> tuple[Span, ...]:
        """Character spans of the runs of the derived text's ``i``-th sentence."""
        return self._spans.get(i, ())


def _gram_codes(ids: np.ndarray, n: int) -> np.ndarray:
    """An integer code for each run of ``n`` consecutive ``ids``, equal
    exactly when the runs are: tokens and (n-1)-grams are numbered densely
    (below len(ids)) and extended by one token at a time."""
    ranks = np.unique(ids, return_inverse=True)[1].reshape(-1).astype(np.int64)
    width = max(1, len(ids).bit_length())
    codes = ranks
    for step in range(1, n):
        codes = np.unique((codes[:-1] << width) | ranks[step:], return_inverse=True)[1].reshape(-1).astype(np.int64)
    return codes
