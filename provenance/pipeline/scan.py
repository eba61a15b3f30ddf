"""The pipeline end to end: read, analyse, fingerprint, find candidates,
judge each candidate pair, cluster, and pick each story's source.

A scan streams: articles are read one at a time and handed out in chunks to
``jobs`` worker processes, which analyse and fingerprint them and send back
signatures and a compact form of each document (its display text and
sentence offsets, compressed); the texts themselves are not kept. Candidate
pairs come from the signature matrices, one granularity per process
(:func:`provenance.index.memory.granularity_candidates`).
Judging goes by connected groups of candidate pairs, several groups to a
work unit, so that a document is analysed once: each pair's direction and
content similarity (cheap) decide whether it joins a story, and only a pair
below ``story_similarity`` is aligned, since only its verdict can link it;
then the group is clustered, each story's source chosen, and every member
judged against it. A group with more pairs than fit a work unit goes in two
rounds spread over every worker instead (link all its pairs; relate).

Every decision is the one the single-process pipeline makes, whichever
process makes it, so the report is byte-identical for any ``jobs``.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.document import analyse
from ..candidates.search import granularity_candidates, merge_candidates
from ..config import DEFAULT_SETTINGS, Settings
from ..errors import InputError, NoArticlesError
from ..judge.pair import judge_pair
from ..model import GRANULARITIES, Article, Document, Relation, ScanResult, Story
from ..readers.inputs import ErrorHandler, iter_articles, unique_ids
from ..stories import choose_source, connected_roots
from .executors import (
    _collect_less,
    _InProcess,
    _one_blas_thread,
    _start_worker,
    default_jobs,
)
from .stages import (
    _Group,
    _judge_components,
    _Link,
    _link_pairs,
    _prepare,
    _relate,
    _stories_of,
    _WorkerState,
)
from .store import StoredDocument

try:  # the ``fast`` extra: zstd at level 1 packs text as tightly as zlib at level 1, four times faster
    import zstandard
except ImportError:  # pragma: no cover - exercised by patching it to None
    zstandard = None


#: Articles per work unit of the first round.
CHUNK = 256
#: Candidate pairs per work unit of the judging rounds.
PAIR_BATCH = 64
#: A group of linked candidate pairs with more pairs than this is judged in
#: two rounds spread over every worker rather than whole in one work unit.
WHOLE_COMPONENT = 4 * PAIR_BATCH
#: Below this many articles a scan runs in this process whatever ``jobs`` says.
PARALLEL_FROM = 400


def scan(
    inputs: Iterable[str | Path],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    strict: bool = False,
    on_error: ErrorHandler | None = None,
    jobs: int | None = None,
) -> ScanResult:
    """Scan files, folders, JSON/JSONL or ``-`` (stdin) for articles that
    derive from one another, in ``jobs`` processes (default: every core)."""
    problems: list[InputError] = []

    def collect(problem: InputError) -> None:
        problems.append(problem)
        if on_error is not None:
            on_error(problem)

    articles = iter_articles(inputs, strict=strict, on_error=collect)
    result = scan_articles(articles, settings=settings, jobs=jobs)
    return ScanResult(result.documents, result.stories, result.relations, tuple(problems), settings)


def scan_articles(
    articles: Iterable[Article], *, settings: Settings = DEFAULT_SETTINGS, jobs: int | None = None
) -> ScanResult:
    """Scan articles (any iterable, consumed once) in ``jobs`` processes. A
    repeated id is made unique (``unique_ids``): documents are keyed by id."""
    jobs = default_jobs() if jobs is None else max(1, int(jobs))
    stream = unique_ids(articles)
    head = _take(stream, PARALLEL_FROM)
    with _one_blas_thread(), _collect_less():
        if jobs == 1 or len(head) < PARALLEL_FROM:
            return _Scan(settings, _InProcess()).run(_chain(head, stream))
        with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker) as pool:
            return _Scan(settings, pool, jobs).run(_chain(head, stream))


def compare(source: Article, derived: Article, *, settings: Settings = DEFAULT_SETTINGS) -> tuple[Relation, Document, Document]:
    """The ledger of ``derived`` against ``source`` (the direction is fixed).
    Two articles with the same id (files of one name in two folders) are
    told apart by their origin."""
    source, derived = unique_ids([source, derived])
    first, second = analyse(source, settings), analyse(derived, settings)
    return judge_pair(first, second, settings, source_id=first.id), first, second


# --- documents kept compactly ------------------------------------------------------


# --- the work units (run in worker processes) -----------------------------------------


# --- orchestration -------------------------------------------------------------------


class _Scan:
    def __init__(self, settings: Settings, executor: Executor, jobs: int = 1):
        self.settings = settings
        self.executor = executor
        self.jobs = jobs
        self.stats: dict[str, Any] = {}

    def _ordered(self, fn: Callable, units: Iterator[tuple]) -> Iterator[Any]:
        """``fn(*unit)`` for each unit, in order, with a bounded number in flight."""
        pending: deque = deque()
        for unit in units:
            pending.append(self.executor.submit(fn, *unit))
            if len(pending) >= 2 * self.jobs + 1:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def run(self, articles: Iterator[Article]) -> ScanResult:
        result = self._run(articles)
        target = os.environ.get("PROVENANCE_SCAN_STATS")
        if target:  # figures for benchmarks/speed.py
            Path(target).write_text(json.dumps(self.stats, indent=1) + "\n", encoding="utf-8")
        return result

    def _lap(self, phase: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.stats.setdefault("seconds", {})[phase] = round(now - self._clock, 3)
        # This process's own CPU time: what the workers wait on when it nears the wall time.
        self.stats.setdefault("main_cpu_seconds", {})[phase] = round(cpu - self._cpu, 3)
        self.stats.setdefault("main_peak_rss_mb", {})[phase] = _peak_rss_mb()
        self._clock, self._cpu = now, cpu

    def _run(self, articles: Iterator[Article]) -> ScanResult:
        global _STATE
        if isinstance(self.executor, _InProcess):
            _STATE = _WorkerState()  # nothing of an earlier scan
        settings = self.settings
        self._clock, self._cpu = time.perf_counter(), time.process_time()
        documents: list[StoredDocument] = []
        blocks: dict[str, list[np.ndarray]] = {g: [] for g in GRANULARITIES}
        chunks = ((chunk, settings) for chunk in _chunks(articles, CHUNK))
        for stored, matrices in self._ordered(_prepare, chunks):
            documents.extend(stored)
            for g in GRANULARITIES:
                blocks[g].append(matrices[g])
        if not documents:
            raise NoArticlesError("no articles to scan")
        self._lap("read_analyse_fingerprint")
        self.stats["articles"] = len(documents)
        # One granularity at a time, its blocks freed as it is joined.
        matrices = {g: np.concatenate(blocks.pop(g)) for g in GRANULARITIES}
        # One process per granularity: the two searches are independent and
        # take about as long as each other.
        searches = {g: self.executor.submit(granularity_candidates, matrices.pop(g), g, settings, threads=self.jobs)
                    for g in GRANULARITIES}
        rows = merge_candidates({g: search.result() for g, search in searches.items()}, len(documents), self.stats)
        self._lap("candidates")
        ids = [d.id for d in documents]
        by_id = dict(zip(ids, documents))
        pairs = [(ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i]) for i, j in rows.tolist()]
        pairs.sort()
        self.stats["candidate_pairs"] = len(pairs)
        if os.environ.get("PROVENANCE_SCAN_PAIRS"):  # for benchmarks/speed.py's recall
            Path(os.environ["PROVENANCE_SCAN_PAIRS"]).write_text(json.dumps(pairs), encoding="utf-8")

        # Groups of linked candidate pairs are judged whole, several to a
        # work unit; a group too large for one unit goes in two rounds over
        # every worker (link all its pairs; then, sources known, relate).
        components = _components(pairs)
        whole = [c for c in components if len(c) <= WHOLE_COMPONENT]
        split = [c for c in components if len(c) > WHOLE_COMPONENT]
        groups: list[_Group] = []
        aligned = 0
        units = list(_component_units(whole))
        results = self._ordered(_judge_components, ((_documents_of([p for c in unit for p in c], by_id), unit, settings)
                                                    for unit in units))
        for found, count in results:
            groups.extend(found)
            aligned += count
        self._lap("judge")
        if split:
            found, count = self._judge_in_rounds(split, by_id)
            groups.extend(found)
            aligned += count
        self._lap("judge_large_groups")
        self.stats["aligned_pairs"] = aligned

        # Every article not in a candidate pair is a story of its own.
        paired = {x for pair in pairs for x in pair}
        for document in documents:
            if document.id not in paired:
                source, reasons = choose_source([document.id], {document.id: 0}, by_id)
                groups.append(_Group((document.id,), source, reasons, (), ()))
        groups.sort(key=lambda group: group.members[0])
        stories = tuple(Story(f"story-{n}", g.source, g.others, g.reasons) for n, g in enumerate(groups, 1))
        relations = tuple(relation for g in groups for relation in g.relations)
        return ScanResult(tuple(documents), stories, relations, (), settings)

    def _judge_in_rounds(self, components: list[list[tuple[str, str]]], by_id: dict[str, StoredDocument]
                         ) -> tuple[list[_Group], int]:
        settings = self.settings
        pairs = [pair for component in components for pair in component]
        # As in _judge_components: a pair alone in its group is judged fully at once.
        batches = list(_batches([(a, b, len(component) == 1) for component in components for a, b in component]))
        links: dict[tuple[str, str], _Link] = {}
        found_links = self._ordered(_link_pairs, ((_documents_of(b, by_id), b, settings) for b in batches))
        for batch, found in zip(batches, found_links):
            links.update(zip((pair[:2] for pair in batch), found))
        aligned = sum(1 for link in links.values() if link.relation is not None)
        stories = _stories_of(pairs, [links[p] for p in pairs], by_id, settings)
        links.clear()  # relations not reported are not kept
        todo = [(n, k, task) for n, story in enumerate(stories) for k, task in enumerate(story[4])
                if isinstance(task, tuple)]
        units = list(_batches(todo))
        results = self._ordered(_relate, ((_documents_of([t for _, _, t in unit], by_id), [t for _, _, t in unit],
                                           settings) for unit in units))
        for unit, found in zip(units, results):
            for (n, k, _), relation in zip(unit, found):
                stories[n][4][k] = relation
        groups = [_Group(members, source, reasons, others, tuple(relations))
                  for members, source, reasons, others, relations in stories]
        return groups, aligned + len(todo)


def _peak_rss_mb() -> float | None:
    """This process's largest resident size so far (None where not measurable)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _documents_of(pairs: list[tuple], by_id: dict[str, StoredDocument]) -> list[StoredDocument]:
    keys = dict.fromkeys(k for pair in pairs for k in pair[:2])
    return [by_id[k] for k in keys]


