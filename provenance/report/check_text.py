"""The terminal report of ``provenance check``: one block per article, failures first marked.

Under a failure, its evidence: the longest passages it copied word for word,
then the sentences it rewrote (see :func:`~provenance.report.regions.is_evidence`
for what a passage needs to count).
"""

from __future__ import annotations

from ..gate.result import ALLOWED, FAIL, PASS, CheckResult
from ..model import VERBATIM
from . import clip
from .regions import locate

_MARK = {FAIL: "FAIL", PASS: "pass", ALLOWED: "allowed"}
_SNIPPET = 90
_SHOWN = 5


def render(result: CheckResult) -> str:
    lines = []
    for outcome in result.articles:
        lines.append(f"{_MARK[outcome.status]:<7} {outcome.document.id}: {outcome.reason}")
        if outcome.status == FAIL:
            location = locate(outcome.article, outcome.document, outcome.relation)
            evidence = location.evidence
            for region in evidence[:_SHOWN]:
                how = "copied" if region.kind == VERBATIM else "rewritten"
                lines.append(f"          {location.path}:{region.start_line}:{region.start_column}: "
                             f"{how}: {clip(region.text, _SNIPPET)}")
            if len(evidence) > _SHOWN:
                lines.append(f"          ... and {len(evidence) - _SHOWN} more passage(s)")
    against = []
    if result.index is not None:
        against.append(f"{result.index.articles} indexed article(s) in {result.index.location}")
    if result.within:
        against.append("each other")
    lines.append("")
    lines.append(
        f"Checked {len(result.articles)} article(s) against {' and '.join(against)}: "
        f"{result.count(FAIL)} violation(s), {result.count(ALLOWED)} allowed, {result.count(PASS)} passed "
        f"(--fail-on {result.policy.describe()})."
    )
    if result.skipped:
        lines += ["", f"Skipped {len(result.skipped)}, and why:"]
        lines += [f"  {problem}" for problem in result.skipped]
    return "\n".join(lines) + "\n"


