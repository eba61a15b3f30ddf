"""The compiled engine (numba): text to MinHash values without a Python
object per token, and the alignment's kernels.

Imported only when numba is installed (``pip install 'provenance[fast]'``);
:mod:`provenance.fingerprint`, :mod:`provenance.align` and
:mod:`provenance.verdict` fall back to numpy and pure Python otherwise,
with the same values (the alignment's similarities to the last bits of a
float). One pass over a batch of texts' code points finds the tokens of
:func:`provenance.text.tokenize` and hashes the folded ASCII ones on the fly;
tokens holding other letters are folded by Python (NFKC and case folding need
Unicode tables) and hashed the same way. A per-process open-addressing table
maps each token hash to its stem's hash (0 for stop words and one-letter
tokens), filled by Python the first time a token is seen. A second pass
builds the n-gram hashes and takes the minimum of every permutation. The
alignment's kernels number tokens and character n-grams, compute a pair's
similarity from the two texts' cells, find copied runs and count run
coverage (see each function).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from numba import njit

from .config import Settings
from .fingerprint import (
    _CHAIN_OFFSET,
    _CHAIN_PRIME,
    _FNV_OFFSET,
    _FNV_PRIME,
    permutations,
    scheme_width,
)
from .text import _fold_token, content_stems, fast_tokens

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
        h = np.uint64(_FNV_OFFSET)
        for i in range(start, ends[t]):
            h = (h ^ np.uint64(data[i])) * np.uint64(_FNV_PRIME)
        h = _fmix64(h)
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


@njit(cache=True, nogil=True)
def _fmix64(x):
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> np.uint64(33)
    return x


@njit(cache=True, nogil=True)
def _tokenize(codes, starts, ends, classes, out_hash, out_start, out_end, out_slow, token_offsets):
    """Tokens of each text ``codes[starts[t]:ends[t]]``: hash (for ASCII
    tokens), offsets, and whether Python must fold it. Returns the count."""
    k = 0
    offset = np.uint64(_FNV_OFFSET)
    prime = np.uint64(_FNV_PRIME)
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
            h = _fmix64(h)
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
def _slot(keys, h, mask):
    """Where hash ``h`` is, or would go, in the open-addressing table ``keys`` (0: empty)."""
    j = (h >> np.uint64(17)) & mask
    while keys[j] != 0 and keys[j] != h:
        j = (j + np.uint64(1)) & mask
    return j


@njit(cache=True, nogil=True)
def _lookup(keys, values, hashes, out, misses):
    """Stem hash of each token hash from the table; indexes of unknown ones
    go to ``misses``. Returns how many were unknown."""
    mask = np.uint64(len(keys) - 1)
    m = 0
    for i in range(len(hashes)):
        j = _slot(keys, hashes[i], mask)
        if keys[j] == 0:
            misses[m] = i
            m += 1
        else:
            out[i] = values[j]
    return m


@njit(cache=True, nogil=True)
def _insert(keys, values, new_keys, new_values):
    mask = np.uint64(len(keys) - 1)
    for i in range(len(new_keys)):
        j = _slot(keys, new_keys[i], mask)
        keys[j] = new_keys[i]
        values[j] = new_values[i]


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
        h = np.uint64(_CHAIN_OFFSET)
        for j in range(span):
            h = (h ^ hashes[lo + s + j]) * np.uint64(_CHAIN_PRIME)
        h = _fmix64(h)
        if width == 32:
            x = h >> np.uint64(32)
            x ^= x >> np.uint64(16)
            x = (x * np.uint64(0x85EBCA6B)) & mask32
            x ^= x >> np.uint64(13)
            x = (x * np.uint64(0xC2B2AE35)) & mask32
            x ^= x >> np.uint64(16)
            out[s] = x
        else:
            out[s] = _fmix64(h)
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


class _HashTable:
    """64-bit hash -> value, open addressing, at most half full."""

    def __init__(self, capacity: int, dtype) -> None:
        self.keys = np.zeros(capacity, dtype=np.uint64)
        self.values = np.zeros(capacity, dtype=dtype)
        self.size = 0

    def reserve(self, extra: int) -> None:
        """Room for ``extra`` more keys."""
        needed = (self.size + extra) * 2
        if needed <= len(self.keys):
            return
        capacity = len(self.keys)
        while needed > capacity:
            capacity *= 2
        occupied = self.keys != 0
        old_keys, old_values = self.keys[occupied], self.values[occupied]
        self.keys = np.zeros(capacity, dtype=np.uint64)
        self.values = np.zeros(capacity, dtype=self.values.dtype)
        _insert(self.keys, self.values, old_keys, old_values)


class _StemTable(_HashTable):
    """token hash -> stem hash (0: not a content word)."""

    def __init__(self) -> None:
        super().__init__(1 << 16, np.uint64)

    def add(self, keys: np.ndarray, values: np.ndarray) -> None:
        self.reserve(len(keys))
        _insert(self.keys, self.values, keys, values)
        self.size += len(keys)


_TABLE = _StemTable()


def sketch_texts(texts: Sequence[str], settings: Settings, counted: bool = False):
    """granularity -> (texts x num_perm) signature matrix; see the module doc.
    With ``counted``, also the number of tokens of each text."""
    width = scheme_width(settings.minhash_scheme)
    dtype = np.uint32 if width == 32 else np.uint64
    n = len(texts)
    words = np.full((n, settings.num_perm), np.iinfo(dtype).max, dtype=dtype)
    content = words.copy()
    counts = np.zeros(n, dtype=np.int64)
    groups: dict[str, list[int]] = {"ascii": [], "bmp": [], "python": []}
    for i, text in enumerate(texts):
        groups[_text_kind(text)].append(i)
    for kind, chosen in groups.items():
        if not chosen:
            continue
        batch = [texts[i] for i in chosen]
        if kind == "python":
            from .fingerprint import signatures_of_token_lists

            token_lists = [fast_tokens(t) for t in batch]
            result = signatures_of_token_lists(token_lists, settings)
            sub_words, sub_content = result["words"], result["content"]
            sub_counts = np.array([len(t) for t in token_lists], dtype=np.int64)
        else:
            sub_words, sub_content, sub_counts = _sketch_batch(batch, kind, settings, dtype, width)
        words[chosen], content[chosen], counts[chosen] = sub_words, sub_content, sub_counts
    matrices = {"words": words, "content": content}
    return (matrices, counts) if counted else matrices


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text_kind(text: str) -> str:
    """How the compiled tokeniser reads ``text``: "ascii" (a byte a
    character), "bmp" (UTF-16 code units, which are its code points), or
    "python" (characters beyond the BMP, or a lone surrogate that no codec
    encodes: the Python tokeniser's)."""
    if text.isascii():
        return "ascii"
    return "python" if max(text) > "\uffff" or _SURROGATE.search(text) else "bmp"


def _code_units(joined: str, kind: str) -> np.ndarray:
    if kind == "ascii":
        return np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(joined.encode("utf-16-le"), dtype=np.uint16)


def _hashed_tokens(texts: Sequence[str], joined: str, codes: np.ndarray):
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
        hashes[folded] = token_hashes([_fold_token(joined[a:b]) for a, b in pieces])
    return hashes, token_start, token_end, offsets, starts


def _sketch_batch(batch: list[str], kind: str, settings: Settings, dtype, width: int):
    a, b = permutations(settings.num_perm, settings.seed, settings.minhash_scheme)
    joined = "\n".join(batch)
    hashes, token_start, token_end, offsets, _ = _hashed_tokens(batch, joined, _code_units(joined, kind))
    count = len(hashes)
    stems = np.zeros(count, dtype=np.uint64)
    misses = np.empty(count, dtype=np.int64)
    missed = _lookup(_TABLE.keys, _TABLE.values, hashes, stems, misses)
    if missed:
        keys, first = np.unique(hashes[misses[:missed]], return_index=True)
        firsts = misses[first]
        pieces = zip(token_start[firsts].tolist(), token_end[firsts].tolist())
        _TABLE.add(keys, stem_hashes([_fold_token(joined[a:b]) for a, b in pieces]))
        again = misses[:missed]
        found = np.zeros(missed, dtype=np.uint64)
        _lookup(_TABLE.keys, _TABLE.values, hashes[again], found, np.empty(missed, dtype=np.int64))
        stems[again] = found
    sub_words = np.full((len(batch), settings.num_perm), np.iinfo(dtype).max, dtype=dtype)
    sub_content = sub_words.copy()
    _sketch(hashes, stems, offsets, settings.word_shingle_size, settings.content_shingle_size, a, b, width,
            sub_words, sub_content)
    return sub_words, sub_content, np.diff(offsets)


@njit(cache=True, nogil=True)
def pair_estimates(matrix, usable, low, high, min_counted, out):
    """As :func:`provenance.index.memory.pair_estimates`; ``usable`` may be
    an empty (0 x 0) array when every cell counts."""
    width = matrix.shape[1]
    masked = usable.shape[0] > 0
    for p in range(len(low)):
        i, j = low[p], high[p]
        equal = 0
        counted = 0
        for k in range(width):
            a, b = matrix[i, k], matrix[j, k]
            if masked:
                ok = usable[i, k] if a <= b else usable[j, k]
                if not ok:
                    continue
            counted += 1
            if a == b:
                equal += 1
        if masked and counted < min_counted:
            out[p] = 0.0
        else:
            out[p] = equal / counted if counted > 0 else 0.0


def tokenize_only(texts: Sequence[str]) -> int:
    """Tokenise ``texts`` as :func:`sketch_texts` does and hash the tokens,
    nothing more (the floor the engine is measured against). Returns the
    number of tokens."""
    total = 0
    kinds = [_text_kind(t) for t in texts]
    for kind in ("ascii", "bmp"):
        batch = [t for t, k in zip(texts, kinds) if k == kind]
        if not batch:
            continue
        joined = "\n".join(batch)
        codes = _code_units(joined, kind)
        lengths = np.fromiter((len(t) + 1 for t in batch), dtype=np.int64, count=len(batch))
        starts = np.zeros(len(batch), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        capacity = len(codes) // 2 + 2
        total += _tokenize(codes, starts, starts + lengths - 1, _CLASSES, np.empty(capacity, dtype=np.uint64),
                           np.empty(capacity, dtype=np.int64), np.empty(capacity, dtype=np.int64),
                           np.empty(capacity, dtype=np.bool_), np.empty(len(batch) + 1, dtype=np.int64))
    return total


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


# --- the alignment's vocabulary -------------------------------------------------------
#
# align.Vectoriser numbers tokens and their character n-grams in order of
# first use. Done with Python dicts, a document costs a regular-expression
# pass, a dict lookup per token and, per new token, one per n-gram; here the
# tokens are found and looked up by hash, and new tokens' n-grams numbered,
# without a Python object each. The ids are the ones the dicts would give.


class IdTable(_HashTable):
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
        j = _slot(keys, hashes[i], mask)
        if keys[j] == 0:
            keys[j] = hashes[i]
            values[j] = next_id
            next_id += 1
        out[i] = values[j]
    return next_id


def sentence_token_hashes(texts: Sequence[str]):
    """What :func:`provenance.text.sentence_tokens` finds, as token hashes
    (:func:`provenance.fingerprint.token_hash` of the folded token): (hashes,
    sentence of each, (start, end) in its sentence, and a function giving
    the folded tokens at an array of positions). None for texts beyond the BMP or
    holding a lone surrogate (the Python tokeniser takes those)."""
    joined = "\n".join(texts)
    kind = _text_kind(joined)
    if kind == "python":
        return None
    hashes, token_start, token_end, offsets, starts = _hashed_tokens(texts, joined, _code_units(joined, kind))
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), np.diff(offsets))
    base = starts[rows]
    spans = np.stack([token_start - base, token_end - base], axis=1)

    def folded(at: np.ndarray) -> list[str]:
        return [_fold_token(joined[a:b]) for a, b in zip(token_start[at].tolist(), token_end[at].tolist())]

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
    h = np.uint64(_FNV_OFFSET)
    prime = np.uint64(_FNV_PRIME)
    for p in range(offset, offset + n):
        if p == 0 or p == length - 1:
            c = np.uint64(32)
        else:
            c = np.uint64(codes[w0 + p - 1])
        h = (h ^ c) * prime
    h = (h ^ np.uint64(n)) * prime
    h = _fmix64(h)
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


