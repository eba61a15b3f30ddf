"""The TF-IDF sentence features against scikit-learn's TfidfVectorizer,
which they replaced, and the compiled vocabulary, similarity and cell counts
against the numpy ones."""

import numpy as np
import pytest

from provenance import Article, analyse
from provenance import engine as engine_module
from provenance.matching import tfidf as tfidf_module
from provenance.matching.tfidf import Vectoriser
from tests.helpers import HOSTILE_TEXT as _HOSTILE_TEXT
from tests.hypothesis_or_skip import given, settings, st
from tests.reference import sklearn_vectors


def test_vectors_match_scikit_learn(pairs):
    for source, derived in pairs:
        mine = Vectoriser().vectors(derived, source)
        reference = sklearn_vectors(derived, source)
        for a, b in zip(mine, reference):
            # Same columns up to order: compare the products they give.
            assert np.allclose(a @ a.T, b @ b.T, atol=1e-12)
        assert np.allclose(mine[0] @ mine[1].T, reference[0] @ reference[1].T, atol=1e-12)


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
        pytest.skip("compiled engine not in use (numba missing or PROVENANCE_ENGINE=numpy)")
    documents = [analyse(Article(id=str(k), text="\n\n".join(paragraphs))) for k, paragraphs in enumerate(texts)]
    assert _vocabulary_features(documents, "numba") == _vocabulary_features(documents, "numpy")


def test_compiled_vocabulary_on_generated_news(pairs):
    if not engine_module.compiled_available():
        pytest.skip("compiled engine not in use (numba missing or PROVENANCE_ENGINE=numpy)")
    documents = [d for pair in pairs for d in pair]
    assert _vocabulary_features(documents, "numba") == _vocabulary_features(documents, "numpy")


def _pair_matrices(derived, source, native):
    with engine_module.forced(native):
        pair = Vectoriser().pair(derived, source)
        return pair.similarity, pair.gram


def test_compiled_similarity_and_gram_equal_the_dense_products(pairs):
    """The compiled join of two texts' cells against the dense rows' products."""
    if not engine_module.compiled_available():
        pytest.skip("compiled engine not in use (numba missing or PROVENANCE_ENGINE=numpy)")
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
        pytest.skip("compiled engine not in use (numba missing or PROVENANCE_ENGINE=numpy)")
    source = analyse(Article(id="s", text="\n\n".join(source_paragraphs)))
    derived = analyse(Article(id="d", text="\n\n".join(derived_paragraphs)))
    if not source.sentences or not derived.sentences:
        return
    for got, want in zip(_pair_matrices(derived, source, "numba"),
                         _pair_matrices(derived, source, "numpy")):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


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
        pytest.skip("compiled engine not in use (numba missing or PROVENANCE_ENGINE=numpy)")
    rows = np.array([r for r, _ in occurrences] + [3] * repeat, dtype=np.int64)
    ids = np.array([i << wide for _, i in occurrences] + [7] * repeat, dtype=np.int64)
    with engine_module.forced("numba" if compiled else "numpy"):
        got = tfidf_module._cells(rows, ids)
    for mine, theirs in zip(got, _cells_reference(rows, ids)):
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs)


def test_pairs_too_large_to_hold_dense_give_the_dense_products(pairs, monkeypatch):
    """The numpy engine multiplies sparse rows past DENSE_CELLS (two texts
    near the analysis limits): the same matrices as the dense rows give."""
    with engine_module.forced("numpy"):
        for source, derived in pairs[:10]:
            dense = Vectoriser().pair(derived, source)
            want = (dense.similarity, dense.gram)
            with monkeypatch.context() as patch:
                patch.setattr(tfidf_module, "DENSE_CELLS", 0)
                sparse = Vectoriser().pair(derived, source)
                got = (sparse.similarity, sparse.gram)
            for a, b in zip(got, want):
                assert a.shape == b.shape
                np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
