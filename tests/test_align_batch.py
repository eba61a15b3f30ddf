"""The alignment vectoriser against scikit-learn's TfidfVectorizer, which it
replaced: same vectors, same ledgers; and a shared Vectoriser changes nothing."""

import dataclasses
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from provenance import Article, analyse
from provenance.config import DEFAULT_SETTINGS
from provenance import engine as engine_module
from provenance import model as model_module
from provenance.align import ledger as ledger_module
from provenance.align import runs as runs_module
from provenance.matching import tfidf as tfidf_module
from provenance.matching.tfidf import Vectoriser, _features
from provenance.align.runs import CopiedRuns, _gram_codes
from provenance.align.ledger import align
from provenance.analysis.tokens import fast_tokens, sentence_tokens, token_offsets

from benchmarks.generate import NewsGenerator


def sklearn_vectors(derived, source):
    """The vectoriser as first written, on scikit-learn."""
    sentences = derived.sentences + source.sentences
    words = TfidfVectorizer(analyzer=lambda f: f, sublinear_tf=True, norm="l2")
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, norm="l2", lowercase=False)
    word_matrix = words.fit_transform([_features(s) for s in sentences])
    char_matrix = chars.fit_transform([" ".join(s.tokens) for s in sentences])
    matrix = (sparse.hstack([word_matrix, char_matrix], format="csr") * np.sqrt(0.5)).toarray()
    return matrix[: len(derived.sentences)], matrix[len(derived.sentences) :]


def generated_pairs(count):
    generator = NewsGenerator(seed=5, words=(150, 300))
    wires = list(generator.stories(count))
    feed = generator.feed(wires, count, mix={"copy": 1, "rewrite": 1, "partial": 1, "unrelated": 0.5})
    by_id = {w.id: w for w in wires}
    pairs = []
    for article, truth in zip(feed.articles, feed.truth):
        source = by_id.get(truth.source) or wires[len(pairs) % len(wires)]
        pairs.append(tuple(analyse(Article(id=a.id, text=a.text, outlet=a.outlet, published=a.published))
                           for a in (source, article)))
    return pairs


@pytest.fixture(scope="module")
def pairs(seed_documents):
    wire = seed_documents["002"]
    seeds = [(wire, seed_documents[k]) for k in ("000", "001", "003", "004")]
    seeds += [(seed_documents[k], wire) for k in ("000", "003")]
    return seeds + generated_pairs(24)


def test_vectors_match_scikit_learn(pairs):
    for source, derived in pairs:
        mine = Vectoriser().vectors(derived, source)
        reference = sklearn_vectors(derived, source)
        for a, b in zip(mine, reference):
            # Same columns up to order: compare the products they give.
            assert np.allclose(a @ a.T, b @ b.T, atol=1e-12)
        assert np.allclose(mine[0] @ mine[1].T, reference[0] @ reference[1].T, atol=1e-12)


def test_ledgers_match_scikit_learn(pairs, monkeypatch):
    ours = [align(source, derived) for source, derived in pairs]
    monkeypatch.setattr(Vectoriser, "vectors", lambda self, d, s: sklearn_vectors(d, s))
    theirs = [align(source, derived) for source, derived in pairs]
    assert ours == theirs


def test_a_shared_vectoriser_gives_the_same_ledgers(pairs):
    shared = Vectoriser()
    assert [align(s, d, vectoriser=shared) for s, d in pairs] == [align(s, d) for s, d in pairs]


def test_sentences_of_stop_words_only_align():
    # scikit-learn refused an empty vocabulary; the vectoriser gives zero word vectors.
    a = analyse(Article(id="a", text="It was on the. And then it was."))
    b = analyse(Article(id="b", text="It was on the."))
    ledger = align(a, b)
    assert ledger.sentences[0].label != "added"


def _ngram_index(tokens, n):
    return {tokens[k : k + n] for k in range(len(tokens) - n + 1)}


def _verbatim_runs(sentence, grams, n):
    """Copied runs as first written, one sentence at a time: the spans of
    ``sentence`` covered by word n-grams found in ``grams`` (its matched
    source sentences'), and the share of its words they cover."""
    tokens = sentence.tokens
    covered = [False] * len(tokens)
    if grams and len(tokens) >= n:
        for k in range(len(tokens) - n + 1):
            if any(tokens[k : k + n] in g for g in grams):
                covered[k : k + n] = [True] * n
    spans = []
    k = 0
    while k < len(tokens):
        if covered[k]:
            start = k
            while k < len(tokens) and covered[k]:
                k += 1
            spans.append((sentence.token_spans[start][0], sentence.token_spans[k - 1][1]))
        else:
            k += 1
    return tuple(spans), (sum(covered) / len(tokens) if tokens else 0.0)


