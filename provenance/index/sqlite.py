"""The SQLite index: one file holding signatures, LSH postings and analysed documents.

Layout (``FORMAT_VERSION`` 1)::

    meta(key, value)                 format, fingerprint parameters, tool version
    articles(doc, id, ..., signature, document)
    postings(term, doc)              one row per (granularity, position) of each signature

A posting's ``term`` packs the signature position (``slot``: granularity
index * num_perm + position) above the 32-bit hash value, so one indexed
``IN`` lookup finds every stored article sharing a hash value with the query
at the same position. With the recall-weighted LSH the project uses, bands
are one row wide (see :data:`provenance.index.RECALL_WEIGHTS`), so "collides
in band i" is "shares the value at position i", and the number of shared
positions per article -- one ``GROUP BY`` -- is exactly the Jaccard estimate
``Signature.jaccard`` computes. Articles that pass on those counts are then
checked against their stored signatures with the very same code the
in-memory index uses (estimate and LSH band collision), so results are
identical to :class:`~provenance.index.memory.MemoryIndex` for any band
layout and either hash width (64-bit values are folded to 32 bits in the
postings, which can only add candidates, never lose one).

Writes run in ``BEGIN IMMEDIATE`` transactions: an add is all or nothing, a
killed process leaves the file as it was, and concurrent writers queue on the
busy timeout. The journal is WAL, so readers never block the writer or each
other.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from .. import __version__
from ..config import DEFAULT_SETTINGS, Settings
from ..errors import IndexStoreError
from ..fingerprint import GRANULARITIES, Signature
from ..text import Document
from . import AddReport, CandidateIndex, IndexEntry, IndexInfo, check_parameters
from .codec import decode_document, decode_signature, encode_document, encode_signature

FORMAT_VERSION = 1
_SLOT_SHIFT = 32
_VALUE_MASK = (1 << _SLOT_SHIFT) - 1
#: Seconds a writer waits for another writer's transaction before giving up.
DEFAULT_TIMEOUT = 60.0
# Bound parameters per statement stay well under SQLite's limit.
_CHUNK = 500

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE IF NOT EXISTS articles (
        doc INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT, outlet TEXT, published TEXT, url TEXT, origin TEXT,
        words INTEGER NOT NULL,
        digest TEXT NOT NULL,
        signature BLOB NOT NULL,
        document BLOB
    )""",
    "CREATE TABLE IF NOT EXISTS postings (term INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (term, doc)) WITHOUT ROWID",
)


