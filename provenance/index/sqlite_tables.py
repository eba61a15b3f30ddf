"""The SQLite index's parts below the :class:`~provenance.index.sqlite.SqliteIndex`
interface: the content-signature matrix a query scans, the buffered writer of
one transaction, the transaction itself, and the counting arithmetic (see
the :mod:`provenance.index.sqlite` docstring for why it counts).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator

import numpy as np

from ..candidates.containment import CONTAINMENT, containment, query_containment
from ..codec import encode_signature
from ..config import Settings
from ..errors import IndexStoreError
from ..model import CONTENT, WORDS, Signature
from .base import StoredArticle

#: Content signatures per stored block: big enough that loading is a few
#: large reads, small enough that an append rewrites little.
BLOCK_ROWS = 4096
# Bound parameters per statement stay well under SQLite's limit.
CHUNK = 500
_SLOT_SHIFT = 32
_VALUE_MASK = (1 << _SLOT_SHIFT) - 1
# Postings held back per transaction, to insert in term order (~100 MB at most).
_POSTINGS_BUFFER = 1_000_000


def word_terms(signature: Signature) -> list[int]:
    """The postings terms of a word signature: each position above its
    (folded to 32 bits) hash value, so "same term" is "same value at the
    same position"."""
    values = np.asarray(signature.values[WORDS], dtype=np.uint64) & np.uint64(_VALUE_MASK)
    slots = np.arange(signature.num_perm, dtype=np.uint64) << np.uint64(_SLOT_SHIFT)
    return (slots | values).tolist()


class ContentMatrix:
    """Every stored content signature, one row per block slot, for a vectorised scan."""

    def __init__(self, generation: str, docs: np.ndarray, hashes: np.ndarray):
        self.generation = generation
        #: doc id per row; 0 marks a removed article's row.
        self.docs = docs
        #: positions x rows, so each position compares one contiguous array.
        self.columns = np.ascontiguousarray(hashes.T)
        self._removed = docs == 0 if np.any(docs == 0) else None
        self._rows: dict[int, int] | None = None

    @classmethod
    def load(cls, generation: str, blocks: list[tuple[bytes, bytes]], num_perm: int, dtype: np.dtype) -> ContentMatrix:
        """The matrix of the ``blocks`` table's rows (docs, hashes)."""
        if not blocks:
            return cls(generation, np.zeros(0, dtype=np.int64), np.zeros((0, num_perm), dtype=dtype))
        docs = np.concatenate([np.frombuffer(d, dtype="<i8") for d, _ in blocks])
        hashes = np.concatenate([np.frombuffer(h, dtype=dtype).reshape(-1, num_perm) for _, h in blocks])
        return cls(generation, docs, hashes)

    def equal(self, values: np.ndarray) -> np.ndarray:
        """rows x positions: where each stored signature equals ``values``."""
        shared = self.columns == np.asarray(values, dtype=self.columns.dtype)[:, None]
        if self._removed is not None:
            shared[:, self._removed] = False
        return shared.T

    def counts(self, values: np.ndarray) -> np.ndarray:
        """Shared positions with ``values``, per row (0 for removed rows).

        One comparison per position into a reused buffer, summed as small
        integers: three times faster than summing into int64."""
        values = np.asarray(values, dtype=self.columns.dtype)
        total = np.zeros(len(self.docs), dtype=np.uint8 if len(values) < 256 else np.uint16)
        shared = np.empty(len(self.docs), dtype=bool)
        for position in range(len(values)):
            np.equal(self.columns[position], values[position], out=shared)
            total += shared.view(np.uint8)
        if self._removed is not None:
            total[self._removed] = 0
        return total

    def least_counts(self, values: np.ndarray) -> np.ndarray:
        """Positions where ``values`` is less than or equal to each row's
        (0 for removed rows): where the query holds the pair's least shingle,
        which the containment estimate counts (:mod:`provenance.candidates.containment`)."""
        values = np.asarray(values, dtype=self.columns.dtype)
        total = np.zeros(len(self.docs), dtype=np.uint8 if len(values) < 256 else np.uint16)
        least = np.empty(len(self.docs), dtype=bool)
        for position in range(len(values)):
            np.greater_equal(self.columns[position], values[position], out=least)
            total += least.view(np.uint8)
        if self._removed is not None:
            total[self._removed] = 0
        return total

    def containment(self, query: np.ndarray, equal: np.ndarray, settings: Settings,
                    floors: dict[str, float] | None) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
        """The query's containment in each row (:meth:`CandidateIndex.containment`)
        as :func:`bounds` asks for it: given the rows' other ratios and
        whether they reach the floors, checked only where it can change them."""
        knobs = settings.candidates
        least = self.least_counts(query)
        floor = floors.get(CONTAINMENT) if floors else None
        bar = knobs.content_containment if floor is None else min(floor, knobs.content_containment)

        def of_rows(ratio: np.ndarray, reaches: np.ndarray) -> np.ndarray:
            settled = (containment(equal, least) / knobs.content_containment <= ratio) & reaches
            return query_containment(query, lambda rows: self.columns[:, rows].T, equal, least, settings.fingerprint,
                                     knobs.containment_min_shared, bar, settled)

        return of_rows

    def row_of(self, doc: int) -> int | None:
        """The row of ``doc``, or None when it is not in the matrix."""
        if self._rows is None:
            self._rows = {int(d): i for i, d in enumerate(self.docs.tolist()) if d}
        return self._rows.get(doc)


