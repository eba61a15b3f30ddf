"""The JSON report: one documented, versioned schema (docs/json-schema.md)."""

from __future__ import annotations

import json
from typing import Any

from ..model import Document, Relation, ScanResult
from ..version import __version__
from . import SCHEMA_VERSION
from .wording import plain_credit, plain_direction, plain_story_reason, plain_verdict_reason


def scan_document(result: ScanResult) -> dict[str, Any]:
    """The scan as plain data, in the order the schema documents."""
    documents = {d.id: d for d in result.documents}
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "provenance", "version": __version__},
        "settings": result.settings.to_dict(),
        "articles": [article_entry(d) for d in result.documents],
        "clusters": [
            {
                "id": story.id,
                "source": story.source,
                "source_reasons": list(story.source_reasons),
                "source_explanation": [plain_story_reason(r) for r in story.source_reasons],
                "members": list(story.members),
            }
            for story in result.stories
        ],
        "relations": [
            relation_entry(r, documents[r.source], documents[r.derived]) for r in result.relations
        ],
        "problems": [
            {"origin": p.origin, "line": p.line, "message": p.reason} for p in result.problems
        ],
    }


def compare_document(relation: Relation, source: Document, derived: Document) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "provenance", "version": __version__},
        "articles": [article_entry(source), article_entry(derived)],
        "relation": relation_entry(relation, source, derived),
    }


def article_entry(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "origin": document.origin,
        "title": document.title,
        "outlet": document.outlet,
        "published": document.published,
        "url": document.url,
        "author": document.author,
        "encoding": document.encoding,
        "guid": document.guid,
        "version": document.version,
        "status": document.status,
        "sniffed": list(document.sniffed),
        "is_wire": document.is_wire,
        "sentence_count": len(document.sentences),
        "word_count": document.word_count,
        "attributions": [
            {"kind": a.kind, "text": a.text, "names": list(a.names)} for a in document.attributions
        ],
    }


def relation_entry(relation: Relation, source: Document, derived: Document) -> dict[str, Any]:
    scores = relation.scores
    return {
        "source": relation.source,
        "derived": relation.derived,
        "verdict": relation.verdict,
        # The one measure of copying every report names: the share of its
        # words in passages of three or more words copied word for word
        # (scores.run_coverage_3, which stays for compatibility).
        "copied": scores.run_coverage_3,
        "direction": {"reasons": list(relation.direction_reasons)},
        "credited": relation.credited,
        "credit_evidence": list(relation.credit_evidence),
        # The same outlet's later take, update or correction (credited: its own text).
        "update": relation.update,
        # What every report shows a person: the reasons above in plain words
        # (provenance.report.wording), the same in text, JSON and HTML.
        "explanation": {
            "verdict": plain_verdict_reason(relation),
            "direction": [plain_direction(r, source.id, derived.id) for r in relation.direction_reasons],
            "credit": plain_credit(relation, source, derived),
        },
        "scores": {
            "containment_derived_in_source": scores.containment_derived_in_source,
            "containment_source_in_derived": scores.containment_source_in_derived,
            "content_similarity": scores.content_similarity,
            "matched": scores.matched,
            "verbatim": scores.verbatim,
            "rewrite": scores.rewrite,
            "added": scores.added,
            "copied_words": scores.copied_words,
            "source_used": scores.source_used,
            "run_coverage_1": scores.run_coverage_1,
            "run_coverage_3": scores.run_coverage_3,
            "run_coverage_8": scores.run_coverage_8,
            "quoted": scores.quoted,
        },
        "verdict_reasons": list(relation.verdict_reasons),
        "verdict_model": _prediction_entry(relation),
        "sentences": [
            {
                "index": row.index,
                "text": derived.sentences[row.index].text,
                "start": derived.sentences[row.index].start,
                "end": derived.sentences[row.index].end,
                "label": row.label,
                "source_indexes": list(row.source_indexes),
                "score": row.score,
                "verbatim_spans": [list(span) for span in row.verbatim_spans],
                "verbatim_share": row.verbatim_share,
            }
            for row in relation.ledger.sentences
        ],
        "dropped": [
            {"index": j, "text": source.sentences[j].text} for j in relation.ledger.dropped
        ],
        "source_sentences": [
            {"index": s.index, "text": s.text, "start": s.start, "end": s.end} for s in source.sentences
        ],
    }


def _prediction_entry(relation: Relation) -> dict[str, Any] | None:
    prediction = relation.verdict_model
    if prediction is None:
        return None
    return {
        "class": prediction.label,
        "runner_up": prediction.runner_up,
        "probabilities": {label: round(p, 4) for label, p in prediction.probabilities},
        "contributions": [
            {"feature": name, "value": round(value, 4), "contribution": round(contribution, 4)}
            for name, value, contribution in prediction.contributions
        ],
    }


def dumps(document: dict[str, Any]) -> str:
    """Stable serialisation: same data, same bytes."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_scan(result: ScanResult) -> str:
    """The JSON report of a scan (the ``json`` scan format)."""
    return dumps(scan_document(result))


def render_compare(relation: Relation, source: Document, derived: Document) -> str:
    """The JSON report of a compare (the ``json`` compare format)."""
    return dumps(compare_document(relation, source, derived))
