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

import gc
import json
import os
import threading
import time
import zlib
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

try:  # the ``fast`` extra: zstd at level 1 packs text as tightly as zlib at level 1, four times faster
    import zstandard
except ImportError:  # pragma: no cover - exercised by patching it to None
    zstandard = None

from .articles import Article, ErrorHandler, iter_articles, unique_ids
from .attribution import Attribution
from .config import DEFAULT_SETTINGS, Settings
from .errors import InputError, NoArticlesError, ProvenanceError
from .fingerprint import GRANULARITIES, sketch_texts_counted
from .index.memory import granularity_candidates, merge_candidates
from .judge import (FeatureCache, Relation, Story, choose_source, cluster, connected_roots, judge_oriented, judge_pair,
                    orient)
from .text import Document, LazySentence, ReadArticle, Sentence, analyse, read_sentences

#: Articles per work unit of the first round.
CHUNK = 256
#: Candidate pairs per work unit of the judging rounds.
PAIR_BATCH = 64
#: A group of linked candidate pairs with more pairs than this is judged in
#: two rounds spread over every worker rather than whole in one work unit.
WHOLE_COMPONENT = 4 * PAIR_BATCH
#: Below this many articles a scan runs in this process whatever ``jobs`` says.
PARALLEL_FROM = 400


@dataclass(frozen=True)
class ScanResult:
    """Everything a report needs: the documents, stories and relations found."""

    documents: tuple[Document, ...]
    stories: tuple[Story, ...]
    #: One relation per story member, against the story's source.
    relations: tuple[Relation, ...]
    problems: tuple[InputError, ...]
    settings: Settings

    @cached_property
    def _documents_by_id(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}

    @cached_property
    def _relations_by_derived(self) -> dict[str, Relation]:
        found: dict[str, Relation] = {}
        for relation in self.relations:
            found.setdefault(relation.derived, relation)
        return found

    def document(self, key: str) -> Document:
        try:
            return self._documents_by_id[key]
        except KeyError:
            raise StopIteration from None

    def relation(self, derived: str) -> Relation | None:
        return self._relations_by_derived.get(derived)


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


def _one_blas_thread():
    """Small matrix products run faster on one BLAS thread, and a scan
    already keeps every core busy with processes."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - comes with scikit-learn
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=1)


def _start_worker() -> None:
    global _STATE
    _STATE = _WorkerState()
    _one_blas_thread()
    # Everything imported so far lives as long as the worker: out of the
    # collector's sight, with the scan's own pace (see _collect_less).
    gc.freeze()
    gc.set_threshold(*_SCAN_GC_THRESHOLDS)


#: A scan makes millions of small objects that mostly live until its end;
#: at Python's default pace (700, 10, 10) the collector traverses them over
#: and over, about a tenth of a worker's time.
_SCAN_GC_THRESHOLDS = (10_000, 20, 20)


_PACE_LOCK = threading.Lock()
_pace = {"scans": 0, "before": gc.get_threshold()}


@contextmanager
def _collect_less() -> Iterator[None]:
    """The scan's collector pace in this process while any scan runs (scans
    may overlap in threads), the caller's restored after the last."""
    with _PACE_LOCK:
        if _pace["scans"] == 0:
            _pace["before"] = gc.get_threshold()
            gc.set_threshold(*_SCAN_GC_THRESHOLDS)
        _pace["scans"] += 1
    try:
        yield
    finally:
        with _PACE_LOCK:
            _pace["scans"] -= 1
            if _pace["scans"] == 0:
                gc.set_threshold(*_pace["before"])


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def compare(source: Article, derived: Article, *, settings: Settings = DEFAULT_SETTINGS) -> tuple[Relation, Document, Document]:
    """The ledger of ``derived`` against ``source`` (the direction is fixed).
    Two articles with the same id (files of one name in two folders) are
    told apart by their origin."""
    source, derived = unique_ids([source, derived])
    first, second = analyse(source, settings), analyse(derived, settings)
    return judge_pair(first, second, settings, source_id=first.id), first, second


# --- documents kept compactly ------------------------------------------------------


def _fields_equal(self: Document, other: object) -> bool:
    if not isinstance(other, Document):
        return NotImplemented
    return all(getattr(self, f) == getattr(other, f) for f in _DOCUMENT_FIELDS)


def _fields_hash(self: Document) -> int:
    return hash(tuple(getattr(self, f) for f in _DOCUMENT_FIELDS))


