"""The TF-IDF sentence matcher: word and character n-gram features of each
sentence, and the cosine similarity of every derived sentence with every
source sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from ..analysis.tokens import content_stems, sentence_tokens
from ..arrays import sorted_unique
from ..config import VOCABULARY_LIMIT
from ..engine import kernels
from ..fingerprint.hashing import token_hash
from ..model import Document


def _native():
    """The TF-IDF matcher's compiled kernels, or None (the numpy engine)."""
    return kernels("provenance.matching.kernels")


class Vectoriser:
    """TF-IDF rows of sentences, fitted on the two texts of each pair.

    Computes what scikit-learn's ``TfidfVectorizer`` (sublinear tf, smoothed
    idf, l2 rows) fitted on the pair's sentences gives -- one over stemmed
    content words and their bigrams, one over character 3-5-grams within
    words (``char_wb``) -- as dense rows whose dot product is the mean of the
    two cosines. Term counts are kept per document and character n-grams per
    distinct token, so aligning many pairs re-extracts nothing; only the idf
    and the products are per pair. Values equal scikit-learn's up to the
    order of floating-point sums (``tests/matching/test_tfidf.py``).
    """

    #: (see provenance.config.VOCABULARY_LIMIT)
    VOCABULARY_LIMIT = VOCABULARY_LIMIT

    def __init__(self) -> None:
        #: Bumped whenever the ids start afresh.
        self.generation = getattr(self, "generation", -1) + 1
        self._stems: dict[str, int] = {}
        # Tokens and character n-grams are numbered in order of first use,
        # by the compiled engine when it is installed (the same ids).
        self._native = native = _native()
        self._tokens: Any = native.IdTable() if native else {}
        self._chars: Any = native.IdTable() if native else {}
        # Per token id: its stem's id (-1: not a content word) and its
        # character n-gram ids (stored flat, with offsets).
        self._stem_of = np.zeros(1024, dtype=np.int64)
        self._gram_start = np.zeros(1024, dtype=np.int64)
        self._gram_count = np.zeros(1024, dtype=np.int64)
        self._grams = np.zeros(4096, dtype=np.int64)
        self._grams_used = 0
        self._next_token = 0
        #: (id, text) -> DocumentFeatures
        self._documents: dict[tuple[str, str], DocumentFeatures] = {}

    def forget(self, document: Document) -> None:
        """Drop the cached features of ``document``."""
        self._documents.pop((document.id, document.text), None)

    def _check_limits(self) -> None:
        chars = self._chars.size if self._native else len(self._chars)
        if max(self._next_token, len(self._stems), chars) > self.VOCABULARY_LIMIT:
            self.__init__()

    def vectors(self, derived: Document, source: Document) -> tuple[np.ndarray, np.ndarray]:
        """The TF-IDF rows of the derived and the source sentences (dense)."""
        self._check_limits()
        pair = self._rows(derived, source)
        return pair.derived, pair.source

    def pair(self, derived: Document, source: Document) -> _PairVectors | _CompiledPair:
        """What aligning the pair needs: the similarity matrix, and the
        source rows' products for merging."""
        self._check_limits()
        if not self._native:
            return self._rows(derived, source)
        mine, theirs = self.features_of(derived), self.features_of(source)
        return _CompiledPair(self._native, derived.sentence_count, source.sentence_count,
                             [(mine.word_cells, theirs.word_cells), (mine.char_cells, theirs.char_cells)])

    def _rows(self, derived: Document, source: Document) -> _PairVectors:
        n_derived = derived.sentence_count
        n = n_derived + source.sentence_count
        mine, theirs = self.features_of(derived), self.features_of(source)
        parts = []
        for (rows_mine, ids_mine, tf_mine), (rows_theirs, ids_theirs, tf_theirs) in (
            (mine.word_cells, theirs.word_cells), (mine.char_cells, theirs.char_cells)
        ):
            rows = np.concatenate([rows_mine, rows_theirs + n_derived])
            columns, local = np.unique(np.concatenate([ids_mine, ids_theirs]), return_inverse=True)
            local = local.reshape(-1)
            df = np.bincount(local, minlength=len(columns)).astype(np.float64)
            idf = np.log((n + 1) / (df + 1)) + 1.0
            values = np.concatenate([tf_mine, tf_theirs]) * idf[local]
            norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n))
            # Each part is l2-normalised, then scaled so that a dot product
            # of two rows is the mean of the two cosines.
            values = values / np.where(norms > 0, norms, 1.0)[rows] * np.sqrt(0.5)
            parts.append(_Part(rows, local, values, len(columns), len(ids_mine)))
        return _PairVectors(n_derived, n, parts)

    def features_of(self, document: Document) -> DocumentFeatures:
        """The document's token ids and features (cached)."""
        key = (document.id, document.text)
        found = self._documents.get(key)
        if found is None:
            found = self._documents[key] = self._extract(document)
        return found

    def _extract(self, document: Document) -> DocumentFeatures:
        texts = document.sentence_texts()
        found = self._native.sentence_token_hashes(texts) if self._native else None
        if found is not None:
            hashes, rows, spans, folded = found
            tokens = self._ids_of_hashes(hashes, folded)
        else:
            words, rows, spans = sentence_tokens(texts)
            tokens = self._token_ids(words)
        return DocumentFeatures(len(texts), tokens, rows, self._stem_of[tokens], spans.astype(np.int32), self)

    def _token_ids(self, tokens: list[str]) -> np.ndarray:
        """Ids of folded tokens, new ones numbered in order of first use."""
        if self._native:
            hashes = np.fromiter(map(token_hash, tokens), dtype=np.uint64, count=len(tokens))
            return self._ids_of_hashes(hashes, lambda at: [tokens[i] for i in at.tolist()])
        table = self._tokens
        new = set(tokens).difference(table)
        if new:
            self._add_tokens([t for t in dict.fromkeys(tokens) if t in new])
        return np.fromiter(map(table.__getitem__, tokens), dtype=np.int64, count=len(tokens))

    def _ids_of_hashes(self, hashes: np.ndarray, folded: Callable[[np.ndarray], list[str]]) -> np.ndarray:
        """Ids of tokens given by hash; ``folded(at)`` are the tokens at positions ``at``."""
        before = self._tokens.size
        ids = self._tokens.ids(hashes)
        if self._tokens.size > before:
            fresh = np.flatnonzero(ids >= before)
            _, first = np.unique(ids[fresh], return_index=True)
            self._add_tokens(folded(fresh[first]))
        return ids

    def _add_tokens(self, tokens: list[str]) -> None:
        """The stems and character n-grams of new tokens (the next ids, in this order)."""
        end = self._grams_used
        first = self._next_token
        last = first + len(tokens)
        while last > len(self._stem_of):
            for name in ("_stem_of", "_gram_start", "_gram_count"):
                old = getattr(self, name)
                setattr(self, name, np.concatenate([old, np.zeros_like(old)]))
        stems = self._stems
        self._stem_of[first:last] = [-1 if stem is None else stems.setdefault(stem, len(stems))
                                     for stem in content_stems(tokens)]
        if self._native:
            counts, grams = self._native.char_gram_ids(tokens, self._chars)
        else:
            chars = self._chars
            lists = [[chars.setdefault(g, len(chars)) for g in _char_wb_grams(t)] for t in tokens]
            counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
            grams = [g for one in lists for g in one]
        while end + len(grams) > len(self._grams):
            self._grams = np.concatenate([self._grams, np.zeros_like(self._grams)])
        self._grams[end : end + len(grams)] = grams
        self._gram_count[first:last] = counts
        self._gram_start[first:last] = end + np.cumsum(counts) - counts
        self._grams_used = end + len(grams)
        if not self._native:
            self._tokens.update(zip(tokens, range(first, last)))
        self._next_token = last

    def char_cells(self, tokens: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The character n-gram cells of a document's tokens (see DocumentFeatures)."""
        counts = self._gram_count[tokens]
        total = int(counts.sum())
        starts = np.repeat(self._gram_start[tokens] - (np.cumsum(counts) - counts), counts)
        return _cells(np.repeat(rows, counts), self._grams[starts + np.arange(total, dtype=np.int64)])


@dataclass(frozen=True)
class DocumentFeatures:
    """A document's token ids (with their sentences and stems), and, made
    when first aligned, its TF cells: only these are kept, not each token's
    features, since a scan holds a few hundred documents' at a time."""

    sentence_count: int
    tokens: np.ndarray
    #: The sentence of each token.
    token_rows: np.ndarray
    stems: np.ndarray
    #: Each token's (start, end) in its sentence's text.
    spans: np.ndarray
    vectoriser: Vectoriser = field(repr=False, compare=False)
    #: What later stages work out once per document and keep with its
    #: features (the ledger's quotation marks and twin sentences).
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def offsets(self) -> np.ndarray:
        """Where each sentence's tokens start in ``tokens``, and the end."""
        return np.concatenate([[0], np.cumsum(np.bincount(self.token_rows, minlength=self.sentence_count))])

    @cached_property
    def word_cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sentence, feature, sublinear tf) of each distinct word feature of
        a sentence: stems, and bigrams of consecutive content words of a
        sentence (packed above every stem id)."""
        content = np.flatnonzero(self.stems >= 0)
        unigram_rows, unigrams = self.token_rows[content], self.stems[content]
        follow = np.flatnonzero(unigram_rows[1:] == unigram_rows[:-1])
        bigrams = ((unigrams[follow] + 1) << 24) | unigrams[follow + 1]
        return _cells(np.concatenate([unigram_rows, unigram_rows[follow]]), np.concatenate([unigrams, bigrams]))

    @cached_property
    def char_cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The same for each token's character n-grams."""
        return self.vectoriser.char_cells(self.tokens, self.token_rows)

    def trigrams(self) -> np.ndarray:
        """Sorted distinct word trigrams as integers (a text of fewer words
        has one shingle of all of them, marked apart)."""
        t = self.tokens
        if len(t) >= 3:
            codes = (t[:-2] << 42) | (t[1:-1] << 21) | t[2:]
        elif len(t):
            codes = np.array([(1 << 63) - 1 - ((t[0] << 21) | (t[1] if len(t) > 1 else (1 << 21) - 1))], dtype=np.int64)
        else:
            codes = np.zeros(0, dtype=np.int64)
        return sorted_unique(codes)

    def terms(self) -> np.ndarray:
        """Sorted distinct stem ids of the content words."""
        return sorted_unique(self.stems[self.stems >= 0])


