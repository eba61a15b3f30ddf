"""Which of two texts is the source, and why.
"""

from __future__ import annotations

from ..config import DEFAULT_SETTINGS, Settings
from ..model import Document
from .coverage import shared_count
from .credit import _credits_in_attribution, credit_names
from .features import FeatureCache


def orient(
    first: Document, second: Document, features: FeatureCache | None = None, settings: Settings = DEFAULT_SETTINGS
) -> tuple[Document, Document, tuple[str, ...], dict[tuple[str, str], float]]:
    """(source, derived, reasons, containment) as :func:`judge_pair` decides
    them before aligning: the cheap part of judging a pair."""
    features = features if features is not None else FeatureCache()
    grams = {d.id: features.trigrams(d) for d in (first, second)}
    shared = shared_count(grams[first.id], grams[second.id])
    containment = {
        (a.id, b.id): shared / len(grams[a.id]) if len(grams[a.id]) else 0.0
        for a, b in ((first, second), (second, first))
    }
    source, derived, reasons = _direction(first, second, containment, settings)
    return source, derived, reasons, containment


def _direction(
    a: Document, b: Document, containment: dict[tuple[str, str], float], settings: Settings = DEFAULT_SETTINGS
) -> tuple[Document, Document, tuple[str, ...]]:
    """Weigh the evidence for each article being the other's source.

    Each clue adds points to one side (``settings.direction``): an earlier
    publication date (2), a wire dateline or wire outlet the other lacks (2),
    being credited by the other (2), and holding more of the other's word
    trigrams than the reverse (1).
    """
    earlier = _earlier_version(a, b)
    if earlier is not None:
        # Two versions of one agency item: the provider's numbering decides.
        later = b if earlier is a else a
        return earlier, later, (f"an earlier version ({earlier.version}) of the agency item {earlier.guid} "
                                f"than {later.id} ({later.version})",)
    weights = settings.direction
    points = {a.id: 0, b.id: 0}
    reasons: dict[str, list[str]] = {a.id: [], b.id: []}

    def vote(winner: Document, weight: int, reason: str) -> None:
        points[winner.id] += weight
        reasons[winner.id].append(reason)

    if a.published and b.published and a.published != b.published:
        earlier, later = (a, b) if a.published < b.published else (b, a)
        vote(earlier, weights.date_points, f"published {earlier.published}, before {later.id} ({later.published})")
    for one, other in ((a, b), (b, a)):
        if one.is_wire and not other.is_wire:
            vote(one, weights.wire_points, f"wire copy ({wire_mark(one)}); {other.id} is not")
        names = credit_names(one)
        if names and _credits_in_attribution(other, names):
            vote(one, weights.credit_points, f"{other.id} credits {one.outlet or one.id}")
    b_in_a, a_in_b = containment[(b.id, a.id)], containment[(a.id, b.id)]
    if abs(b_in_a - a_in_b) >= weights.containment_margin:
        fuller, part = (a, b) if b_in_a > a_in_b else (b, a)
        vote(fuller, weights.containment_points, (
            f"contains {max(b_in_a, a_in_b):.0%} of {part.id}'s word trigrams, "
            f"while {part.id} contains {min(b_in_a, a_in_b):.0%} of its"
        ))
    if points[a.id] == points[b.id]:
        longer, shorter = (a, b) if (a.word_count, b.id) >= (b.word_count, a.id) else (b, a)
        why = "no date, dateline or credit decides; taking the longer text as the source"
        return longer, shorter, tuple(reasons[longer.id]) + (why,)
    source, derived = (a, b) if points[a.id] > points[b.id] else (b, a)
    return source, derived, tuple(reasons[source.id])


def _earlier_version(a: Document, b: Document) -> Document | None:
    """Of two versions of one agency item (the same ``guid``, versions that
    read as numbers: ninjs ``version``, NewsML-G2 ``version``), the earlier;
    else None."""
    if not a.guid or a.guid != b.guid or a.version is None or b.version is None:
        return None
    try:
        first, second = (tuple(int(part) for part in v.strip().split(".")) for v in (a.version, b.version))
    except ValueError:
        return None
    if first == second:
        return None
    return a if first < second else b


def wire_mark(document: Document) -> str:
    for attribution in document.attributions:
        if attribution.kind == "dateline":
            return f"dateline '{attribution.text}'"
    return f"outlet {document.outlet}"