_KEPT_FIELDS = ("id", "attributions", "title", "outlet", "published", "url", "origin", "sniffed")


class StoredDocument(Document):
    """A :class:`Document` kept as compressed text and sentence offsets.

    Its metadata is held as given; ``text`` and ``sentences`` are rebuilt
    when asked for (the last few are cached), with sentences that tokenise
    on demand. It equals, and hashes like, the document it was made from.
    """

    def __init__(self, document: Document, word_count: int | None = None):
        text, sentences = document.text, document.sentences
        odd = tuple((i, s.text) for i, s in enumerate(sentences) if text[s.start : s.end] != s.text)
        fields = {name: getattr(document, name) for name in _KEPT_FIELDS}
        self._keep(fields, text, [(s.start, s.end) for s in sentences], odd,
                   document.word_count if word_count is None else word_count)

    @classmethod
    def of_read(cls, read: ReadArticle, word_count: int) -> StoredDocument:
        """The stored form of ``analyse_lazily(read.article)``, made without
        its sentence objects (a scan stores every article it reads)."""
        stored = cls.__new__(cls)
        text = read.display
        spans = [(start, start + len(piece)) for start, piece in read.sentences]
        odd = tuple((i, piece) for i, ((start, end), (_, piece)) in enumerate(zip(spans, read.sentences))
                    if text[start:end] != piece)
        stored._keep(read.document_fields(), text, spans, odd, word_count)
        return stored

    def _keep(self, fields: dict[str, Any], text: str, spans: list[tuple[int, int]],
              odd: tuple[tuple[int, str], ...], word_count: int) -> None:
        # Sentence offsets, then the text, in one compressed blob; the rare
        # sentence whose text is not the slice its offsets give is kept apart.
        # (As differences from the previous offset: small numbers, which compress to a byte or two.)
        bounds = np.diff(np.array(spans, dtype="<i8").reshape(-1), prepend=0)
        # ("surrogatepass": a text given through the API may hold a lone surrogate.)
        blob = _compress(len(spans).to_bytes(4, "little") + bounds.tobytes() + text.encode("utf-8", "surrogatepass"))
        for name, value in fields.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_odd", odd)
        object.__setattr__(self, "_blob", blob)
        object.__setattr__(self, "_sentence_count", len(spans))
        object.__setattr__(self, "_word_count", word_count)

    @property
    def text(self) -> str:  # type: ignore[override]
        return _unpack(self._blob, self._odd)[0]

    @property
    def sentences(self) -> tuple[Sentence, ...]:  # type: ignore[override]
        return _unpack(self._blob, self._odd)[1]

    def sentence_text(self, index: int) -> str:
        text, starts, ends = _unpack_text(self._blob)
        for i, sentence_text in self._odd:
            if i == index:
                return sentence_text
        return text[starts[index] : ends[index]]

    def sentence_texts(self) -> list[str]:
        return _sentence_texts(self._blob, self._odd)

    @property
    def word_count(self) -> int:
        return self._word_count

    @property
    def sentence_count(self) -> int:
        return self._sentence_count

    def load(self) -> Document:
        """The plain document (which knows its word count without tokenising)."""
        return _LoadedDocument(self)

    __eq__ = _fields_equal
    __hash__ = _fields_hash

    def __repr__(self) -> str:
        return f"StoredDocument(id={self.id!r}, sentences={self._sentence_count}, words={self._word_count})"


class _LoadedDocument(Document):
    """A stored document unpacked for judging, with the word count it was
    stored with; equal to (and hashing like) the document. Its sentence
    objects are made when first asked for: judging reads sentence texts."""

    def __init__(self, stored: StoredDocument):
        text, starts, ends = _unpack_text(stored._blob)
        for name in _KEPT_FIELDS:
            object.__setattr__(self, name, getattr(stored, name))
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "_spans", (starts, ends))
        object.__setattr__(self, "_texts", stored.sentence_texts())
        object.__setattr__(self, "_word_count", stored.word_count)

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:  # type: ignore[override]
        return _lazy_sentences(self._texts, *self._spans)

    def sentence_text(self, index: int) -> str:
        return self._texts[index]

    def sentence_texts(self) -> list[str]:
        return list(self._texts)

    @property
    def sentence_count(self) -> int:
        return len(self._texts)

    @property
    def word_count(self) -> int:
        return self._word_count

    __eq__ = _fields_equal
    __hash__ = _fields_hash


