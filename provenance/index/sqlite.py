"""The SQLite index: one file holding signatures, LSH buckets and analysed documents.

Layout (``FORMAT_VERSION`` 2)::

    meta(key, value)                      format, fingerprint parameters, generation
    articles(doc, id, ..., block, slot,   one row per article: metadata, text digest,
             signature, document)         signature, analysed document (provenance.codec)
    postings(term, doc)                   word-shingle signature, one row per position
    blocks(block, docs, hashes)           content-word signatures, packed 4096 a block

How a query finds the same answer as the in-memory index, fast
---------------------------------------------------------------
With the project's recall-weighted LSH, bands are one row wide (see
:data:`provenance.candidates.bands.RECALL_WEIGHTS`): "collides in band i" is "has the
same hash value at position i", and the number of positions two signatures
share *is* their Jaccard estimate. So the index counts shared positions per
stored article and never needs to load most signatures.

* **Word 5-gram signatures** are stored as postings, ``term`` packing the
  position above the 32-bit hash value: these are the word LSH buckets. Word
  5-grams are rarely shared by unrelated articles, so the lists a query
  touches are short, and one indexed ``GROUP BY`` counts shared positions.
* **Content-word signatures** are different: the minimum of a set of stemmed
  content words is often a common word ("government"), so their buckets are
  long. At 20,000 stories a query touched 50,000-100,000 content postings
  (40-60 ms in SQLite), growing with the index; a column-wise numpy
  comparison against all content signatures, packed in ``blocks``, costs
  about 7 ms per 100,000 stories. Each reader loads the blocks once and
  reloads them only when ``meta.generation`` shows a write. A second pass
  counts where the query's values are the lesser: the query's containment
  in each stored text (:mod:`provenance.candidates.containment`).

Articles whose counts can reach a threshold are then checked against their
stored signatures with the same code :class:`~provenance.index.memory.MemoryIndex`
results go through (estimate, LSH band collision), so answers are identical
for any band layout and either hash width (64-bit word hashes are folded to
32 bits in the postings, which can only add articles to check, never lose one).

Writes run in ``BEGIN IMMEDIATE`` transactions: an add is all or nothing, a
killed process leaves the file as it was, and concurrent writers queue on the
busy timeout. The journal is WAL, so readers never block the writer or each
other; a query reads one consistent snapshot.

Format 1 stored documents as zlib-compressed JSON; format 2 as
:mod:`provenance.codec` blobs. Both are read (the codec tells them apart);
the first add to a format-1 index marks it format 2, so that older
versions, which cannot read the new blobs, refuse it instead of failing on them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from ..codec import decode_signature, signature_dtype
from ..config import DEFAULT_SETTINGS, Settings
from ..errors import IndexStoreError
from ..model import CONTENT, GRANULARITIES, Document, Signature
from ..version import __version__
from .base import (
    AddReport,
    CandidateIndex,
    IndexEntry,
    IndexInfo,
    StoredArticle,
    check_parameters,
    damaged,
    stored_article,
    stored_parameters,
)
from .sqlite_checks import check_blocks, check_rows, decoded_document, verify_all
from .sqlite_tables import (
    CHUNK,
    ContentMatrix,
    Transaction,
    Writer,
    band_hits,
    bounds,
    chunks,
    word_terms,
)

FORMAT_VERSION = 2
#: Formats this version reads (see the module docstring).
READABLE_FORMATS = ("1", "2")
#: Seconds a writer waits for another writer's transaction before giving up.
DEFAULT_TIMEOUT = 60.0

_TABLES = ("meta", "articles", "postings", "blocks")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE IF NOT EXISTS articles (
        doc INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT, outlet TEXT, published TEXT, url TEXT, origin TEXT,
        words INTEGER NOT NULL,
        digest TEXT NOT NULL,
        block INTEGER NOT NULL,
        slot INTEGER NOT NULL,
        signature BLOB NOT NULL,
        document BLOB
    )""",
    "CREATE TABLE IF NOT EXISTS postings (term INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (term, doc)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS blocks (block INTEGER PRIMARY KEY, docs BLOB NOT NULL, hashes BLOB NOT NULL)",
)


