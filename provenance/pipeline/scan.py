"""The pipeline end to end: read, analyse, fingerprint, find candidates,
judge each candidate pair, cluster, and pick each story's source.

A scan streams: articles are read one at a time and handed out in chunks to
``jobs`` worker processes, which analyse and fingerprint them and send back
signatures and a compact form of each document (its display text and
sentence offsets, compressed); the texts themselves are not kept. Candidate
pairs come from the signature matrices, one granularity per process
(:func:`provenance.candidates.granularity_candidates`).
Judging goes by connected groups of candidate pairs, several groups to a
work unit, so that a document is analysed once: each pair is judged (its
direction, ledger and verdict); only a verdict of reuse with matched prose
between articles of nearby dates links a pair into a story
(:func:`provenance.stories.story_link`); then the group is clustered, each
story's source chosen, and each member related to the text it drew on (its
best judged pair in the story), or judged against the story's source when
it drew on none. A group with more pairs than fit a work unit goes in two
rounds spread over every worker instead (link all its pairs; relate).

Every decision is the one the single-process pipeline makes, whichever
process makes it, so the report is byte-identical for any ``jobs`` and any
executor (:mod:`provenance.executors`). Figures on the scan -- time,
memory and pair counts per phase -- come in a :class:`ScanStats` given as
``stats``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.document import analyse
from ..candidates.search import merge_candidates
from ..config import DEFAULT_SETTINGS, Settings
from ..errors import ConfigError, InputError, NoArticlesError
from ..executors import (
    Executor,
    collect_less,
    default_jobs,
    make_executor,
    one_blas_thread,
)
from ..judge.pair import judge_pair
from ..matching.matcher import check_matcher
from ..model import GRANULARITIES, Article, Document, Progress, Relation, ScanResult, Story
from ..readers.base import DEFAULT_READ_OPTIONS, ReadOptions
from ..readers.inputs import ErrorHandler, iter_articles, unique_ids
from ..stories import choose_source, source_rank
from .stages import (
    Group,
    Link,
    WorkerState,
    component_units,
    components,
    judge_components,
    link_pairs,
    prepare,
    relate,
    search,
    stories_of,
)
from .store import StoredDocument


@dataclass
class ScanStats:
    """Figures on one scan, filled in as it goes: give one as
    ``scan(..., stats=...)`` and read it after. They never change the result.

    The phases, in order: ``read_analyse_fingerprint``, ``candidates``,
    ``judge`` and ``judge_large_groups``.

    >>> from provenance import Article
    >>> stats = ScanStats(keep_pairs=True)
    >>> _ = scan_articles([Article("a", "One text here."), Article("b", "One text here.")], stats=stats)
    >>> stats.articles, stats.candidate_pairs, stats.pairs, list(stats.seconds)[0]
    (2, 1, [('a', 'b')], 'read_analyse_fingerprint')
    """

    #: Whether to keep the candidate pairs in :attr:`pairs`.
    keep_pairs: bool = False
    #: Wall seconds of each phase.
    seconds: dict[str, float] = field(default_factory=dict)
    #: CPU seconds of the scanning process itself in each phase: what the
    #: workers wait on when it nears the wall time.
    main_cpu_seconds: dict[str, float] = field(default_factory=dict)
    #: The scanning process's largest resident size so far at the end of
    #: each phase, in MB (None where not measurable).
    main_peak_rss_mb: dict[str, float | None] = field(default_factory=dict)
    #: Articles scanned.
    articles: int = 0
    #: Figures of the candidate search, by granularity (``words``, ``content``).
    candidates: dict[str, dict] = field(default_factory=dict)
    #: Candidate pairs found, and how many of them were aligned.
    candidate_pairs: int = 0
    aligned_pairs: int = 0
    #: The candidate pairs (low id, high id), sorted, with ``keep_pairs``; else None.
    pairs: list[tuple[str, str]] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data (the pairs left out), each search's under its granularity."""
        return {"seconds": self.seconds, "main_cpu_seconds": self.main_cpu_seconds,
                "main_peak_rss_mb": self.main_peak_rss_mb, "articles": self.articles, **self.candidates,
                "candidate_pairs": self.candidate_pairs, "aligned_pairs": self.aligned_pairs}


