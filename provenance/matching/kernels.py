"""Compiled (numba) kernels of the TF-IDF matcher.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit

from ..analysis.tokens import fold_token
from ..engine.hashtable import HashTable, table_slot
from ..fingerprint.hashing import FNV_OFFSET, FNV_PRIME
from ..fingerprint.kernels import code_units, fmix64, hashed_tokens, text_kind


class IdTable(HashTable):
    """64-bit hash -> id, numbered from 0 in order of first use."""

    def __init__(self) -> None:
        super().__init__(1 << 12, np.int64)

    def ids(self, hashes: np.ndarray) -> np.ndarray:
        """The id of each hash, numbering the new ones."""
        self.reserve(len(hashes))
        out = np.empty(len(hashes), dtype=np.int64)
        self.size = _assign(self.keys, self.values, hashes, self.size, out)
        return out


@njit(cache=True, nogil=True)
def _assign(keys, values, hashes, next_id, out):
    mask = np.uint64(len(keys) - 1)
    for i in range(len(hashes)):
        j = table_slot(keys, hashes[i], mask)
        if keys[j] == 0:
            keys[j] = hashes[i]
            values[j] = next_id
            next_id += 1
        out[i] = values[j]
    return next_id


def sentence_token_hashes(texts: Sequence[str]):
    """What :func:`provenance.analysis.tokens.sentence_tokens` finds, as token hashes
    (:func:`provenance.fingerprint.token_hash` of the folded token): (hashes,
    sentence of each, (start, end) in its sentence, and a function giving
    the folded tokens at an array of positions). None for texts beyond the BMP or
    holding a lone surrogate (the Python tokeniser takes those)."""
    joined = "\n".join(texts)
    kind = text_kind(joined)
    if kind == "python":
        return None
    hashes, token_start, token_end, offsets, starts = hashed_tokens(texts, joined, code_units(joined, kind))
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(offsets))
    base = starts[rows]
    spans = np.stack([token_start - base, token_end - base], axis=1)

    def folded(at: np.ndarray) -> list[str]:
        return [fold_token(joined[a:b]) for a, b in zip(token_start[at].tolist(), token_end[at].tolist())]

    return hashes, rows, spans, folded


def _spaces() -> np.ndarray:
    table = np.zeros(0x10000, dtype=np.bool_)
    for code in range(0x10000):
        table[code] = chr(code).isspace()
    return table


_WHITESPACE = _spaces()


def char_gram_ids(tokens: Sequence[str], table: IdTable) -> tuple[np.ndarray, np.ndarray]:
    """``[table id of g for g in align._char_wb_grams(t)]`` for each token,
    flattened, with the count of each token's."""
    joined = "".join(tokens)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    ends = np.cumsum(lengths)
    # A word of L characters has at most 3 (L + 2) n-grams.
    bound = int(3 * (lengths.sum() + 2 * len(tokens)))
    hashes = np.empty(bound, dtype=np.uint64)
    counts = np.zeros(len(tokens), dtype=np.int64)
    written = _char_gram_hashes(codes, ends - lengths, ends, _WHITESPACE, hashes, counts)
    return counts, table.ids(hashes[:written])


@njit(cache=True, nogil=True)
def _gram_hash(codes, w0, length, offset, n):
    """Hash of characters [offset, offset + n) of " " + codes[w0:w0 + length - 2] + " "."""
    h = np.uint64(FNV_OFFSET)
    prime = np.uint64(FNV_PRIME)
    for p in range(offset, offset + n):
        if p == 0 or p == length - 1:
            c = np.uint64(32)
        else:
            c = np.uint64(codes[w0 + p - 1])
        h = (h ^ c) * prime
    h = (h ^ np.uint64(n)) * prime
    h = fmix64(h)
    if h == 0:
        h = np.uint64(1)
    return h


@njit(cache=True, nogil=True)
def _char_gram_hashes(codes, starts, ends, spaces, out, counts):
    """scikit-learn's char_wb 3-5-grams of each token's words, as
    align._char_wb_grams lists them, hashed. Returns how many."""
    k = 0
    for t in range(len(starts)):
        first = k
        i = starts[t]
        end = ends[t]
        while i < end:
            while i < end and codes[i] < 0x10000 and spaces[codes[i]]:
                i += 1
            if i >= end:
                break
            w0 = i
            while i < end and not (codes[i] < 0x10000 and spaces[codes[i]]):
                i += 1
            length = i - w0 + 2
            for n in range(3, 6):
                offset = 0
                out[k] = _gram_hash(codes, w0, length, offset, min(n, length))
                k += 1
                while offset + n < length:
                    offset += 1
                    out[k] = _gram_hash(codes, w0, length, offset, n)
                    k += 1
                if offset == 0:
                    break
        counts[t] = k - first
    return k