_DOCUMENT_FIELDS = ("id", "text", "sentences", "attributions", "title", "outlet", "published", "url", "origin", "sniffed")


_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Compressors keep state between calls, which threads must not share.
_CODECS = threading.local()


def _compress(data: bytes) -> bytes:
    if zstandard is None:
        return zlib.compress(data, 1)
    compressor = getattr(_CODECS, "compressor", None)
    if compressor is None:
        compressor = _CODECS.compressor = zstandard.ZstdCompressor(level=1)
    return compressor.compress(data)


def _decompress(blob: bytes) -> bytes:
    """Either kind of blob, told apart by the zstd frame's magic number (a
    zlib stream starts with 0x78)."""
    if not blob.startswith(_ZSTD_MAGIC):
        return zlib.decompress(blob)
    if zstandard is None:
        raise ProvenanceError("this stored document was packed with zstd, which is not installed: pip install 'provenance[fast]'")
    decompressor = getattr(_CODECS, "decompressor", None)
    if decompressor is None:
        decompressor = _CODECS.decompressor = zstandard.ZstdDecompressor()
    return decompressor.decompress(blob)


@lru_cache(maxsize=128)
def _unpack_text(blob: bytes) -> tuple[str, list[int], list[int]]:
    """The text and each sentence's start and end."""
    data = _decompress(blob)
    count = int.from_bytes(data[:4], "little")
    bounds = np.cumsum(np.frombuffer(data, dtype="<i8", count=2 * count, offset=4)).tolist()
    return data[4 + 16 * count :].decode("utf-8", "surrogatepass"), bounds[0::2], bounds[1::2]


def _sentence_texts(blob: bytes, odd: tuple[tuple[int, str], ...]) -> list[str]:
    """Each sentence's text: its slice of the text, or the one kept apart."""
    text, starts, ends = _unpack_text(blob)
    texts = [text[a:b] for a, b in zip(starts, ends)]
    for i, sentence_text in odd:
        texts[i] = sentence_text
    return texts


def _lazy_sentences(texts: list[str], starts: list[int], ends: list[int]) -> tuple[Sentence, ...]:
    return tuple(LazySentence(i, t, a, b) for i, (t, a, b) in enumerate(zip(texts, starts, ends)))


@lru_cache(maxsize=128)
def _unpack(blob: bytes, odd: tuple[tuple[int, str], ...]) -> tuple[str, tuple[Sentence, ...]]:
    text, starts, ends = _unpack_text(blob)
    return text, _lazy_sentences(_sentence_texts(blob, odd), starts, ends)


def _plain(document: Document) -> Document:
    """A document whose text and sentences are unpacked once, for judging
    (its sentences tokenise on demand)."""
    return document.load() if isinstance(document, StoredDocument) else document


# --- the work units (run in worker processes) -----------------------------------------


def _prepare(articles: list[Article], settings: Settings) -> tuple[list[StoredDocument], dict[str, np.ndarray]]:
    """Analyse and fingerprint a chunk of articles."""
    reads = [read_sentences(a, settings) for a in articles]
    matrices, counts = sketch_texts_counted([r.matching_text() for r in reads], settings)
    stored = [StoredDocument.of_read(r, int(c)) for r, c in zip(reads, counts)]
    return stored, matrices


@dataclass(frozen=True)
class _Link:
    """What clustering reads of a candidate pair's relation."""

    source: str
    derived: str
    reuses_text: bool
    scores: Any
    #: The full relation when the pair had to be aligned.
    relation: Relation | None


@dataclass(frozen=True)
class _Similarity:
    content_similarity: float


class _WorkerState:
    """What a process keeps between work units of one scan: the documents it
    analysed last and their features (ids are unique within a scan)."""

    CAPACITY = 300

    def __init__(self) -> None:
        self.features = FeatureCache(capacity=self.CAPACITY)
        self._documents: OrderedDict[str, Document] = OrderedDict()

    def documents(self, stored: list[Document]) -> dict[str, Document]:
        out = {}
        for document in stored:
            plain = self._documents.get(document.id)
            if plain is None:
                plain = self._documents[document.id] = _plain(document)
                if len(self._documents) > self.CAPACITY:
                    self._documents.popitem(last=False)
            else:
                self._documents.move_to_end(document.id)
            out[document.id] = plain
        return out


_STATE = _WorkerState()


