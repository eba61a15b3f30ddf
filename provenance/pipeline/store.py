"""The compact form in which a scan keeps each article's document: its
text and sentence offsets packed, sentences made only when asked.
"""

from __future__ import annotations

import threading
import zlib
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from ..analysis.document import LazySentence, ReadArticle
from ..errors import ProvenanceError
from ..model import Document, Sentence

try:  # zstd at level 1 packs text as tightly as zlib at level 1, four times faster
    import zstandard
except ImportError:  # pragma: no cover - exercised by patching it to None
    zstandard = None


def _fields_equal(self: Document, other: object) -> bool:
    if not isinstance(other, Document):
        return NotImplemented
    return all(getattr(self, f) == getattr(other, f) for f in _DOCUMENT_FIELDS)


def _fields_hash(self: Document) -> int:
    return hash(tuple(getattr(self, f) for f in _DOCUMENT_FIELDS))


_KEPT_FIELDS = ("id", "attributions", "title", "outlet", "published", "url", "origin", "sniffed")


class StoredDocument(Document):
    """A :class:`Document` kept as compressed text and sentence offsets.

    Its metadata is held as given; ``text`` and ``sentences`` are rebuilt
    when asked for (the last few are cached), with sentences that tokenise
    on demand. It equals, and hashes like, the document it was made from.
    """

    def __init__(self, document: Document, word_count: int | None = None):
        text, sentences = document.text, document.sentences
        odd = tuple((i, s.text) for i, s in enumerate(sentences) if text[s.start : s.end] != s.text)
        fields = {name: getattr(document, name) for name in _KEPT_FIELDS}
        self._keep(fields, text, [(s.start, s.end) for s in sentences], odd,
                   document.word_count if word_count is None else word_count)

    @classmethod
    def of_read(cls, read: ReadArticle, word_count: int) -> StoredDocument:
        """The stored form of ``analyse_lazily(read.article)``, made without
        its sentence objects (a scan stores every article it reads)."""
        stored = cls.__new__(cls)
        text = read.display
        spans = [(start, start + len(piece)) for start, piece in read.sentences]
        odd = tuple((i, piece) for i, ((start, end), (_, piece)) in enumerate(zip(spans, read.sentences))
                    if text[start:end] != piece)
        stored._keep(read.document_fields(), text, spans, odd, word_count)
        return stored

    def _keep(self, fields: dict[str, Any], text: str, spans: list[tuple[int, int]],
              odd: tuple[tuple[int, str], ...], word_count: int) -> None:
        # Sentence offsets, then the text, in one compressed blob; the rare
        # sentence whose text is not the slice its offsets give is kept apart.
        # (As differences from the previous offset: small numbers, which compress to a byte or two.)
        bounds = np.diff(np.array(spans, dtype="<i8").reshape(-1), prepend=0)
        # ("surrogatepass": a text given through the API may hold a lone surrogate.)
        blob = _compress(len(spans).to_bytes(4, "little") + bounds.tobytes() + text.encode("utf-8", "surrogatepass"))
        for name, value in fields.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_odd", odd)
        object.__setattr__(self, "_blob", blob)
        object.__setattr__(self, "_sentence_count", len(spans))
        object.__setattr__(self, "_word_count", word_count)

    @property
    def text(self) -> str:  # type: ignore[override]
        return _unpack(self._blob, self._odd)[0]

    @property
    def sentences(self) -> tuple[Sentence, ...]:  # type: ignore[override]
        return _unpack(self._blob, self._odd)[1]

    def sentence_text(self, index: int) -> str:
        text, starts, ends = _unpack_text(self._blob)
        for i, sentence_text in self._odd:
            if i == index:
                return sentence_text
        return text[starts[index] : ends[index]]

    def sentence_texts(self) -> list[str]:
        return _sentence_texts(self._blob, self._odd)

    @property
    def word_count(self) -> int:
        return self._word_count

    @property
    def sentence_count(self) -> int:
        return self._sentence_count

    def load(self) -> Document:
        """The plain document (which knows its word count without tokenising)."""
        return _LoadedDocument(self)

    __eq__ = _fields_equal
    __hash__ = _fields_hash

    def __repr__(self) -> str:
        return f"StoredDocument(id={self.id!r}, sentences={self._sentence_count}, words={self._word_count})"


