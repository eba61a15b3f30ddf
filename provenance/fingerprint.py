"""MinHash signatures of documents at each shingle granularity, many at once.

**What a signature is.** For granularity ``words`` the shingles are the
word n-grams of a document's folded tokens; for ``content`` the n-grams of
its stemmed content words (see :mod:`provenance.text`). Each shingle gets a
32-bit hash, and the signature holds, for each of ``num_perm`` permutations,
the least permuted hash -- exactly datasketch's ``affine32`` MinHash (the
input hash pre-mixed with the MurmurHash3 finaliser, then ``a * h + b mod
2**32`` with datasketch's own ``a`` and ``b`` for the seed). The values are
loadable as ``LeanMinHash(seed=..., hashvalues=..., scheme=...)`` and usable
in ``MinHashLSH``; they equal what datasketch's ``MinHash.update`` computes
when given :func:`shingle_hash` as its ``hashfunc`` (a test checks this).

**The shingle hash** (``Settings.shingle_hash == "token-fnv1a64"``) is built
from token hashes rather than from the shingle's text, so that each token is
hashed once and n-grams are formed from integers: a token's hash is 64-bit
FNV-1a of its UTF-8 bytes, finished with the MurmurHash3 64-bit finaliser;
an n-gram's hash chains its tokens' hashes (``h = (h ^ t) * K``), is
finished the same way, and its top 32 bits are the shingle hash (64 bits for
the ``affine64`` scheme). Nothing depends on Python's salted ``hash()``:
the same text gives the same signature in every process and on every
machine.

**Engines.** :func:`signatures_of_token_lists` and :func:`signature` start
from tokens already made (a :class:`~provenance.text.Document`), look each
distinct token up once in a per-process vocabulary (its hash and its stem's
hash) and do the rest with numpy. :func:`sketch_texts` starts from text: with
numba installed (``pip install 'provenance[fast]'``) it tokenises, hashes and
min-hashes in compiled code, otherwise it tokenises with the same regular
expression as :func:`provenance.text.tokenize` and continues with numpy.
Every engine gives the same values (tests compare them); set
``PROVENANCE_ENGINE=numpy`` to refuse the compiled one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from .config import DEFAULT_SETTINGS, Settings
from .text import STOP_WORDS, Document, content_stem, fast_tokens

if TYPE_CHECKING:  # importing datasketch costs a scan half a second (scipy): only where its objects are made
    from datasketch import LeanMinHash

GRANULARITIES = ("words", "content")

_MASK64 = (1 << 64) - 1
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
# Chaining constants for n-grams of token hashes: an odd multiplier (the
# 64-bit golden ratio) and a non-zero start.
_CHAIN_OFFSET = 0x243F6A8885A308D3
_CHAIN_PRIME = 0x9E3779B97F4A7C15


# --- the reference hash functions (pure Python) ------------------------------------


def _fmix64(x: int) -> int:
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & _MASK64
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & _MASK64
    return x ^ (x >> 33)


@lru_cache(maxsize=1 << 18)
def token_hash(token: str) -> int:
    """64-bit hash of one folded token (or stem): FNV-1a of its UTF-8 bytes,
    finished with the MurmurHash3 finaliser. Never 0."""
    h = _FNV_OFFSET
    for byte in token.encode("utf-8"):
        h = ((h ^ byte) * _FNV_PRIME) & _MASK64
    return _fmix64(h) or 1


def shingle_hash(shingle: Sequence[str] | str, width: int = 32) -> int:
    """The hash of one shingle: a sequence of tokens, or their space-joined
    text (tokens never contain spaces). Pass as datasketch's ``hashfunc`` to
    reproduce a signature with datasketch."""
    tokens = shingle.split(" ") if isinstance(shingle, str) else shingle
    h = _CHAIN_OFFSET
    for token in tokens:
        h = ((h ^ token_hash(token)) * _CHAIN_PRIME) & _MASK64
    h = _fmix64(h)
    return h >> 32 if width == 32 else h


# --- signatures ---------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """MinHash values of one document per granularity, and what made them."""

    id: str
    #: granularity -> array of ``num_perm`` hash values (uint32 for the
    #: ``affine32`` scheme, uint64 for ``affine64``)
    values: dict[str, np.ndarray]
    num_perm: int
    seed: int
    scheme: str

    def minhash(self, granularity: str) -> LeanMinHash:
        """The values as a datasketch object, for LSH and Jaccard estimates."""
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.seed, hashvalues=self.values[granularity], scheme=self.scheme)

    def jaccard(self, other: Signature, granularity: str) -> float:
        mine, theirs = self.values[granularity], other.values[granularity]
        return float(np.count_nonzero(mine == theirs)) / len(mine)


def signature(document: Document, settings: Settings = DEFAULT_SETTINGS) -> Signature:
    """The signature of ``document`` under ``settings``."""
    return signatures([document], settings)[0]


def signatures(documents: Sequence[Document], settings: Settings = DEFAULT_SETTINGS) -> list[Signature]:
    """Signatures of many documents at once (numpy over all their shingles)."""
    token_lists = [[t for s in d.sentences for t in s.tokens] for d in documents]
    matrices = signatures_of_token_lists(token_lists, settings)
    return [
        Signature(d.id, {g: matrices[g][i] for g in GRANULARITIES}, settings.num_perm, settings.seed,
                  settings.minhash_scheme)
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
    tokenised as :func:`provenance.text.tokenize` does (a text's tokens are
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


def engine_name() -> str:
    """``numba`` when the compiled engine is in use, else ``numpy``."""
    return "numba" if _native() is not None else "numpy"


# --- shared numpy machinery --------------------------------------------------------

_U64 = np.uint64


def fmix64_array(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> _U64(33))
    x = x * _U64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> _U64(33))
    x = x * _U64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> _U64(33))


def _fmix32_array(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint32(16))
    x = x * np.uint32(0x85EBCA6B)
    x = x ^ (x >> np.uint32(13))
    x = x * np.uint32(0xC2B2AE35)
    return x ^ (x >> np.uint32(16))


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int, scheme: str) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutation parameters ``(a, b)`` for these settings:
    numpy's ``RandomState(seed)`` draws ``num_perm`` odd multipliers below
    ``2**width``, then ``num_perm`` offsets below ``2**width``. Drawn here,
    not by making a ``MinHash``, so that a scan does not import datasketch;
    a test holds them equal to datasketch's own."""
    width = scheme_width(scheme)
    dtype = np.uint64 if width == 64 else np.uint32
    draw = np.random.RandomState(seed)
    a = draw.randint(0, 1 << (width - 1), num_perm, dtype=dtype) * dtype(2) + dtype(1)
    b = draw.randint(0, 1 << width, num_perm, dtype=dtype)
    return a, b