def _link_pairs(documents: list[Document], pairs: list[tuple[str, str, bool]], settings: Settings) -> list[_Link]:
    """Round 1 (large groups): what clustering needs of each candidate pair;
    the whole relation for pairs marked ``full``."""
    return _link(_STATE.documents(documents), pairs, settings, _STATE.features)


def _link(by_id: dict[str, Document], pairs: list[tuple[str, str, bool]], settings: Settings,
          features: FeatureCache) -> list[_Link]:
    out = []
    for a, b, full in pairs:
        first, second = by_id[a], by_id[b]
        source, derived, reasons, containment = orient(first, second, features)
        similarity = round(features.content_similarity(source, derived), 4)
        if similarity >= settings.story_similarity and not full:
            # Linked whatever the verdict: the alignment can wait until the
            # story's source is known.
            out.append(_Link(source.id, derived.id, False, _Similarity(similarity), None))
        else:
            relation = judge_oriented(source, derived, reasons, containment, settings, features)
            out.append(_Link(relation.source, relation.derived, relation.reuses_text, relation.scores, relation))
    return out


def _relate(documents: list[Document], tasks: list[tuple[str, str, str | None]], settings: Settings) -> list[Relation]:
    """Round 2 (large groups): ``judge_pair(first, second, source_id=...)`` for each task."""
    by_id = _STATE.documents(documents)
    features = _STATE.features
    return [judge_pair(by_id[a], by_id[b], settings, source_id=fixed, features=features) for a, b, fixed in tasks]


@dataclass(frozen=True)
class _Group:
    """One story as judged: its members (sorted), source, and a relation per other member."""

    members: tuple[str, ...]
    source: str
    reasons: tuple[str, ...]
    others: tuple[str, ...]
    relations: tuple[Relation, ...]


#: What a story member's relation is still to come from: ``judge_pair(first,
#: second, source_id=fixed)`` as (first, second, fixed).
_Task = tuple[str, str, "str | None"]


def _stories_of(pairs: list[tuple[str, str]], links: list[_Link], stored: dict[str, Document], settings: Settings
                ) -> list[tuple[tuple[str, ...], str, tuple[str, ...], tuple[str, ...], list[Relation | _Task]]]:
    """Cluster linked documents and pick each story's source; per other
    member, its relation with the source when a link already holds it, else
    the task that gives it."""
    by_pair = dict(zip(pairs, links))
    ids = sorted({x for pair in pairs for x in pair})
    out = []
    for members, wins in cluster([stored[i] for i in ids], links, settings):
        source, reasons = choose_source(members, wins, stored)
        others = tuple(m for m in members if m != source)
        todo: list[Relation | _Task] = []
        for member in others:
            key = (source, member) if source < member else (member, source)
            link = by_pair.get(key)
            if link is not None and link.source == source:
                todo.append(link.relation if link.relation is not None else (key[0], key[1], None))
            else:
                todo.append((source, member, source))
        out.append((tuple(members), source, reasons, others, todo))
    return out


def _judge_components(documents: list[StoredDocument], components: list[list[tuple[str, str]]],
                      settings: Settings) -> tuple[list[_Group], int]:
    """Whole groups of linked candidate pairs, each judged start to finish
    in this one work unit (its documents are analysed once): link the pairs,
    cluster, pick sources, relate members. Also returns how many pairs were aligned."""
    by_id = _STATE.documents(documents)
    stored = {d.id: d for d in documents}
    features = _STATE.features
    groups, aligned = [], 0
    for pairs in components:
        # Two documents alone: their pair is the story if it links at all,
        # and its relation the one reported; judge it fully at once.
        links = _link(by_id, [(a, b, len(pairs) == 1) for a, b in pairs], settings, features)
        aligned += sum(1 for link in links if link.relation is not None)
        for members, source, reasons, others, todo in _stories_of(pairs, links, stored, settings):
            relations = []
            for task in todo:
                if isinstance(task, tuple):
                    a, b, fixed = task
                    relations.append(judge_pair(by_id[a], by_id[b], settings, source_id=fixed, features=features))
                    aligned += 1
                else:
                    relations.append(task)
            groups.append(_Group(members, source, reasons, others, tuple(relations)))
    return groups, aligned


# --- orchestration -------------------------------------------------------------------


class _InProcess(Executor):
    """Runs each call at once, in this process."""

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any):  # type: ignore[override]
        from concurrent.futures import Future

        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future


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
