"""The analysis limits: an article past them is cut, with one warning naming
it and saying what was cut; an ordinary article is read whole."""

import random
import warnings

import pytest

from provenance import Article, Settings, analyse, read_articles
from provenance.analysis.document import analyse_lazily, read_sentences
from provenance.analysis.limits import ArticleCut, caught_cuts, cut_text, limit_sentences, rewarn, split_words
from provenance.analysis.tokens import fast_tokens
from provenance.codec import decode_document, encode_document
from provenance.errors import ConfigError
from tests.helpers import SEEDS

DEFAULTS = Settings().fingerprint


def _words(count: int, seed: int = 1) -> str:
    """``count`` words of a 5,000-word made-up vocabulary, spaces between, no punctuation."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
                  for _ in range(5000)]
    return " ".join(rng.choice(vocabulary) for _ in range(count))


def _analysed(article: Article, settings: Settings = Settings()):
    """The document and the messages of the ArticleCut warnings its analysis gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        document = analyse(article, settings)
    return document, [str(w.message) for w in caught if issubclass(w.category, ArticleCut)]


def test_a_text_past_the_character_limit_is_cut_with_a_warning_naming_it():
    text = _words(400_000)  # over 2 MB, one line, no punctuation
    assert len(text) > DEFAULTS.max_article_chars
    document, cuts = _analysed(Article(id="big", text=text, origin="big.txt"))
    assert cuts == [f"big.txt: cut to the first 2,000,000 characters (of {len(text):,}); 1 sentence of more "
                    "than 1,000 words split into pieces of at most 1,000"]
    assert len(document.text) <= DEFAULTS.max_article_chars
    assert text.startswith(document.text) and text[len(document.text)] == " "  # no word split by the cut
    # Bounded sentences, each a slice of the text, that together hold every word kept.
    assert 1 < len(document.sentences) <= DEFAULTS.max_sentences
    assert max(len(s.tokens) for s in document.sentences) == DEFAULTS.max_sentence_words
    for sentence in document.sentences:
        assert document.text[sentence.start : sentence.end] == sentence.text
    assert [t for s in document.sentences for t in s.tokens] == fast_tokens(document.text)


def test_an_article_is_named_by_its_id_when_it_has_no_origin():
    _, cuts = _analysed(Article(id="feed-7", text=_words(300)), Settings(max_sentence_words=100))
    assert cuts == ["feed-7: 1 sentence of more than 100 words split into pieces of at most 100"]


def test_ordinary_articles_are_not_cut():
    articles = read_articles([SEEDS])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ArticleCut)
        documents = [analyse(a) for a in articles]
    assert all(d.text and d.sentences for d in documents)


def test_a_long_feature_is_far_inside_the_limits():
    # 10,000 words in 500 sentences of 20, in 50 paragraphs: a long magazine feature.
    words = _words(10_000).split()
    sentences = [" ".join(words[i : i + 20]).capitalize() + "." for i in range(0, len(words), 20)]
    text = "\n\n".join(" ".join(sentences[i : i + 10]) for i in range(0, len(sentences), 10))
    document, cuts = _analysed(Article(id="feature", text=text))
    assert cuts == [] and document.text == text and len(document.sentences) > 450
    unlimited = Settings(max_article_chars=2**40, max_sentences=2**31, max_sentence_words=2**31)
    assert _analysed(Article(id="feature", text=text), unlimited) == (document, [])


def test_past_the_sentence_limit_the_text_ends_with_the_last_sentence_kept():
    text = "LONDON (Reuters) - The first sentence is here.\n\n" + " ".join(
        f"Sentence number {i} is short." for i in range(1, 40)) + "\n\nSource: The Agency (wire)"
    document, cuts = _analysed(Article(id="many", text=text, origin="feed.jsonl:3"), Settings(max_sentences=10))
    assert cuts == ["feed.jsonl:3: cut to the first 10 sentences (of 40)"]
    assert [s.text for s in document.sentences][-1] == "Sentence number 9 is short."
    assert document.text.endswith("Sentence number 9 is short.")
    # The dateline before the cut stays; the credit line after it goes with the text.
    assert [a.kind for a in document.attributions] == ["dateline"]
    assert document.outlet == "Reuters"


def test_the_analysed_forms_agree_on_a_cut_article_and_the_stored_one_is_the_cut_one():
    settings = Settings(max_article_chars=5_000, max_sentences=8, max_sentence_words=50)
    article = Article(id="x", text=_words(3_000), origin="x.txt")
    document, cuts = _analysed(article, settings)
    assert len(cuts) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ArticleCut)
        assert analyse_lazily(article, settings) == document
        assert read_sentences(article, settings).display == document.text
    assert len(document.sentences) == 8 and all(len(s.tokens) <= 50 for s in document.sentences)
    # What an index stores of it is what was analysed: the cut text.
    assert decode_document(encode_document(document)) == document


def test_cut_text_keeps_whole_words_and_short_texts_whole():
    assert cut_text("alpha beta gamma", 100) == "alpha beta gamma"
    assert cut_text("alpha beta gamma", 13) == "alpha beta"
    assert cut_text("alpha beta gamma", 11) == "alpha beta"
    assert cut_text("x" * 500, 200) == "x" * 200  # no space near the cut: cut where the limit falls


def test_split_words_gives_slices_of_at_most_the_limit():
    piece = "“One two three four five six seven”"
    parts = split_words(10, piece, 3)
    assert parts == [(10, "“One two three"), (25, "four five six"), (39, "seven”")]
    for start, text in parts:
        assert piece[start - 10 : start - 10 + len(text)] == text
    assert split_words(0, "a b c", 3) == [(0, "a b c")]


def test_limit_sentences_counts_every_sentence_but_keeps_the_first():
    pieces = [(0, "a b c d e"), (10, "f g"), (20, "h")]
    kept, total, split = limit_sentences(pieces, 3, 2)
    assert kept == [(0, "a b"), (4, "c d"), (8, "e")] and (total, split) == (5, 1)


def test_cuts_caught_in_a_worker_are_warned_again():
    with caught_cuts() as found:
        analyse(Article(id="w", text=_words(50), origin="w.txt"), Settings(max_sentence_words=10))
    assert found == ["w.txt: 1 sentence of more than 10 words split into pieces of at most 10"]
    with pytest.warns(ArticleCut, match="^w.txt: 1 sentence"):
        rewarn(found)


@pytest.mark.parametrize("name", ["max_article_chars", "max_sentences", "max_sentence_words"])
def test_the_limits_are_validated(name):
    with pytest.raises(ConfigError, match=name):
        Settings(**{name: 0})


@pytest.mark.slow
def test_a_50_mb_line_of_one_word_is_read_as_its_first_two_million_characters():
    text = "council " * (50 * 2**20 // 8)
    document, cuts = _analysed(Article(id="huge", text=text, origin="huge.txt"))
    assert cuts == [f"huge.txt: cut to the first 2,000,000 characters (of {len(text):,}); 1 sentence of more "
                    "than 1,000 words split into pieces of at most 1,000"]
    assert document.text == ("council " * 250_000).strip()
    assert len(document.sentences) == 250 and {len(s.tokens) for s in document.sentences} == {1000}