class Writer:
    """Buffers one write transaction's postings and block changes.

    Postings go in in term order (consecutive inserts then land on the same
    B-tree pages); each touched block is rewritten once, at the end.
    """

    def __init__(self, connection: sqlite3.Connection, num_perm: int, dtype: np.dtype,
                 decode_signature: Callable[[str, bytes], Signature]):
        self.connection = connection
        self.num_perm = num_perm
        self.dtype = dtype
        self.decode_signature = decode_signature
        self.postings: list[tuple[int, int]] = []
        self.blocks: dict[int, tuple[list[int], list[np.ndarray]]] = {}
        last = connection.execute("SELECT block, length(docs) FROM blocks ORDER BY block DESC LIMIT 1").fetchone()
        self.tail = (last[0], last[1] // 8) if last else (0, 0)

    def _block(self, block: int) -> tuple[list[int], list[np.ndarray]]:
        if block not in self.blocks:
            row = self.connection.execute("SELECT docs, hashes FROM blocks WHERE block = ?", (block,)).fetchone()
            if row is None:
                self.blocks[block] = ([], [])
            else:
                docs = np.frombuffer(row[0], dtype="<i8").tolist()
                hashes = list(np.frombuffer(row[1], dtype=self.dtype).reshape(-1, self.num_perm))
                self.blocks[block] = (docs, hashes)
        return self.blocks[block]

    def insert(self, entry: StoredArticle) -> None:
        """Add ``entry``'s row, postings and block slot."""
        block, used = self.tail
        if used >= BLOCK_ROWS:
            block, used = block + 1, 0
        self.tail = (block, used + 1)
        cursor = self.connection.execute(
            "INSERT INTO articles (id, title, outlet, published, url, origin, words, digest, block, slot,"
            " signature, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.id, entry.title, entry.outlet, entry.published, entry.url, entry.origin, entry.words,
             entry.digest, block, used, encode_signature(entry.signature), entry.document),
        )
        doc = cursor.lastrowid
        docs, hashes = self._block(block)
        docs.append(doc)
        hashes.append(np.asarray(entry.signature.values[CONTENT], dtype=self.dtype))
        self.postings.extend((term, doc) for term in word_terms(entry.signature))
        if len(self.postings) >= _POSTINGS_BUFFER:
            self._flush_postings()

    def delete(self, doc: int) -> None:
        """Remove article ``doc``: its row and postings, and mark its block slot."""
        # Postings of a replaced article must be gone before its new ones land.
        self._flush_postings()
        key, blob, block, slot = self.connection.execute(
            "SELECT id, signature, block, slot FROM articles WHERE doc = ?", (doc,)
        ).fetchone()
        try:
            terms = word_terms(self.decode_signature(key, blob))
        except IndexStoreError:  # a damaged signature: removing the article is its repair
            self.connection.execute("DELETE FROM postings WHERE doc = ?", (doc,))  # a full scan, this once
        else:
            self.connection.executemany("DELETE FROM postings WHERE term = ? AND doc = ?", ((t, doc) for t in terms))
        self.connection.execute("DELETE FROM articles WHERE doc = ?", (doc,))
        docs, _ = self._block(block)
        docs[slot] = 0  # the row stays, marked removed, so other rows keep their slots

    def _flush_postings(self) -> None:
        self.postings.sort()
        self.connection.executemany("INSERT INTO postings (term, doc) VALUES (?, ?)", self.postings)
        self.postings.clear()

    def finish(self) -> None:
        """Write what is buffered, and tell readers (a new generation) when blocks changed."""
        self._flush_postings()
        n = self.num_perm
        for block, (docs, hashes) in sorted(self.blocks.items()):
            packed = np.array(hashes, dtype=self.dtype).reshape(-1, n) if hashes else np.zeros((0, n), self.dtype)
            self.connection.execute(
                "INSERT OR REPLACE INTO blocks (block, docs, hashes) VALUES (?, ?, ?)",
                (block, np.asarray(docs, dtype="<i8").tobytes(), packed.tobytes()),
            )
        if self.blocks:
            # Readers cache the blocks; a new generation tells them to reload.
            self.connection.execute(
                "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'"
            )


