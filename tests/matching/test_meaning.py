"""The meaning-aware matcher: WordLlama's embedding read offline from the
installed package, as WordLlama computes it; behind the matcher door it
gives the TF-IDF ledger on copies and matches paraphrases TF-IDF misses."""

import importlib.util

import numpy as np
import pytest

from provenance import Settings
from provenance.align.ledger import align
from provenance.errors import ConfigError
from provenance.matching import meaning as meaning_module
from provenance.matching.matcher import make_matcher, matcher_names
from provenance.matching.meaning import MeaningMatcher, embedder
from provenance.matching.tfidf import Vectoriser
from provenance.model import ADDED, REWRITE

TEXTS = [
    "The Kremlin on Monday denied reports that Donald Trump had spoken to Vladimir Putin.",
    "Peskov said: “There are no concrete plans yet.”",
    "Чистая выдумка: Путин и Трамп не общались после выборов в США.",
    "a  b   c, with runs of spaces",
    " a leading space and a trailing one ",
    "tab\there, naïve café, 日本語, 🙂",
    "",
]


def test_token_ids_are_the_tokenizers_for_the_whole_text():
    model = embedder()
    for text in TEXTS:
        assert model.token_ids(text) == model.tokenizer.encode(text, add_special_tokens=False).ids


def test_embeddings_are_wordllamas_own():
    wordllama = pytest.importorskip("wordllama")
    from pathlib import Path

    folder = Path(importlib.util.find_spec("wordllama").origin).parent
    theirs = wordllama.WordLlama.load(cache_dir=folder, disable_download=True).embed(TEXTS[:-1], norm=True)
    ours = embedder().embed(TEXTS[:-1])
    assert np.abs(np.asarray(theirs) - ours).max() < 1e-5
    assert not embedder().embed([""]).any()  # a text with no tokens: a zero row, no division by zero


def test_rows_kept_per_text_are_the_same_when_the_store_fills(monkeypatch):
    model = embedder()
    monkeypatch.setattr(model, "SENTENCES", 3)
    model._sentences.clear()
    fresh = model._embed(TEXTS)
    for start in range(len(TEXTS)):
        # Some texts kept, the rest new and too many: the store starts afresh
        # in the middle of the call, and the kept rows must still be answered.
        model._sentences.clear()
        model.embed(TEXTS[:start])
        assert np.array_equal(model.embed(TEXTS), fresh)
    assert len(model._sentences) <= len(TEXTS)


def test_the_matcher_is_registered_and_the_default():
    assert "meaning" in matcher_names() and Settings().align.matcher == "meaning"
    assert isinstance(make_matcher("meaning", Vectoriser()), MeaningMatcher)


def test_copies_get_the_same_ledger_from_both_matchers(make_document):
    source = make_document(
        "The central bank raised its main interest rate by half a point on Thursday. "
        "Governor Anna Berg said inflation had stayed above target for too long. "
        "The currency rose two percent against the dollar after the announcement.", "wire")
    copy = make_document(
        "The central bank raised its main interest rate by half a point on Thursday. "
        "The currency rose two percent against the dollar after the announcement. "
        "Local shop owners in the old town told us they fear for their summer trade.", "copy")
    by_words = align(source, copy, Settings(matcher="tfidf"))
    by_meaning = align(source, copy, Settings(matcher="meaning"))
    assert by_words == by_meaning


def test_meaning_matches_a_paraphrase_the_words_miss(seed_documents):
    # 003's lead retells the wire's lead in other words.
    wire, paper = seed_documents["002"], seed_documents["003"]
    by_words = align(wire, paper, Settings(matcher="tfidf")).sentences[0]
    by_meaning = align(wire, paper).sentences[0]
    assert by_words.label == ADDED
    assert by_meaning.label == REWRITE and 1 in by_meaning.source_indexes
    # Merges on meaning keep to one passage of the source (neighbours only).
    group = by_meaning.source_indexes
    assert list(group) == list(range(group[0], group[-1] + 1))


def test_a_missing_model_package_is_a_clear_error(monkeypatch):
    embedder.cache_clear()
    real = importlib.util.find_spec
    monkeypatch.setattr(meaning_module.importlib.util, "find_spec",
                        lambda name, *a: None if name == "wordllama" else real(name, *a))
    try:
        with pytest.raises(ConfigError, match=r"needs the wordllama package: pip install"):
            embedder()
    finally:
        monkeypatch.undo()
        embedder.cache_clear()
