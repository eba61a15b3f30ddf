"""The sentence ledger: what a derived text did with each sentence of its source.

Every derived sentence is compared with every source sentence by the mean
of two TF-IDF cosines, one over stemmed content words and their bigrams, one
over character 3-5-grams within words (which catches inflection and shared
word parts a stemmer misses). IDF is fitted on the two texts' sentences, so
words common to the whole story weigh little.

A derived sentence takes its best source sentence, then greedily absorbs
further source sentences while the similarity with their union keeps rising
(two source sentences merged into one). Several derived sentences may take
the same source sentence (one split in two), and order is free
(reordering). Matches above ``rewrite_threshold`` are anchors; between two
anchors, a sentence may also match a source sentence near the diagonal the
anchors span at the lower ``gap_threshold`` -- a paraphrase that follows its
source's order keeps few words but keeps its place. Copied word runs are
found by n-gram lookup in the matched source sentences. Source sentences no
derived sentence uses are dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from ._arrays import sorted_unique
from .config import DEFAULT_SETTINGS, Settings
from .fingerprint import _native, token_hash
from .text import Document, Sentence, Span, content_stems, content_terms, sentence_tokens

VERBATIM = "verbatim"
REWRITE = "rewrite"
ADDED = "added"
LABELS = (VERBATIM, REWRITE, ADDED)

# A source sentence joins a merge group only if it alone is this similar to
# the derived sentence and the union's cosine rises by at least _MERGE_GAIN.
_MERGE_FLOOR = 0.15
_MERGE_GAIN = 0.02
_MAX_MERGE = 4
# How far (in source sentences) from the anchors' diagonal a gap match may lie.
_GAP_BAND = 1.5
# A derived sentence copied this much word-for-word is a match whatever its cosine,
# counting runs of at least _MATCH_RUN words (or min_verbatim_words if longer):
# a shorter kept run (a name, "the court") shows as a span of a matched
# sentence but is no evidence of a match.
_COPIED_MATCH_SHARE = 0.5
_MATCH_RUN = 3


@dataclass(frozen=True, slots=True)
class SentenceAlignment:
    """One derived sentence and where it came from. (Slotted, as are the
    relation's other parts: a large scan holds one per derived sentence.)"""

    index: int
    label: str
    #: Indexes of the source sentences it was matched to (empty when added).
    source_indexes: tuple[int, ...]
    #: Cosine similarity with the matched source sentence(s), 0..1.
    score: float
    #: Character spans of ``text`` copied word for word from the source.
    verbatim_spans: tuple[Span, ...]
    #: Share of the sentence's words inside copied runs.
    verbatim_share: float
    #: Number of word tokens (the weight of this sentence in shares).
    words: int

    def __reduce__(self) -> tuple:
        # Pickled as the constructor's arguments, which is twice as quick to
        # write as the slots' state: a scan's workers send one per derived sentence.
        return (SentenceAlignment, (self.index, self.label, self.source_indexes, self.score, self.verbatim_spans,
                                    self.verbatim_share, self.words))


@dataclass(frozen=True, slots=True)
class Ledger:
    """The derived text's sentences, labelled, and the source sentences it dropped."""

    source: str
    derived: str
    sentences: tuple[SentenceAlignment, ...]
    dropped: tuple[int, ...]
    source_sentence_count: int

    def share(self, label: str) -> float:
        """Share of the derived text's words in sentences with ``label``."""
        total = sum(s.words for s in self.sentences)
        return sum(s.words for s in self.sentences if s.label == label) / total if total else 0.0

    @property
    def matched_share(self) -> float:
        return 1.0 - self.share(ADDED) if self.sentences else 0.0

    @property
    def verbatim_word_share(self) -> float:
        """Share of the derived text's words copied word for word."""
        total = sum(s.words for s in self.sentences)
        return sum(s.verbatim_share * s.words for s in self.sentences) / total if total else 0.0

    @property
    def matched_sentences(self) -> int:
        return sum(1 for s in self.sentences if s.label != ADDED)

    @property
    def source_used_share(self) -> float:
        if not self.source_sentence_count:
            return 0.0
        return 1.0 - len(self.dropped) / self.source_sentence_count


def align(source: Document, derived: Document, settings: Settings = DEFAULT_SETTINGS, *,
          vectoriser: Vectoriser | None = None) -> Ledger:
    """The ledger of ``derived`` against ``source``. Pass one
    :class:`Vectoriser` to align many pairs of the same documents: each
    document's sentence features are then extracted once. Tokens are read
    from each sentence's text, as :func:`provenance.text.tokenize` gives
    them (what a sentence's ``tokens`` hold)."""
    if not derived.sentence_count or not source.sentence_count:
        return Ledger(source.id, derived.id, tuple(
            SentenceAlignment(s.index, ADDED, (), 0.0, (), 0.0, len(s.tokens)) for s in derived.sentences
        ), tuple(range(len(source.sentences))), len(source.sentences))
    vectoriser = vectoriser if vectoriser is not None else Vectoriser()
    vectors = vectoriser.pair(derived, source)
    similarity = vectors.similarity
    mine, theirs = vectoriser.features_of(derived), vectoriser.features_of(source)
    n = settings.min_verbatim_words
    match_n = max(n, _MATCH_RUN)
    best = _best_groups(similarity, vectors)
    groups = [group for group, _ in best]
    copied = _CopiedRuns(theirs, mine, groups, n)
    evidence = copied if match_n == n else _CopiedRuns(theirs, mine, groups, match_n)
    # (A sentence's index is its place in the document.)
    rows = [
        _labelled(i, copied.words(i), group, score, copied.spans(i), copied.share(i), evidence.share(i), settings)
        for i, (group, score) in enumerate(best)
    ]
    rows = _fill_gaps(rows, similarity, theirs, mine, settings)
    used = {j for row in rows for j in row.source_indexes}
    dropped = tuple(j for j in range(source.sentence_count) if j not in used)
    return Ledger(source.id, derived.id, tuple(rows), dropped, source.sentence_count)


def _features(sentence: Sentence) -> list[str]:
    terms = content_terms(sentence.tokens)
    return terms + [f"{a}_{b}" for a, b in zip(terms, terms[1:])]


class Vectoriser:
    """TF-IDF rows of sentences, fitted on the two texts of each pair.

    Computes what scikit-learn's ``TfidfVectorizer`` (sublinear tf, smoothed
    idf, l2 rows) fitted on the pair's sentences gives -- one over stemmed
    content words and their bigrams, one over character 3-5-grams within
    words (``char_wb``) -- as dense rows whose dot product is the mean of the
    two cosines. Term counts are kept per document and character n-grams per
    distinct token, so aligning many pairs re-extracts nothing; only the idf
    and the products are per pair. Values equal scikit-learn's up to the
    order of floating-point sums (``tests/test_align_batch.py``).
    """

    #: Distinct tokens, stems or character n-grams held before the ids
    #: start afresh (token ids must fit 21 bits, stems 23).
    VOCABULARY_LIMIT = 2_000_000

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
        #: (id, text) -> _DocumentFeatures
        self._documents: dict[tuple[str, str], _DocumentFeatures] = {}

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

    def features_of(self, document: Document) -> _DocumentFeatures:
        """The document's token ids and features (cached)."""
        key = (document.id, document.text)
        found = self._documents.get(key)
        if found is None:
            found = self._documents[key] = self._extract(document)
        return found

    def _extract(self, document: Document) -> _DocumentFeatures:
        texts = document.sentence_texts()
        found = self._native.sentence_token_hashes(texts) if self._native else None
        if found is not None:
            hashes, rows, spans, folded = found
            tokens = self._ids_of_hashes(hashes, folded)
        else:
            words, rows, spans = sentence_tokens(texts)
            tokens = self._token_ids(words)
        return _DocumentFeatures(len(texts), tokens, rows, self._stem_of[tokens], spans.astype(np.int32), self)

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
        """The character n-gram cells of a document's tokens (see _DocumentFeatures)."""
        counts = self._gram_count[tokens]
        total = int(counts.sum())
        starts = np.repeat(self._gram_start[tokens] - (np.cumsum(counts) - counts), counts)
        return _cells(np.repeat(rows, counts), self._grams[starts + np.arange(total, dtype=np.int64)])


@dataclass(frozen=True)
class _DocumentFeatures:
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


class _PairVectors:
    """The TF-IDF rows of a pair's sentences (the engine without numba).
    Their similarity is computed over the columns both texts use (the others
    add nothing to a product), which keeps the matrices small; the full rows
    are built only when asked for (merging source sentences needs the source
    rows' products)."""

    def __init__(self, n_derived: int, n: int, parts: list[_Part]):
        self._n_derived, self._n, self._parts = n_derived, n, parts

    def _dense(self, shared_only: bool) -> np.ndarray:
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
        matrix = np.zeros((self._n, sum(p[3] for p in pieces)))
        offset = 0
        for rows, columns, values, width in pieces:
            matrix[rows, columns + offset] = values
            offset += width
        return matrix

    @cached_property
    def similarity(self) -> np.ndarray:
        """Derived sentences by source sentences: the mean of the two cosines."""
        shared = self._dense(shared_only=True)
        return shared[: self._n_derived] @ shared[self._n_derived :].T

    @cached_property
    def _full(self) -> np.ndarray:
        return self._dense(shared_only=False)

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
        return self.source @ self.source.T


class _CompiledPair:
    """:class:`_PairVectors`' similarity and gram, computed by the compiled
    engine from the two texts' cells, without dense rows."""

    def __init__(self, native, n_derived: int, n_source: int, parts: list) -> None:
        self.native = native
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


def _best_group(i: int, similarity: np.ndarray, gram: np.ndarray) -> tuple[tuple[int, ...], float]:
    row = similarity[i]
    # Among equally good source sentences (repeated text), take the one
    # nearest the position this sentence's place in the text implies.
    n_derived, n_source = similarity.shape
    expected = i * (n_source - 1) / max(n_derived - 1, 1)
    top = row.max()
    if top <= 0.0:
        return (), 0.0
    ties = np.flatnonzero(row >= top - 1e-9)
    # argmin keeps the first of equal distances: the lower index.
    best = int(ties[np.argmin(np.abs(ties - expected))])
    group = [best]
    score = float(row[best])
    if score <= 0.0:  # the best was within 1e-9 of a zero
        return (), 0.0
    # The merged cosine is the derived row's product with the sum of the
    # group's source rows over that sum's norm: sums of similarities and
    # of the source rows' products, no vectors needed.
    product, square = score, float(gram[best, best])
    for j in np.argsort(-row, kind="stable")[1 : _MAX_MERGE + 4]:
        if len(group) >= _MAX_MERGE or row[j] < _MERGE_FLOOR:
            break
        candidate_product = product + float(row[j])
        candidate_square = square + 2.0 * float(gram[group, j].sum()) + float(gram[j, j])
        norm = math.sqrt(candidate_square) if candidate_square > 0 else 0.0
        merged = candidate_product / norm if norm else 0.0
        if merged >= score + _MERGE_GAIN:
            group.append(int(j))
            product, square, score = candidate_product, candidate_square, merged
    return tuple(sorted(group)), min(score, 1.0)


def _best_groups(similarity: np.ndarray, vectors: _PairVectors | _CompiledPair) -> list[tuple[tuple[int, ...], float]]:
    """:func:`_best_group` of every derived sentence: compiled (the same
    arithmetic) for the compiled engine's pairs; otherwise a sentence like no
    source sentence, or with one best source sentence and no runner-up
    similar enough to merge (most of them), is settled here for the whole
    matrix at once."""
    n_derived, n_source = similarity.shape
    if isinstance(vectors, _CompiledPair):
        native = vectors.native
        groups = np.empty((n_derived, _MAX_MERGE), dtype=np.int64)
        sizes = np.empty(n_derived, dtype=np.int64)
        scores = np.empty(n_derived)
        native.best_groups(similarity, vectors.gram, _MERGE_FLOOR, _MERGE_GAIN, _MAX_MERGE, groups, sizes, scores)
        return [(tuple(g[:k]), s) for g, k, s in zip(groups.tolist(), sizes.tolist(), scores.tolist())]
    top = similarity.max(axis=1)
    best = similarity.argmax(axis=1)
    ties = (similarity >= (top - 1e-9)[:, None]).sum(axis=1)
    second = np.partition(similarity, -2, axis=1)[:, -2] if n_source > 1 else np.full(n_derived, -np.inf)
    settled = (top <= 0.0) | ((ties == 1) & (second < _MERGE_FLOOR))
    out = []
    for i, (done, value, j) in enumerate(zip(settled.tolist(), top.tolist(), best.tolist())):
        if not done:
            out.append(_best_group(i, similarity, vectors.gram))
        elif value <= 0.0:
            out.append(((), 0.0))
        else:
            out.append(((j,), min(value, 1.0)))
    return out


def _fill_gaps(
    rows: list[SentenceAlignment],
    similarity: np.ndarray,
    source: _DocumentFeatures,
    derived: _DocumentFeatures,
    settings: Settings,
) -> list[SentenceAlignment]:
    """Match added sentences that sit where the anchors around them say their
    source should be, at the lower gap threshold."""
    anchors = [(r.index, min(r.source_indexes), max(r.source_indexes)) for r in rows if r.label != ADDED]
    if not anchors:
        return rows
    last_source = similarity.shape[1] - 1
    found: dict[int, tuple[int, float]] = {}
    for row in rows:
        if row.label != ADDED:
            continue
        i = row.index
        before = [a for a in anchors if a[0] < i]
        after = [a for a in anchors if a[0] > i]
        if before and after:
            (ia, _, ja), (ib, jb, _) = before[-1], after[0]
            if jb < ja:
                continue  # the anchors cross: no order to follow here
            expected = ja + (i - ia) * (jb - ja) / (ib - ia)
            low, high = ja, jb
        elif before:
            ia, _, ja = before[-1]
            expected, low, high = ja + (i - ia), ja, last_source
        else:
            ib, jb, _ = after[0]
            expected, low, high = jb - (ib - i), 0, jb
        window = [j for j in range(low, high + 1) if abs(j - expected) <= _GAP_BAND]
        if not window:
            continue
        j = max(window, key=lambda k: (similarity[i, k], -k))
        score = float(similarity[i, j])
        if score >= settings.gap_threshold:
            found[i] = (j, score)
    if not found:
        return rows
    groups = [(found[i][0],) if i in found else () for i in range(len(rows))]
    copied = _CopiedRuns(source, derived, groups, settings.min_verbatim_words)
    filled = list(rows)
    for i, (j, score) in found.items():
        share = copied.share(i)
        label = VERBATIM if share >= settings.verbatim_share else REWRITE
        filled[i] = SentenceAlignment(i, label, (j,), round(score, 4), copied.spans(i), round(share, 4),
                                      rows[i].words)
    return filled


class _CopiedRuns:
    """Which words of each derived sentence lie in runs of ``n`` consecutive
    words found, in the same order, in one of the source sentences it was
    matched to (``groups[i]`` for derived sentence ``i``), for a whole pair
    at once: every n-gram of the two texts gets an exact integer code, and
    a derived n-gram is copied when (code, matched source sentence) is among
    the source's (code, sentence) keys."""

    def __init__(self, source: _DocumentFeatures, derived: _DocumentFeatures,
                 groups: list[tuple[int, ...]], n: int):
        self._rows, self._token_spans = derived.token_rows, derived.spans
        self._covered_tokens = covered = self._covered(source, derived, groups, n)
        # Read a sentence at a time: as Python numbers.
        self._lengths = np.diff(derived.offsets).tolist()
        self._copied = np.bincount(self._rows, weights=covered, minlength=derived.sentence_count).tolist()

    def _covered(self, source: _DocumentFeatures, derived: _DocumentFeatures,
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


def _labelled(
    index: int, words: int, group: tuple[int, ...], score: float, spans: tuple[Span, ...], copied: float,
    evidence: float, settings: Settings,
) -> SentenceAlignment:
    """Sentence ``index`` of ``words`` tokens. ``copied``: share of words in
    the spans; ``evidence``: the same in runs long enough to count as
    evidence of a match (see _MATCH_RUN)."""
    matched = group and (
        evidence >= settings.verbatim_share or score >= settings.rewrite_threshold or evidence >= _COPIED_MATCH_SHARE
    )
    if not matched:
        return SentenceAlignment(index, ADDED, (), round(score, 4), (), 0.0, words)
    label = VERBATIM if copied >= settings.verbatim_share else REWRITE
    return SentenceAlignment(index, label, group, round(score, 4), spans, round(copied, 4), words)