# Row numbers are packed above feature ids (< 2**48) in one int64 key.
_ROW_BITS = 48


_ROW = 1 << _ROW_BITS


@dataclass(frozen=True)
class _Part:
    """One kind of feature (words or characters) of a pair's sentences, as
    (row, column, value) cells; the first ``derived_cells`` are the derived text's."""

    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    width: int
    derived_cells: int


#: Cells (rows by columns) of the largest dense matrix the numpy engine
#: builds for a pair's products (128 MB): beyond it -- two texts near the
#: analysis limits, whose rows number thousands and columns hundreds of
#: thousands -- the rows are multiplied as sparse matrices, in memory that
#: grows with the cells the texts hold and the sentences they pair, not with
#: their product. Ordinary pairs stay far below it (a few hundred rows).
DENSE_CELLS = 1 << 24

#: (rows, columns, values, width) of each kind of feature of a pair's rows.
_Pieces = list[tuple[np.ndarray, np.ndarray, np.ndarray, int]]


class _PairVectors:
    """The TF-IDF rows of a pair's sentences (the engine without numba).
    Their similarity is computed over the columns both texts use (the others
    add nothing to a product), which keeps the matrices small; the full rows
    are built only when asked for (merging source sentences needs the source
    rows' products)."""

    compiled = False

    def __init__(self, n_derived: int, n: int, parts: list[_Part]):
        self._n_derived, self._n, self._parts = n_derived, n, parts

    def _pieces(self, shared_only: bool) -> _Pieces:
        """(rows, columns, values, width) of each part: only the columns both
        texts use when ``shared_only``, renumbered."""
        pieces = []
        for part in self._parts:
            columns, rows, values = part.columns, part.rows, part.values
            width = part.width
            if shared_only:
                in_derived = np.zeros(width, dtype=bool)
                in_derived[columns[: part.derived_cells]] = True
                in_source = np.zeros(width, dtype=bool)
                in_source[columns[part.derived_cells :]] = True
                shared = in_derived & in_source
                keep = shared[columns]
                renumber = np.cumsum(shared) - 1
                columns, rows, values, width = renumber[columns[keep]], rows[keep], values[keep], int(shared.sum())
            pieces.append((rows, columns, values, width))
        return pieces

    def _dense(self, pieces: _Pieces) -> np.ndarray:
        matrix = np.zeros((self._n, sum(p[3] for p in pieces)))
        offset = 0
        for rows, columns, values, width in pieces:
            matrix[rows, columns + offset] = values
            offset += width
        return matrix

    def _fits(self, pieces: _Pieces) -> bool:
        """Whether the dense rows fit :data:`DENSE_CELLS`."""
        return self._n * sum(p[3] for p in pieces) <= DENSE_CELLS

    def _sparse_product(self, pieces: _Pieces, derived: bool) -> np.ndarray:
        """The derived (or source) rows by the source rows, through sparse matrices."""
        from scipy import sparse  # (scikit-learn's dependency) only for pairs too large to hold dense

        offsets = np.cumsum([0] + [p[3] for p in pieces])
        rows = np.concatenate([p[0] for p in pieces])
        columns = np.concatenate([p[1].astype(np.int64) + offset for p, offset in zip(pieces, offsets)])
        matrix = sparse.csr_matrix((np.concatenate([p[2] for p in pieces]), (rows, columns)),
                                   shape=(self._n, int(offsets[-1])))
        source = matrix[self._n_derived :]
        left, right = (matrix[: self._n_derived] if derived else source), source.T.tocsc()
        out = np.zeros((left.shape[0], source.shape[0]))
        # A block of rows at a time, so that the sparse product of two dense-ish texts stays small.
        step = max(1, DENSE_CELLS // 4 // max(source.shape[0], 1))
        for start in range(0, left.shape[0], step):
            out[start : start + step] = (left[start : start + step] @ right).toarray()
        return out

    @cached_property
    def similarity(self) -> np.ndarray:
        """Derived sentences by source sentences: the mean of the two cosines."""
        pieces = self._pieces(shared_only=True)
        if not self._fits(pieces):
            return self._sparse_product(pieces, derived=True)
        shared = self._dense(pieces)
        return shared[: self._n_derived] @ shared[self._n_derived :].T

    @cached_property
    def _full(self) -> np.ndarray:
        return self._dense(self._pieces(shared_only=False))

    @property
    def derived(self) -> np.ndarray:
        return self._full[: self._n_derived]

    @property
    def source(self) -> np.ndarray:
        return self._full[self._n_derived :]

    @cached_property
    def gram(self) -> np.ndarray:
        """Source sentences by source sentences: their rows' dot products
        (what merging source sentences needs)."""
        pieces = self._pieces(shared_only=False)
        if not self._fits(pieces):
            return self._sparse_product(pieces, derived=False)
        return self.source @ self.source.T


class _CompiledPair:
    """:class:`_PairVectors`' similarity and gram, computed by the compiled
    engine from the two texts' cells, without dense rows."""

    #: Made by the compiled engine: the alignment may use its own kernels on it.
    compiled = True

    def __init__(self, native, n_derived: int, n_source: int, parts: list) -> None:
        self.similarity = np.zeros((n_derived, n_source))
        self.gram = np.zeros((n_source, n_source))
        for derived, source in parts:
            native.pair_part(*derived, *source, n_derived, n_source, self.similarity, self.gram)


def _cells(rows: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, feature, sublinear tf) of each distinct (row, feature) of the
    given occurrences, sorted by row, then feature."""
    shift = int(ids.max(initial=0)).bit_length()
    if shift < 32 and int(rows.max(initial=0)) < 1 << (32 - shift):
        # Row and id fit one 32-bit key, which sorts about twice as fast.
        keys = (rows.astype(np.uint32) << np.uint32(shift)) | ids.astype(np.uint32)
    else:
        keys, shift = rows * _ROW + ids, _ROW_BITS
    native = _native()
    if native is not None:
        keys.sort()
        rows_of = np.empty(len(keys), dtype=np.int32)
        features = np.empty(len(keys), dtype=np.int64)
        counts = np.empty(len(keys), dtype=np.int64)
        n = native.tf_cells(keys, shift, rows_of, features, counts)
        rows_of, features, counts = rows_of[:n], features[:n], counts[:n]
    else:
        keys, counts = np.unique(keys, return_counts=True)
        rows_of, features = keys >> keys.dtype.type(shift), keys & keys.dtype.type((1 << shift) - 1)
    tf = _log_tf(int(counts.max(initial=0)))[counts]
    # Kept for a few hundred documents at a time: the narrowest types that hold them.
    features = features.astype(np.int32 if len(features) and features.max() < 2**31 else np.int64)
    return rows_of.astype(np.int32), features, tf


def _log_counts(size: int) -> np.ndarray:
    counts = np.arange(1, size)
    return np.concatenate([[0.0], np.log(counts) + 1.0])


_LOG_TF = _log_counts(1 << 12)


def _log_tf(most: int) -> np.ndarray:
    """``1 + log(count)`` at index ``count`` for every count up to ``most``,
    from numpy's log as it computes a whole array of counts."""
    global _LOG_TF
    table = _LOG_TF
    if most >= len(table):
        table = _LOG_TF = _log_counts(2 * most + 2)
    return table


def _char_wb_grams(token: str) -> list[str]:
    """scikit-learn's ``char_wb`` 3-5-grams of the words of one token."""
    grams: list[str] = []
    for word in token.split():
        w = f" {word} "
        length = len(w)
        for n in (3, 4, 5):
            offset = 0
            grams.append(w[offset : offset + n])
            while offset + n < length:
                offset += 1
                grams.append(w[offset : offset + n])
            if offset == 0:  # a short word counts once
                break
    return grams
