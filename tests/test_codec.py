"""The one encoding of stored documents (provenance.codec): exact round
trips of any document, zstd and zlib frames, and blobs of the first index
format (zlib-compressed JSON) still read."""

from __future__ import annotations

import contextlib
import zlib

import pytest

from provenance import codec, read_articles
from provenance.analysis.document import analyse, read_sentences
from provenance.analysis.tokens import tokenize
from provenance.errors import ProvenanceError
from provenance.model import Article, Attribution, Document, Sentence
from provenance.pipeline.store import StoredDocument
from tests.helpers import SEEDS
from tests.hypothesis_or_skip import given, settings, st
from tests.reference import as_first_format, old_encode_document

# Odd unicode: combining marks, astral characters, a lone surrogate, separators, NUL, BOM.
_ODD = st.sampled_from(list("aZ .é\u0301𝔘😀\u2028\u2029\x00\ufeff\ud800ﬁİ’\n\t") + ["Reuters", "By "])
_TEXT = st.lists(_ODD, max_size=40).map("".join)
_MAYBE = st.none() | _TEXT
_OFFSET = st.integers(min_value=-(2**40), max_value=2**40)


@st.composite
def documents(draw) -> Document:
    """Documents whose sentences may or may not be slices of their text, at any offsets."""
    text = draw(_TEXT)
    sentences = []
    for index in range(draw(st.integers(0, 6))):
        if text and draw(st.booleans()):
            start = draw(st.integers(0, len(text)))
            end = draw(st.integers(start, len(text)))
            sentence_text = text[start:end]
        else:
            start, end, sentence_text = draw(_OFFSET), draw(_OFFSET), draw(_TEXT)
        sentences.append(Sentence(index, sentence_text, start, end, *tokenize(sentence_text)))
    attributions = tuple(Attribution(draw(_TEXT), draw(_TEXT), tuple(draw(st.lists(_TEXT, max_size=3))))
                         for _ in range(draw(st.integers(0, 3))))
    return Document(id=draw(_TEXT), text=text, sentences=tuple(sentences), attributions=attributions,
                    title=draw(_MAYBE), outlet=draw(_MAYBE), published=draw(_MAYBE), url=draw(_MAYBE),
                    origin=draw(_TEXT), sniffed=tuple(draw(st.lists(_TEXT, max_size=3))))


@contextlib.contextmanager
def _without_zstd(active: bool):
    """The codec packing as if zstandard were not installed (when ``active``)."""
    saved = codec.zstandard
    if active:
        codec.zstandard = None
    try:
        yield
    finally:
        codec.zstandard = saved


@given(documents(), st.booleans())
@settings(max_examples=300, deadline=None)
def test_any_document_round_trips(document, zlib_frame):
    with _without_zstd(zlib_frame):
        blob = codec.encode_document(document)
    assert blob.startswith(codec.ZSTD_MAGIC) != zlib_frame
    decoded = codec.decode_document(blob)
    assert decoded == document
    assert [s.tokens for s in decoded.sentences] == [s.tokens for s in document.sentences]
    text, starts, ends = codec.unpack_text(blob)
    assert (text, starts, ends) == (document.text, [s.start for s in document.sentences],
                                    [s.end for s in document.sentences])


def test_the_seeds_round_trip_and_a_scan_packs_the_same_blob():
    for article in read_articles([SEEDS]):
        document = analyse(article)
        blob = codec.encode_document(document)
        assert codec.decode_document(blob) == document
        read = read_sentences(article)
        packed, odd = codec.pack(read.display, [(a, a + len(p), p) for a, p in read.sentences], read.document_fields())
        assert packed == blob and odd == ()
        kept = StoredDocument.of_read(read, document.word_count)
        assert kept.blob == blob and codec.decode_document(kept.blob) == kept == document


def test_a_zstd_blob_without_zstandard_says_what_to_install(monkeypatch):
    blob = codec.encode_document(analyse(Article(id="a", text="One sentence. Another one.")))
    monkeypatch.setattr(codec, "zstandard", None)
    with pytest.raises(ProvenanceError, match=r"pip install zstandard"):
        codec.decode_document(blob)


def test_garbage_is_a_value_error():
    with pytest.raises(ValueError, match="not a stored document"):
        codec.decode_document(b"garbage")
    with pytest.raises(ValueError, match="unknown document layout"):
        codec.decode_document(zlib.compress(b"\x09" + bytes(8)))


# --- the first index format (tests/reference.py keeps its encoder) -----------------------------


def test_blobs_of_the_first_index_format_still_decode():
    for article in read_articles([SEEDS]):
        document = analyse(article)
        old = old_encode_document(document)
        assert old[:1] == b"\x78" and codec.decode_document(old) == as_first_format(document)
    odd = analyse(Article(id="a", text="First sentence here. Second one follows."))
    replaced = Sentence(1, "Replaced text.", odd.sentences[1].start, odd.sentences[1].end, *tokenize("Replaced text."))
    document = Document(**{**vars(odd), "sentences": (odd.sentences[0], replaced)})
    assert codec.decode_document(old_encode_document(document)) == document


@given(documents())
@settings(max_examples=100, deadline=None)
def test_old_blobs_of_any_document_decode(document):
    try:
        old = old_encode_document(document)
    except UnicodeEncodeError:  # the old encoder could not store a lone surrogate at all
        return
    assert codec.decode_document(old) == document


def test_item_fields_round_trip_and_leave_other_blobs_as_they_were():
    from dataclasses import replace

    from provenance.analysis.document import analyse
    from provenance.codec import decode_document, encode_document
    from provenance.model import Article

    plain = analyse(Article(id="a", text="One sentence. And another one."))
    item = replace(plain, author="Jane Doe", encoding="cp1252", guid="urn:x:1", version="2", status="withdrawn")
    assert decode_document(encode_document(item)) == item
    # A document without them packs as the earlier layout did: nine metadata fields.
    assert decode_document(encode_document(plain)) == plain
    assert _metadata_fields(encode_document(plain)) == 9 and _metadata_fields(encode_document(item)) == 10


def _metadata_fields(blob: bytes) -> int:
    import json
    import struct

    from provenance.codec import decompress

    data = decompress(blob)
    _, count, size = struct.unpack_from("<BII", data)
    start = struct.calcsize("<BII") + 16 * count
    return len(json.loads(data[start : start + size]))
