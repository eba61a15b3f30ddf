"""The CI gate: check incoming articles against an index of sources.

Each incoming article is fingerprinted and matched against the index (and,
with ``within``, against the other incoming articles). The most similar
candidates are aligned with :func:`~provenance.judge.judge_pair` exactly as a
scan judges a pair; the strongest relation names the article's source. A
:class:`Policy` then decides whether that relation is a violation:

* ``--fail-on`` tokens: ``copy``, ``rewrite`` and ``partial`` name the
  verdicts that can fail (all three when none is given); ``uncredited``
  limits failures to articles that do not credit their source. The default,
  ``copy,rewrite,uncredited``, fails an uncredited copy or rewrite.
* an allow list of ``OUTLET -> SOURCE`` pairs marks licensed syndication:
  a violation by a listed outlet of a listed source is reported as allowed.

Which candidates are aligned: alignment costs ~15-20 ms a pair, and at
100,000 indexed stories an article has dozens of index hits at the LSH
thresholds (tuned for recall on small scans). A candidate is aligned only if
it shares word 5-grams (estimated Jaccard >= ``word_lsh_threshold``) or is on
the same story (content-word Jaccard >= ``story_similarity``, the scan's own
bar for "same story"), and at most ``max_candidates`` of those, most similar
first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .articles import Article, read_articles
from .attribution import canonical_outlet
from .config import DEFAULT_SETTINGS, Settings
from .errors import ConfigError, InputError, NoArticlesError, PolicyError, UnreadableInputsError
from .fingerprint import Signature, signature
from .index import CandidateIndex, open_index
from .index.memory import MemoryIndex
from .index.sqlite import text_digest
from .judge import COPY, INDEPENDENT, PARTIAL, REWRITE_VERDICT, Relation, judge_pair
from .text import Document, analyse

FAIL_TOKENS = (COPY, REWRITE_VERDICT, PARTIAL, "uncredited")
DEFAULT_FAIL_ON = (COPY, REWRITE_VERDICT, "uncredited")
#: Candidates aligned per incoming article, most similar first.
DEFAULT_MAX_CANDIDATES = 3

PASS = "pass"
FAIL = "fail"
ALLOWED = "allowed"
STATUSES = (PASS, FAIL, ALLOWED)

FROM_INDEX = "index"
FROM_INPUT = "input"

_VERDICT_RANK = {COPY: 3, REWRITE_VERDICT: 2, PARTIAL: 1, INDEPENDENT: 0}
_ANY = "*"


# --- policy -----------------------------------------------------------------------


@dataclass(frozen=True)
class AllowRule:
    """A licensed syndication pair: ``outlet`` may reuse ``source`` (``*``: any)."""

    outlet: str
    source: str
    #: Where the rule was read (``file:line``), for reports.
    origin: str = ""

    def matches(self, outlet: str | None, source_outlet: str | None) -> bool:
        return _name_matches(self.outlet, outlet) and _name_matches(self.source, source_outlet)

    def __str__(self) -> str:
        return f"{self.outlet} -> {self.source}"


def _name_matches(pattern: str, name: str | None) -> bool:
    if pattern == _ANY:
        return True
    return name is not None and canonical_outlet(pattern).casefold() == canonical_outlet(name).casefold()


@dataclass(frozen=True)
class Policy:
    """Which relations fail a check, and which outlet/source pairs are licensed."""

    fail_on: tuple[str, ...] = DEFAULT_FAIL_ON
    allow: tuple[AllowRule, ...] = ()

    def __post_init__(self) -> None:
        unknown = [t for t in self.fail_on if t not in FAIL_TOKENS]
        if unknown or not self.fail_on:
            raise PolicyError(
                f"--fail-on: unknown token {unknown[0]!r}" if unknown else "--fail-on: give at least one token"
            )

    @property
    def verdicts(self) -> frozenset[str]:
        named = {t for t in self.fail_on if t != "uncredited"}
        return frozenset(named or (COPY, REWRITE_VERDICT, PARTIAL))

    @property
    def uncredited_only(self) -> bool:
        return "uncredited" in self.fail_on

    def violates(self, relation: Relation) -> bool:
        if relation.verdict not in self.verdicts:
            return False
        return not (self.uncredited_only and relation.credited)

    def allowed_by(self, outlet: str | None, source_outlet: str | None) -> AllowRule | None:
        return next((rule for rule in self.allow if rule.matches(outlet, source_outlet)), None)

    def describe(self) -> str:
        return ",".join(self.fail_on)


DEFAULT_POLICY = Policy()


def parse_fail_on(text: str) -> tuple[str, ...]:
    """``"copy, rewrite,uncredited"`` -> ("copy", "rewrite", "uncredited"), validated, in canonical order."""
    tokens = [t.strip().lower() for t in text.split(",") if t.strip()]
    unknown = [t for t in tokens if t not in FAIL_TOKENS]
    if unknown:
        raise PolicyError(f"unknown --fail-on token {unknown[0]!r}: choose from {', '.join(FAIL_TOKENS)}")
    if not tokens:
        raise PolicyError(f"--fail-on needs at least one of {', '.join(FAIL_TOKENS)}")
    return tuple(t for t in FAIL_TOKENS if t in tokens)


def parse_allow(text: str, origin: str = "<allow>") -> tuple[AllowRule, ...]:
    """Rules from allow-list text: one ``OUTLET -> SOURCE`` a line; ``#`` starts
    a comment line; blank lines are ignored; ``*`` matches any name."""
    rules = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        outlet, arrow, source = line.partition("->")
        outlet, source = outlet.strip(), source.strip()
        if not arrow or not outlet or not source or "->" in source:
            raise PolicyError(f"{origin}:{number}: expected 'OUTLET -> SOURCE' (or * for any), got {line!r}")
        rules.append(AllowRule(outlet, source, f"{origin}:{number}"))
    return tuple(rules)


def read_allow_file(path: str | Path) -> tuple[AllowRule, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path}: cannot read the allow list: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_allow(text, str(path))


# --- results ----------------------------------------------------------------------


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

    @property
    def failed(self) -> bool:
        return any(a.failed for a in self.articles)

    @property
    def violations(self) -> tuple[ArticleCheck, ...]:
        return tuple(a for a in self.articles if a.failed)

    def count(self, status: str) -> int:
        return sum(1 for a in self.articles if a.status == status)


# --- the check --------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(article: Article) -> InputError | None:
    """Why ``article`` cannot be checked, if it cannot: a JSON string may carry
    an escaped lone surrogate (``"\\ud800"``), which is not Unicode text and
    breaks analysis and every UTF-8 report."""
    for field in ("text", "id", "title", "outlet", "published", "url"):
        found = _SURROGATE.search(getattr(article, field) or "")
        if found is not None:
            return InputError(article.origin, f"'{field}' holds a lone surrogate U+{ord(found.group()):04X} "
                                              "(an invalid \\u escape in JSON): not valid Unicode text")
    return None


def check(
    inputs: Iterable[str | Path],
    *,
    index: CandidateIndex | str | None = None,
    within: bool = False,
    policy: Policy = DEFAULT_POLICY,
    settings: Settings = DEFAULT_SETTINGS,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    stdin: BinaryIO | None = None,
) -> CheckResult:
    """Check the articles in ``inputs`` (paths, folders, ``-``) against ``index``
    (an open index or its location) and, with ``within``, each other.

    Every input must be readable: a gate that skipped an unreadable file would
    pass it unseen, so any problem raises
    :class:`~provenance.errors.UnreadableInputsError` listing them all.
    """
    problems: list[InputError] = []
    try:
        articles = read_articles(inputs, on_error=problems.append, stdin=stdin)
    except NoArticlesError:
        if problems:
            raise UnreadableInputsError(problems) from None
        raise
    problems += [p for p in map(text_problem, articles) if p is not None]
    if problems:
        raise UnreadableInputsError(problems)
    if isinstance(index, (str, Path)):
        with open_index(str(index), settings) as opened:
            return check_articles(articles, index=opened, within=within, policy=policy,
                                  settings=settings, max_candidates=max_candidates)
    return check_articles(articles, index=index, within=within, policy=policy, settings=settings,
                          max_candidates=max_candidates)


def check_articles(
    articles: Sequence[Article],
    *,
    index: CandidateIndex | None = None,
    within: bool = False,
    policy: Policy = DEFAULT_POLICY,
    settings: Settings = DEFAULT_SETTINGS,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
) -> CheckResult:
    """Check articles already in memory (see :func:`check`)."""
    if index is None and not within:
        raise ConfigError("nothing to check against: give an index, or within=True to compare the inputs")
    if max_candidates < 1:
        raise ConfigError(f"max_candidates={max_candidates!r} is invalid: expected at least 1")
    documents = [analyse(a, settings) for a in articles]
    signatures = [signature(d, settings) for d in documents]
    peers = _Peers(documents, signatures, settings) if within else None
    sources = _IndexSources(index, settings) if index is not None else None
    floors = {"words": settings.word_lsh_threshold, "content": settings.story_similarity}
    outcomes = []
    with _single_threaded_blas():
        for article, document, sig in zip(articles, documents, signatures):
            candidates: list[tuple[Candidate, Document]] = []
            if sources is not None:
                candidates += sources.candidates(article, sig, floors, max_candidates)
            if peers is not None:
                candidates += peers.candidates(sig, floors, max_candidates)
            candidates.sort(key=lambda item: (-item[0].estimate, item[0].found_in != FROM_INDEX, item[0].source))
            outcomes.append(_judge(article, document, candidates[:max_candidates], peers, policy, settings))
    summary = None
    if index is not None:
        summary = IndexSummary(getattr(index, "location", "<memory>"), index.backend, len(index))
    return CheckResult(tuple(outcomes), policy, summary, within, settings)


def _single_threaded_blas():
    """Alignment multiplies matrices of a few dozen rows: BLAS threads only add
    overhead, and on a busy CI runner their spinning cost ~15x the CPU time
    per pair (measured: 185 ms against 12 ms on a loaded 2-core machine)."""
    controller = _blas_controller()
    return contextlib.nullcontext() if controller is None else controller.limit(limits=1, user_api="blas")


@functools.lru_cache(maxsize=1)
def _blas_controller():
    # Made once: building a controller scans the loaded libraries (~7 ms).
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return None
    return ThreadpoolController()


class _IndexSources:
    """Index candidates and their documents, cached across the articles of one check."""

    def __init__(self, index: CandidateIndex, settings: Settings):
        self.index = index
        self.settings = settings
        self.cache: dict[str, Document] = {}

    def candidates(self, article: Article, sig: Signature, floors: dict[str, float],
                   limit: int) -> list[tuple[Candidate, Document]]:
        hits = self.index.best(sig, limit + 1, floors)
        if any(key == article.id for key, _ in hits):
            # The article itself, already indexed with the same text, is not its own source.
            if self.index.digests([article.id]).get(article.id) == text_digest(article.text):
                hits = [(key, ratio) for key, ratio in hits if key != article.id]
        hits = hits[:limit]
        missing = [key for key, _ in hits if key not in self.cache]
        if missing:
            self.cache.update(self.index.documents(missing))
        found = []
        for key, ratio in hits:
            document = self.cache[key]
            if document.id == article.id:
                # Same id, different text: keep the two apart in the relation.
                document = dataclasses.replace(document, id=f"{key} (index)")
            found.append((Candidate(key, FROM_INDEX, ratio), document))
        return found


class _Peers:
    """The incoming articles as candidates for each other (``within``)."""

    def __init__(self, documents: list[Document], signatures: list[Signature], settings: Settings):
        self.index = MemoryIndex(settings)
        self.index.add_all(signatures)
        self.by_id = {d.id: d for d in documents}
        self.judged: dict[frozenset[str], Relation] = {}
        self.settings = settings

    def candidates(self, sig: Signature, floors: dict[str, float], limit: int) -> list[tuple[Candidate, Document]]:
        hits = [(key, ratio) for key, ratio in self.index.best(sig, limit + 1, floors) if key != sig.id]
        return [(Candidate(key, FROM_INPUT, ratio), self.by_id[key]) for key, ratio in hits[:limit]]

    def relation(self, other: Document, document: Document) -> Relation:
        """The pair judged once, direction decided by the evidence."""
        pair = frozenset((other.id, document.id))
        if pair not in self.judged:
            self.judged[pair] = judge_pair(other, document, self.settings)
        return self.judged[pair]


def _judge(article: Article, document: Document, candidates: list[tuple[Candidate, Document]],
           peers: _Peers | None, policy: Policy, settings: Settings) -> ArticleCheck:
    judged: list[tuple[Relation, Candidate, Document]] = []
    for candidate, source in candidates:
        if candidate.found_in == FROM_INDEX:
            # The index holds sources by definition: the direction is fixed.
            relation = judge_pair(source, document, settings, source_id=source.id)
        else:
            relation = peers.relation(source, document)  # type: ignore[union-attr]
            if relation.derived != document.id:
                continue  # this article is the other one's source, not the reverse
        judged.append((relation, candidate, source))
    aligned = tuple(c for c, _ in candidates)
    if not judged:
        reason = "no source found" if not candidates else "no candidate is a source of this article"
        return ArticleCheck(article, document, PASS, reason, candidates=aligned)
    relation, candidate, source = min(judged, key=lambda item: _strength(*item))
    base = dict(article=article, document=document, relation=relation, source=source,
                source_found_in=candidate.found_in, candidates=aligned)
    what = _describe(relation, source)
    if relation.verdict == INDEPENDENT:
        return ArticleCheck(status=PASS, reason=f"no reuse: independent of {_name(source)}", **base)
    if not policy.violates(relation):
        if relation.credited and relation.verdict in policy.verdicts:
            why = f"credit: {' '.join(relation.credit_evidence[0].split())}"
        else:
            why = f"not a violation under --fail-on {policy.describe()}"
        return ArticleCheck(status=PASS, reason=f"{what}; {why}", **base)
    rule = policy.allowed_by(document.outlet, source.outlet)
    if rule is not None:
        where = f" ({rule.origin})" if rule.origin else ""
        return ArticleCheck(status=ALLOWED, reason=f"{what}; licensed: '{rule}'{where}", allowed_by=rule, **base)
    return ArticleCheck(status=FAIL, reason=what, **base)


def _strength(relation: Relation, candidate: Candidate, source: Document) -> tuple:
    """Sort key, strongest relation first: verdict, then how much of the
    article comes from the source, then word-for-word copying, then similarity."""
    scores = relation.scores
    return (-_VERDICT_RANK[relation.verdict], -scores.matched, -scores.copied_words, -candidate.estimate,
            candidate.found_in != FROM_INDEX, candidate.source)


def _name(source: Document) -> str:
    details = ", ".join(x for x in (source.outlet, source.published) if x)
    return f"{source.id} ({details})" if details else source.id


def _describe(relation: Relation, source: Document) -> str:
    scores = relation.scores
    credit = "credited" if relation.credited else "uncredited"
    noun = {COPY: "copy", REWRITE_VERDICT: "rewrite", PARTIAL: "partial reuse"}.get(relation.verdict, relation.verdict)
    return (f"{credit} {noun} of {_name(source)}: {scores.matched:.0%} of its words from the source, "
            f"{scores.copied_words:.0%} word for word")
