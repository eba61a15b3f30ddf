"""Bytes for what is kept or stored of an article: its analysed document,
and (for the persistent indexes) its signature.

One encoding of a :class:`~provenance.model.Document` serves both the scan,
which keeps every article it reads packed, and the persistent indexes,
which store analysed documents so a check aligns against a source without
re-reading or re-segmenting it. A blob is one compressed frame, named by its
own first bytes: zstd at level 1 (``28 b5 2f fd``) whenever zstandard can be
imported (it is a core dependency; level 1 packs text as tightly as zlib at
level 1, four times faster), else zlib at level 1 (``78``). It holds::

    u8          LAYOUT (2)
    u32, u32    sentence count n, byte length m of the metadata
    2n x i64    each sentence's start and end, as the difference from the offset before
    m bytes     metadata, JSON: [id, title, outlet, published, url, origin,
                sniffed, attributions, odd sentences], then, only when a
                reader gave any, an object of the item fields (author,
                encoding, guid, version, status) that are set
    the rest    the display text, UTF-8

Offsets as differences are small numbers that compress to a byte or two.
"Odd" sentences are the rare ones whose text is not the slice of the text
their offsets give (the segmenter's fallback, or a document given through
the API); their text is kept apart. Text given through the API may hold a
lone surrogate, so text passes through UTF-8 with ``surrogatepass``.
Sentence tokens are not stored: they are recomputed from the sentence text,
cheaply and deterministically for a given ``text_version`` (which every
index stores). Never pickle: an index may be shared between CI runners, and
loading it must not be able to run code.

Documents written by the first index format (zlib-compressed JSON, an
object ``{"v": 1, ...}``) still decode: their payload starts with ``{``.

>>> from provenance.model import Article
>>> from provenance.analysis.document import analyse
>>> document = analyse(Article(id="a", text="One sentence. And another one."))
>>> decode_document(encode_document(document)) == document
True
"""

from __future__ import annotations

import json
import struct
import threading
import zlib
from collections.abc import Mapping, Sequence
from itertools import accumulate
from struct import Struct
from typing import Any

import numpy as np

from .analysis.tokens import tokenize
from .errors import ProvenanceError
from .model import (
    DOCUMENT_METADATA,
    GRANULARITIES,
    ITEM_FIELDS,
    Attribution,
    Document,
    Sentence,
    Signature,
)

try:
    import zstandard
except ImportError:  # pragma: no cover - a core dependency; exercised by patching it to None
    zstandard = None

#: First bytes of a zstd frame; a zlib stream starts with 0x78 instead.
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: Version of the layout inside the frame (1 was the JSON object of the first index format).
LAYOUT = 2
#: (index, text) of each sentence whose text is not its slice of the display text.
OddSentences = tuple[tuple[int, str], ...]

_HEAD = Struct("<BII")
# Made once (json.dumps with options makes an encoder per call); ASCII, so a
# lone surrogate survives as an escape.
_JSON = json.JSONEncoder(separators=(",", ":"))
_ZSTD_MISSING = ("this stored document was packed with zstd, which is not installed: "
                 "pip install zstandard (a dependency of provenance-news)")
# Compressors keep state between calls, which threads must not share.
_CODECS = threading.local()


def encode_document(document: Document) -> bytes:
    """``document`` as one blob (see the module docstring)."""
    blob, _ = pack(document.text, [(s.start, s.end, s.text) for s in document.sentences], document_fields(document))
    return blob


def document_fields(document: Document) -> dict[str, Any]:
    """The fields of ``document`` but its text and sentences."""
    return {name: getattr(document, name) for name in DOCUMENT_METADATA}


def pack(text: str, sentences: Sequence[tuple[int, int, str]], fields: Mapping[str, Any]) -> tuple[bytes, OddSentences]:
    """The blob of a document given as its display ``text``, its sentences'
    (start, end, text) and its other ``fields`` (as :func:`document_fields`
    gives them), and its odd sentences (which the blob holds too).

    The scan packs every article it reads this way, straight from the
    sentences' places, without making sentence objects."""
    deltas: list[int] = []
    odd = []
    previous = 0
    for index, (start, end, sentence_text) in enumerate(sentences):
        deltas += (start - previous, end - start)
        previous = end
        if text[start:end] != sentence_text:
            odd.append((index, sentence_text))
    record = [fields["id"], fields["title"], fields["outlet"], fields["published"], fields["url"], fields["origin"],
              fields["sniffed"], [(a.kind, a.text, a.names) for a in fields["attributions"]], odd]
    item = {name: fields[name] for name in ITEM_FIELDS if fields.get(name) is not None}
    if item:  # documents without them keep the blob the earlier releases wrote
        record.append(item)
    meta = _JSON.encode(record).encode("ascii")
    head = _HEAD.pack(LAYOUT, len(sentences), len(meta))
    payload = b"".join((head, _offsets(len(deltas)).pack(*deltas), meta, text.encode("utf-8", "surrogatepass")))
    return compress(payload), tuple(odd)


def unpack_text(blob: bytes) -> tuple[str, list[int], list[int]]:
    """The display text of a :func:`pack` blob and each sentence's start and
    end, without reading its metadata."""
    return _text_of(decompress(blob))


