"""The scan's stage functions, run by an executor: each takes and returns
plain data (what a worker keeps between units comes as a :class:`WorkerState`).
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..analysis.document import read_sentences
from ..candidates.search import granularity_candidates
from ..config import Settings
from ..fingerprint.minhash import sketch_texts_counted
from ..judge.direction import orient
from ..judge.features import FeatureCache
from ..judge.pair import judge_oriented, judge_pair
from ..model import Article, Document, Relation
from ..stories import choose_source, cluster, connected_roots, source_strength
from .store import StoredDocument, _plain


def prepare(articles: list[Article], settings: Settings) -> tuple[list[StoredDocument], dict[str, np.ndarray]]:
    """Analyse and fingerprint a chunk of articles."""
    reads = [read_sentences(a, settings) for a in articles]
    matrices, counts = sketch_texts_counted([r.matching_text() for r in reads], settings)
    stored = [StoredDocument.of_read(r, int(c)) for r, c in zip(reads, counts)]
    return stored, matrices


@dataclass(frozen=True)
class Link:
    """What clustering reads of a candidate pair's relation."""

    source: str
    derived: str
    reuses_text: bool
    scores: Any
    #: The full relation when the pair had to be aligned.
    relation: Relation | None


class WorkerState:
    """What a worker keeps between the work units of one scan: the documents
    it analysed last and their features. A scan makes one and passes it to
    every unit that judges; ids are unique within a scan, so what one scan
    keeps must never serve another.

    It travels to another process as its key alone: each process (and each
    thread in it) keeps its own documents for that scan, so any executor --
    threads, processes, machines -- may run the units, with nothing to set up.

    >>> import pickle
    >>> state = WorkerState()
    >>> pickle.loads(pickle.dumps(state)).key == state.key
    True
    """

    def __init__(self, key: str | None = None, capacity: int = 300) -> None:
        #: Names the scan across processes.
        self.key = key if key is not None else uuid.uuid4().hex
        #: Documents (and their features) kept per thread (``ScanSettings.worker_cache``).
        self.capacity = capacity
        self._local = threading.local()

    def here(self) -> _Kept:
        """What this thread keeps for the scan."""
        try:
            return self._local.kept
        except AttributeError:
            kept = self._local.kept = _Kept(self.capacity)
            return kept

    def __reduce__(self) -> tuple:
        return _resident, (self.key, self.capacity)


@functools.lru_cache(maxsize=4)  # a few scans at once may share one executor's workers
def _resident(key: str, capacity: int) -> WorkerState:
    """This process's state for the scan ``key`` (that of the scan before is let go)."""
    return WorkerState(key, capacity)


class _Kept:
    """One thread's documents and features for one scan, the most recently used kept."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.features = FeatureCache(capacity=capacity)
        self._documents: OrderedDict[str, Document] = OrderedDict()

    def documents(self, stored: list[Document]) -> dict[str, Document]:
        out = {}
        for document in stored:
            plain = self._documents.get(document.id)
            if plain is None:
                plain = self._documents[document.id] = _plain(document)
                if len(self._documents) > self.capacity:
                    self._documents.popitem(last=False)
            else:
                self._documents.move_to_end(document.id)
            out[document.id] = plain
        return out


def search(matrix: np.ndarray, granularity: str, settings: Settings, threads: int, rank: np.ndarray | None = None
           ) -> tuple[np.ndarray, dict | None]:
    """One granularity's candidate pair keys (:func:`granularity_candidates`)."""
    return granularity_candidates(matrix, granularity, settings, threads=threads, rank=rank)


def link_pairs(state: WorkerState, documents: list[Document], pairs: list[tuple[str, str, bool]],
                settings: Settings) -> list[Link]:
    """Round 1 (large groups): what clustering needs of each candidate pair;
    the whole relation for pairs marked ``full``."""
    kept = state.here()
    return _link(kept.documents(documents), pairs, settings, kept.features)


def _link(by_id: dict[str, Document], pairs: list[tuple[str, str, bool]], settings: Settings,
          features: FeatureCache) -> list[Link]:
    # Every pair is judged whole: only a verdict with matched sentences links
    # two articles into a story, and each article's source is the best of
    # its judged pairs (see provenance.stories).
    out = []
    for a, b, _ in pairs:
        first, second = by_id[a], by_id[b]
        source, derived, reasons, containment = orient(first, second, features, settings)
        relation = judge_oriented(source, derived, reasons, containment, settings, features)
        out.append(Link(relation.source, relation.derived, relation.reuses_text, relation.scores, relation))
    return out


