"""How the SQLite index finds damage: the cheap checks made on opening and
before an add, the decoding of a stored document, and ``index verify``'s
whole pass. Each damage is an :class:`~provenance.errors.IndexStoreError`
in one line naming the index and how to repair or rebuild it."""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Callable

import numpy as np

from ..codec import decode_document
from ..errors import IndexStoreError
from ..model import Document, Signature
from ..readers.base import printable
from .base import damaged
from .sqlite_tables import word_terms

# An article row of the wrong shape: a column of the wrong type, a signature
# of the wrong size, or a document that is neither a zstd frame nor a zlib
# stream (first byte: compression method 8). SQLite reads lengths from the
# record headers and substr() the first bytes, without loading whole blobs.
_BAD_ROW = (
    "SELECT id FROM articles WHERE typeof(id) != 'text' OR typeof(words) != 'integer'"
    " OR typeof(block) != 'integer' OR typeof(slot) != 'integer' OR typeof(digest) != 'text'"
    " OR typeof(signature) != 'blob' OR length(signature) != ?"
    " OR (document IS NOT NULL AND (typeof(document) != 'blob'"
    " OR NOT (substr(document, 1, 4) = x'28b52ffd' OR hex(substr(document, 1, 1)) LIKE '_8'))) LIMIT 1"
)

# What decoding a garbage blob can raise: the codec's ValueError, and what a
# blob that decompresses but is not a document makes json/struct/unpacking raise.
_UNDECODABLE: tuple[type[Exception], ...] = (ValueError, TypeError, KeyError, IndexError, struct.error)
try:
    import zstandard as _zstandard

    _UNDECODABLE += (_zstandard.ZstdError,)
except ImportError:  # pragma: no cover - a core dependency
    pass


def check_blocks(connection: sqlite3.Connection, location: str, width: int) -> None:
    """Refuse blocks whose sizes disagree (a truncated hashes blob), ``width``
    bytes a content signature: one read per block, not per article."""
    bad = connection.execute(
        "SELECT block FROM blocks WHERE typeof(docs) != 'blob' OR typeof(hashes) != 'blob'"
        " OR length(docs) % 8 != 0 OR length(hashes) != length(docs) / 8 * ? LIMIT 1", (width,)
    ).fetchone()
    if bad is not None:
        raise damaged(location, f"block {bad[0]} of content signatures has the wrong size")


def check_rows(connection: sqlite3.Connection, location: str, width: int) -> None:
    """Refuse an article row of the wrong shape, ``width`` bytes a stored signature."""
    row = connection.execute(_BAD_ROW, (width,)).fetchone()
    if row is not None:
        raise IndexStoreError(
            f"index {location} is damaged: the stored row of {printable(str(row[0]))!r} is not an article's; "
            f"nothing was written; remove it ('provenance index remove --index {location} ID') and add it again"
        )


def decoded_document(location: str, key: str, blob: bytes) -> Document:
    """The stored document of ``key``, or an error saying how to replace an unreadable one."""
    try:
        return decode_document(blob)
    except _UNDECODABLE as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        # Not --replace: an unchanged text is skipped by its digest, so the blob would stay.
        raise IndexStoreError(
            f"index {location} is damaged: the stored document of {key!r} cannot be read ({detail}); "
            f"re-add it: 'provenance index remove --index {location} ID', then "
            f"'provenance index add --replace --index {location} SOURCES...'"
        ) from None


def verify_all(connection: sqlite3.Connection, location: str, block_docs: np.ndarray,
               decode_signature: Callable[[str, bytes], Signature]) -> int:
    """SQLite's own page check, then every article row decoded, the content
    blocks (``block_docs``: their doc numbers, 0 for a removed slot) against
    the articles, and the word postings counted against the signatures; the
    number of articles. Call inside one read transaction. About half a minute
    per 100,000 articles, most of it decoding documents."""
    problem = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
    if problem != "ok":
        raise damaged(location, f"SQLite finds: {problem}")
    live = {int(d) for d in block_docs.tolist() if d}
    terms: dict[int, int] = {}
    for doc, key, blob, document in connection.execute("SELECT doc, id, signature, document FROM articles"):
        terms[doc] = len(set(word_terms(decode_signature(key, blob))))
        if document is not None:
            decoded_document(location, key, document)
        if doc not in live:
            raise damaged(location, f"{printable(key)!r} has no content signature")
    if len(terms) != len(live):
        raise damaged(location, f"it holds {len(live)} content signatures for {len(terms)} articles")
    # Each article's postings are its signature's terms: counted per article
    # (a sort of the postings, seconds at 100,000 articles; an anti-join takes minutes).
    counted = dict(connection.execute("SELECT doc, COUNT(*) FROM postings GROUP BY doc"))
    if counted != terms:
        doc = min(set(counted) ^ set(terms) or {d for d in terms if counted[d] != terms[d]})
        problem = (f"its word postings name article number {doc}, which is not stored" if doc not in terms else
                   f"article number {doc} has {counted.get(doc, 0)} word postings where its signature has {terms[doc]}")
        raise damaged(location, problem)
    return len(terms)
