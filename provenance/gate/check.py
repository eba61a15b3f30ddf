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
bar for "same story"; or, for a short text and a long one, the smaller's
content words lie in the larger's: containment >= ``content_containment``,
the scan's own candidate rule for them), and at most ``max_candidates`` of
those, most similar first. With ``within``, an article whose source is
another input that itself reuses a third is aligned with that third one too
(:func:`_upstream`); the strongest relation is the worst verdict, then the
source a scan would name (:func:`_strength`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from ..analysis.document import analyse
from ..analysis.validate import text_problem
from ..candidates.containment import CONTAINMENT
from ..config import DEFAULT_MAX_CANDIDATES, DEFAULT_SETTINGS, Settings
from ..errors import ConfigError, InputError, NoArticlesError, UnreadableInputsError
from ..executors import one_blas_thread
from ..fingerprint.minhash import signature
from ..index import CandidateIndex, open_index
from ..index.base import text_digest
from ..index.memory import MemoryIndex
from ..judge.pair import judge_pair
from ..model import (
    CONTENT,
    COPY,
    INDEPENDENT,
    PARTIAL,
    REWRITE_VERDICT,
    WORDS,
    Article,
    Document,
    Progress,
    Relation,
    Signature,
)
from ..stories import taken_back
from ..readers import DEFAULT_READ_OPTIONS, ErrorHandler, ReadOptions, Skipped, read_articles
from .policy import _VERDICT_RANK, DEFAULT_POLICY, Policy
from .result import (
    ALLOWED,
    FAIL,
    FROM_INDEX,
    FROM_INPUT,
    PASS,
    ArticleCheck,
    Candidate,
    CheckResult,
    IndexSummary,
)


def check(
    inputs: Iterable[str | Path],
    *,
    index: CandidateIndex | str | None = None,
    within: bool = False,
    policy: Policy = DEFAULT_POLICY,
    settings: Settings = DEFAULT_SETTINGS,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    stdin: BinaryIO | None = None,
    on_warning: ErrorHandler | None = None,
    read_options: ReadOptions = DEFAULT_READ_OPTIONS,
    progress: Progress | None = None,
) -> CheckResult:
    """Check the articles in ``inputs`` (paths, folders, ``-``) against ``index``
    (an open index or its location) and, with ``within``, each other.

    The inputs are read by :func:`read_all`: every one must be readable;
    what is passed over by design (one given twice is read once) is sent to
    ``on_warning`` and kept in the result's ``skipped``; ``read_options``
    as for :func:`~provenance.readers.read_articles`; ``progress`` as for
    :func:`check_articles`.
    """
    skipped: list[InputError] = []

    def passed_over(problem: InputError) -> None:
        skipped.append(problem)
        if on_warning is not None:
            on_warning(problem)

    articles = read_all(inputs, stdin=stdin, on_warning=passed_over, options=read_options)
    if isinstance(index, (str, Path)):
        with open_index(str(index), settings) as opened:
            result = check_articles(articles, index=opened, within=within, policy=policy,
                                    settings=settings, max_candidates=max_candidates, progress=progress)
    else:
        result = check_articles(articles, index=index, within=within, policy=policy, settings=settings,
                                max_candidates=max_candidates, progress=progress)
    return dataclasses.replace(result, skipped=tuple(skipped))


def read_all(
    inputs: Iterable[str | Path], *, stdin: BinaryIO | None = None, on_warning: ErrorHandler | None = None,
    options: ReadOptions = DEFAULT_READ_OPTIONS,
) -> list[Article]:
    """Every article of ``inputs``, or none: what ``check`` and ``index add`` read.

    A gate that skipped an unreadable input would pass it unseen (and an index
    missing a source would let its copies pass), so any problem raises
    :class:`~provenance.errors.UnreadableInputsError` listing them all. An
    input given more than once is no such problem: it is read once, as
    ``scan`` reads it, and sent to ``on_warning``.
    """
    problems: list[InputError] = []

    def report(problem: InputError) -> None:
        if isinstance(problem, Skipped):
            if on_warning is not None:
                on_warning(problem)
        else:
            problems.append(problem)

    try:
        articles = read_articles(inputs, on_error=report, stdin=stdin, options=options)
    except NoArticlesError:
        if problems:
            raise UnreadableInputsError(problems) from None
        raise
    problems += [p for p in map(text_problem, articles) if p is not None]
    if problems:
        raise UnreadableInputsError(problems)
    return articles


def check_articles(
    articles: Sequence[Article],
    *,
    index: CandidateIndex | None = None,
    within: bool = False,
    policy: Policy = DEFAULT_POLICY,
    settings: Settings = DEFAULT_SETTINGS,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    progress: Progress | None = None,
) -> CheckResult:
    """Check articles already in memory (see :func:`check`); ``progress`` is
    told of each article analysed (``"analysing"``) and checked (``"checking"``)."""
    if index is None and not within:
        raise ConfigError("nothing to check against: give an index, or within=True to compare the inputs")
    if max_candidates < 1:
        raise ConfigError(f"max_candidates={max_candidates!r} is invalid: expected at least 1")
    documents = []
    for done, article in enumerate(articles, 1):
        documents.append(analyse(article, settings))
        if progress is not None:
            progress("analysing", done, len(articles))
    signatures = [signature(d, settings) for d in documents]
    peers = _Peers(documents, signatures, settings) if within else None
    sources = _IndexSources(index, settings) if index is not None else None
    floors = {WORDS: settings.candidates.word_lsh_threshold, CONTENT: settings.stories.story_similarity,
              CONTAINMENT: settings.candidates.content_containment}
    outcomes, aligned = [], []
    # Alignment multiplies matrices of a few dozen rows: see one_blas_thread.
    with one_blas_thread():
        for article, document, sig in zip(articles, documents, signatures):
            candidates: list[tuple[Candidate, Document]] = []
            if sources is not None:
                candidates += sources.candidates(article, sig, floors, max_candidates)
            if peers is not None:
                candidates += peers.candidates(sig, floors, max_candidates)
            candidates.sort(key=lambda item: (-item[0].estimate, item[0].found_in != FROM_INDEX, item[0].source))
            aligned.append(candidates[:max_candidates])
            outcomes.append(_judge(article, document, aligned[-1], peers, policy, settings))
            if progress is not None:
                progress("checking", len(outcomes), len(articles))
        if peers is not None:
            outcomes = _upstream(outcomes, aligned, signatures, peers, floors, policy, settings)
    summary = None
    if index is not None:
        summary = IndexSummary(getattr(index, "location", "<memory>"), index.backend, len(index))
    return CheckResult(tuple(outcomes), policy, summary, within, settings)


def _upstream(outcomes: list[ArticleCheck], aligned: list[list[tuple[Candidate, Document]]],
              signatures: list[Signature], peers: _Peers, floors: dict[str, float], policy: Policy,
              settings: Settings) -> list[ArticleCheck]:
    """A second look with ``within``: an article whose source is another
    input that itself reuses a third (a paper's rewrite of a paper's copy of
    the wire) is aligned with that third one too, if it is among the
    article's candidates at all, however low it ranks: what a paper shares
    with a copy of the wire is likelier the wire's, as a scan, which judges
    every candidate pair, finds. The strongest relation is then chosen as
    before (:func:`_strength`)."""
    by_id = {outcome.document.id: outcome for outcome in outcomes}
    out = []
    for outcome, candidates, sig in zip(outcomes, aligned, signatures):
        upstream = by_id.get(outcome.source.id) if (
            outcome.source is not None and outcome.source_found_in == FROM_INPUT) else None
        origin = upstream.source if (
            upstream is not None and upstream.source_found_in == FROM_INPUT and upstream.relation is not None
            and upstream.relation.verdict != INDEPENDENT) else None
        if origin is None or origin.id == outcome.document.id or any(c.source == origin.id for c, _ in candidates):
            out.append(outcome)
            continue
        estimate = dict(peers.index.best(sig, None, floors)).get(origin.id)
        if estimate is None:
            out.append(outcome)
            continue
        more = [*candidates, (Candidate(origin.id, FROM_INPUT, estimate), peers.by_id[origin.id])]
        out.append(_judge(outcome.article, outcome.document, more, peers, policy, settings))
    return out


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
            return ArticleCheck(status=PASS, reason=what, **base)  # the credit is why it passes
        return ArticleCheck(status=PASS, reason=f"{what}; not a violation under --fail-on {policy.describe()}",
                            **base)
    rule = policy.allowed_by(document.outlet, source.outlet)
    if rule is not None:
        where = f" ({rule.origin})" if rule.origin else ""
        return ArticleCheck(status=ALLOWED, reason=f"{what}; licensed: '{rule}'{where}", allowed_by=rule, **base)
    return ArticleCheck(status=FAIL, reason=what, **base)


def _strength(relation: Relation, candidate: Candidate, source: Document) -> tuple:
    """Sort key, strongest relation first: the verdict (a gate names the
    worst reuse it found: an uncredited copy of one candidate is not hidden
    behind a partial reuse of another), then the scan's order of an
    article's sources (:func:`~provenance.stories.source_strength`): not a
    withdrawn item, wire copy, how much of the article comes from the
    source, how much is copied word for word; then similarity. So among
    reuses of one kind, ``check`` names the source ``scan`` would."""
    scores = relation.scores
    return (-_VERDICT_RANK[relation.verdict], taken_back(source), not source.is_wire, -scores.matched,
            -scores.run_coverage_3, -candidate.estimate, candidate.found_in != FROM_INDEX, candidate.source)


def _name(source: Document) -> str:
    details = ", ".join(x for x in (source.outlet, source.published) if x)
    return f"{source.id} ({details})" if details else source.id


def _describe(relation: Relation, source: Document) -> str:
    """What the article took and whether it says so, in the words of the scan:
    "copy of X (Reuters, 2024-11-11): 85% copied word for word, 82% of its
    words from the source, 6 shared quotations; not credited". "Copied" is the share of its words
    in passages of three or more words copied from the source
    (``run_coverage_3``), the figure the scan reports under that name."""
    scores = relation.scores
    noun = {COPY: "copy", REWRITE_VERDICT: "rewrite", PARTIAL: "partial reuse"}.get(relation.verdict, relation.verdict)
    if relation.update:
        credit = "an update by the same outlet: no credit needed"
    elif relation.credited:
        evidence = " ".join(relation.credit_evidence[0].split()) if relation.credit_evidence else ""
        credit = f"credited: {evidence}" if evidence else "credited"
    else:
        credit = "not credited"
    quoted = relation.ledger.quoted_sentences
    shared = f", {quoted} shared quotation{'s' if quoted != 1 else ''}" if quoted else ""
    return (f"{noun} of {_name(source)}: {scores.run_coverage_3:.0%} copied word for word, "
            f"{scores.own_prose:.0%} of its words from the source{shared}; {credit}")