def _batches(items: list[tuple]) -> Iterator[list[tuple]]:
    """Pairs or tasks in work units of PAIR_BATCH, in their order."""
    for start in range(0, len(items), PAIR_BATCH):
        yield items[start : start + PAIR_BATCH]


def _components(pairs: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """``pairs`` split into connected groups of documents, each group's pairs
    sorted, the groups in the order of their smallest document id."""
    roots = connected_roots(pairs)
    components: dict[str, list[tuple[str, str]]] = {}
    for pair in sorted(pairs, key=lambda pair: (roots[pair[0]], pair)):
        components.setdefault(roots[pair[0]], []).append(pair)
    return list(components.values())


def _component_units(components: list[list[tuple[str, str]]]) -> Iterator[list[list[tuple[str, str]]]]:
    """Whole components, packed into work units of about PAIR_BATCH pairs."""
    unit: list[list[tuple[str, str]]] = []
    size = 0
    for component in components:
        if unit and size + len(component) > PAIR_BATCH:
            yield unit
            unit, size = [], 0
        unit.append(component)
        size += len(component)
    if unit:
        yield unit


def _chunks(items: Iterator[Article], size: int) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _take(stream: Iterator[Article], count: int) -> list[Article]:
    head = []
    for item in stream:
        head.append(item)
        if len(head) == count:
            break
    return head


def _chain(head: list[Article], stream: Iterator[Article]) -> Iterator[Article]:
    yield from head
    yield from stream
