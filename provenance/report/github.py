"""``provenance check --format github``: GitHub Actions workflow commands.

One ``::error`` annotation per violation, placed at its longest copied
passage (``::notice`` for a violation allowed as licensed syndication), a
``::warning`` for each part of the inputs passed over, then a summary line; an article with no passage that counts as evidence
(:func:`~provenance.report.regions.is_evidence`) is annotated at its file.
Values are escaped as the runner expects: ``%``, CR and LF in the message;
also ``:`` and ``,`` in properties. Other control characters and Unicode
line separators become spaces.
"""

from __future__ import annotations

import re

from ..gate.result import ALLOWED, FAIL, PASS, ArticleCheck, CheckResult
from .regions import locate, problem_file

# Control characters other than tab, CR and LF, and Unicode line separators:
# some log readers break lines at them, which would cut an annotation short.
_BREAKING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029]")


def escape_data(text: str) -> str:
    text = _BREAKING.sub(" ", text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: object) -> str:
    fields = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties.items() if value is not None)
    return f"::{kind}{' ' + fields if fields else ''}::{escape_data(message)}"


def render(result: CheckResult) -> str:
    lines = [_annotation(o) for o in result.articles if o.status in (FAIL, ALLOWED)]
    lines += [command("warning", f"skipped: {p.reason}", file=problem_file(p), line=p.line, title="provenance: skipped")
              for p in result.skipped]
    lines.append(
        f"provenance: {len(result.articles)} article(s) checked: {result.count(FAIL)} violation(s), "
        f"{result.count(ALLOWED)} allowed, {result.count(PASS)} passed"
    )
    return "\n".join(lines) + "\n"


def _annotation(outcome: ArticleCheck) -> str:
    location = locate(outcome.article, outcome.document, outcome.relation)
    region = location.evidence[0] if location.evidence else None
    verdict = outcome.relation.verdict if outcome.relation else "reuse"
    credit = "credited" if outcome.relation and outcome.relation.credited else "not credited"
    title = f"provenance: {verdict}, {credit}" + (" (licensed)" if outcome.status == ALLOWED else "")
    # Annotations take columns on one line only: GitHub's API says to omit
    # them for a span over several lines.
    one_line = region is not None and region.start_line == region.end_line
    return command(
        "error" if outcome.status == FAIL else "notice",
        f"{outcome.document.id}: {outcome.reason}",
        file=location.path,
        line=region.start_line if region else location.line,
        col=region.start_column if one_line else None,
        endLine=region.end_line if region else None,
        endColumn=region.end_column if one_line else None,
        title=title,
    )
