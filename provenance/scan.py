"""The pipeline end to end: read, analyse, fingerprint, find candidates,
judge each candidate pair, cluster, and pick each story's source."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .articles import Article, ErrorHandler, read_articles
from .config import DEFAULT_SETTINGS, Settings
from .errors import InputError
from .fingerprint import signature
from .index import candidate_pairs
from .judge import Relation, Story, choose_source, cluster, judge_pair
from .text import Document, analyse


@dataclass(frozen=True)
class ScanResult:
    """Everything a report needs: the documents, stories and relations found."""

    documents: tuple[Document, ...]
    stories: tuple[Story, ...]
    #: One relation per story member, against the story's source.
    relations: tuple[Relation, ...]
    problems: tuple[InputError, ...]
    settings: Settings

    def document(self, key: str) -> Document:
        return next(d for d in self.documents if d.id == key)

    def relation(self, derived: str) -> Relation | None:
        return next((r for r in self.relations if r.derived == derived), None)


def scan(
    inputs: Iterable[str | Path],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    strict: bool = False,
    on_error: ErrorHandler | None = None,
) -> ScanResult:
    """Scan files, folders, JSON/JSONL or ``-`` (stdin) for articles that
    derive from one another."""
    problems: list[InputError] = []

    def collect(problem: InputError) -> None:
        problems.append(problem)
        if on_error is not None:
            on_error(problem)

    articles = read_articles(inputs, strict=strict, on_error=collect)
    result = scan_articles(articles, settings=settings)
    return ScanResult(result.documents, result.stories, result.relations, tuple(problems), settings)


def scan_articles(articles: Iterable[Article], *, settings: Settings = DEFAULT_SETTINGS) -> ScanResult:
    """Scan articles already in memory."""
    documents = [analyse(a, settings) for a in articles]
    by_id = {d.id: d for d in documents}
    signatures = [signature(d, settings) for d in documents]
    judged: dict[frozenset[str], Relation] = {}
    for a, b in candidate_pairs(signatures, settings):
        judged[frozenset((a, b))] = judge_pair(by_id[a], by_id[b], settings)
    stories: list[Story] = []
    relations: list[Relation] = []
    for members, wins in cluster(documents, judged.values(), settings):
        source, reasons = choose_source(members, wins, by_id)
        others = tuple(m for m in members if m != source)
        stories.append(Story(f"story-{len(stories) + 1}", source, others, reasons))
        for member in others:
            relation = judged.get(frozenset((source, member)))
            if relation is None or relation.source != source:
                # Not a candidate pair, or judged the other way round: the
                # story view reports every member against the story's source.
                relation = judge_pair(by_id[source], by_id[member], settings, source_id=source)
            relations.append(relation)
    return ScanResult(tuple(documents), tuple(stories), tuple(relations), (), settings)


def compare(source: Article, derived: Article, *, settings: Settings = DEFAULT_SETTINGS) -> tuple[Relation, Document, Document]:
    """The ledger of ``derived`` against ``source`` (the direction is fixed)."""
    first, second = analyse(source, settings), analyse(derived, settings)
    return judge_pair(first, second, settings, source_id=first.id), first, second
