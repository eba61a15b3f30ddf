"""The in-process index (``memory://``, and ``check --within``): signatures
in one matrix per granularity, queried one signature at a time with
datasketch's recall-weighted band layout and the plain estimate. How a
whole scan finds its candidate pairs from the same matrices is told in
:mod:`provenance.candidates`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from ..candidates.containment import CONTAINMENT, query_containment
from ..codec import decode_document
from ..config import DEFAULT_SETTINGS, Settings
from ..errors import IndexStoreError
from ..fingerprint.hashing import scheme_width
from ..model import CONTENT, GRANULARITIES, Document, Signature
from .base import AddReport, CandidateIndex, IndexEntry, IndexInfo, StoredArticle


class MemoryIndex(CandidateIndex):
    """Signatures (and the documents added with them) held in this process
    as matrices; gone when it ends. ``open_index("memory://")`` makes one."""

    location = "<memory>"

    def __init__(self, settings: Settings = DEFAULT_SETTINGS):
        super().__init__(settings)
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._signatures: dict[str, Signature] = {}
        #: What add_documents stored, by id (an id added by add() has none).
        self._stored: dict[str, StoredArticle] = {}
        dtype = np.uint64 if scheme_width(settings.fingerprint.minhash_scheme) == 64 else np.uint32
        self._matrix = {g: np.empty((0, settings.fingerprint.num_perm), dtype=dtype) for g in GRANULARITIES}
        self._pending: dict[str, list[np.ndarray]] = {g: [] for g in GRANULARITIES}
        self._ranks: np.ndarray | None = None

    def add(self, signature: Signature) -> None:
        if signature.id in self._rows:
            raise ValueError(f"{signature.id!r} is already in the index")
        self._rows[signature.id] = len(self._ids)
        self._ids.append(signature.id)
        self._ranks = None
        self._signatures[signature.id] = signature
        for granularity in GRANULARITIES:
            self._pending[granularity].append(signature.values[granularity])

    def add_documents(self, entries: Iterable[StoredArticle], *, replace: bool = False) -> AddReport:
        """As the persistent backends do; all or nothing only in that a
        signature of other parameters is refused before anything is stored."""
        entries = list(entries)
        wanted = (self.settings.fingerprint.num_perm, self.settings.fingerprint.seed, self.settings.fingerprint.minhash_scheme)
        for entry in entries:
            if (entry.signature.num_perm, entry.signature.seed, entry.signature.scheme) != wanted:
                raise IndexStoreError(f"signature of {entry.id!r} does not match the index's parameters")
        added, replaced, unchanged, conflicts = [], [], [], []
        for entry in entries:
            if entry.id in self._rows:
                known = self._stored.get(entry.id)
                if entry.digest and known is not None and known.digest == entry.digest:
                    unchanged.append(entry.id)
                    continue
                if not replace:
                    conflicts.append(entry.id)
                    continue
                self.remove([entry.id])
                replaced.append(entry.id)
            else:
                added.append(entry.id)
            self.add(entry.signature)
            self._stored[entry.id] = entry
        return AddReport(tuple(added), tuple(replaced), tuple(unchanged), tuple(conflicts))

    def remove(self, keys: Iterable[str]) -> tuple[str, ...]:
        removed = tuple(k for k in dict.fromkeys(keys) if k in self._rows)
        if removed:
            keep = np.ones(len(self._ids), dtype=bool)
            keep[[self._rows[k] for k in removed]] = False
            for granularity in GRANULARITIES:
                self._matrix[granularity] = self._values(granularity)[keep]
            for key in removed:
                del self._signatures[key]
                self._stored.pop(key, None)
            self._ids = [key for key, kept in zip(self._ids, keep.tolist()) if kept]
            self._ranks = None
            self._rows = {key: row for row, key in enumerate(self._ids)}
        return removed

    def _values(self, granularity: str) -> np.ndarray:
        """The stored signatures' values at ``granularity``, one row per article."""
        pending = self._pending[granularity]
        if pending:
            self._matrix[granularity] = np.concatenate([self._matrix[granularity], np.stack(pending)])
            pending.clear()
        return self._matrix[granularity]

    def _collisions(self, signature: Signature) -> dict[str, np.ndarray]:
        """granularity -> which stored rows share an LSH bucket with
        ``signature``: all values of some band equal, bands laid out as
        datasketch lays them out for the threshold (:meth:`bands`)."""
        out = {}
        for granularity, (b, r) in self.bands().items():
            matrix = self._values(granularity)
            equal = matrix[:, : b * r] == signature.values[granularity][: b * r]
            out[granularity] = equal.reshape(len(matrix), b, r).all(axis=2).any(axis=1)
        return out

    def _lsh_query(self, signature: Signature) -> set[str]:
        hits = np.zeros(len(self._ids), dtype=bool)
        for collided in self._collisions(signature).values():
            hits |= collided
        return {self._ids[i] for i in np.flatnonzero(hits)}

    def query(self, signature: Signature) -> list[tuple[str, float]]:
        """As :meth:`CandidateIndex.query` (LSH bucket, then the estimate),
        vectorised over the stored matrices."""
        return self.best(signature)

    def best(self, signature: Signature, limit: int | None = None,
             floors: dict[str, float] | None = None) -> list[tuple[str, float]]:
        """As :meth:`CandidateIndex.best`, vectorised: the floors and the
        ranking are taken over the stored matrices, so a query among thousands
        of near-identical articles (check --within) costs no Python per hit."""
        thresholds = self.thresholds()
        collided = np.zeros(len(self._ids), dtype=bool)
        best = np.zeros(len(self._ids))
        reaches = np.zeros(len(self._ids), dtype=bool) if floors is not None else None
        for granularity, hits in self._collisions(signature).items():
            collided |= hits
            # The share of equal positions: Signature.jaccard, row by row.
            shares = (self._values(granularity) == signature.values[granularity]).mean(axis=1)
            best = np.maximum(best, shares / thresholds[granularity])
            if reaches is not None:
                reaches |= shares >= floors[granularity]
        # The query's containment in each stored text: CandidateIndex.containment, row by row.
        knobs = self.settings.candidates
        values, query = self._values(CONTENT), signature.values[CONTENT]
        equal, least = (values == query).sum(axis=1), (query <= values).sum(axis=1)
        floor = floors.get(CONTAINMENT) if floors is not None else None
        bar = knobs.content_containment if floor is None else min(floor, knobs.content_containment)
        # The rows it can change: in the answer, and ranked below it or short of the floors.
        settled = ~collided | ((equal / np.maximum(least, 1)) / knobs.content_containment <= best)
        if reaches is not None:
            settled &= ~collided | reaches
        inside = query_containment(query, values.__getitem__, equal, least, self.settings.fingerprint,
                                   knobs.containment_min_shared, bar, settled)
        best = np.maximum(best, inside / knobs.content_containment)
        if reaches is not None and floor is not None:
            reaches |= inside >= floor - 1e-12
        keep = collided & (best >= 1.0)
        if reaches is not None:
            keep &= reaches
        rows = np.flatnonzero(keep)
        order = np.lexsort((self._id_ranks()[rows], -best[rows]))  # best first, then by id
        if limit is not None:
            order = order[:limit]
        return [(self._ids[rows[i]], float(best[rows[i]])) for i in order.tolist()]

    def _id_ranks(self) -> np.ndarray:
        """Each row's place in id order (ids compare by code point, as str does)."""
        if self._ranks is None:  # reset by add and remove
            ranks = np.empty(len(self._ids), dtype=np.int64)
            ranks[sorted(range(len(self._ids)), key=self._ids.__getitem__)] = np.arange(len(self._ids))
            self._ranks = ranks
        return self._ranks

    def signature_of(self, key: str) -> Signature:
        return self._signatures[key]

    def documents(self, keys: Iterable[str]) -> dict[str, Document]:
        found = {}
        for key in dict.fromkeys(keys):
            stored = self._stored.get(key)
            if stored is None or stored.document is None:
                if key in self._rows:
                    raise IndexStoreError(f"{self.location}: {key!r} was indexed without its text")
                raise KeyError(key)
            found[key] = decode_document(stored.document)
        return found

    def digests(self, keys: Iterable[str]) -> dict[str, str]:
        return {k: self._stored[k].digest for k in keys if k in self._stored and self._stored[k].digest}

    def entries(self) -> Iterator[IndexEntry]:
        for key in sorted(self._ids):
            s = self._stored.get(key)
            yield (IndexEntry(key, None, None, None, None, 0) if s is None
                   else IndexEntry(key, s.title, s.outlet, s.published, s.origin, s.words))

    def info(self) -> IndexInfo:
        return IndexInfo(self.location, self.backend, len(self), self.settings.fingerprint_parameters(),
                         self.bands(), None)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __len__(self) -> int:
        return len(self._ids)
