"""The hash functions every engine shares: token and shingle hashes, the
MurmurHash3 finalisers, and datasketch's permutations.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ..analysis.tokens import content_stem

MASK64 = (1 << 64) - 1


FNV_OFFSET = 0xCBF29CE484222325


FNV_PRIME = 0x100000001B3


# Chaining constants for n-grams of token hashes: an odd multiplier (the
# 64-bit golden ratio) and a non-zero start.
CHAIN_OFFSET = 0x243F6A8885A308D3


CHAIN_PRIME = 0x9E3779B97F4A7C15


def fmix64(x):
    """MurmurHash3's 64-bit finaliser of numpy uint64 values: an array here,
    a scalar where the compiled kernels use this same function
    (``njit(fmix64)``), and one integer through :func:`_fmix64_int`."""
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> np.uint64(33))


def _fmix64_int(x: int) -> int:
    # A one-element array: numpy warns of (wanted) overflow in scalar arithmetic.
    return int(fmix64(np.array([x], dtype=np.uint64))[0])


@lru_cache(maxsize=1 << 18)
def token_hash(token: str) -> int:
    """64-bit hash of one folded token (or stem): FNV-1a of its UTF-8 bytes,
    finished with the MurmurHash3 finaliser. Never 0."""
    h = FNV_OFFSET
    for byte in token.encode("utf-8"):
        h = ((h ^ byte) * FNV_PRIME) & MASK64
    return _fmix64_int(h) or 1


def shingle_hash(shingle: Sequence[str] | str, width: int = 32) -> int:
    """The hash of one shingle: a sequence of tokens, or their space-joined
    text (tokens never contain spaces). Pass as datasketch's ``hashfunc`` to
    reproduce a signature with datasketch."""
    tokens = shingle.split(" ") if isinstance(shingle, str) else shingle
    h = CHAIN_OFFSET
    for token in tokens:
        h = ((h ^ token_hash(token)) * CHAIN_PRIME) & MASK64
    h = _fmix64_int(h)
    return h >> 32 if width == 32 else h


_U64 = np.uint64

#: The finaliser over arrays (the numpy engine's name for it).
fmix64_array = fmix64


def fmix32_array(x: np.ndarray) -> np.ndarray:
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


def stem_hash_of(folded: str) -> int:
    """The hash of ``folded``'s stem when it is a content word, else 0."""
    stem = content_stem(folded)
    return token_hash(stem) if stem is not None else 0