class _LoadedDocument(Document):
    """A stored document unpacked for judging, with the word count it was
    stored with; equal to (and hashing like) the document. Its sentence
    objects are made when first asked for: judging reads sentence texts."""

    def __init__(self, stored: StoredDocument):
        text, starts, ends = _unpack_text(stored._blob)
        for name in _KEPT_FIELDS:
            object.__setattr__(self, name, getattr(stored, name))
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "_spans", (starts, ends))
        object.__setattr__(self, "_texts", stored.sentence_texts())
        object.__setattr__(self, "_word_count", stored.word_count)

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:  # type: ignore[override]
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

    __eq__ = _fields_equal
    __hash__ = _fields_hash


_DOCUMENT_FIELDS = ("id", "text", "sentences", "attributions", "title", "outlet", "published", "url", "origin", "sniffed")


_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


# Compressors keep state between calls, which threads must not share.
_CODECS = threading.local()


def _compress(data: bytes) -> bytes:
    if zstandard is None:
        return zlib.compress(data, 1)
    compressor = getattr(_CODECS, "compressor", None)
    if compressor is None:
        compressor = _CODECS.compressor = zstandard.ZstdCompressor(level=1)
    return compressor.compress(data)


def _decompress(blob: bytes) -> bytes:
    """Either kind of blob, told apart by the zstd frame's magic number (a
    zlib stream starts with 0x78)."""
    if not blob.startswith(_ZSTD_MAGIC):
        return zlib.decompress(blob)
    if zstandard is None:
        raise ProvenanceError("this stored document was packed with zstd, which is not installed: pip install 'provenance[fast]'")
    decompressor = getattr(_CODECS, "decompressor", None)
    if decompressor is None:
        decompressor = _CODECS.decompressor = zstandard.ZstdDecompressor()
    return decompressor.decompress(blob)


@lru_cache(maxsize=128)
def _unpack_text(blob: bytes) -> tuple[str, list[int], list[int]]:
    """The text and each sentence's start and end."""
    data = _decompress(blob)
    count = int.from_bytes(data[:4], "little")
    bounds = np.cumsum(np.frombuffer(data, dtype="<i8", count=2 * count, offset=4)).tolist()
    return data[4 + 16 * count :].decode("utf-8", "surrogatepass"), bounds[0::2], bounds[1::2]


def _sentence_texts(blob: bytes, odd: tuple[tuple[int, str], ...]) -> list[str]:
    """Each sentence's text: its slice of the text, or the one kept apart."""
    text, starts, ends = _unpack_text(blob)
    texts = [text[a:b] for a, b in zip(starts, ends)]
    for i, sentence_text in odd:
        texts[i] = sentence_text
    return texts


def _lazy_sentences(texts: list[str], starts: list[int], ends: list[int]) -> tuple[Sentence, ...]:
    return tuple(LazySentence(i, t, a, b) for i, (t, a, b) in enumerate(zip(texts, starts, ends)))


@lru_cache(maxsize=128)
def _unpack(blob: bytes, odd: tuple[tuple[int, str], ...]) -> tuple[str, tuple[Sentence, ...]]:
    text, starts, ends = _unpack_text(blob)
    return text, _lazy_sentences(_sentence_texts(blob, odd), starts, ends)


def _plain(document: Document) -> Document:
    """A document whose text and sentences are unpacked once, for judging
    (its sentences tokenise on demand)."""
    return document.load() if isinstance(document, StoredDocument) else document
