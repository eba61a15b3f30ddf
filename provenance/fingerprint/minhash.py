"""MinHash signatures of documents at each shingle granularity, many at once
(the numpy engine, and the entry points that choose the compiled one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from ..analysis.tokens import content_stem, fast_tokens
from ..config import DEFAULT_SETTINGS, Settings
from ..engine import kernels
from ..model import CONTENT, GRANULARITIES, WORDS, Document, Signature
from .hashing import (
    _U64,
    CHAIN_OFFSET,
    CHAIN_PRIME,
    fmix32_array,
    fmix64_array,
    permutations,
    scheme_width,
    token_hash,
)


def _native():
    """The fingerprint stage's compiled kernels, or None (the numpy engine)."""
    return kernels("provenance.fingerprint.kernels")


def signature(document: Document, settings: Settings = DEFAULT_SETTINGS) -> Signature:
    """The signature of ``document`` under ``settings``."""
    return signatures([document], settings)[0]


def signatures(documents: Sequence[Document], settings: Settings = DEFAULT_SETTINGS) -> list[Signature]:
    """Signatures of many documents at once (numpy over all their shingles)."""
    token_lists = [[t for s in d.sentences for t in s.tokens] for d in documents]
    matrices = signatures_of_token_lists(token_lists, settings)
    return [
        Signature(d.id, {g: matrices[g][i] for g in GRANULARITIES}, settings.fingerprint.num_perm, settings.fingerprint.seed,
                  settings.fingerprint.minhash_scheme)
        for i, d in enumerate(documents)
    ]


def signatures_of_token_lists(
    token_lists: Sequence[Sequence[str]], settings: Settings = DEFAULT_SETTINGS
) -> dict[str, np.ndarray]:
    """granularity -> (documents x num_perm) signature matrix, from folded tokens."""
    vocabulary = _vocabulary()
    offsets = np.zeros(len(token_lists) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in token_lists], out=offsets[1:])
    ids = vocabulary.ids([t for tokens in token_lists for t in tokens])
    return _sketch(vocabulary.hashes[ids], vocabulary.stems[ids], offsets, settings)


def sketch_texts(texts: Sequence[str], settings: Settings = DEFAULT_SETTINGS) -> dict[str, np.ndarray]:
    """granularity -> (texts x num_perm) signature matrix of raw texts,
    tokenised as :func:`provenance.analysis.tokens.tokenize` does (a text's tokens are
    those of ``tokenize(text)``)."""
    return sketch_texts_counted(texts, settings)[0]


def sketch_texts_counted(texts: Sequence[str], settings: Settings = DEFAULT_SETTINGS) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """:func:`sketch_texts` and the number of tokens of each text."""
    native = _native()
    if native is not None:
        return native.sketch_texts(texts, settings, counted=True)
    token_lists = [fast_tokens(t) for t in texts]
    counts = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    return signatures_of_token_lists(token_lists, settings), counts


def ngram_hashes(token_hashes: np.ndarray, offsets: np.ndarray, size: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes of every ``size``-gram within each document (a
    document shorter than ``size`` has one shingle of all its tokens, none
    when empty), and the per-document offsets into them."""
    lengths = np.diff(offsets)
    counts = np.where(lengths >= size, lengths - size + 1, np.minimum(lengths, 1))
    out_offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(counts, out=out_offsets[1:])
    total = int(out_offsets[-1])
    # Start token of each shingle and how many tokens it spans.
    starts = np.repeat(offsets[:-1] - out_offsets[:-1], counts) + np.arange(total, dtype=np.int64)
    spans = np.repeat(np.minimum(lengths, size), counts)
    h = np.full(total, CHAIN_OFFSET, dtype=np.uint64)
    padded = np.concatenate([token_hashes.astype(np.uint64, copy=False), np.zeros(size, dtype=np.uint64)])
    for j in range(size):
        step = (h ^ padded[starts + j]) * _U64(CHAIN_PRIME)
        h = np.where(spans > j, step, h)
    h = fmix64_array(h)
    if width == 32:
        h = (h >> _U64(32)).astype(np.uint32)
    return h, out_offsets


def minhash_matrix(shingles: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int, scheme: str) -> np.ndarray:
    """(documents x num_perm) MinHash values of each document's shingle hashes."""
    a, b = permutations(num_perm, seed, scheme)
    width = scheme_width(scheme)
    dtype = np.uint32 if width == 32 else np.uint64
    n = len(offsets) - 1
    out = np.full((n, num_perm), np.iinfo(dtype).max, dtype=dtype)
    mixed = fmix32_array(shingles.astype(np.uint32)) if width == 32 else fmix64_array(shingles.astype(np.uint64))
    lengths = np.diff(offsets)
    # Blocks of whole documents, about _BLOCK shingles each, so the
    # (shingles x num_perm) product stays a few MB.
    doc = 0
    while doc < n:
        end = int(np.searchsorted(offsets, offsets[doc] + _BLOCK, side="right")) - 1
        end = max(end, doc + 1)
        lo, hi = int(offsets[doc]), int(offsets[end])
        if hi > lo:
            block = a[:, None] * mixed[None, lo:hi] + b[:, None]
            present = np.flatnonzero(lengths[doc:end]) + doc
            out[present] = np.minimum.reduceat(block, offsets[present] - lo, axis=1).T
        doc = end
    return out


_BLOCK = 16_384


def _sketch(token_hashes: np.ndarray, stem_hashes: np.ndarray, offsets: np.ndarray, settings: Settings) -> dict[str, np.ndarray]:
    """Signature matrices from per-token hashes and stem hashes (0 for
    tokens that are not content words), documents delimited by ``offsets``."""
    width = scheme_width(settings.fingerprint.minhash_scheme)
    keep = stem_hashes != 0
    kept_before = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(keep, dtype=np.int64)])
    content_offsets = kept_before[offsets]
    out = {}
    for granularity, hashes, bounds, size in (
        (WORDS, token_hashes, offsets, settings.fingerprint.word_shingle_size),
        (CONTENT, stem_hashes[keep], content_offsets, settings.fingerprint.content_shingle_size),
    ):
        shingles, shingle_offsets = ngram_hashes(hashes, bounds, size, width)
        out[granularity] = minhash_matrix(shingles, shingle_offsets, settings.fingerprint.num_perm, settings.fingerprint.seed,
                                          settings.fingerprint.minhash_scheme)
    return out


class _Vocabulary:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.hashes = np.zeros(1024, dtype=np.uint64)
        self.stems = np.zeros(1024, dtype=np.uint64)

    def ids(self, tokens: Iterable[str]) -> np.ndarray:
        tokens = list(tokens)
        found = list(map(self.index.get, tokens))
        if None in found:
            for token, known in zip(tokens, found):
                if known is None and token not in self.index:
                    self._add(token)
            found = list(map(self.index.__getitem__, tokens))
        return np.array(found, dtype=np.int64)

    def _add(self, token: str) -> None:
        at = len(self.index)
        if at == len(self.hashes):
            self.hashes = np.concatenate([self.hashes, np.zeros_like(self.hashes)])
            self.stems = np.concatenate([self.stems, np.zeros_like(self.stems)])
        stem = content_stem(token)
        self.hashes[at] = token_hash(token)
        self.stems[at] = token_hash(stem) if stem is not None else 0
        self.index[token] = at


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    return _Vocabulary()