class SqliteIndex(CandidateIndex):
    """A persistent index in one SQLite file.

    Open with ``create=True`` to make the file if it is missing; otherwise a
    missing file raises :class:`~provenance.errors.IndexStoreError`. Opening
    checks the stored fingerprint parameters against ``settings`` and raises
    :class:`~provenance.errors.IncompatibleIndexError` when they differ. One
    instance is for one thread; open one per thread or process.
    """

    backend = "sqlite"

    def __init__(self, path: str | Path, settings: Settings = DEFAULT_SETTINGS, *, create: bool = False,
                 timeout: float = DEFAULT_TIMEOUT):
        super().__init__(settings)
        self.path = Path(path)
        self.location = str(path)
        if self.path.exists() and not self.path.is_file():
            # SQLite would open a device or FIFO and fail on the journal ("cannot rollback").
            raise IndexStoreError(f"{self.location} is not a regular file: an SQLite index is a file "
                                  f"(give a file path, e.g. 'provenance index add --index wires.db SOURCES...')")
        if not create and not self.path.is_file():
            raise IndexStoreError(
                f"no index at {self.location}: build one with "
                f"'provenance index add --index {self.location} SOURCES...'"
            )
        self._dtype = signature_dtype(settings.fingerprint.minhash_scheme)
        self._matrix: ContentMatrix | None = None
        self._count: tuple[str, int] | None = None
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
            if not os.access(self.path.absolute().parent, os.W_OK) and not Path(f"{self.path}-wal").exists():
                # In a read-only folder SQLite cannot make the -shm file even to read: the
                # file cannot change under us (nothing can write it), so say so.
                mode = "ro&immutable=1"
        uri = f"file:{urllib.parse.quote(str(self.path.absolute()))}?mode={mode}"
        try:
            connection = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
            connection.execute("PRAGMA cache_size = -262144")  # up to 256 MB of pages, as used
            if mode != "ro":
                connection.execute("PRAGMA journal_mode = WAL")
                # In WAL mode NORMAL loses no committed transaction when a process
                # dies (at worst the last ones on power loss) and keeps the file consistent.
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
            tables = set(_TABLES)
        missing = [name for name in _TABLES if name not in tables]
        if missing:
            raise damaged(self.location, f"its {', '.join(missing)} table is missing")
        meta = self._meta()
        if meta.get("format") not in READABLE_FORMATS:
            raise IndexStoreError(
                f"{self.location} has index format {meta.get('format')!r}; this version of provenance "
                f"reads formats {', '.join(READABLE_FORMATS)}: rebuild the index (delete it and "
                f"'provenance index add --index {self.location} SOURCES...')"
            )
        check_parameters(self.location, stored_parameters(self.location, meta), self.settings)
        if not meta.get("generation", "").isdigit():
            problem = "no generation row" if "generation" not in meta else "its generation is not a number"
            raise damaged(self.location, problem)
        self._check_blocks()

    def _check_blocks(self) -> None:
        try:
            check_blocks(self._connection, self.location, self.settings.fingerprint.num_perm * self._dtype.itemsize)
        except sqlite3.Error as exc:
            raise self._error("cannot read", exc) from None

    def _check_rows(self) -> None:
        """Refuse to add to an index with an article row of the wrong shape (call
        inside the write transaction, before writing): about 0.13 s at 100,000
        articles, paid by adds only, as a query meets a bad row when it reads it."""
        check_rows(self._connection, self.location,
                   self.settings.fingerprint.num_perm * self._dtype.itemsize * len(GRANULARITIES))

    def _initialise(self) -> None:
        with self._write():
            for statement in _SCHEMA:
                self._connection.execute(statement)
            # Another process may have initialised the file while we waited for the lock.
            self._connection.executemany(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                [
                    ("format", str(FORMAT_VERSION)),
                    ("parameters", json.dumps(self.settings.fingerprint_parameters(), sort_keys=True)),
                    ("created_by", f"provenance {__version__}"),
                    ("generation", "0"),
                ],
            )

    def _meta(self) -> dict[str, str]:
        try:
            return dict(self._connection.execute("SELECT key, value FROM meta"))
        except sqlite3.Error as exc:
            raise self._error("cannot read", exc) from None

    def _error(self, what: str, exc: sqlite3.Error) -> IndexStoreError:
        detail = str(exc)
        if "locked" in detail or "busy" in detail:
            detail += " (another process is writing to the index; try again when it has finished)"
        elif "readonly" in detail:
            detail += " (the index file or its folder is read-only for this user; nothing was written)"
        elif "disk I/O error" in detail or "disk is full" in detail:
            detail += " (is the disk full, or a file size limit reached? nothing was written)"
        return IndexStoreError(f"{self.location}: {what} the index: {detail}")

    def _write(self) -> Transaction:
        return Transaction(self._connection, "BEGIN IMMEDIATE", lambda exc: self._error("cannot write to", exc))

    def _read(self) -> Transaction:
        return Transaction(self._connection, "BEGIN", lambda exc: self._error("cannot read", exc))

    def _writer(self) -> Writer:
        """The buffered writer of one write transaction (call inside it)."""
        return Writer(self._connection, self.settings.fingerprint.num_perm, self._dtype, self._decode_signature)

    # --- writing ------------------------------------------------------------------

    def add(self, signature: Signature, document: Document | None = None, *, digest: str = "") -> None:
        """Store one signature (and the analysed document alignment needs)."""
        self.add_documents([stored_article(signature, document, digest)], replace=True)

    def add_documents(self, entries: Iterable[StoredArticle], *, replace: bool = False) -> AddReport:
        """Store ``entries`` in one transaction.

        An id already indexed with the same digest is left alone; with a
        different digest it is replaced only when ``replace`` is true. The
        entries are consumed inside the transaction, which holds the write lock
        (so give a list, not a generator that analyses: other writers would
        wait for the analysis); if anything fails (or the process dies)
        nothing of this call is stored.
        """
        added, replaced, unchanged, conflicts = [], [], [], []
        with self._write():
            self._check_rows()
            # New documents are written in this format's encoding (see the module
            # docstring); a no-op but for the first add to a format-1 index.
            self._connection.execute("UPDATE meta SET value = ? WHERE key = 'format' AND value != ?",
                                     (str(FORMAT_VERSION), str(FORMAT_VERSION)))
            writer = self._writer()
            for entry in entries:
                self._check_signature(entry.signature)
                row = self._connection.execute("SELECT doc, digest FROM articles WHERE id = ?", (entry.id,)).fetchone()
                if row is not None:
                    if entry.digest and row[1] == entry.digest:
                        unchanged.append(entry.id)
                        continue
                    if not replace:
                        conflicts.append(entry.id)
                        continue
                    writer.delete(row[0])
                    replaced.append(entry.id)
                else:
                    added.append(entry.id)
                writer.insert(entry)
            writer.finish()
        return AddReport(tuple(added), tuple(replaced), tuple(unchanged), tuple(conflicts))

    def remove(self, keys: Iterable[str]) -> tuple[str, ...]:
        """Remove ``keys`` in one transaction; returns the ids that were indexed."""
        removed = []
        with self._write():  # no row check: removing a damaged article is how it is repaired
            writer = self._writer()
            for key in dict.fromkeys(keys):
                row = self._connection.execute("SELECT doc FROM articles WHERE id = ?", (key,)).fetchone()
                if row is not None:
                    writer.delete(row[0])
                    removed.append(key)
            writer.finish()
        return tuple(removed)

    def _check_signature(self, signature: Signature) -> None:
        made = (signature.num_perm, signature.seed, signature.scheme)
        wanted = (self.settings.fingerprint.num_perm, self.settings.fingerprint.seed, self.settings.fingerprint.minhash_scheme)
        if made != wanted:
            raise IndexStoreError(
                f"signature of {signature.id!r} was made with num_perm, seed, scheme = {made}; "
                f"the index holds {wanted}"
            )

    # --- reading ------------------------------------------------------------------

    def _decode_signature(self, key: str, blob: bytes) -> Signature:
        s = self.settings
        try:
            return decode_signature(key, blob, s.num_perm, s.seed, s.minhash_scheme)
        except (ValueError, TypeError) as exc:  # TypeError: a value that is not a blob
            raise damaged(self.location, f"the stored signature of {key!r} cannot be read: {exc}") from None

    def _generation(self) -> str:
        """The write generation of this snapshot (call inside a read transaction)."""
        row = self._connection.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        if row is None:
            raise damaged(self.location, "no generation row")
        return row[0]

    def _current_matrix(self) -> ContentMatrix:
        """The content signatures of this snapshot (call inside a read transaction)."""
        generation = self._generation()
        if self._matrix is None or self._matrix.generation != generation:
            rows = self._connection.execute("SELECT docs, hashes FROM blocks ORDER BY block").fetchall()
            try:
                matrix = ContentMatrix.load(generation, rows, self.settings.fingerprint.num_perm, self._dtype)
            except (ValueError, TypeError) as exc:  # a block damaged since this index was opened
                raise damaged(self.location, f"its content signatures cannot be read: {exc}") from None
            if len(matrix.docs) != matrix.columns.shape[1]:
                raise damaged(self.location, "its content signature blocks disagree in size")
            self._matrix = matrix
        return self._matrix

    def _word_counts(self, signature: Signature) -> dict[int, int]:
        terms = word_terms(signature)
        sql = f"SELECT doc, COUNT(*) FROM postings WHERE term IN ({','.join('?' * len(terms))}) GROUP BY doc"
        return dict(self._connection.execute(sql, terms).fetchall())

    def _signatures_by_doc(self, docs: list[int]) -> dict[int, Signature]:
        found: dict[int, Signature] = {}
        for chunk in chunks(docs):
            rows = self._connection.execute(
                f"SELECT doc, id, signature FROM articles WHERE doc IN ({','.join('?' * len(chunk))})", chunk
            )
            for doc, key, blob in rows:
                found[doc] = self._decode_signature(key, blob)
        return found

    def _lsh_query(self, signature: Signature) -> set[str]:
        try:
            with self._read():
                matrix = self._current_matrix()
                b, r = self.bands()[CONTENT]
                shared = matrix.equal(signature.values[CONTENT])
                docs = set(matrix.docs[band_hits(shared, b, r)].tolist())
                docs.update(self._word_counts(signature))
                stored = self._signatures_by_doc(sorted(docs))
        except sqlite3.Error as exc:
            raise self._error("cannot query", exc) from None
        bands = self.bands()
        return {s.id for s in stored.values() if self._collides(signature, s, bands)}

    def query(self, signature: Signature) -> list[tuple[str, float]]:
        return self.best(signature)

    def best(self, signature: Signature, limit: int | None = None,
             floors: dict[str, float] | None = None) -> list[tuple[str, float]]:
        """:meth:`CandidateIndex.best` by counting shared positions (see the
        module docstring): only articles whose counts can pass are loaded and
        checked with the in-memory index's own estimate and band test."""
        n = self.settings.fingerprint.num_perm
        thresholds = self.thresholds()
        try:
            with self._read():
                matrix = self._current_matrix()
                content = matrix.counts(signature.values[CONTENT])
                words = np.zeros(len(matrix.docs), dtype=np.int64)
                for doc, count in self._word_counts(signature).items():
                    row = matrix.row_of(doc)
                    if row is None:  # every stored article has a block slot, in one snapshot
                        raise damaged(self.location, f"its word postings name article number {doc}, "
                                                     "which has no content signature")
                    words[row] = count
                contained = matrix.containment(signature.values[CONTENT], content, self.settings, floors)
                ratios = bounds(words, content, n, thresholds, floors, contained,
                                self.settings.candidates.content_containment)
                rows = np.flatnonzero(ratios > 0)
                ranked = sorted(((float(ratios[i]), int(matrix.docs[i])) for i in rows), key=lambda x: (-x[0], x[1]))
                return self._verify(signature, ranked, limit, floors)
        except sqlite3.Error as exc:
            raise self._error("cannot query", exc) from None

    def _verify(self, signature: Signature, ranked: list[tuple[float, int]], limit: int | None,
                floors: dict[str, float] | None) -> list[tuple[str, float]]:
        """Check ``ranked`` (upper-bound ratio, doc) against stored signatures,
        best bound first, until no remaining bound can enter the first ``limit``."""
        bands = self.bands()
        found: list[tuple[str, float]] = []
        for start in range(0, len(ranked), CHUNK):
            batch = ranked[start : start + CHUNK]
            if limit is not None and len(found) >= limit:
                kth = sorted(found, key=lambda item: (-item[1], item[0]))[limit - 1][1]
                if batch[0][0] < kth:
                    break
            stored = self._signatures_by_doc([doc for _, doc in batch])
            for _, doc in batch:
                candidate = stored.get(doc)
                if candidate is None:  # in the blocks but not stored: not in one snapshot
                    raise damaged(self.location, f"article number {doc} has a content signature but no row")
                ratio = self.ratio(signature, candidate)
                if ratio >= 1.0 and self._collides(signature, candidate, bands) and self.keeps(signature, candidate, floors):
                    found.append((candidate.id, ratio))
        found.sort(key=lambda item: (-item[1], item[0]))
        return found[:limit] if limit is not None else found

    def verify(self) -> int:
        """:meth:`CandidateIndex.verify`: see :func:`~provenance.index.sqlite_checks.verify_all`."""
        try:
            with self._read():
                self._check_blocks()
                self._check_rows()
                return verify_all(self._connection, self.location, self._current_matrix().docs, self._decode_signature)
        except sqlite3.Error as exc:
            raise self._error("cannot read", exc) from None

    def signature_of(self, key: str) -> Signature:
        row = self._connection.execute("SELECT signature FROM articles WHERE id = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return self._decode_signature(key, row[0])

    def documents(self, keys: Iterable[str]) -> dict[str, Document]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Document] = {}
        for chunk in chunks(wanted):
            rows = self._connection.execute(
                f"SELECT id, document FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            for key, blob in rows:
                if blob is None:
                    raise IndexStoreError(f"{self.location}: {key!r} was indexed without its text; re-add it")
                found[key] = decoded_document(self.location, key, blob)
        missing = [k for k in wanted if k not in found]
        if missing:
            raise KeyError(missing[0])
        return found

    def digests(self, keys: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunks(list(keys)):
            rows = self._connection.execute(
                f"SELECT id, digest FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            found.update(rows)
        return found

    def entries(self) -> Iterator[IndexEntry]:
        rows = self._connection.execute("SELECT id, title, outlet, published, origin, words FROM articles ORDER BY id")
        for key, title, outlet, published, origin, words in rows:
            yield IndexEntry(key, title, outlet, published, origin, words)

    def info(self) -> IndexInfo:
        meta = self._meta()
        files = [p for p in (self.path, Path(f"{self.path}-wal")) if p.exists()]
        return self._stored_info(meta, sum(p.stat().st_size for p in files))

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return self._connection.execute("SELECT 1 FROM articles WHERE id = ?", (key,)).fetchone() is not None

    def __len__(self) -> int:
        # COUNT(*) walks a whole index (milliseconds at 100,000 articles), and a
        # check asks once per call: remember it until the next write.
        with self._read():
            generation = self._generation()
            if self._count is None or self._count[0] != generation:
                self._count = (generation, self._connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        return self._count[1]

    def close(self) -> None:
        self._matrix = None
        self._connection.close()