class Transaction:
    """``BEGIN [IMMEDIATE]`` ... ``COMMIT``, or ``ROLLBACK`` on any exception;
    SQLite errors come out as what ``error(exc)`` makes of them.

    IMMEDIATE takes the write lock up front, so two writers queue on the busy
    timeout instead of one failing when it tries to upgrade a read lock.
    """

    def __init__(self, connection: sqlite3.Connection, begin: str, error: Callable[[sqlite3.Error], IndexStoreError]):
        self.connection, self.begin, self.error = connection, begin, error

    def __enter__(self) -> None:
        try:
            self.connection.execute(self.begin)
        except sqlite3.Error as exc:
            raise self.error(exc) from None

    def __exit__(self, kind, value, traceback) -> None:
        connection = self.connection
        if kind is None:
            try:
                connection.execute("COMMIT")
                return
            except sqlite3.Error as exc:
                self._rollback()
                raise self.error(exc) from None
        self._rollback()
        if isinstance(value, sqlite3.Error):
            raise self.error(value) from None

    def _rollback(self) -> None:
        # SQLite may already have rolled back (a full disk, an I/O error): a
        # second ROLLBACK would fail with "cannot rollback" and hide the cause.
        if self.connection.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute("ROLLBACK")


def bounds(words: np.ndarray, content: np.ndarray, num_perm: int, thresholds: dict[str, float],
           floors: dict[str, float] | None, contained: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
           containment_bar: float = 1.0) -> np.ndarray:
    """Per row, the ratio :meth:`CandidateIndex.query` ranks by, computed from
    shared-position counts (an upper bound when word hashes were folded) and
    the query's containment in the row (``contained``, given the other
    ratios and whether the floors are reached: exact, the content
    signatures being all at hand), or 0 when they cannot pass the
    thresholds and ``floors``."""
    word_ratio = (words.astype(np.float64) / num_perm) / thresholds[WORDS]
    content_ratio = (content.astype(np.float64) / num_perm) / thresholds[CONTENT]
    ratio = np.maximum(word_ratio, content_ratio)
    reaches = np.ones(len(ratio), dtype=bool)
    if floors:
        reaches = (words.astype(np.float64) / num_perm >= floors[WORDS]) | (
            content.astype(np.float64) / num_perm >= floors[CONTENT])
    if contained is not None:
        inside = contained(ratio, reaches)
        ratio = np.maximum(ratio, inside / containment_bar)
        if floors and floors.get(CONTAINMENT) is not None:
            reaches |= inside >= floors[CONTAINMENT] - 1e-12
    return np.where((ratio >= 1.0) & reaches, ratio, 0.0)


def band_hits(shared: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Rows (of a rows x positions equality matrix) colliding in some LSH band."""
    if not len(shared):
        return np.zeros(0, dtype=bool)
    return np.all(shared[:, : bands * rows].reshape(len(shared), bands, rows), axis=2).any(axis=1)


def chunks(items: list) -> Iterator[list]:
    """``items`` in runs of at most :data:`CHUNK` (bound parameters per statement)."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
