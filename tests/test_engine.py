"""The fast paths give what the plain ones give: tokens, and signatures from
every engine."""

import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import Article, Settings, analyse, read_articles
from provenance.fingerprint.minhash import signature, signatures_of_token_lists, sketch_texts
from provenance.analysis.tokens import fast_tokens, token_offsets, tokenize
from provenance.analysis.normalise import fold

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
TRICKY = [
    "Straße ﬁne don’t rock'n'roll dogs' 'tis ÉCOLE naïve 😀 x`y", "", "a", "Ⅻ ½ ㈱ İstanbul ΣΑΣ ǅ",
    "word’s ’’ a’b’c _x_ 12_3 ‘quoted’ “double” — dash", "MOSCOW (Reuters) - U.S. Sen. O'Neill’s 2,000",
]


def reference_tokenize(text):
    """The tokeniser as first written: fold every match on its own."""
    matches = list(_TOKEN.finditer(text))
    return tuple(fold(m.group(0)).replace("'", "") for m in matches), tuple(m.span() for m in matches)


def random_texts(count, seed=3):
    rng = random.Random(seed)
    alphabet = "ab’'- _.ÉéßİΣ😀\n1ﬁ`"
    return [''.join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(count)]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_tokenize_matches_the_reference(text):
    assert tokenize(text) == reference_tokenize(text)
    assert fast_tokens(text) == list(reference_tokenize(text)[0])
    assert token_offsets(text) == reference_tokenize(text)[1]


def test_tokenize_matches_the_reference_on_tricky_text():
    for text in TRICKY + random_texts(500):
        assert tokenize(text) == reference_tokenize(text)
        assert fast_tokens(text) == list(reference_tokenize(text)[0])
        assert token_offsets(text) == reference_tokenize(text)[1]


@pytest.mark.parametrize("options", [{}, {"minhash_scheme": "affine64", "word_shingle_size": 3,
                                          "content_shingle_size": 2}])
def test_every_engine_gives_the_same_signatures(options):
    settings_ = Settings(**options)
    texts = [a.text for a in read_articles(["seeds"])] + TRICKY + random_texts(300)
    numpy_path = signatures_of_token_lists([fast_tokens(t) for t in texts], settings_)
    native = pytest.importorskip("provenance.fingerprint.kernels")
    compiled = native.sketch_texts(texts, settings_)
    for granularity in numpy_path:
        assert np.array_equal(numpy_path[granularity], compiled[granularity])


def test_sketching_sentence_text_equals_the_document_signature(seed_documents):
    documents = list(seed_documents.values()) + [analyse(Article(id="t", text="\n\n".join(TRICKY)))]
    texts = ["\n".join(s.text for s in d.sentences) for d in documents]
    matrices = sketch_texts(texts)
    for i, document in enumerate(documents):
        sig = signature(document)
        for granularity, values in sig.values.items():
            assert np.array_equal(values, matrices[granularity][i])


def test_empty_and_short_documents():
    matrices = signatures_of_token_lists([[], ["one"], ["the"], ["a", "b", "c"]], Settings())
    assert (matrices["words"][0] == 2**32 - 1).all()
    assert (matrices["content"][2] == 2**32 - 1).all()  # a stop word only
    assert not (matrices["words"][3] == 2**32 - 1).all()


def test_the_stemmer_in_use_gives_the_pure_python_snowball_stems(seed_documents):
    """With PyStemmer (the ``fast`` extra) snowballstemmer hands out its C
    build; stems, and so fingerprints and indexes, must not depend on that."""
    from snowballstemmer.english_stemmer import EnglishStemmer

    from provenance.analysis.tokens import content_terms, stem

    reference = EnglishStemmer()
    words = {t for d in seed_documents.values() for s in d.sentences for t in s.tokens}
    words |= {"running", "generously", "naïve", "café", "flies", "dying", "skies", "news", "agreed", "ss", "y's"}
    assert len(words) > 500
    assert all(stem(w) == reference.stemWord(w) for w in sorted(words))
    assert content_terms(["generously", "agreed", "the"]) == ["generous", "agre"]


_TOKENS = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TOKENS, max_size=20))
def test_batched_token_and_stem_hashes_equal_the_reference(tokens):
    """New tokens are stemmed and hashed a batch at a time."""
    native = pytest.importorskip("provenance.fingerprint.kernels")
    from provenance.fingerprint.hashing import stem_hash_of, token_hash
    from provenance.analysis.tokens import content_stem, content_stems

    assert native.token_hashes(tokens).tolist() == [token_hash(t) for t in tokens]
    folded = [fold(t).replace("'", "") for t in tokens] + ["the", "a", "running", "naïve"]
    assert content_stems(folded) == [content_stem(t) for t in folded]
    assert native.stem_hashes(folded).tolist() == [stem_hash_of(t) for t in folded]
