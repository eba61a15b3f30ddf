"""The compact form in which a scan keeps each document: equal to the
analysed document, packed with zstd or zlib, built from read sentences."""

import importlib

import pytest

from provenance import Article, analyse, scan_articles
from provenance.errors import ProvenanceError
from tests.hypothesis_or_skip import given, settings, st

store_module = importlib.import_module("provenance.pipeline.store")
codec_module = importlib.import_module("provenance.codec")


@pytest.fixture(params=["zstd", "zlib"])
def codec(request, monkeypatch):
    """Stored documents packed with zstd (the ``fast`` extra) or with zlib."""
    if request.param == "zlib":
        monkeypatch.setattr(codec_module, "zstandard", None)
    elif codec_module.zstandard is None:
        pytest.skip("zstandard is not installed")
    return request.param


def test_stored_documents_equal_the_analysed_ones(small_corpus, codec):
    articles, _ = small_corpus
    result = scan_articles(articles[:20], jobs=1)
    for article, document in zip(articles, result.documents):
        plain = analyse(article)
        assert isinstance(document, store_module.StoredDocument)
        assert document == plain and plain == document and hash(document) == hash(plain)
        assert document.word_count == plain.word_count
        assert len(document.sentences) == len(plain.sentences)
        assert [s.tokens for s in document.sentences] == [s.tokens for s in plain.sentences]
        assert [document.sentence_text(i) for i in range(len(plain.sentences))] == [s.text for s in plain.sentences]
        loaded = document.load()
        assert loaded == plain and loaded.word_count == plain.word_count
        assert document._blob.startswith(codec_module.ZSTD_MAGIC) == (codec == "zstd")


def test_a_zlib_blob_reads_with_zstd_installed_and_a_zstd_blob_without_says_what_to_install(monkeypatch):
    if codec_module.zstandard is None:
        pytest.skip("zstandard is not installed")
    plain = analyse(Article(id="a", text="First sentence here. Second one follows."))
    packed = store_module.StoredDocument(plain)
    with monkeypatch.context() as patched:
        patched.setattr(codec_module, "zstandard", None)
        deflated = store_module.StoredDocument(plain)
    assert deflated.text == packed.text == plain.text and deflated.sentences == plain.sentences
    monkeypatch.setattr(codec_module, "zstandard", None)
    store_module._unpack_text.cache_clear()
    store_module._unpack.cache_clear()
    with pytest.raises(ProvenanceError, match=r"pip install zstandard"):
        packed.text


def test_stored_documents_keep_sentences_that_are_not_slices_of_their_text():
    import dataclasses

    plain = analyse(Article(id="a", text="First sentence here. Second one follows."))
    from provenance.analysis.tokens import tokenize

    tokens, spans = tokenize("Replaced text.")
    odd = dataclasses.replace(plain.sentences[1], text="Replaced text.", tokens=tokens, token_spans=spans)
    document = dataclasses.replace(plain, sentences=(plain.sentences[0], odd))
    stored = store_module.StoredDocument(document)
    assert stored.sentences == document.sentences and stored == document
    assert [stored.sentence_text(i) for i in range(2)] == [plain.sentences[0].text, "Replaced text."]
    texts = [plain.sentences[0].text, "Replaced text."]
    assert stored.sentence_texts() == texts and stored.sentence_count == 2
    loaded = stored.load()
    assert loaded.sentence_texts() == texts and [loaded.sentence_text(i) for i in range(2)] == texts
    assert loaded.sentence_count == 2 and loaded.sentences == document.sentences and loaded == document


_LINE = st.lists(st.sampled_from(list("abc XYZ. éİ’'_-\t0½ﬁ") + ["By ", "Reuters", "(AP) - ", "2024-03-01", "\u2028", "\ufeff"]),
                 max_size=20).map("".join)


_ARTICLE_TEXT = st.lists(_LINE, max_size=6).map("\n\n".join)


@given(_ARTICLE_TEXT, st.sampled_from([None, "Given title"]))
@settings(max_examples=200, deadline=None)
def test_a_document_stored_from_its_read_sentences_equals_the_analysed_one(text, title):
    """A scan stores articles from their sentences' places, without
    sentence objects: the same document, metadata and blob."""
    from provenance.analysis.document import read_sentences

    article = Article(id="a", text=text, title=title, url="https://example.com/a")
    read = read_sentences(article)
    stored = store_module.StoredDocument.of_read(read, 7)
    from_document = store_module.StoredDocument(analyse(article), 7)
    assert stored._blob == from_document._blob and stored._odd == from_document._odd
    assert stored == analyse(article) and stored.word_count == 7
    assert stored.sniffed == from_document.sniffed and stored.title == from_document.title
    assert read.matching_text() == "\n".join(s.text for s in analyse(article).sentences)
