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

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .config import DEFAULT_SETTINGS, Settings
from .text import Document, Sentence, Span, content_terms

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
# A derived sentence copied this much word-for-word is a match whatever its cosine.
_COPIED_MATCH_SHARE = 0.5


@dataclass(frozen=True)
class SentenceAlignment:
    """One derived sentence and where it came from."""

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


@dataclass(frozen=True)
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


def align(source: Document, derived: Document, settings: Settings = DEFAULT_SETTINGS) -> Ledger:
    """The ledger of ``derived`` against ``source``."""
    if not derived.sentences or not source.sentences:
        return Ledger(source.id, derived.id, tuple(
            SentenceAlignment(s.index, ADDED, (), 0.0, (), 0.0, len(s.tokens)) for s in derived.sentences
        ), tuple(range(len(source.sentences))), len(source.sentences))
    derived_vectors, source_vectors = _vectorise(derived.sentences, source.sentences)
    similarity = (derived_vectors @ source_vectors.T).toarray()
    source_grams = [_ngram_index(s.tokens, settings.min_verbatim_words) for s in source.sentences]
    rows = []
    for i, sentence in enumerate(derived.sentences):
        group, score = _best_group(i, similarity, derived_vectors, source_vectors)
        spans, copied = _verbatim_runs(sentence, [source_grams[j] for j in group], settings.min_verbatim_words)
        rows.append(_labelled(sentence, group, score, spans, copied, settings))
    rows = _fill_gaps(rows, derived.sentences, similarity, source_grams, settings)
    used = {j for row in rows for j in row.source_indexes}
    dropped = tuple(j for j in range(len(source.sentences)) if j not in used)
    return Ledger(source.id, derived.id, tuple(rows), dropped, len(source.sentences))


def _features(sentence: Sentence) -> list[str]:
    terms = content_terms(sentence.tokens)
    return terms + [f"{a}_{b}" for a, b in zip(terms, terms[1:])]


def _identity(features: list[str]) -> list[str]:
    return features


def _vectorise(derived: tuple[Sentence, ...], source: tuple[Sentence, ...]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Rows of unit length whose dot product is the mean of the word and the
    character cosine."""
    sentences = derived + source
    words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, norm="l2")
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, norm="l2", lowercase=False)
    word_matrix = words.fit_transform([_features(s) for s in sentences])
    char_matrix = chars.fit_transform([" ".join(s.tokens) for s in sentences])
    matrix = sparse.hstack([word_matrix, char_matrix], format="csr") * np.sqrt(0.5)
    return matrix[: len(derived)], matrix[len(derived) :]


def _best_group(
    i: int, similarity: np.ndarray, derived_vectors: sparse.csr_matrix, source_vectors: sparse.csr_matrix
) -> tuple[tuple[int, ...], float]:
    row = similarity[i]
    # Among equally good source sentences (repeated text), take the one
    # nearest the position this sentence's place in the text implies.
    n_derived, n_source = similarity.shape
    expected = i * (n_source - 1) / max(n_derived - 1, 1)
    ties = np.flatnonzero(row >= row.max() - 1e-9)
    best = int(min(ties, key=lambda j: (abs(j - expected), j)))
    group = [best]
    score = float(row[best])
    if score <= 0.0:
        return (), 0.0
    target = derived_vectors[i].toarray().ravel()
    union = source_vectors[best].toarray().ravel()
    for j in np.argsort(-row, kind="stable")[1 : _MAX_MERGE + 4]:
        if len(group) >= _MAX_MERGE or row[j] < _MERGE_FLOOR:
            break
        candidate = union + source_vectors[j].toarray().ravel()
        norm = float(np.linalg.norm(candidate))
        merged = float(target @ candidate) / norm if norm else 0.0
        if merged >= score + _MERGE_GAIN:
            group.append(int(j))
            union, score = candidate, merged
    return tuple(sorted(group)), min(score, 1.0)


def _fill_gaps(
    rows: list[SentenceAlignment],
    sentences: tuple[Sentence, ...],
    similarity: np.ndarray,
    source_grams: list[set[tuple[str, ...]]],
    settings: Settings,
) -> list[SentenceAlignment]:
    """Match added sentences that sit where the anchors around them say their
    source should be, at the lower gap threshold."""
    anchors = [(r.index, min(r.source_indexes), max(r.source_indexes)) for r in rows if r.label != ADDED]
    if not anchors:
        return rows
    last_source = similarity.shape[1] - 1
    filled = list(rows)
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
            spans, copied = _verbatim_runs(sentences[i], [source_grams[j]], settings.min_verbatim_words)
            label = VERBATIM if copied >= settings.verbatim_share else REWRITE
            filled[i] = SentenceAlignment(i, label, (j,), round(score, 4), spans, round(copied, 4), row.words)
    return filled


def _ngram_index(tokens: tuple[str, ...], n: int) -> set[tuple[str, ...]]:
    return {tokens[k : k + n] for k in range(len(tokens) - n + 1)}


def _verbatim_runs(
    sentence: Sentence, grams: list[set[tuple[str, ...]]], n: int
) -> tuple[tuple[Span, ...], float]:
    """Spans of ``sentence`` covered by word n-grams found in the matched
    source sentences, and the share of its words they cover."""
    tokens = sentence.tokens
    covered = [False] * len(tokens)
    if grams and len(tokens) >= n:
        for k in range(len(tokens) - n + 1):
            gram = tokens[k : k + n]
            if any(gram in g for g in grams):
                covered[k : k + n] = [True] * n
    spans: list[Span] = []
    k = 0
    while k < len(tokens):
        if covered[k]:
            start = k
            while k < len(tokens) and covered[k]:
                k += 1
            spans.append((sentence.token_spans[start][0], sentence.token_spans[k - 1][1]))
        else:
            k += 1
    share = sum(covered) / len(tokens) if tokens else 0.0
    return tuple(spans), share


def _labelled(
    sentence: Sentence, group: tuple[int, ...], score: float, spans: tuple[Span, ...], copied: float,
    settings: Settings,
) -> SentenceAlignment:
    words = len(sentence.tokens)
    if group and copied >= settings.verbatim_share:
        label = VERBATIM
    elif group and (score >= settings.rewrite_threshold or copied >= _COPIED_MATCH_SHARE):
        label = REWRITE
    else:
        return SentenceAlignment(sentence.index, ADDED, (), round(score, 4), (), 0.0, words)
    return SentenceAlignment(sentence.index, label, group, round(score, 4), spans, round(copied, 4), words)
