"""The terminal report of ``provenance check``: one block per article, failures first marked."""

from __future__ import annotations

from ..gate.result import ALLOWED, FAIL, PASS, CheckResult
from .regions import locate

_MARK = {FAIL: "FAIL", PASS: "pass", ALLOWED: "allowed"}
_SNIPPET = 90


def render(result: CheckResult) -> str:
    lines = []
    for outcome in result.articles:
        lines.append(f"{_MARK[outcome.status]:<7} {outcome.document.id}: {outcome.reason}")
        if outcome.status == FAIL:
            location = locate(outcome.article, outcome.document, outcome.relation)
            for region in location.regions[:5]:
                lines.append(f"          {location.path}:{region.start_line}:{region.start_column}: "
                             f"{region.kind}: {_clip(region.text)}")
            if len(location.regions) > 5:
                lines.append(f"          ... and {len(location.regions) - 5} more reused span(s)")
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
    return "\n".join(lines) + "\n"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"
