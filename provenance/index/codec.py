"""Bytes for what a persistent index stores: analysed documents and signatures.

Documents are stored analysed, so a check aligns against an indexed source
without re-reading or re-segmenting it. The encoding is zlib-compressed JSON,
never pickle: an index may be shared between CI runners, and loading it must
not be able to run code. Sentence tokens are not stored; they are recomputed
from the sentence text with :func:`provenance.text.tokenize`, which is cheap
and deterministic for a given ``text_version`` (stored with every index).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import Attribution
from ..model import GRANULARITIES, Signature
from ..model import Document, Sentence
from ..analysis.tokens import tokenize

#: Version of the document encoding below; bump on any incompatible change.
DOCUMENT_ENCODING = 1


def encode_document(document: Document) -> bytes:
    """``document`` as compressed JSON (sentences by offset into its text)."""
    sentences = []
    for sentence in document.sentences:
        entry: list[Any] = [sentence.start, sentence.end]
        # The segmenter's fallback can leave a sentence that is not exactly
        # text[start:end]; keep its text then, so decoding is exact.
        if document.text[sentence.start : sentence.end] != sentence.text:
            entry.append(sentence.text)
        sentences.append(entry)
    record = {
        "v": DOCUMENT_ENCODING,
        "id": document.id,
        "text": document.text,
        "sentences": sentences,
        "attributions": [[a.kind, a.text, list(a.names)] for a in document.attributions],
        "title": document.title,
        "outlet": document.outlet,
        "published": document.published,
        "url": document.url,
        "origin": document.origin,
        "sniffed": list(document.sniffed),
    }
    payload = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return zlib.compress(payload, 6)


def decode_document(blob: bytes) -> Document:
    """The :class:`Document` that :func:`encode_document` encoded."""
    record = json.loads(zlib.decompress(blob).decode("utf-8"))
    if record.get("v") != DOCUMENT_ENCODING:
        raise ValueError(f"unknown document encoding {record.get('v')!r}")
    text = record["text"]
    sentences = []
    for index, entry in enumerate(record["sentences"]):
        start, end = entry[0], entry[1]
        sentence_text = entry[2] if len(entry) > 2 else text[start:end]
        tokens, spans = tokenize(sentence_text)
        sentences.append(Sentence(index, sentence_text, start, end, tokens, spans))
    return Document(
        id=record["id"],
        text=text,
        sentences=tuple(sentences),
        attributions=tuple(Attribution(k, t, tuple(n)) for k, t, n in record["attributions"]),
        title=record["title"],
        outlet=record["outlet"],
        published=record["published"],
        url=record["url"],
        origin=record["origin"],
        sniffed=tuple(record["sniffed"]),
    )


def signature_dtype(scheme: str) -> np.dtype:
    """Little-endian storage type of one hash value: affine32 values fit 32 bits."""
    return np.dtype("<u4") if scheme == "affine32" else np.dtype("<u8")


def encode_signature(signature: Signature) -> bytes:
    dtype = signature_dtype(signature.scheme)
    return b"".join(np.asarray(signature.values[g]).astype(dtype, copy=False).tobytes() for g in GRANULARITIES)


def decode_signature(key: str, blob: bytes, num_perm: int, seed: int, scheme: str) -> Signature:
    dtype = signature_dtype(scheme)
    flat = np.frombuffer(blob, dtype=dtype)
    if flat.size != num_perm * len(GRANULARITIES):
        raise ValueError(f"stored signature of {key!r} has {flat.size} values, expected {num_perm * len(GRANULARITIES)}")
    # Same in-memory dtype as provenance.fingerprint makes, so comparisons match.
    native = np.uint32 if dtype.itemsize == 4 else np.uint64
    values = {g: flat[i * num_perm : (i + 1) * num_perm].astype(native) for i, g in enumerate(GRANULARITIES)}
    return Signature(key, values, num_perm, seed, scheme)


@dataclass(frozen=True)
class StoredArticle:
    """Everything an index stores for one article, already encoded.

    Built where the article is analysed (possibly in a worker process), so
    only compact bytes travel back to the process that writes the index.
    """

    signature: Signature
    #: :func:`encode_document` of the analysed document (None: signature only).
    document: bytes | None
    #: sha256 of the article text as given, to recognise an unchanged re-add.
    digest: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    origin: str | None = None
    words: int = 0

    @property
    def id(self) -> str:
        return self.signature.id


def stored_article(signature: Signature, document: Document | None, digest: str = "") -> StoredArticle:
    if document is None:
        return StoredArticle(signature, None, digest)
    return StoredArticle(
        signature, encode_document(document), digest, document.title, document.outlet,
        document.published, document.url, document.origin, document.word_count,
    )
