"""Compiled (numba) kernels of the fingerprint stage: tokenise, hash and
min-hash raw texts in one pass. Loaded through :mod:`provenance.engine`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from numba import njit

from ..analysis.tokens import content_stems, fast_tokens, fold_token
from ..config import Settings
from ..engine.hashtable import HashTable, table_insert, table_lookup
from ..model import CONTENT, WORDS
from . import hashing
from .hashing import (
    CHAIN_OFFSET,
    CHAIN_PRIME,
    FNV_OFFSET,
    FNV_PRIME,
    permutations,
    scheme_width,
)

_OTHER, _ASCII, _LETTER, _APOSTROPHE = 0, 1, 2, 3


def token_hashes(tokens: Sequence[str]) -> np.ndarray:
    """``fingerprint.token_hash`` of each token (none holds a newline), in
    one compiled pass over their UTF-8 bytes."""
    data = np.frombuffer("\n".join(tokens).encode("utf-8"), dtype=np.uint8)
    ends = np.concatenate([np.flatnonzero(data == 10), [len(data)]]).astype(np.int64)
    out = np.empty(len(tokens), dtype=np.uint64)
    if len(tokens):
        _utf8_hashes(data, ends, out)
    return out


def stem_hashes(folded: Sequence[str]) -> np.ndarray:
    """``fingerprint.stem_hash_of`` of each folded token (0 for a stop word)."""
    stems = content_stems(folded)
    found = token_hashes([s for s in stems if s is not None])
    out = np.zeros(len(folded), dtype=np.uint64)
    out[[i for i, s in enumerate(stems) if s is not None]] = found
    return out


@njit(cache=True, nogil=True)
def _utf8_hashes(data, ends, out):
    start = 0
    for t in range(len(ends)):
        h = np.uint64(FNV_OFFSET)
        for i in range(start, ends[t]):
            h = (h ^ np.uint64(data[i])) * np.uint64(FNV_PRIME)
        h = fmix64(h)
        out[t] = h if h != 0 else np.uint64(1)
        start = ends[t] + 1


def _classes() -> np.ndarray:
    """Class of every BMP code point for the token pattern ``[^\\W_]+(?:['’][^\\W_]+)*``."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for code in range(0x10000):
        if chr(code).isalnum():
            table[code] = _ASCII if code < 128 else _LETTER
    table[ord("'")] = table[ord("’")] = _APOSTROPHE
    return table


_CLASSES = _classes()


#: The finaliser compiled: the very function the numpy engine runs on arrays.
fmix64 = njit(cache=True, nogil=True)(hashing.fmix64)


@njit(cache=True, nogil=True)
def _tokenize(codes, starts, ends, classes, out_hash, out_start, out_end, out_slow, token_offsets):
    """Tokens of each text ``codes[starts[t]:ends[t]]``: hash (for ASCII
    tokens), offsets, and whether Python must fold it. Returns the count."""
    k = 0
    offset = np.uint64(FNV_OFFSET)
    prime = np.uint64(FNV_PRIME)
    for t in range(len(starts)):
        token_offsets[t] = k
        i = starts[t]
        end = ends[t]
        while i < end:
            c = classes[codes[i]]
            if c != 1 and c != 2:
                i += 1
                continue
            begin = i
            h = offset
            slow = False
            while True:
                while i < end:
                    code = codes[i]
                    c = classes[code]
                    if c == 1:
                        if 65 <= code <= 90:
                            code += 32
                        h = (h ^ np.uint64(code)) * prime
                    elif c == 2:
                        slow = True
                    else:
                        break
                    i += 1
                if i + 1 < end and classes[codes[i]] == 3:
                    nxt = classes[codes[i + 1]]
                    if nxt == 1 or nxt == 2:
                        i += 1
                        continue
                break
            h = fmix64(h)
            if h == 0:
                h = np.uint64(1)
            out_hash[k] = h
            out_start[k] = begin
            out_end[k] = i
            out_slow[k] = slow
            k += 1
    token_offsets[len(starts)] = k
    return k


@njit(cache=True, nogil=True)
def _mixed_ngrams(hashes, lo, hi, size, width, out):
    """The permutation inputs of the ``size``-grams of ``hashes[lo:hi]``:
    each n-gram's chained hash, finished, cut to ``width`` bits and pre-mixed
    as datasketch does. Returns how many were written to ``out``."""
    n = hi - lo
    if n == 0:
        return 0
    count = n - size + 1 if n >= size else 1
    span = size if n >= size else n
    mask32 = np.uint64(0xFFFFFFFF)
    for s in range(count):
        h = np.uint64(CHAIN_OFFSET)
        for j in range(span):
            h = (h ^ hashes[lo + s + j]) * np.uint64(CHAIN_PRIME)
        h = fmix64(h)
        if width == 32:
            x = h >> np.uint64(32)
            x ^= x >> np.uint64(16)
            x = (x * np.uint64(0x85EBCA6B)) & mask32
            x ^= x >> np.uint64(13)
            x = (x * np.uint64(0xC2B2AE35)) & mask32
            x ^= x >> np.uint64(16)
            out[s] = x
        else:
            out[s] = fmix64(h)
    return count


@njit(cache=True, nogil=True)
def _min32(mixed, count, a, b, row):
    # Eight shingles per pass over the permutations: the row is loaded and
    # stored an eighth as often, and the loop still vectorises (4x faster
    # than one at a time).
    s = 0
    while s + 8 <= count:
        x0, x1, x2, x3 = np.uint32(mixed[s]), np.uint32(mixed[s + 1]), np.uint32(mixed[s + 2]), np.uint32(mixed[s + 3])
        x4, x5, x6, x7 = np.uint32(mixed[s + 4]), np.uint32(mixed[s + 5]), np.uint32(mixed[s + 6]), np.uint32(mixed[s + 7])
        for k in range(len(a)):
            ak, bk = a[k], b[k]
            least = min(np.uint32(ak * x0 + bk), np.uint32(ak * x1 + bk))
            least = min(least, np.uint32(ak * x2 + bk))
            least = min(least, np.uint32(ak * x3 + bk))
            least = min(least, np.uint32(ak * x4 + bk))
            least = min(least, np.uint32(ak * x5 + bk))
            least = min(least, np.uint32(ak * x6 + bk))
            least = min(least, np.uint32(ak * x7 + bk))
            row[k] = min(row[k], least)
        s += 8
    while s < count:
        x = np.uint32(mixed[s])
        for k in range(len(a)):
            row[k] = min(row[k], np.uint32(a[k] * x + b[k]))
        s += 1


@njit(cache=True, nogil=True)
def _min64(mixed, count, a, b, row):
    for s in range(count):
        x = mixed[s]
        for k in range(len(a)):
            row[k] = min(row[k], a[k] * x + b[k])


@njit(cache=True, nogil=True)
def _sketch(token_hashes, stem_hashes, token_offsets, word_size, content_size, a, b, width, words, content):
    scratch = np.empty(len(token_hashes) + 1, dtype=np.uint64)
    mixed = np.empty(len(token_hashes) + 1, dtype=np.uint64)
    for t in range(len(token_offsets) - 1):
        lo, hi = token_offsets[t], token_offsets[t + 1]
        m = 0
        for i in range(lo, hi):
            if stem_hashes[i] != 0:
                scratch[m] = stem_hashes[i]
                m += 1
        for which in range(2):
            if which == 0:
                count = _mixed_ngrams(token_hashes, lo, hi, word_size, width, mixed)
                row = words[t]
            else:
                count = _mixed_ngrams(scratch, 0, m, content_size, width, mixed)
                row = content[t]
            if width == 32:
                _min32(mixed, count, a, b, row)
            else:
                _min64(mixed, count, a, b, row)


class _StemTable(HashTable):
    """token hash -> stem hash (0: not a content word)."""

    def __init__(self) -> None:
        super().__init__(1 << 16, np.uint64)

    def add(self, keys: np.ndarray, values: np.ndarray) -> None:
        self.reserve(len(keys))
        table_insert(self.keys, self.values, keys, values)
        self.size += len(keys)


_TABLE = _StemTable()


def sketch_texts(texts: Sequence[str], settings: Settings, counted: bool = False):
    """granularity -> (texts x num_perm) signature matrix; see the module doc.
    With ``counted``, also the number of tokens of each text."""
    width = scheme_width(settings.fingerprint.minhash_scheme)
    dtype = np.uint32 if width == 32 else np.uint64
    n = len(texts)
    words = np.full((n, settings.fingerprint.num_perm), np.iinfo(dtype).max, dtype=dtype)
    content = words.copy()
    counts = np.zeros(n, dtype=np.int64)
    groups: dict[str, list[int]] = {"ascii": [], "bmp": [], "python": []}
    for i, text in enumerate(texts):
        groups[text_kind(text)].append(i)
    for kind, chosen in groups.items():
        if not chosen:
            continue
        batch = [texts[i] for i in chosen]
        if kind == "python":
            from .minhash import signatures_of_token_lists

            token_lists = [fast_tokens(t) for t in batch]
            result = signatures_of_token_lists(token_lists, settings)
            sub_words, sub_content = result[WORDS], result[CONTENT]
            sub_counts = np.array([len(t) for t in token_lists], dtype=np.int64)
        else:
            sub_words, sub_content, sub_counts = _sketch_batch(batch, kind, settings, dtype, width)
        words[chosen], content[chosen], counts[chosen] = sub_words, sub_content, sub_counts
    matrices = {WORDS: words, CONTENT: content}
    return (matrices, counts) if counted else matrices


_SURROGATE = re.compile("[\ud800-\udfff]")


def text_kind(text: str) -> str:
    """How the compiled tokeniser reads ``text``: "ascii" (a byte a
    character), "bmp" (UTF-16 code units, which are its code points), or
    "python" (characters beyond the BMP, or a lone surrogate that no codec
    encodes: the Python tokeniser's)."""
    if text.isascii():
        return "ascii"
    return "python" if max(text) > "\uffff" or _SURROGATE.search(text) else "bmp"


def code_units(joined: str, kind: str) -> np.ndarray:
    if kind == "ascii":
        return np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(joined.encode("utf-16-le"), dtype=np.uint16)


def hashed_tokens(texts: Sequence[str], joined: str, codes: np.ndarray):
    """The tokens of ``texts`` (``joined`` by newlines, as ``codes``):
    their hashes (tokens with non-ASCII letters folded and hashed by
    Python), starts and ends in ``joined``, where each text's tokens begin
    (and the end), and where each text begins."""
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths) - lengths
    capacity = len(codes) // 2 + 2
    hashes = np.empty(capacity, dtype=np.uint64)
    token_start = np.empty(capacity, dtype=np.int64)
    token_end = np.empty(capacity, dtype=np.int64)
    slow = np.empty(capacity, dtype=np.bool_)
    offsets = np.empty(len(texts) + 1, dtype=np.int64)
    count = _tokenize(codes, starts, starts + lengths - 1, _CLASSES, hashes, token_start, token_end, slow, offsets)
    hashes, token_start, token_end = hashes[:count], token_start[:count], token_end[:count]
    folded = np.flatnonzero(slow[:count])
    if len(folded):
        pieces = zip(token_start[folded].tolist(), token_end[folded].tolist())
        hashes[folded] = token_hashes([fold_token(joined[a:b]) for a, b in pieces])
    return hashes, token_start, token_end, offsets, starts


def _sketch_batch(batch: list[str], kind: str, settings: Settings, dtype, width: int):
    a, b = permutations(settings.fingerprint.num_perm, settings.fingerprint.seed, settings.fingerprint.minhash_scheme)
    joined = "\n".join(batch)
    hashes, token_start, token_end, offsets, _ = hashed_tokens(batch, joined, code_units(joined, kind))
    count = len(hashes)
    stems = np.zeros(count, dtype=np.uint64)
    misses = np.empty(count, dtype=np.int64)
    missed = table_lookup(_TABLE.keys, _TABLE.values, hashes, stems, misses)
    if missed:
        keys, first = np.unique(hashes[misses[:missed]], return_index=True)
        firsts = misses[first]
        pieces = zip(token_start[firsts].tolist(), token_end[firsts].tolist())
        _TABLE.add(keys, stem_hashes([fold_token(joined[a:b]) for a, b in pieces]))
        again = misses[:missed]
        found = np.zeros(missed, dtype=np.uint64)
        table_lookup(_TABLE.keys, _TABLE.values, hashes[again], found, np.empty(missed, dtype=np.int64))
        stems[again] = found
    sub_words = np.full((len(batch), settings.fingerprint.num_perm), np.iinfo(dtype).max, dtype=dtype)
    sub_content = sub_words.copy()
    _sketch(hashes, stems, offsets, settings.fingerprint.word_shingle_size, settings.fingerprint.content_shingle_size, a, b, width,
            sub_words, sub_content)
    return sub_words, sub_content, np.diff(offsets)


def tokenize_only(texts: Sequence[str]) -> int:
    """Tokenise ``texts`` as :func:`sketch_texts` does and hash the tokens,
    nothing more (the floor the engine is measured against). Returns the
    number of tokens."""
    total = 0
    kinds = [text_kind(t) for t in texts]
    for kind in ("ascii", "bmp"):
        batch = [t for t, k in zip(texts, kinds) if k == kind]
        if not batch:
            continue
        joined = "\n".join(batch)
        codes = code_units(joined, kind)
        lengths = np.fromiter((len(t) + 1 for t in batch), dtype=np.int64, count=len(batch))
        starts = np.zeros(len(batch), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        capacity = len(codes) // 2 + 2
        total += _tokenize(codes, starts, starts + lengths - 1, _CLASSES, np.empty(capacity, dtype=np.uint64),
                           np.empty(capacity, dtype=np.int64), np.empty(capacity, dtype=np.int64),
                           np.empty(capacity, dtype=np.bool_), np.empty(len(batch) + 1, dtype=np.int64))
    return total
