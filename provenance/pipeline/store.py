"""The compact form in which a scan keeps each article's document: one
:mod:`provenance.codec` blob, sentences made only when asked.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import Any

from ..analysis.document import LazySentence, ReadArticle
from ..codec import OddSentences, document_fields, pack, sentence_texts, unpack_text
from ..model import DOCUMENT_FIELDS, DOCUMENT_METADATA, Document, DocumentView, Sentence


class _SameFields(DocumentView):
    """Equal to (and hashing like) any document with the same fields."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DocumentView):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in DOCUMENT_FIELDS)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f) for f in DOCUMENT_FIELDS))


class StoredDocument(_SameFields):
    """A :class:`~provenance.model.Document` kept as one :func:`provenance.codec.pack` blob.

    Its metadata is held as given (and in the blob, which
    :func:`provenance.codec.decode_document` reads whole); ``text`` and
    ``sentences`` are rebuilt when asked for (the last few are cached), with
    sentences that tokenise on demand. It equals, and hashes like, the
    document it was made from.
    """

    def __init__(self, document: Document, word_count: int | None = None):
        self._keep(document_fields(document), document.text,
                   [(s.start, s.end, s.text) for s in document.sentences],
                   document.word_count if word_count is None else word_count)

    @classmethod
    def of_read(cls, read: ReadArticle, word_count: int) -> StoredDocument:
        """The stored form of ``analyse_lazily(read.article)``, made without
        its sentence objects (a scan stores every article it reads)."""
        stored = cls.__new__(cls)
        stored._keep(read.document_fields(), read.display,
                     [(start, start + len(piece), piece) for start, piece in read.sentences], word_count)
        return stored

    def _keep(self, fields: dict[str, Any], text: str, sentences: list[tuple[int, int, str]], word_count: int) -> None:
        blob, odd = pack(text, sentences, fields)
        # One dict update: a scan keeps every article it reads this way.
        vars(self).update(fields, _blob=blob, _odd=odd, _sentence_count=len(sentences), _word_count=word_count)

    @property
    def blob(self) -> bytes:
        """The :mod:`provenance.codec` blob of the whole document."""
        return self._blob

    @property
    def text(self) -> str:
        return _unpack_text(self._blob)[0]

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return _unpack(self._blob, self._odd)

    def sentence_text(self, index: int) -> str:
        for i, sentence_text in self._odd:
            if i == index:
                return sentence_text
        text, starts, ends = _unpack_text(self._blob)
        return text[starts[index] : ends[index]]

    def sentence_texts(self) -> list[str]:
        return sentence_texts(*_unpack_text(self._blob), self._odd)

    @property
    def word_count(self) -> int:
        return self._word_count

    @property
    def sentence_count(self) -> int:
        return self._sentence_count

    def load(self) -> DocumentView:
        """The document unpacked for judging (it knows its word count without tokenising)."""
        return _LoadedDocument(self)

    def __repr__(self) -> str:
        return f"StoredDocument(id={self.id!r}, sentences={self._sentence_count}, words={self._word_count})"


class _LoadedDocument(_SameFields):
    """A stored document unpacked for judging, with the word count it was
    stored with; equal to (and hashing like) the document. Its sentence
    objects are made when first asked for: judging reads sentence texts."""

    def __init__(self, stored: StoredDocument):
        text, starts, ends = _unpack_text(stored._blob)
        fields = {name: getattr(stored, name) for name in DOCUMENT_METADATA}
        vars(self).update(fields, text=text, _spans=(starts, ends),
                          _texts=sentence_texts(text, starts, ends, stored._odd), _word_count=stored.word_count)

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        return _lazy_sentences(self._texts, *self._spans)

    def sentence_text(self, index: int) -> str:
        return self._texts[index]

    def sentence_texts(self) -> list[str]:
        return list(self._texts)

    @property
    def sentence_count(self) -> int:
        return len(self._texts)

    @property
    def word_count(self) -> int:
        return self._word_count


#: The text and each sentence's start and end, of the last blobs asked for.
_unpack_text = lru_cache(maxsize=128)(unpack_text)


def _lazy_sentences(texts: list[str], starts: list[int], ends: list[int]) -> tuple[Sentence, ...]:
    return tuple(LazySentence(i, t, a, b) for i, (t, a, b) in enumerate(zip(texts, starts, ends)))


@lru_cache(maxsize=128)
def _unpack(blob: bytes, odd: OddSentences) -> tuple[Sentence, ...]:
    text, starts, ends = _unpack_text(blob)
    return _lazy_sentences(sentence_texts(text, starts, ends, odd), starts, ends)


def _plain(document: DocumentView) -> DocumentView:
    """A document whose text and sentences are unpacked once, for judging
    (its sentences tokenise on demand)."""
    return document.load() if isinstance(document, StoredDocument) else document
