"""``provenance check --format junit``: JUnit XML for CI test reports.

One test case per incoming article, and a skipped one for each part of
the inputs passed over by design (with why); a violation is a ``failure`` whose
``type`` is the SARIF rule id and whose text lists its evidence, longest
copied passage first. The layout follows the Apache Ant JUnit
schema, which requires ``timestamp``, ``hostname`` and ``time`` attributes:
they are fixed (``1970-01-01T00:00:00``, ``localhost``, ``0``) so that the
same check gives the same bytes; set ``SOURCE_DATE_EPOCH`` to stamp a real
time. Every string passes through :func:`~provenance.report.xmltext.xml_safe`
and is escaped by ElementTree.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from ..gate.result import ALLOWED, FAIL, ArticleCheck, CheckResult
from ..model import VERBATIM
from .regions import locate
from .sarif import rule_id
from .xmltext import xml_safe

SUITE_NAME = "provenance check"


def timestamp() -> str:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else a fixed epoch."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    seconds = int(epoch) if epoch.isdigit() else 0
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def dumps(result: CheckResult) -> str:
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", {
        "name": SUITE_NAME,
        "package": "provenance",
        "id": "0",
        "timestamp": timestamp(),
        "hostname": "localhost",
        "tests": str(len(result.articles) + len(result.skipped)),
        "failures": str(result.count(FAIL)),
        "errors": "0",
        "skipped": str(len(result.skipped)),
        "time": "0",
    })
    properties = ET.SubElement(suite, "properties")
    values = [("fail-on", result.policy.describe()), ("within", str(result.within).lower())]
    if result.index is not None:
        values += [("index", result.index.location), ("index-articles", str(result.index.articles))]
    values += [(f"allow.{n}", str(rule)) for n, rule in enumerate(result.policy.allow, start=1)]
    for name, value in values:
        ET.SubElement(properties, "property", {"name": xml_safe(name), "value": xml_safe(value)})
    for outcome in result.articles:
        _testcase(suite, outcome)
    for problem in result.skipped:  # passed over by design: a skipped test case each, with why
        case = ET.SubElement(suite, "testcase", {"name": xml_safe(str(problem.origin)) or "input",
                                                 "classname": "provenance.skipped", "time": "0"})
        ET.SubElement(case, "skipped", {"message": xml_safe(str(problem))})
    ET.SubElement(suite, "system-out").text = xml_safe(
        f"{len(result.articles)} article(s): {result.count(FAIL)} violation(s), {result.count(ALLOWED)} allowed\n")
    ET.SubElement(suite, "system-err").text = ""
    ET.indent(suites, space="  ")
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _testcase(suite: ET.Element, outcome: ArticleCheck) -> None:
    location = locate(outcome.article, outcome.document, outcome.relation)
    case = ET.SubElement(suite, "testcase", {
        "name": xml_safe(outcome.document.id) or "article",
        "classname": xml_safe(location.path or "provenance.check") or "provenance.check",
        "time": "0",
    })
    if outcome.status != FAIL or outcome.relation is None:
        return
    relation = outcome.relation
    details = [outcome.reason]
    for region in location.evidence:
        how = "copied" if region.kind == VERBATIM else "rewritten"
        details.append(f"{location.path}:{region.start_line}:{region.start_column}: {how}: "
                       + " ".join(region.text.split()))
    failure = ET.SubElement(case, "failure", {
        "message": xml_safe(outcome.reason),
        "type": rule_id(relation.verdict, relation.credited),
    })
    failure.text = xml_safe("\n".join(details) + "\n")