def scheme_width(scheme: str) -> int:
    return 64 if scheme == "affine64" else 32


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
    h = np.full(total, _CHAIN_OFFSET, dtype=np.uint64)
    padded = np.concatenate([token_hashes.astype(np.uint64, copy=False), np.zeros(size, dtype=np.uint64)])
    for j in range(size):
        step = (h ^ padded[starts + j]) * _U64(_CHAIN_PRIME)
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
    mixed = _fmix32_array(shingles.astype(np.uint32)) if width == 32 else fmix64_array(shingles.astype(np.uint64))
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
    width = scheme_width(settings.minhash_scheme)
    keep = stem_hashes != 0
    kept_before = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(keep, dtype=np.int64)])
    content_offsets = kept_before[offsets]
    out = {}
    for granularity, hashes, bounds, size in (
        ("words", token_hashes, offsets, settings.word_shingle_size),
        ("content", stem_hashes[keep], content_offsets, settings.content_shingle_size),
    ):
        shingles, shingle_offsets = ngram_hashes(hashes, bounds, size, width)
        out[granularity] = minhash_matrix(shingles, shingle_offsets, settings.num_perm, settings.seed,
                                          settings.minhash_scheme)
    return out


# --- the vocabulary: each distinct token hashed and stemmed once per process ---------


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


def stem_hash_of(folded: str) -> int:
    """The hash of ``folded``'s stem when it is a content word, else 0."""
    stem = content_stem(folded)
    return token_hash(stem) if stem is not None else 0


@lru_cache(maxsize=1)
def _native():
    """The compiled engine, or None when numba is missing or refused."""
    if os.environ.get("PROVENANCE_ENGINE", "").lower() == "numpy":
        return None
    try:
        from . import _native as native
    except ImportError:
        return None
    return native


__all__ = [
    "GRANULARITIES",
    "STOP_WORDS",
    "Signature",
    "engine_name",
    "shingle_hash",
    "signature",
    "signatures",
    "signatures_of_token_lists",
    "sketch_texts",
    "token_hash",
]