def relate(state: WorkerState, documents: list[Document], tasks: list[tuple[str, str, str | None]],
            settings: Settings) -> list[Relation]:
    """Round 2 (large groups): ``judge_pair(first, second, source_id=...)`` for each task."""
    kept = state.here()
    by_id = kept.documents(documents)
    features = kept.features
    return [judge_pair(by_id[a], by_id[b], settings, source_id=fixed, features=features) for a, b, fixed in tasks]


@dataclass(frozen=True)
class Group:
    """One story as judged: its members (sorted), source, and a relation per other member."""

    members: tuple[str, ...]
    source: str
    reasons: tuple[str, ...]
    others: tuple[str, ...]
    relations: tuple[Relation, ...]


#: What a story member's relation is still to come from: ``judge_pair(first,
#: second, source_id=fixed)`` as (first, second, fixed).
Task = tuple[str, str, "str | None"]


def stories_of(pairs: list[tuple[str, str]], links: list[Link], stored: dict[str, Document], settings: Settings
                ) -> list[tuple[tuple[str, ...], str, tuple[str, ...], tuple[str, ...], list[Relation | Task]]]:
    """Cluster linked documents and pick each story's source; per other
    member, its relation with its own best source in the story
    (:func:`~provenance.stories.source_strength`: the text it drew on, which
    need not be the story's source), else the task that relates it to the
    story's source."""
    relations = [link.relation for link in links if link.relation is not None]
    ids = sorted({x for pair in pairs for x in pair})
    by_derived: dict[str, list[Relation]] = {}
    for relation in relations:
        by_derived.setdefault(relation.derived, []).append(relation)
    out = []
    for members, wins in cluster([stored[i] for i in ids], relations, settings):
        source, reasons = choose_source(members, wins, stored)
        others = tuple(m for m in members if m != source)
        inside = set(members)
        todo: list[Relation | Task] = []
        for member in others:
            own = [r for r in by_derived.get(member, ()) if r.source in inside and (r.reuses_text or r.source == source)]
            if own:
                todo.append(min(own, key=lambda r: source_strength(r, stored[r.source])))
            else:
                todo.append((source, member, source))
        out.append((tuple(members), source, reasons, others, todo))
    return out


def judge_components(state: WorkerState, documents: list[StoredDocument], components: list[list[tuple[str, str]]],
                      settings: Settings) -> tuple[list[Group], int]:
    """Whole groups of linked candidate pairs, each judged start to finish
    in this one work unit (its documents are analysed once): link the pairs,
    cluster, pick sources, relate members. Also returns how many pairs were aligned."""
    kept = state.here()
    by_id = kept.documents(documents)
    stored = {d.id: d for d in documents}
    features = kept.features
    groups, aligned = [], 0
    for pairs in components:
        # Two documents alone: their pair is the story if it links at all,
        # and its relation the one reported; judge it fully at once.
        links = _link(by_id, [(a, b, len(pairs) == 1) for a, b in pairs], settings, features)
        aligned += sum(1 for link in links if link.relation is not None)
        for members, source, reasons, others, todo in stories_of(pairs, links, stored, settings):
            relations = []
            for task in todo:
                if isinstance(task, tuple):
                    a, b, fixed = task
                    relations.append(judge_pair(by_id[a], by_id[b], settings, source_id=fixed, features=features))
                    aligned += 1
                else:
                    relations.append(task)
            groups.append(Group(members, source, reasons, others, tuple(relations)))
    return groups, aligned


def components(pairs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """``pairs`` split into connected groups of documents, each group's pairs
    sorted, the groups in the order of their smallest document id."""
    roots = connected_roots(pairs)
    components: dict[str, list[tuple[str, str]]] = {}
    for pair in sorted(pairs, key=lambda pair: (roots[pair[0]], pair)):
        components.setdefault(roots[pair[0]], []).append(pair)
    return list(components.values())


def component_units(components: list[list[tuple[str, str]]], size: int) -> Iterator[list[list[tuple[str, str]]]]:
    """Whole components, packed into work units of about ``size`` pairs."""
    unit: list[list[tuple[str, str]]] = []
    count = 0
    for component in components:
        if unit and count + len(component) > size:
            yield unit
            unit, count = [], 0
        unit.append(component)
        count += len(component)
    if unit:
        yield unit