def reference_runs(source, derived, groups, n):
    grams = [_ngram_index(s.tokens, n) for s in source.sentences]
    return [_verbatim_runs(sentence, [grams[j] for j in group], n)
            for sentence, group in zip(derived.sentences, groups)]


@pytest.fixture(params=["numba", "numba-over-budget", "numpy"])
def engine(request, monkeypatch):
    """Both ways of finding copied runs: the compiled one (with numba) and
    the sort-based one, which the compiled one also falls back to when a
    pair would take too many comparisons."""
    if request.param == "numpy":
        monkeypatch.setattr(engine_module, "_FORCED", ["numpy"])
    elif not engine_module.compiled_available():
        pytest.skip("numba is not installed")
    elif request.param == "numba-over-budget":
        monkeypatch.setattr(runs_module._native(), "COVER_BUDGET", 0)
    return request.param


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_copied_runs_of_a_whole_pair_equal_the_per_sentence_reference(pairs, n, engine):
    rng = np.random.default_rng(n)
    vectoriser = Vectoriser()
    for source, derived in pairs:
        # Best matches, several source sentences, none: every shape of group.
        groups = []
        for i in range(len(derived.sentences)):
            size = int(rng.integers(0, 4))
            picks = rng.choice(len(source.sentences), size=min(size, len(source.sentences)), replace=False)
            groups.append(tuple(sorted(int(j) for j in picks)))
        for i, ledger_row in enumerate(align(source, derived).sentences):
            if i % 2 == 0:
                groups[i] = ledger_row.source_indexes
        runs = CopiedRuns(vectoriser.features_of(source), vectoriser.features_of(derived), groups, n)
        expected = reference_runs(source, derived, groups, n)
        assert [(runs.spans(i), runs.share(i)) for i, s in enumerate(derived.sentences)] == expected


@pytest.mark.parametrize("compiled", [True, False])
@given(st.lists(st.lists(st.sampled_from("ab cd ef gh".split()), min_size=1, max_size=8), min_size=1, max_size=5),
       st.lists(st.lists(st.sampled_from("ab cd ef gh".split()), min_size=1, max_size=8), min_size=1, max_size=5),
       st.integers(1, 4), st.data())
@settings(max_examples=200, deadline=None)
def test_copied_runs_on_small_vocabularies(compiled, source_words, derived_words, n, data):
    """Repetitive texts of four words: runs meet sentence ends, repeat and overlap."""
    source = analyse(Article(id="s", text="\n\n".join(" ".join(w) + "." for w in source_words)))
    derived = analyse(Article(id="d", text="\n\n".join(" ".join(w) + "." for w in derived_words)))
    groups = [tuple(sorted(data.draw(st.sets(st.integers(0, len(source.sentences) - 1), max_size=3))))
              for _ in derived.sentences]
    vectoriser = Vectoriser()
    with engine_module.forced("numba" if compiled else "numpy"):
        runs = CopiedRuns(vectoriser.features_of(source), vectoriser.features_of(derived), groups, n)
    assert [(runs.spans(i), runs.share(i)) for i, s in enumerate(derived.sentences)] == \
        reference_runs(source, derived, groups, n)


def test_ngram_codes_hold_for_token_ids_of_any_size():
    ids = np.array([5, 1 << 21, 3, 1 << 21, 5, 1 << 40, 3], dtype=np.int64)
    codes = _gram_codes(ids, 2)
    grams = [tuple(ids[k : k + 2]) for k in range(len(ids) - 1)]
    assert all((codes[a] == codes[b]) == (grams[a] == grams[b]) for a in range(len(grams)) for b in range(len(grams)))


def test_copied_spans_follow_the_sentences_given(seed_documents, engine):
    """A ledger's rows are the derived sentences in the order given, whatever their numbering."""
    wire, copy = seed_documents["002"], seed_documents["000"]
    later = dataclasses.replace(copy, sentences=copy.sentences[1:])
    ledger = align(wire, later)
    grams = [_ngram_index(s.tokens, 2) for s in wire.sentences]
    for row, sentence in zip(ledger.sentences, later.sentences):
        expected = _verbatim_runs(sentence, [grams[j] for j in row.source_indexes], 2)[0] if row.source_indexes else ()
        assert row.verbatim_spans == expected
    assert any(row.verbatim_spans for row in ledger.sentences)


# Letters, marks, digits, apostrophes, compatibility forms that fold to
# several letters (or to a space), astral characters and separators.
_HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ éÉßİı’'_-.  \n\t0²½ﬁﬀŉǅΚαβ") + ["\u00a8", "\u3000", "\ufdfa", "\U0001F600", "\U0001D400"]),
    max_size=60,
)


