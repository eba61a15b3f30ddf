"""What a check finds: for each article, its candidates, verdict and status.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings
from ..errors import InputError
from ..model import Article, Document, Relation
from .policy import AllowRule, Policy

PASS = "pass"


FAIL = "fail"


ALLOWED = "allowed"


STATUSES = (PASS, FAIL, ALLOWED)


FROM_INDEX = "index"


FROM_INPUT = "input"


@dataclass(frozen=True)
class Candidate:
    """A possible source found for an incoming article."""

    source: str
    #: ``index`` or ``input`` (another incoming article, with ``within``).
    found_in: str
    #: The index's ranking figure: best Jaccard estimate over its threshold.
    estimate: float


@dataclass(frozen=True)
class ArticleCheck:
    """The outcome for one incoming article."""

    article: Article
    document: Document
    #: ``pass``, ``fail`` or ``allowed``.
    status: str
    #: One line saying why.
    reason: str
    #: Against the best source (None when no candidate was aligned).
    relation: Relation | None = None
    source: Document | None = None
    source_found_in: str | None = None
    #: Candidates aligned, most similar first.
    candidates: tuple[Candidate, ...] = ()
    allowed_by: AllowRule | None = None

    @property
    def failed(self) -> bool:
        return self.status == FAIL


@dataclass(frozen=True)
class IndexSummary:
    location: str
    backend: str
    articles: int


@dataclass(frozen=True)
class CheckResult:
    articles: tuple[ArticleCheck, ...]
    policy: Policy
    index: IndexSummary | None
    within: bool
    settings: Settings
    #: What the inputs held that was passed over by design (an input given
    #: twice, a web archive's request records, a withdrawn item...): every
    #: format ends with it. Unreadable inputs never reach a result: check refuses them.
    skipped: tuple[InputError, ...] = ()

    @property
    def failed(self) -> bool:
        return any(a.failed for a in self.articles)

    @property
    def violations(self) -> tuple[ArticleCheck, ...]:
        return tuple(a for a in self.articles if a.failed)

    def count(self, status: str) -> int:
        return sum(1 for a in self.articles if a.status == status)
