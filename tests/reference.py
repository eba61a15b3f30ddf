"""Reference implementations the tests hold the package's fast paths against
(kept here, not in the package, since nothing else uses them)."""

from __future__ import annotations

from collections.abc import Iterator

from provenance.config import DEFAULT_SETTINGS, Settings
from provenance.index.memory import MemoryIndex
from provenance.model import Signature


def candidate_pairs(signatures: list[Signature], settings: Settings = DEFAULT_SETTINGS) -> Iterator[tuple[str, str]]:
    """Every unordered pair of ``signatures`` the datasketch-style LSH index
    proposes, each once, in a deterministic order."""
    index = MemoryIndex(settings)
    index.add_all(signatures)
    seen: set[tuple[str, str]] = set()
    for sig in signatures:
        for other, _ in index.query(sig):
            if other == sig.id:
                continue
            pair = (sig.id, other) if sig.id < other else (other, sig.id)
            if pair not in seen:
                seen.add(pair)
                yield pair


def content_similarity(a, b) -> float:
    """Content-word Jaccard of two documents from their tokens: the
    definition FeatureCache.content_similarity computes from sorted ids."""
    from provenance.analysis.tokens import content_terms

    def words(document):
        return [t for s in document.sentences for t in s.tokens]

    terms_a, terms_b = set(content_terms(words(a))), set(content_terms(words(b)))
    union = terms_a | terms_b
    return len(terms_a & terms_b) / len(union) if union else 0.0


def scan_candidates(matrices, settings: Settings = DEFAULT_SETTINGS, stats: dict | None = None):
    """Candidate pairs of a corpus as an ``(m, 2)`` array of row numbers
    (low, high), sorted, both granularities searched one after the other in
    this thread (what a scan does in two processes)."""
    from provenance.candidates import granularity_candidates, merge_candidates
    from provenance.model import GRANULARITIES

    found = {g: granularity_candidates(matrices[g], g, settings) for g in GRANULARITIES}
    return merge_candidates(found, len(next(iter(matrices.values()))), stats)