def _text_of(data: bytes) -> tuple[str, list[int], list[int]]:
    try:
        layout, count, meta = _HEAD.unpack_from(data)
        if layout != LAYOUT:
            raise ValueError(f"unknown document layout {layout} (this version reads {LAYOUT} and the JSON of 1)")
        if _HEAD.size + 16 * count + meta > len(data):
            raise ValueError("not a stored document: shorter than its header says")
        bounds = list(accumulate(_offsets(2 * count).unpack_from(data, _HEAD.size)))
    except struct.error as exc:
        raise ValueError(f"not a stored document: {exc}") from None
    body = _HEAD.size + 16 * count + meta
    return str(memoryview(data)[body:], "utf-8", "surrogatepass"), bounds[0::2], bounds[1::2]


def sentence_texts(text: str, starts: list[int], ends: list[int], odd: OddSentences) -> list[str]:
    """Each sentence's text: its slice of ``text``, or the one kept apart."""
    texts = [text[a:b] for a, b in zip(starts, ends)]
    for index, sentence_text in odd:
        texts[index] = sentence_text
    return texts


def decode_document(blob: bytes) -> Document:
    """The :class:`Document` that :func:`encode_document` (or the first
    index format) encoded, with sentences tokenised afresh."""
    data = decompress(blob)
    if data[:1] == b"{":
        return _decode_json(data)
    text, starts, ends = _text_of(data)
    _, count, size = _HEAD.unpack_from(data)
    at = _HEAD.size + 16 * count
    key, title, outlet, published, url, origin, sniffed, attributions, odd, *rest = json.loads(data[at : at + size])
    item = {name: value for name, value in rest[0].items() if name in ITEM_FIELDS} if rest else {}
    texts = sentence_texts(text, starts, ends, tuple(map(tuple, odd)))
    return Document(
        id=key, text=text,
        sentences=tuple(Sentence(i, t, a, b, *tokenize(t)) for i, (t, a, b) in enumerate(zip(texts, starts, ends))),
        attributions=tuple(Attribution(k, t, tuple(n)) for k, t, n in attributions),
        title=title, outlet=outlet, published=published, url=url, origin=origin, sniffed=tuple(sniffed), **item,
    )


def _decode_json(payload: bytes) -> Document:
    """A document of the first index format: ``{"v": 1, ...}``, sentences
    as [start, end] or [start, end, text]."""
    record = json.loads(payload.decode("utf-8"))
    if record.get("v") != 1:
        raise ValueError(f"unknown document encoding {record.get('v')!r}")
    text = record["text"]
    sentences = []
    for index, entry in enumerate(record["sentences"]):
        start, end = entry[0], entry[1]
        sentence_text = entry[2] if len(entry) > 2 else text[start:end]
        sentences.append(Sentence(index, sentence_text, start, end, *tokenize(sentence_text)))
    return Document(
        id=record["id"], text=text, sentences=tuple(sentences),
        attributions=tuple(Attribution(k, t, tuple(n)) for k, t, n in record["attributions"]),
        title=record["title"], outlet=record["outlet"], published=record["published"], url=record["url"],
        origin=record["origin"], sniffed=tuple(record["sniffed"]),
    )


def compress(data: bytes) -> bytes:
    """``data`` as a zstd frame (level 1), or a zlib stream (level 1) without zstandard."""
    if zstandard is None:
        return zlib.compress(data, 1)
    compressor = getattr(_CODECS, "compressor", None)
    if compressor is None:
        compressor = _CODECS.compressor = zstandard.ZstdCompressor(level=1)
    return compressor.compress(data)


def decompress(blob: bytes) -> bytes:
    """What :func:`compress` (or zlib at any level) compressed, told apart
    by the zstd frame's magic number."""
    if not blob.startswith(ZSTD_MAGIC):
        try:
            return zlib.decompress(blob)
        except zlib.error as exc:
            raise ValueError(f"not a stored document: {exc}") from None
    if zstandard is None:
        raise ProvenanceError(_ZSTD_MISSING)
    decompressor = getattr(_CODECS, "decompressor", None)
    if decompressor is None:
        decompressor = _CODECS.decompressor = zstandard.ZstdDecompressor()
    return decompressor.decompress(blob)


_STRUCTS: dict[int, Struct] = {}


def _offsets(n: int) -> Struct:
    """The (cached) struct of ``n`` little-endian int64s."""
    found = _STRUCTS.get(n)
    if found is None:
        found = _STRUCTS[n] = Struct(f"<{n}q")
    return found


# --- signatures -----------------------------------------------------------------------


def signature_dtype(scheme: str) -> np.dtype:
    """Little-endian storage type of one hash value: affine32 values fit 32 bits."""
    return np.dtype("<u4") if scheme == "affine32" else np.dtype("<u8")


def encode_signature(signature: Signature) -> bytes:
    """The hash values of every granularity, in :data:`GRANULARITIES` order."""
    dtype = signature_dtype(signature.scheme)
    return b"".join(np.asarray(signature.values[g]).astype(dtype, copy=False).tobytes() for g in GRANULARITIES)


def decode_signature(key: str, blob: bytes, num_perm: int, seed: int, scheme: str) -> Signature:
    """The :class:`Signature` of ``key`` that :func:`encode_signature` encoded."""
    dtype = signature_dtype(scheme)
    flat = np.frombuffer(blob, dtype=dtype)
    if flat.size != num_perm * len(GRANULARITIES):
        raise ValueError(f"stored signature of {key!r} has {flat.size} values, expected {num_perm * len(GRANULARITIES)}")
    # Same in-memory dtype as provenance.fingerprint makes, so comparisons match.
    native = np.uint32 if dtype.itemsize == 4 else np.uint64
    values = {g: flat[i * num_perm : (i + 1) * num_perm].astype(native) for i, g in enumerate(GRANULARITIES)}
    return Signature(key, values, num_perm, seed, scheme)
