"""One candidate pair judged: oriented, aligned, scored and given a verdict.
"""

from __future__ import annotations

from ..align.ledger import align
from ..config import DEFAULT_SETTINGS, Settings
from ..model import ADDED, INDEPENDENT, QUOTED, REWRITE, VERBATIM, Document, Relation, Scores
from ..outlets import is_wire, same_outlet
from .coverage import RUN_LENGTHS, run_coverage
from .credit import credit_evidence
from .decide import decide
from .direction import orient
from .features import FeatureCache


def judge_pair(
    first: Document, second: Document, settings: Settings = DEFAULT_SETTINGS, *, source_id: str | None = None,
    features: FeatureCache | None = None,
) -> Relation:
    """Judge two documents: decide the direction (unless ``source_id`` fixes
    it), align the derived one against the source and reach a verdict.
    ``features`` caches per-document word sets across many pairs."""
    features = features if features is not None else FeatureCache()
    source, derived, reasons, containment = orient(first, second, features, settings)
    if source_id is not None and source.id != source_id:
        note = f"compared as asked: {source_id} taken as the source"
        reasons = (note, "(the evidence would point the other way: " + "; ".join(reasons) + ")")
        source, derived = derived, source
    elif source_id is not None:
        reasons = (f"compared as asked: {source_id} taken as the source",) + reasons
    return judge_oriented(source, derived, reasons, containment, settings, features)


def is_update(source: Document, derived: Document) -> bool:
    """Whether two texts are one agency's: its later take, update or
    correction of its story. Only outlets the input names count (one read
    from a dateline is what a copy of the wire carries too), and only
    agencies' (:func:`provenance.outlets.is_wire`): a feed's channel title
    or a table's ``source`` column may name an aggregator, or the agency a
    paper credits, for texts of many writers, while an agency's texts of
    one story are each other's takes by design."""
    return (same_outlet(source.outlet, derived.outlet) and is_wire(source.outlet)
            and "outlet" not in source.sniffed and "outlet" not in derived.sniffed)


def judge_oriented(
    source: Document, derived: Document, reasons: tuple[str, ...], containment: dict[tuple[str, str], float],
    settings: Settings, features: FeatureCache,
) -> Relation:
    """:func:`judge_pair` once the direction is settled (what :func:`orient`
    gives, or its reverse): align and reach a verdict."""
    ledger = align(source, derived, settings, vectoriser=features.vectoriser,
                   matcher=features.matcher(settings.align.matcher))
    derived_ids = features.token_ids(derived)
    source_ids = features.token_ids(source)
    coverage = {n: run_coverage(source_ids, derived_ids, n, lambda n=n: features.run_keys(source, n))
                for n in RUN_LENGTHS}
    scores = Scores(
        containment_derived_in_source=round(containment[(derived.id, source.id)], 4),
        containment_source_in_derived=round(containment[(source.id, derived.id)], 4),
        content_similarity=round(features.content_similarity(source, derived), 4),
        matched=round(ledger.matched_share, 4),
        verbatim=round(ledger.share(VERBATIM), 4),
        rewrite=round(ledger.share(REWRITE), 4),
        added=round(ledger.share(ADDED), 4),
        copied_words=round(ledger.verbatim_word_share, 4),
        source_used=round(ledger.source_used_share, 4),
        run_coverage_1=round(coverage[1], 4),
        run_coverage_3=round(coverage[3], 4),
        run_coverage_8=round(coverage[8], 4),
        quoted=round(ledger.share(QUOTED), 4),
    )
    evidence = credit_evidence(source, derived, ledger)
    decided, why, prediction = decide(ledger, scores, settings)
    update = decided != INDEPENDENT and is_update(source, derived)
    return Relation(
        source=source.id,
        derived=derived.id,
        verdict=decided,
        scores=scores,
        direction_reasons=reasons,
        credited=bool(evidence) or update,
        credit_evidence=evidence,
        ledger=ledger,
        verdict_reasons=why,
        verdict_model=prediction,
        update=update,
    )
