"""Tokens with offsets and stems: the fast tokenisers give what the plain
regular expression gives, and the stemmer is Snowball's."""

import re

from provenance.analysis.normalise import fold
from provenance.analysis.tokens import (
    fast_tokens,
    sentence_tokens,
    token_offsets,
    tokenize,
)
from tests.helpers import HOSTILE_TEXT as _HOSTILE_TEXT
from tests.helpers import TRICKY, random_texts
from tests.hypothesis_or_skip import given, settings, st

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def reference_tokenize(text):
    """The tokeniser as first written: fold every match on its own."""
    matches = list(_TOKEN.finditer(text))
    return tuple(fold(m.group(0)).replace("'", "") for m in matches), tuple(m.span() for m in matches)


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


def test_tokens_are_folded_words():
    tokens, spans = tokenize("It’s the U.S. President-elect's 2-1/2-year war")
    assert tokens == ("its", "the", "u", "s", "president", "elects", "2", "1", "2", "year", "war")
    assert spans[0] == (0, 4)


@given(st.lists(_HOSTILE_TEXT, min_size=1, max_size=6))
@settings(max_examples=300, deadline=None)
def test_sentence_tokens_equal_tokenising_each_sentence(texts):
    tokens, rows, spans = sentence_tokens(texts)
    assert tokens == [t for text in texts for t in fast_tokens(text)]
    assert rows.tolist() == [i for i, text in enumerate(texts) for _ in fast_tokens(text)]
    assert [tuple(s) for s in spans.tolist()] == [s for text in texts for s in token_offsets(text)]


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