@given(st.lists(_HOSTILE_TEXT, min_size=1, max_size=6))
@settings(max_examples=300, deadline=None)
def test_sentence_tokens_equal_tokenising_each_sentence(texts):
    tokens, rows, spans = sentence_tokens(texts)
    assert tokens == [t for text in texts for t in fast_tokens(text)]
    assert rows.tolist() == [i for i, text in enumerate(texts) for _ in fast_tokens(text)]
    assert [tuple(s) for s in spans.tolist()] == [s for text in texts for s in token_offsets(text)]


def _vocabulary_features(documents, native):
    with engine_module.forced(native):
        vectoriser = Vectoriser()
        features = [vectoriser.features_of(d) for d in documents]
        return [(f.tokens.tolist(), f.token_rows.tolist(), f.stems.tolist(), f.spans.tolist(),
                 [a.tolist() for a in f.word_cells], [a.tolist() for a in f.char_cells]) for f in features]


@given(st.lists(st.lists(_HOSTILE_TEXT, min_size=1, max_size=4), min_size=1, max_size=4))
@settings(max_examples=150, deadline=None)
def test_compiled_vocabulary_gives_the_ids_of_the_python_one(texts):
    """Token, stem and n-gram ids, spans and cells: the same whichever way
    the vocabulary is kept, for documents read one after another."""
    if not engine_module.compiled_available():
        pytest.skip("numba is not installed")
    documents = [analyse(Article(id=str(k), text="\n\n".join(paragraphs))) for k, paragraphs in enumerate(texts)]
    assert _vocabulary_features(documents, "numba") == _vocabulary_features(documents, "numpy")


def test_compiled_vocabulary_on_generated_news(pairs):
    if not engine_module.compiled_available():
        pytest.skip("numba is not installed")
    documents = [d for pair in pairs for d in pair]
    assert _vocabulary_features(documents, "numba") == _vocabulary_features(documents, "numpy")


def _pair_matrices(derived, source, native):
    with engine_module.forced(native):
        pair = Vectoriser().pair(derived, source)
        return pair.similarity, pair.gram


def test_compiled_similarity_and_gram_equal_the_dense_products(pairs):
    """The compiled join of two texts' cells against the dense rows' products."""
    if not engine_module.compiled_available():
        pytest.skip("numba is not installed")
    for source, derived in pairs:
        compiled = _pair_matrices(derived, source, "numba")
        dense = _pair_matrices(derived, source, "numpy")
        vectors_derived, vectors_source = Vectoriser().vectors(derived, source)
        for got, want, exact in zip(compiled, dense, (vectors_derived @ vectors_source.T, vectors_source @ vectors_source.T)):
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
            np.testing.assert_allclose(got, exact, rtol=0, atol=1e-12)


@given(st.lists(_HOSTILE_TEXT, min_size=1, max_size=4), st.lists(_HOSTILE_TEXT, min_size=1, max_size=4))
@settings(max_examples=150, deadline=None)
def test_compiled_similarity_on_hostile_text(source_paragraphs, derived_paragraphs):
    if not engine_module.compiled_available():
        pytest.skip("numba is not installed")
    source = analyse(Article(id="s", text="\n\n".join(source_paragraphs)))
    derived = analyse(Article(id="d", text="\n\n".join(derived_paragraphs)))
    if not source.sentences or not derived.sentences:
        return
    for got, want in zip(_pair_matrices(derived, source, "numba"),
                         _pair_matrices(derived, source, "numpy")):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_ledgers_survive_pickling(pairs):
    """A scan's workers send ledgers between processes."""
    import pickle

    source, derived = pairs[0]
    ledger = align(source, derived)
    copy = pickle.loads(pickle.dumps(ledger))
    assert copy == ledger and copy.sentences[0] == ledger.sentences[0]
    assert type(copy.sentences[0]) is type(ledger.sentences[0])


def test_sentence_alignment_pickles_every_field():
    fields = [f.name for f in dataclasses.fields(model_module.SentenceAlignment)]
    row = model_module.SentenceAlignment(*range(len(fields)))
    constructor, arguments = row.__reduce__()
    assert constructor is model_module.SentenceAlignment and list(arguments) == list(range(len(fields)))


def test_lone_surrogates_align_with_either_engine():
    """The compiled tokeniser cannot encode a lone surrogate; Python's takes it."""
    source = analyse(Article(id="s", text="Officials said the bridge would close. \ud800 Yes it will."))
    derived = analyse(Article(id="d", text="Officials said the bridge would close on Monday. \ud800 Yes."))
    ledgers = []
    for native in ("numba", "numpy"):
        with engine_module.forced(native):
            ledgers.append(align(source, derived))
    assert ledgers[0] == ledgers[1] and ledgers[0].sentences[0].label != "added"


def test_merged_scores_are_plain_floats(pairs):
    for source, derived in pairs:
        assert all(type(row.score) is float for row in align(source, derived).sentences)