def scan(
    inputs: Iterable[str | Path],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    strict: bool = False,
    on_error: ErrorHandler | None = None,
    jobs: int | None = None,
    executor: str | Executor | None = None,
    stats: ScanStats | None = None,
    read_options: ReadOptions = DEFAULT_READ_OPTIONS,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan files, folders, feeds or ``-`` (stdin) for articles that
    derive from one another, in ``jobs`` processes (default: every core);
    ``read_options`` as for :func:`~provenance.readers.read_articles`,
    ``executor``, ``stats`` and ``progress`` as for :func:`scan_articles`."""
    problems: list[InputError] = []

    def collect(problem: InputError) -> None:
        problems.append(problem)
        if on_error is not None:
            on_error(problem)

    articles = iter_articles(inputs, strict=strict, on_error=collect, options=read_options)
    result = scan_articles(articles, settings=settings, jobs=jobs, executor=executor, stats=stats,
                           progress=progress)
    return ScanResult(result.documents, result.stories, result.relations, tuple(problems), settings)


def scan_articles(
    articles: Iterable[Article],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    jobs: int | None = None,
    executor: str | Executor | None = None,
    stats: ScanStats | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """Scan articles (any iterable, consumed once) in ``jobs`` processes. A
    repeated id is made unique (``unique_ids``): documents are keyed by id.

    ``executor`` names a registered executor (``"inprocess"``,
    ``"processes"``: made with ``jobs`` workers, closed at the end) or is an
    :class:`Executor` the caller made (and closes; ``jobs`` is then unused).
    By default a scan of fewer than ``settings.scan.parallel_from`` articles, or with
    ``jobs=1``, runs in this process, any other in ``jobs`` processes.
    ``stats``, if given, is filled in with figures on the scan; ``progress``
    is told how many articles were read (``"reading"``, total unknown) and
    candidate pairs judged (``"judging"``)."""
    jobs = default_jobs() if jobs is None else max(1, int(jobs))
    check_matcher(settings.align.matcher)
    stream: Iterator[Article] = unique_ids(articles)
    stats = ScanStats() if stats is None else stats
    with one_blas_thread(), collect_less():
        if executor is None:
            parallel_from = settings.scan.parallel_from
            head = _take(stream, parallel_from)
            executor = "inprocess" if jobs == 1 or len(head) < parallel_from else "processes"
            stream = _chain(head, stream)
        if isinstance(executor, str):
            with make_executor(executor, jobs) as made:
                return _Scan(settings, made, stats, progress).run(stream)
        if not isinstance(executor, Executor):
            raise ConfigError(f"executor={executor!r} is invalid: expected an executor's name or an Executor")
        return _Scan(settings, executor, stats, progress).run(stream)


def compare(source: Article, derived: Article, *, settings: Settings = DEFAULT_SETTINGS) -> tuple[Relation, Document, Document]:
    """The ledger of ``derived`` against ``source`` (the direction is fixed).
    Two articles with the same id (files of one name in two folders) are
    told apart by their origin."""
    check_matcher(settings.align.matcher)
    source, derived = unique_ids([source, derived])
    first, second = analyse(source, settings), analyse(derived, settings)
    return judge_pair(first, second, settings, source_id=first.id), first, second


# --- orchestration -------------------------------------------------------------------


class _Scan:
    def __init__(self, settings: Settings, executor: Executor, stats: ScanStats, progress: Progress | None):
        self.settings = settings
        self.executor = executor
        self.stats = stats
        self.progress = progress or _silent
        # What the workers keep for this scan, and for no other.
        self.state = WorkerState(capacity=settings.scan.worker_cache)

    def _lap(self, phase: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.stats.seconds[phase] = round(now - self._clock, 3)
        self.stats.main_cpu_seconds[phase] = round(cpu - self._cpu, 3)
        self.stats.main_peak_rss_mb[phase] = _peak_rss_mb()
        self._clock, self._cpu = now, cpu

    def run(self, articles: Iterator[Article]) -> ScanResult:
        settings, state, ordered = self.settings, self.state, self.executor.map_ordered
        self._clock, self._cpu = time.perf_counter(), time.process_time()
        documents: list[StoredDocument] = []
        blocks: dict[str, list[np.ndarray]] = {g: [] for g in GRANULARITIES}
        chunks = ((chunk, settings) for chunk in _chunks(articles, settings.scan.chunk))
        for stored, matrices in ordered(prepare, chunks):
            documents.extend(stored)
            self.progress("reading", len(documents), None)
            for g in GRANULARITIES:
                blocks[g].append(matrices[g])
        if not documents:
            raise NoArticlesError("no articles to scan")
        self._lap("read_analyse_fingerprint")
        self.stats.articles = len(documents)
        # One granularity at a time, its blocks freed as it is joined.
        matrices = {g: np.concatenate(blocks.pop(g)) for g in GRANULARITIES}
        # One process per granularity: the two searches are independent and
        # take about as long as each other.
        rank = _source_ranks(documents)
        searches = {g: self.executor.submit(search, matrices.pop(g), g, settings, self.executor.workers, rank)
                    for g in GRANULARITIES}
        rows = merge_candidates({g: search.result() for g, search in searches.items()}, len(documents),
                                self.stats.candidates)
        self._lap("candidates")
        ids = [d.id for d in documents]
        by_id = dict(zip(ids, documents))
        pairs = [(ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i]) for i, j in rows.tolist()]
        pairs.sort()
        self.stats.candidate_pairs = len(pairs)
        if self.stats.keep_pairs:
            self.stats.pairs = pairs

        # Groups of linked candidate pairs are judged whole, several to a
        # work unit; a group too large for one unit goes in two rounds over
        # every worker (link all its pairs; then, sources known, relate).
        linked = components(pairs)
        whole = [c for c in linked if len(c) <= settings.scan.whole_component]
        split = [c for c in linked if len(c) > settings.scan.whole_component]
        groups: list[Group] = []
        aligned = 0
        units = list(component_units(whole, settings.scan.pair_batch))
        results = ordered(judge_components, ((state, _documents_of([p for c in unit for p in c], by_id), unit,
                                               settings) for unit in units))
        judged = 0
        for unit, (found, count) in zip(units, results):
            groups.extend(found)
            aligned += count
            judged += sum(map(len, unit))
            self.progress("judging", judged, len(pairs))
        self._lap("judge")
        if split:
            found, count = self._judge_in_rounds(split, by_id, judged, len(pairs))
            groups.extend(found)
            aligned += count
        self._lap("judge_large_groups")
        self.stats.aligned_pairs = aligned

        # Every article not in a candidate pair is a story of its own.
        paired = {x for pair in pairs for x in pair}
        for document in documents:
            if document.id not in paired:
                source, reasons = choose_source([document.id], {document.id: 0}, by_id)
                groups.append(Group((document.id,), source, reasons, (), ()))
        # Numbered in the order every report lists them, without gaps: the
        # stories with related articles, then the articles on their own.
        groups.sort(key=lambda group: (not group.others, group.members[0]))
        stories = tuple(Story(f"story-{n}", g.source, g.others, g.reasons) for n, g in enumerate(groups, 1))
        relations = tuple(relation for g in groups for relation in g.relations)
        return ScanResult(tuple(documents), stories, relations, (), settings)

    def _judge_in_rounds(self, components: list[list[tuple[str, str]]], by_id: dict[str, StoredDocument],
                         judged: int, total: int) -> tuple[list[Group], int]:
        settings, state, ordered = self.settings, self.state, self.executor.map_ordered
        pairs = [pair for component in components for pair in component]
        # As in judge_components: a pair alone in its group is judged fully
        # at once. Each article's pairs go together, so that a work unit
        # holds few documents and their features serve many of its pairs.
        batches = list(_batches([(a, b, len(component) == 1) for component in components
                                 for a, b in _by_article(component)], settings.scan.pair_batch))
        links: dict[tuple[str, str], Link] = {}
        found_links = ordered(link_pairs, ((state, _documents_of(b, by_id), b, settings) for b in batches))
        for batch, found in zip(batches, found_links):
            links.update(zip((pair[:2] for pair in batch), found))
            judged += len(batch)
            self.progress("judging", judged, total)
        aligned = sum(1 for link in links.values() if link.relation is not None)
        stories = stories_of(pairs, [links[p] for p in pairs], by_id, settings)
        links.clear()  # relations not reported are not kept
        todo = [(n, k, task) for n, story in enumerate(stories) for k, task in enumerate(story[4])
                if isinstance(task, tuple)]
        units = list(_batches(todo, settings.scan.pair_batch))
        results = ordered(relate, ((state, _documents_of([t for _, _, t in unit], by_id), [t for _, _, t in unit],
                                     settings) for unit in units))
        for unit, found in zip(units, results):
            for (n, k, _), relation in zip(unit, found):
                stories[n][4][k] = relation
        groups = [Group(members, source, reasons, others, tuple(relations))
                  for members, source, reasons, others, relations in stories]
        return groups, aligned + len(todo)


def _silent(stage: str, done: int, total: int | None) -> None:
    """No progress report."""


def _peak_rss_mb() -> float | None:
    """This process's largest resident size so far (None where not measurable)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _source_ranks(documents: list[StoredDocument]) -> np.ndarray:
    """Each document's place in the order of likelier sources
    (:func:`provenance.stories.source_rank`): of a large family of
    near-duplicates, the candidate search pairs the likeliest sources with
    the rest, whatever order the articles came in."""
    order = sorted(range(len(documents)), key=lambda i: source_rank(documents[i]))
    ranks = np.empty(len(documents), dtype=np.int64)
    ranks[order] = np.arange(len(documents))
    return ranks


def _documents_of(pairs: list[tuple], by_id: dict[str, StoredDocument]) -> list[StoredDocument]:
    keys = dict.fromkeys(k for pair in pairs for k in pair[:2])
    return [by_id[k] for k in keys]


def _batches(items: list[tuple], size: int) -> Iterator[list[tuple]]:
    """Pairs or tasks in work units of ``size`` (``ScanSettings.pair_batch``), in their order."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _by_article(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``pairs`` ordered by the article of fewer pairs in each (then by id),
    then by the other: a family of near-duplicates compared with a few
    likely sources comes as each member's pairs with those sources."""
    degree: dict[str, int] = {}
    for pair in pairs:
        for x in pair:
            degree[x] = degree.get(x, 0) + 1

    def key(pair: tuple[str, str]) -> tuple:
        a, b = pair
        return (b, a) if (degree[b], b) < (degree[a], a) else (a, b)

    return sorted(pairs, key=key)


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
