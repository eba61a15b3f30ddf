"""``provenance check --format sarif``: SARIF 2.1.0 for code-scanning tools.

One result per violating article, at its file; its evidence (the passages
that count, :func:`~provenance.report.regions.is_evidence`, longest copied
passage first) are regions: the first is the result's location, every one
is a related location with a message naming the source sentences. Rules are the six combinations of
verdict and credit, always listed in the same order, so ``ruleIndex`` is
stable. ``partialFingerprints`` hash the article and source ids, so a code
scanning service recognises the same finding across runs.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from pathlib import Path
from typing import Any

from ..gate.result import FAIL, ArticleCheck, CheckResult
from ..model import COPY, PARTIAL, REWRITE_VERDICT
from ..version import __version__
from .regions import Location, Region, locate, problem_file

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_INFORMATION_URI = "https://pypi.org/project/provenance-news/"

RULES = tuple(
    (f"{credit}-{verdict}", verdict, credit == "credited")
    for credit in ("uncredited", "credited")
    for verdict in (COPY, REWRITE_VERDICT, PARTIAL)
)
_NOUN = {COPY: "copy", REWRITE_VERDICT: "rewrite", PARTIAL: "partial reuse"}


def rule_id(verdict: str, credited: bool) -> str:
    return f"{'credited' if credited else 'uncredited'}-{verdict}"


def document(result: CheckResult) -> dict[str, Any]:
    results = [_result(outcome) for outcome in result.articles if outcome.status == FAIL]
    properties: dict[str, Any] = {"failOn": list(result.policy.fail_on), "within": result.within}
    if result.index is not None:
        properties["index"] = {"location": result.index.location, "backend": result.index.backend,
                               "articles": result.index.articles}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "provenance",
                "version": __version__,
                "informationUri": _INFORMATION_URI,
                "rules": [_rule(*rule) for rule in RULES],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
            **({"invocations": [_invocation(result)]} if result.skipped else {}),
            "properties": properties,
        }],
    }


def _invocation(result: CheckResult) -> dict[str, Any]:
    """The run's notifications: each part of the inputs passed over, and why."""
    notes = []
    for problem in result.skipped:
        note: dict[str, Any] = {"level": "warning", "message": {"text": f"skipped: {problem.reason}"}}
        path = problem_file(problem)
        if path is not None:
            physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path)}}
            if problem.line is not None:
                physical["region"] = {"startLine": problem.line}
            note["locations"] = [{"physicalLocation": physical}]
        notes.append(note)
    return {"executionSuccessful": True, "toolExecutionNotifications": notes}


def _rule(identifier: str, verdict: str, credited: bool) -> dict[str, Any]:
    credit = "credits" if credited else "does not credit"
    text = f"The article is a {_NOUN[verdict]} of an indexed source and {credit} it."
    return {
        "id": identifier,
        "name": "".join(part.capitalize() for part in identifier.split("-")),
        "shortDescription": {"text": f"{'Credited' if credited else 'Uncredited'} {_NOUN[verdict]} of a source"},
        "fullDescription": {"text": text},
        "defaultConfiguration": {"level": "error"},
    }


def _result(outcome: ArticleCheck) -> dict[str, Any]:
    relation = outcome.relation
    assert relation is not None  # a failure always has a relation
    identifier = rule_id(relation.verdict, relation.credited)
    location = locate(outcome.article, outcome.document, relation)
    entry: dict[str, Any] = {
        "ruleId": identifier,
        "ruleIndex": [r[0] for r in RULES].index(identifier),
        "level": "error",
        "message": {"text": f"{outcome.document.id}: {outcome.reason}"},
    }
    if location.path is not None:
        evidence = location.evidence
        entry["locations"] = [{"physicalLocation": _physical(location, evidence[0] if evidence else None)}]
        if evidence:
            entry["relatedLocations"] = [
                {"id": number, "physicalLocation": _physical(location, region), "message": {"text": _region_message(region)}}
                for number, region in enumerate(evidence, start=1)
            ]
    key = f"{outcome.document.id}\x00{relation.source}".encode("utf-8")
    entry["partialFingerprints"] = {"provenanceArticleSource/v1": hashlib.sha256(key).hexdigest()[:32]}
    entry["properties"] = {
        "article": outcome.document.id,
        "source": relation.source,
        "sourceFoundIn": outcome.source_found_in,
        "verdict": relation.verdict,
        "credited": relation.credited,
        # The one measure of copying, named as in the scan and the check JSON.
        "copied": relation.scores.run_coverage_3,
        "matched": relation.scores.matched,
    }
    return entry


def _physical(location: Location, region: Region | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(location.path or "")}}
    if region is not None:
        physical["region"] = {
            "startLine": region.start_line, "startColumn": region.start_column,
            "endLine": region.end_line, "endColumn": region.end_column,
            "snippet": {"text": region.text},
        }
    elif location.line is not None:
        physical["region"] = {"startLine": location.line}
    return physical


def _region_message(region: Region) -> str:
    sentences = ", ".join(str(j) for j in region.source_sentences)
    how = "copied word for word" if region.kind == "verbatim" else "rewritten"
    return f"{how} from source sentence(s) {sentences}"


def artifact_uri(path: str) -> str:
    """A relative path stays relative (resolved against the repository by
    code-scanning services); an absolute one becomes a ``file:`` URI."""
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate.as_uri()
    return urllib.parse.quote(candidate.as_posix())


def dumps(result: CheckResult) -> str:
    return json.dumps(document(result), ensure_ascii=False, indent=2) + "\n"
