"""The alignment vectoriser against scikit-learn's TfidfVectorizer, which it
replaced: same vectors, same ledgers; and a shared Vectoriser changes nothing."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from provenance import Article, analyse
from provenance.align import Vectoriser, _features, align

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
