"""JUnit XML output of check: valid against its schema, hostile text escaped."""

import xml.etree.ElementTree as ET

import pytest

from provenance.gate.check import check
from provenance.report import junit
from provenance.report.regions import is_evidence
from tests.helpers import REPO, SEEDS, check_golden, seed_id


@pytest.fixture(scope="module")
def within_seeds():
    """``provenance check --within seeds/*.txt`` from the repository root (relative paths)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        return check(sorted(p.relative_to(REPO) for p in SEEDS.glob("*.txt")), within=True)


def test_seeds_junit_golden(within_seeds, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    check_golden("check_seeds_junit.xml", junit.dumps(within_seeds))


def test_a_failure_lists_its_evidence_longest_first(within_seeds, junit_schema):
    text = junit.dumps(within_seeds)
    junit_schema.validate(text)
    failure = next(case.find("failure") for case in ET.fromstring(text).iter("testcase")
                   if case.get("name") == seed_id("001"))
    assert failure.get("message").endswith(
        "30% copied word for word, 90% of its words from the source, 2 shared quotations; not credited")
    reason, *spans = failure.text.splitlines()
    assert reason == failure.get("message") and spans
    passages = [line.split(": ", 2)[2] for line in spans]
    assert passages[0] == "into Ukraine in 2022, after years of fighting in"
    assert all(is_evidence(p) for p in passages) and "Dmitry Peskov" not in passages


def test_junit_is_valid(seed_result, junit_schema):
    text = junit.dumps(seed_result)
    junit_schema.validate(text)
    suite = ET.fromstring(text).find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("4", "2")
    failures = [case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None]
    assert failures == [seed_id("000"), seed_id("001")]
    assert suite.find("testcase/failure").get("type") == "uncredited-copy"


def test_hostile_text_yields_valid_escaped_xml(hostile_result, junit_schema):
    assert [o.status for o in hostile_result.articles] == ["fail", "fail", "allowed"]
    text = junit.dumps(hostile_result)
    junit_schema.validate(text)  # parses: nothing unescaped, nothing illegal
    assert "<script>" not in text and "\x01" not in text and "\ufffe" not in text
    root = ET.fromstring(text)
    names = [case.get("name") for case in root.iter("testcase")]
    # ids arrive with control characters shown as escapes; the rest round-trips as data
    assert names[0].startswith("evil\\r\\nMOSCOW <script>alert(\"x\")</script> & ]]>")
    assert all(case.get("classname").endswith("feed <&>.jsonl") for case in root.iter("testcase"))