@njit(cache=True, nogil=True)
def pair_part(d_rows, d_features, d_tf, s_rows, s_features, s_tf, n_derived, n_source, similarity, gram):
    """One kind of feature's share of a pair's similarity, as
    align.Vectoriser.pair and align._PairVectors compute it with dense
    arrays: idf over the pair's sentences, l2 rows scaled by sqrt(1/2), and
    ``similarity[i, j] +=`` the product of derived row i and source row j
    -- here by joining the two texts' cells on their features, so that only
    features both texts hold cost anything. Also ``gram[j, k] +=`` the
    product of source rows j and k (what merging source sentences needs)."""
    total = len(d_features) + len(s_features)
    bits = 4
    while (1 << bits) < 2 * total:
        bits += 1
    keys = np.zeros(1 << bits, dtype=np.int64)
    ids = np.empty(1 << bits, dtype=np.int32)
    # Features are numbered densely in order of first sight; counts per number.
    in_derived = np.zeros(total, dtype=np.int32)
    in_source = np.zeros(total, dtype=np.int32)
    d_id = np.empty(len(d_features), dtype=np.int32)
    s_id = np.empty(len(s_features), dtype=np.int32)
    distinct = _number_cells(d_features, keys, ids, bits, 0, in_derived, d_id)
    distinct = _number_cells(s_features, keys, ids, bits, distinct, in_source, s_id)
    n = n_derived + n_source
    # idf depends on a feature's document frequency alone: one log per frequency.
    idf = np.empty(n + 1, dtype=np.float64)
    for df in range(n + 1):
        idf[df] = np.log((n + 1) / (np.float64(df) + 1.0)) + 1.0
    d_values = _weighted(d_rows, d_id, d_tf, in_derived, in_source, idf, n_derived)
    s_values = _weighted(s_rows, s_id, s_tf, in_derived, in_source, idf, n_source)
    # Each feature's cells: the derived ones where the source shares the
    # feature, and all the source ones.
    d_start, d_cells = _grouped(d_id, in_derived, in_source, distinct)
    s_start, s_cells = _grouped(s_id, in_source, in_source, distinct)
    # Each feature's cells laid out contiguously (flat matrix offset and
    # value) so that the products below read memory in order.
    d_at = np.empty(len(d_cells), dtype=np.int64)
    d_value = np.empty(len(d_cells), dtype=np.float64)
    for m in range(len(d_cells)):
        d_at[m] = d_rows[d_cells[m]] * n_source
        d_value[m] = d_values[d_cells[m]]
    s_row = np.empty(len(s_cells), dtype=np.int64)
    s_value = np.empty(len(s_cells), dtype=np.float64)
    for m in range(len(s_cells)):
        s_row[m] = s_rows[s_cells[m]]
        s_value[m] = s_values[s_cells[m]]
    flat_similarity = similarity.reshape(-1)
    flat_gram = gram.reshape(-1)
    # Each cell of either matrix gets one product per feature, in feature
    # order; the inner loops run along a row (the source cells of a feature
    # are in row order), which keeps two texts of thousands of sentences
    # from spending their time on cache misses.
    for f in range(distinct):
        a0, a1 = s_start[f], s_start[f + 1]
        for m in range(d_start[f], d_start[f + 1]):
            at, value = d_at[m], d_value[m]
            for a in range(a0, a1):
                flat_similarity[at + s_row[a]] += value * s_value[a]
        for a in range(a0, a1):
            at, value = s_row[a] * n_source, s_value[a]
            for b in range(a0, a1):
                flat_gram[at + s_row[b]] += value * s_value[b]


@njit(cache=True, nogil=True)
def tf_cells(keys, shift, rows, features, counts):
    """The runs of equal values in sorted ``keys`` (row above ``shift`` bits,
    feature below): each run's row, feature and length, as ``align._cells``
    reads them from ``np.unique``. Returns the run count."""
    mask = (np.uint64(1) << np.uint64(shift)) - np.uint64(1)
    n = 0
    at = 0
    while at < len(keys):
        end = at + 1
        while end < len(keys) and keys[end] == keys[at]:
            end += 1
        key = np.uint64(keys[at])
        rows[n] = np.int32(key >> np.uint64(shift))
        features[n] = np.int64(key & mask)
        counts[n] = end - at
        n += 1
        at = end
    return n


@njit(cache=True, nogil=True)
def _number_cells(features, keys, ids, bits, distinct, counts, out):
    """Each cell's feature number (new features numbered from ``distinct``)
    through the open-addressing table ``keys`` (feature + 1, Fibonacci
    hashing), counted. Returns the count of numbers given."""
    mask = len(keys) - 1
    for c in range(len(features)):
        key = np.int64(features[c]) + 1
        j = np.int64((np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits))
        while keys[j] != 0 and keys[j] != key:
            j = (j + 1) & mask
        if keys[j] == 0:
            keys[j] = key
            ids[j] = distinct
            distinct += 1
        number = ids[j]
        counts[number] += 1
        out[c] = number
    return distinct


@njit(cache=True, nogil=True)
def _grouped(numbers, counts, other, distinct):
    """(start, cells): the cells of each feature number that ``other`` also
    counts, as cells[start[f]:start[f + 1]]."""
    start = np.zeros(distinct + 1, dtype=np.int64)
    for f in range(distinct):
        start[f + 1] = start[f] + (counts[f] if other[f] > 0 else 0)
    filled = start[:-1].copy()
    cells = np.empty(start[distinct], dtype=np.int32)
    for c in range(len(numbers)):
        f = numbers[c]
        if other[f] > 0:
            cells[filled[f]] = c
            filled[f] += 1
    return start, cells


@njit(cache=True, nogil=True)
def _weighted(rows, numbers, tf, in_derived, in_source, idf, n_rows):
    values = np.empty(len(rows), dtype=np.float64)
    norms = np.zeros(n_rows, dtype=np.float64)
    for c in range(len(rows)):
        value = tf[c] * idf[in_derived[numbers[c]] + in_source[numbers[c]]]
        values[c] = value
        norms[rows[c]] += value * value
    for r in range(n_rows):
        norms[r] = np.sqrt(norms[r]) if norms[r] > 0 else 1.0
    half = np.sqrt(0.5)
    for c in range(len(rows)):
        values[c] = values[c] / norms[rows[c]] * half
    return values