def text_digest(text: str) -> str:
    """Identity of an article's text, to tell an unchanged re-add from an update."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SqliteIndex(CandidateIndex):
    """A persistent index in one SQLite file.

    Open with ``create=True`` to make the file if it is missing; otherwise a
    missing file raises :class:`~provenance.errors.IndexStoreError`. Opening
    checks the stored fingerprint parameters against ``settings`` and raises
    :class:`~provenance.errors.IncompatibleIndexError` when they differ.
    """

    backend = "sqlite"

    def __init__(self, path: str | Path, settings: Settings = DEFAULT_SETTINGS, *, create: bool = False,
                 timeout: float = DEFAULT_TIMEOUT):
        super().__init__(settings)
        self.path = Path(path)
        self.location = str(path)
        if not create and not self.path.is_file():
            raise IndexStoreError(
                f"no index at {self.location}: build one with "
                f"'provenance index add --index {self.location} SOURCES...'"
            )
        self._connection = self._connect(create, timeout)
        try:
            self._prepare(create)
        except BaseException:
            self._connection.close()
            raise

    # --- opening ------------------------------------------------------------------

    def _connect(self, create: bool, timeout: float) -> sqlite3.Connection:
        mode = "rwc" if create else "rw"
        if not create and not os.access(self.path, os.W_OK):
            mode = "ro"  # a read-only index (a CI cache, a mounted volume) can still be queried
        uri = f"file:{urllib.parse.quote(str(self.path.absolute()))}?mode={mode}"
        try:
            connection = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
            # The whole postings index stays hot between queries of one check.
            connection.execute("PRAGMA cache_size = -131072")
            connection.execute("PRAGMA mmap_size = 1073741824")
            if mode != "ro":
                connection.execute("PRAGMA journal_mode = WAL")
                # In WAL mode NORMAL loses no committed transaction on a process
                # crash (only, at worst, the last ones on power loss) and keeps
                # the file consistent.
                connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise self._error("cannot open", exc) from None
        return connection

    def _prepare(self, create: bool) -> None:
        try:
            tables = {row[0] for row in self._connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise self._error("cannot read", exc) from None
        if "meta" not in tables:
            if tables or not create:
                raise IndexStoreError(f"{self.location} is not a provenance index (no meta table)")
            self._initialise()
        meta = self._meta()
        if meta.get("format") != str(FORMAT_VERSION):
            raise IndexStoreError(
                f"{self.location} has index format {meta.get('format')!r}; this version of provenance "
                f"reads format {FORMAT_VERSION}: rebuild the index"
            )
        check_parameters(self.location, json.loads(meta["parameters"]), self.settings)

    def _initialise(self) -> None:
        with self._write():
            for statement in _SCHEMA:
                self._connection.execute(statement)
            # Another writer may have initialised the file while we waited for the lock.
            self._connection.executemany(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                [
                    ("format", str(FORMAT_VERSION)),
                    ("parameters", json.dumps(self.settings.fingerprint_parameters(), sort_keys=True)),
                    ("created_by", f"provenance {__version__}"),
                ],
            )

    def _meta(self) -> dict[str, str]:
        return dict(self._connection.execute("SELECT key, value FROM meta"))

    def _error(self, what: str, exc: sqlite3.Error) -> IndexStoreError:
        detail = str(exc)
        if "locked" in detail or "busy" in detail:
            detail += " (another process is writing to the index; try again when it has finished)"
        return IndexStoreError(f"{self.location}: {what} the index: {detail}")

    # --- transactions -------------------------------------------------------------

    def _write(self) -> _Transaction:
        return _Transaction(self)

    # --- writing ------------------------------------------------------------------

    def add(self, signature: Signature, document: Document | None = None, *, digest: str = "") -> None:
        """Store one signature (and the analysed document alignment needs)."""
        self.add_documents([(signature, document, digest)], replace=True)

    def add_documents(
        self, entries: Iterable[tuple[Signature, Document | None, str]], *, replace: bool = False
    ) -> AddReport:
        """Store ``(signature, document, digest)`` entries in one transaction.

        An id already indexed with the same digest is left alone; with a
        different digest it is replaced only when ``replace`` is true. The
        entries are consumed inside the transaction: if anything fails (or the
        process dies) nothing of this call is stored.
        """
        added, replaced, unchanged, conflicts = [], [], [], []
        with self._write():
            for signature, document, digest in entries:
                self._check_signature(signature)
                row = self._connection.execute(
                    "SELECT doc, digest FROM articles WHERE id = ?", (signature.id,)
                ).fetchone()
                if row is not None:
                    if digest and row[1] == digest:
                        unchanged.append(signature.id)
                        continue
                    if not replace:
                        conflicts.append(signature.id)
                        continue
                    self._delete(row[0])
                    replaced.append(signature.id)
                else:
                    added.append(signature.id)
                self._insert(signature, document, digest)
        return AddReport(tuple(added), tuple(replaced), tuple(unchanged), tuple(conflicts))

    def _check_signature(self, signature: Signature) -> None:
        made = (signature.num_perm, signature.seed, signature.scheme)
        wanted = (self.settings.num_perm, self.settings.seed, self.settings.minhash_scheme)
        if made != wanted:
            raise IndexStoreError(
                f"signature of {signature.id!r} was made with num_perm, seed, scheme = {made}; "
                f"the index holds {wanted}"
            )

    def _insert(self, signature: Signature, document: Document | None, digest: str) -> None:
        meta = document or Document(signature.id, "", (), (), None, None, None, None, "")
        cursor = self._connection.execute(
            "INSERT INTO articles (id, title, outlet, published, url, origin, words, digest, signature, document)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                signature.id, meta.title, meta.outlet, meta.published, meta.url, meta.origin,
                meta.word_count, digest, encode_signature(signature),
                encode_document(document) if document is not None else None,
            ),
        )
        doc = cursor.lastrowid
        self._connection.executemany(
            "INSERT INTO postings (term, doc) VALUES (?, ?)", ((term, doc) for term in self._terms(signature))
        )

    def _delete(self, doc: int) -> None:
        row = self._connection.execute("SELECT id, signature FROM articles WHERE doc = ?", (doc,)).fetchone()
        signature = self._decode_signature(row[0], row[1])
        self._connection.executemany(
            "DELETE FROM postings WHERE term = ? AND doc = ?", ((term, doc) for term in self._terms(signature))
        )
        self._connection.execute("DELETE FROM articles WHERE doc = ?", (doc,))

    def remove(self, keys: Iterable[str]) -> tuple[str, ...]:
        """Remove ``keys`` in one transaction; returns the ids that were indexed."""
        removed = []
        with self._write():
            for key in dict.fromkeys(keys):
                row = self._connection.execute("SELECT doc FROM articles WHERE id = ?", (key,)).fetchone()
                if row is not None:
                    self._delete(row[0])
                    removed.append(key)
        return tuple(removed)

    # --- reading ------------------------------------------------------------------

    def _terms(self, signature: Signature) -> list[int]:
        n = self.settings.num_perm
        terms: list[int] = []
        for g, granularity in enumerate(GRANULARITIES):
            values = np.asarray(signature.values[granularity], dtype=np.uint64) & np.uint64(_VALUE_MASK)
            slots = (np.arange(n, dtype=np.uint64) + np.uint64(g * n)) << np.uint64(_SLOT_SHIFT)
            terms.extend(int(t) for t in (slots | values))
        return terms

    def _decode_signature(self, key: str, blob: bytes) -> Signature:
        s = self.settings
        return decode_signature(key, blob, s.num_perm, s.seed, s.minhash_scheme)

    def _counts(self, signature: Signature, having: str) -> list[tuple[int, int, int]]:
        """(doc, shared word positions, shared content positions) for every stored
        article sharing a position with ``signature`` and passing ``having``."""
        terms = self._terms(signature)
        split = self.settings.num_perm << _SLOT_SHIFT
        sql = (
            "SELECT doc, SUM(term < ?) AS w, SUM(term >= ?) AS c FROM postings"
            f" WHERE term IN ({','.join('?' * len(terms))}) GROUP BY doc HAVING {having}"
        )
        try:
            return self._connection.execute(sql, [split, split, *terms]).fetchall()
        except sqlite3.Error as exc:
            raise self._error("cannot query", exc) from None

    def _signatures_by_doc(self, docs: list[int]) -> dict[int, Signature]:
        found: dict[int, Signature] = {}
        for chunk in _chunks(docs):
            rows = self._connection.execute(
                f"SELECT doc, id, signature FROM articles WHERE doc IN ({','.join('?' * len(chunk))})", chunk
            )
            for doc, key, blob in rows:
                found[doc] = self._decode_signature(key, blob)
        return found

    def _lsh_query(self, signature: Signature) -> set[str]:
        bands = self.bands()
        # A band collision needs at least one shared position inside the banded prefix.
        docs = [doc for doc, _, _ in self._counts(signature, "1")]
        stored = self._signatures_by_doc(docs)
        return {s.id for s in stored.values() if self._collides(signature, s, bands)}

    def query(self, signature: Signature) -> list[tuple[str, float]]:
        return self.best(signature)

    def best(self, signature: Signature, limit: int | None = None,
             floors: dict[str, float] | None = None) -> list[tuple[str, float]]:
        """:meth:`CandidateIndex.best`, with the counting done in SQL: only the
        articles whose shared-position counts can pass are loaded and checked."""
        n = self.settings.num_perm
        # Counts are integers computed here, so they go into the SQL as literals.
        lsh_min = {g: minimum_count(n, t) for g, t in self.thresholds().items()}
        having = f"(w >= {lsh_min['words']:d} OR c >= {lsh_min['content']:d})"
        if floors:
            floor_min = {g: minimum_count(n, floors[g]) for g in GRANULARITIES}
            having += f" AND (w >= {floor_min['words']:d} OR c >= {floor_min['content']:d})"
        rows = self._counts(signature, having)
        # Upper bounds first (exact for 32-bit hashes): verify in that order and
        # stop once no remaining bound can reach the limit-th verified ratio.
        thresholds = self.thresholds()
        bounded = sorted(
            ((max(w / n / thresholds["words"], c / n / thresholds["content"]), doc) for doc, w, c in rows),
            key=lambda item: -item[0],
        )
        bands = self.bands()
        found: list[tuple[str, float]] = []
        for start in range(0, len(bounded), _CHUNK):
            batch = bounded[start : start + _CHUNK]
            if limit is not None and len(found) >= limit:
                kth = sorted(found, key=lambda item: (-item[1], item[0]))[limit - 1][1]
                if batch[0][0] < kth:
                    break
            stored = self._signatures_by_doc([doc for _, doc in batch])
            for _, doc in batch:
                candidate = stored[doc]
                ratio = self.ratio(signature, candidate)
                if ratio >= 1.0 and self._collides(signature, candidate, bands) and self.passes(signature, candidate, floors):
                    found.append((candidate.id, ratio))
        found.sort(key=lambda item: (-item[1], item[0]))
        return found[:limit] if limit is not None else found

    def signature_of(self, key: str) -> Signature:
        row = self._connection.execute("SELECT signature FROM articles WHERE id = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return self._decode_signature(key, row[0])

    def documents(self, keys: Iterable[str]) -> dict[str, Document]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Document] = {}
        for chunk in _chunks(wanted):
            rows = self._connection.execute(
                f"SELECT id, document FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            for key, blob in rows:
                if blob is None:
                    raise IndexStoreError(f"{self.location}: {key!r} was indexed without its text; re-add it")
                found[key] = decode_document(blob)
        missing = [k for k in wanted if k not in found]
        if missing:
            raise KeyError(missing[0])
        return found

    def digests(self, keys: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in _chunks(list(keys)):
            rows = self._connection.execute(
                f"SELECT id, digest FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            found.update(rows)
        return found

    def entries(self) -> Iterator[IndexEntry]:
        rows = self._connection.execute(
            "SELECT id, title, outlet, published, origin, words FROM articles ORDER BY id"
        )
        for key, title, outlet, published, origin, words in rows:
            yield IndexEntry(key, title, outlet, published, origin, words)

    def info(self) -> IndexInfo:
        meta = self._meta()
        size = sum(p.stat().st_size for p in self._files())
        return IndexInfo(
            location=self.location,
            backend=self.backend,
            articles=len(self),
            parameters=json.loads(meta["parameters"]),
            bands={g: self.bands()[g] for g in GRANULARITIES},
            size_bytes=size,
            details={"format": meta.get("format", ""), "created_by": meta.get("created_by", "")},
        )

    def _files(self) -> list[Path]:
        candidates = [self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")]
        return [p for p in candidates if p.exists()]

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return self._connection.execute("SELECT 1 FROM articles WHERE id = ?", (key,)).fetchone() is not None

    def __len__(self) -> int:
        return self._connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def close(self) -> None:
        self._connection.close()


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any exception.

    IMMEDIATE takes the write lock up front, so two writers queue on the busy
    timeout instead of one failing when it tries to upgrade a read lock.
    """

    def __init__(self, index: SqliteIndex):
        self.index = index

    def __enter__(self) -> None:
        try:
            self.index._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self.index._error("cannot write to", exc) from None

    def __exit__(self, kind, value, traceback) -> None:
        connection = self.index._connection
        if kind is None:
            try:
                connection.execute("COMMIT")
                return
            except sqlite3.Error as exc:
                connection.execute("ROLLBACK")
                raise self.index._error("cannot write to", exc) from None
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        if isinstance(value, sqlite3.Error):
            raise self.index._error("cannot write to", value) from None


def minimum_count(num_perm: int, threshold: float) -> int:
    """The fewest shared positions whose estimate ``count / num_perm``, divided
    by ``threshold``, reaches 1.0 -- computed with the same float operations
    as :meth:`CandidateIndex.query`, so the SQL filter never disagrees with it."""
    if threshold <= 0:
        return 0
    for count in range(num_perm + 1):
        if (float(count) / num_perm) / threshold >= 1.0:
            return count
    return num_perm + 1


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