# --- the alignment's similarity ------------------------------------------------------


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
    for f in range(distinct):
        a0, a1 = s_start[f], s_start[f + 1]
        for a in range(a0, a1):
            row, value = s_row[a], s_value[a]
            for m in range(d_start[f], d_start[f + 1]):
                flat_similarity[d_at[m] + row] += d_value[m] * value
            for b in range(a0, a1):
                flat_gram[s_row[b] * n_source + row] += s_value[b] * value


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


@njit(cache=True, nogil=True)
def shared_count(a, b):
    """How many values two sorted arrays of distinct values share."""
    i = j = n = 0
    while i < len(a) and j < len(b):
        if a[i] < b[j]:
            i += 1
        elif b[j] < a[i]:
            j += 1
        else:
            n += 1
            i += 1
            j += 1
    return n


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


# --- copied-run coverage --------------------------------------------------------------


@njit(cache=True, nogil=True)
def run_coverage(source_ids, derived_ids, n, multiplier):
    """How many of ``derived_ids`` lie in a run of ``n`` ids whose hash
    (verdict._gram_keys) is also a run's in ``source_ids``: what
    verdict.covered_share counts, with a hash set instead of sorting."""
    count = len(source_ids) - n + 1
    windows = len(derived_ids) - n + 1
    if count <= 0 or windows <= 0:
        return 0
    bits = 4
    while (1 << bits) < 2 * count:
        bits += 1
    mask = (1 << bits) - 1
    keys = np.zeros(1 << bits, dtype=np.uint64)
    used = np.zeros(1 << bits, dtype=np.bool_)
    for p in range(count):
        key = _window_key(source_ids, p, n, multiplier)
        j = np.int64((key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits))
        while used[j] and keys[j] != key:
            j = (j + 1) & mask
        used[j] = True
        keys[j] = key
    covered = 0
    until = 0  # tokens before this are already covered
    for p in range(windows):
        key = _window_key(derived_ids, p, n, multiplier)
        j = np.int64((key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits))
        while used[j] and keys[j] != key:
            j = (j + 1) & mask
        if used[j]:
            covered += p + n - max(p, until)
            until = p + n
    return covered


@njit(cache=True, nogil=True)
def _window_key(ids, p, n, multiplier):
    key = np.uint64(ids[p]) + np.uint64(1)
    for k in range(1, n):
        key = key * multiplier + (np.uint64(ids[p + k]) + np.uint64(1))
    return key
