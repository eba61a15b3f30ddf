"""JUnit XML output of check: valid against its schema, hostile text escaped."""

import xml.etree.ElementTree as ET

from provenance.report import junit
from tests.helpers import seed_id


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
