"""Adding articles to a persistent index: analyse, fingerprint, store -- one
transaction per call, opened only once every article is analysed.

Re-adding a folder is cheap: an article whose id is already indexed with the
same text is recognised by its digest before any analysis and left alone, so
a nightly ``provenance index add`` over a growing wire folder only analyses
what is new. Analysis may run in worker processes (``jobs``); storing always
happens in this process, in input order, so the result does not depend on
``jobs``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..analysis.document import analyse
from ..analysis.validate import text_problem
from ..config import INDEX_TASK_SIZE, Settings
from ..executors import default_jobs, make_executor
from ..fingerprint.minhash import signature
from ..model import Article, Progress
from .base import AddReport, CandidateIndex, StoredArticle, stored_article, text_digest


def prepare(article: Article, settings: Settings) -> StoredArticle:
    """What the index stores for one article: its signature, encoded analysed
    document and text digest."""
    document = analyse(article, settings)
    return stored_article(signature(document, settings), document, text_digest(article.text))


def add_articles(
    index: CandidateIndex, articles: Iterable[Article], *, replace: bool = False, jobs: int = 1,
    progress: Progress | None = None,
) -> AddReport:
    """Add ``articles`` to ``index`` in one transaction.

    Articles already indexed with identical text are reported as unchanged;
    with different text they are replaced when ``replace`` is true and
    reported as conflicts otherwise. ``jobs`` > 1 analyses in that many
    worker processes (0: one per CPU). Text that cannot be analysed raises
    :class:`~provenance.errors.InputError` before anything is stored.
    ``progress`` is told of each article analysed (stage ``"indexing"``).
    """
    articles = list(articles)
    for article in articles:
        problem = text_problem(article)
        if problem is not None:
            raise problem
    known = index.digests([a.id for a in articles])
    unchanged, conflicts, todo = [], [], []
    for article in articles:
        stored = known.get(article.id)
        if stored is None:
            todo.append(article)
        elif stored == text_digest(article.text):
            unchanged.append(article.id)
        elif replace:
            todo.append(article)
        else:
            conflicts.append(article.id)
    # Analysed before the write transaction opens, not while it holds the
    # lock: concurrent writers then wait only for each other's inserts.
    prepared = []
    for done, item in enumerate(_prepared(todo, index.settings, jobs), 1):
        prepared.append(item)
        if progress is not None:
            progress("indexing", done, len(todo))
    report = index.add_documents(prepared, replace=replace)
    return AddReport(
        added=report.added,
        replaced=report.replaced,
        unchanged=tuple(unchanged) + report.unchanged,
        conflicts=tuple(conflicts) + report.conflicts,
    )


def _prepared(articles: Sequence[Article], settings: Settings, jobs: int) -> Iterator[StoredArticle]:
    workers = default_jobs() if jobs == 0 else jobs
    if workers <= 1 or len(articles) < 2 * INDEX_TASK_SIZE:
        for article in articles:
            yield prepare(article, settings)
        return
    tasks = ((articles[i : i + INDEX_TASK_SIZE], settings) for i in range(0, len(articles), INDEX_TASK_SIZE))
    with make_executor("processes", workers) as pool:
        for batch in pool.map_ordered(_prepare_batch, tasks):
            yield from batch


def _prepare_batch(articles: Sequence[Article], settings: Settings) -> list[StoredArticle]:
    return [prepare(article, settings) for article in articles]