def _best_group_reference(i, similarity, gram):
    """The merge rule written out plainly: nearest tie, then greedy merging
    on the merged rows' cosine."""
    row = similarity[i]
    n_derived, n_source = similarity.shape
    expected = i * (n_source - 1) / max(n_derived - 1, 1)
    ties = [j for j in range(n_source) if row[j] >= row.max() - 1e-9]
    best = min(ties, key=lambda j: (abs(j - expected), j))
    if row[best] <= 0.0:
        return (), 0.0
    group, score = [best], float(row[best])
    for j in np.argsort(-row, kind="stable")[1 : DEFAULT_SETTINGS.align.max_merge + 4]:
        if len(group) >= DEFAULT_SETTINGS.align.max_merge or row[j] < DEFAULT_SETTINGS.align.merge_floor:
            break
        merged_square = sum(gram[a, b] for a in group + [j] for b in group + [j])
        merged = (sum(row[group]) + row[j]) / np.sqrt(merged_square) if merged_square > 0 else 0.0
        if merged >= score + DEFAULT_SETTINGS.align.merge_gain:
            group.append(int(j))
            score = float(merged)
    return tuple(sorted(group)), min(score, 1.0)


@given(st.integers(1, 6), st.integers(1, 7), st.integers(0, 2**32 - 1),
       st.sampled_from(["zeros", "ties", "random", "tiny"]))
@settings(max_examples=300, deadline=None)
def test_best_groups_follow_the_merge_rule(n_derived, n_source, seed, shape):
    """The whole-matrix shortcut and the per-row search against the rule,
    on rows of zeros, of ties, of near-zeros and of merge candidates."""
    rng = np.random.default_rng(seed)
    source_rows = rng.random((n_source, 5)) * (rng.random((n_source, 5)) < 0.6)
    source_rows /= np.maximum(np.linalg.norm(source_rows, axis=1, keepdims=True), 1e-12)
    derived_rows = rng.random((n_derived, 5)) * (rng.random((n_derived, 5)) < 0.6)
    derived_rows /= np.maximum(np.linalg.norm(derived_rows, axis=1, keepdims=True), 1e-12)
    similarity, gram = derived_rows @ source_rows.T, source_rows @ source_rows.T
    if shape == "zeros":
        similarity[rng.random(n_derived) < 0.5] = 0.0
    elif shape == "ties":
        similarity = np.round(similarity, 1)
    elif shape == "tiny":
        similarity = np.where(rng.random(similarity.shape) < 0.5, 0.0, 5e-10)
    vectors = tfidf_module._PairVectors.__new__(tfidf_module._PairVectors)
    vectors.gram = gram
    with engine_module.forced("numpy"):
        got = ledger_module._best_groups(similarity, vectors)
    want = [_best_group_reference(i, similarity, gram) for i in range(n_derived)]
    assert [g for g, _ in got] == [g for g, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=0, atol=1e-12)
    if engine_module.compiled_available():
        # The compiled search: the same groups and the same scores to the last bit.
        pair = tfidf_module._CompiledPair.__new__(tfidf_module._CompiledPair)
        pair.native, pair.similarity, pair.gram = tfidf_module._native(), similarity, gram
        compiled = ledger_module._best_groups(similarity, pair)
        assert compiled == got and all(type(s) is float for _, s in compiled)


def _cells_reference(rows, ids):
    """Distinct (row, id) cells with 1 + log of their counts, by np.unique."""
    cells, counts = np.unique(rows.astype(np.int64) * (1 << 48) + ids, return_counts=True)
    features = cells % (1 << 48)
    features = features.astype(np.int32 if len(features) and features.max() < 2**31 else np.int64)
    return (cells // (1 << 48)).astype(np.int32), features, np.log(counts) + 1.0


@pytest.mark.parametrize("compiled", [True, False])
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 60)), max_size=300),
       st.sampled_from([0, 20, 40]), st.integers(1, 5000))
@settings(max_examples=200, deadline=None)
def test_cells_count_each_row_and_feature(compiled, occurrences, wide, repeat):
    """Both engines and both key widths (a feature id of 2**40 needs 64-bit
    keys), against np.unique; a cell seen thousands of times reads the
    log table beyond its first size."""
    if compiled and not engine_module.compiled_available():
        pytest.skip("numba is not installed")
    rows = np.array([r for r, _ in occurrences] + [3] * repeat, dtype=np.int64)
    ids = np.array([i << wide for _, i in occurrences] + [7] * repeat, dtype=np.int64)
    with engine_module.forced("numba" if compiled else "numpy"):
        got = tfidf_module._cells(rows, ids)
    for mine, theirs in zip(got, _cells_reference(rows, ids)):
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs)
