"""``provenance check --format json|jsonl``: the check result as data (docs/check-output.md).

``json`` writes one document; ``jsonl`` writes one article entry a line, the
same objects as the document's ``articles``. Output is deterministic: the
same inputs, index and settings give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from ..gate.result import ALLOWED, FAIL, PASS, ArticleCheck, CheckResult
from ..version import __version__
from .json import relation_entry
from .regions import locate

#: Version of the check output schema; MAJOR.MINOR as in docs/json-schema.md
#: (1.2 added each article's ``copied`` and each region's ``words`` and ``evidence``;
#: 1.3 added ``skipped``; 1.4 each article's ``update``).
CHECK_SCHEMA_VERSION = "1.4"


def document(result: CheckResult) -> dict[str, Any]:
    index = result.index
    return {
        "schema_version": CHECK_SCHEMA_VERSION,
        "kind": "check",
        "tool": {"name": "provenance", "version": __version__},
        "index": None if index is None else {"location": index.location, "backend": index.backend,
                                             "articles": index.articles},
        "within": result.within,
        "policy": {
            "fail_on": list(result.policy.fail_on),
            "allow": [{"outlet": r.outlet, "source": r.source, "origin": r.origin} for r in result.policy.allow],
        },
        "summary": {
            "result": FAIL if result.failed else PASS,
            "articles": len(result.articles),
            "failed": result.count(FAIL),
            "allowed": result.count(ALLOWED),
            "passed": result.count(PASS),
        },
        "articles": [article_entry(a) for a in result.articles],
        "skipped": [{"origin": p.origin, "line": p.line, "message": p.reason} for p in result.skipped],
    }


def article_entry(outcome: ArticleCheck) -> dict[str, Any]:
    relation, source, doc = outcome.relation, outcome.source, outcome.document
    location = locate(outcome.article, doc, relation)
    evidence = set(location.evidence)
    return {
        "id": doc.id,
        "origin": doc.origin,
        "file": location.path,
        "line": location.first_line,
        "title": doc.title,
        "outlet": doc.outlet,
        "published": doc.published,
        "status": outcome.status,
        "reason": outcome.reason,
        "verdict": relation.verdict if relation else None,
        # The share of its words in passages of three or more words copied word
        # for word: the scan's "copied", the figure the reason gives.
        "copied": relation.scores.run_coverage_3 if relation else None,
        "credited": relation.credited if relation else None,
        "update": relation.update if relation else None,
        "credit_evidence": list(relation.credit_evidence) if relation else [],
        "source": None if source is None else {
            "id": relation.source if relation else source.id,
            "found_in": outcome.source_found_in,
            "title": source.title,
            "outlet": source.outlet,
            "published": source.published,
        },
        "allowed_by": None if outcome.allowed_by is None else {
            "outlet": outcome.allowed_by.outlet, "source": outcome.allowed_by.source,
            "origin": outcome.allowed_by.origin,
        },
        "candidates": [
            {"source": c.source, "found_in": c.found_in, "estimate": round(c.estimate, 4)} for c in outcome.candidates
        ],
        "regions": [
            {"start_line": r.start_line, "start_column": r.start_column, "end_line": r.end_line,
             "end_column": r.end_column, "kind": r.kind, "source_sentences": list(r.source_sentences),
             "words": r.words, "evidence": r in evidence}
            for r in location.regions
        ],
        "relation": relation_entry(relation, source, doc) if relation and source else None,
    }


def dumps(result: CheckResult) -> str:
    return json.dumps(document(result), ensure_ascii=False, indent=2) + "\n"


def dumps_lines(result: CheckResult) -> str:
    return "".join(json.dumps(article_entry(a), ensure_ascii=False) + "\n" for a in result.articles)
