"""Every check format ends with what the inputs held that was passed over, and why."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from provenance.report import check_json, check_text, github, junit, sarif


def test_the_result_keeps_what_was_passed_over(skipped_result):
    assert len(skipped_result.articles) == 1
    assert [p.reason for p in skipped_result.skipped] == ["given more than once; read once"]


def test_text_ends_with_the_skipped_and_why(skipped_result):
    lines = check_text.render(skipped_result).rstrip("\n").splitlines()
    assert lines[-2] == "Skipped 1, and why:"
    assert lines[-1].endswith("000_69367191860a6389.txt: given more than once; read once")


def test_json_lists_them(skipped_result, seed_result):
    data = check_json.document(skipped_result)
    assert data["schema_version"] == "1.4"
    assert [(s["line"], s["message"]) for s in data["skipped"]] == [(None, "given more than once; read once")]
    assert data["skipped"][0]["origin"].endswith("000_69367191860a6389.txt")
    assert check_json.document(seed_result)["skipped"] == []


def test_sarif_notes_them_as_tool_notifications(skipped_result, seed_result, sarif_validator):
    data = json.loads(sarif.dumps(skipped_result))
    sarif_validator.validate(data)
    (invocation,) = data["runs"][0]["invocations"]
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "warning" and note["message"]["text"] == "skipped: given more than once; read once"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("000_69367191860a6389.txt")
    assert "invocations" not in json.loads(sarif.dumps(seed_result))["runs"][0]


def test_junit_counts_a_skipped_case_with_its_reason(skipped_result, junit_schema):
    text = junit.dumps(skipped_result)
    junit_schema.validate(text)
    suite = ET.fromstring(text).find("testsuite")
    assert (suite.get("tests"), suite.get("skipped"), suite.get("failures")) == ("2", "1", "1")
    (case,) = [c for c in suite.findall("testcase") if c.find("skipped") is not None]
    assert case.find("skipped").get("message").endswith("given more than once; read once")


def test_github_warns_at_the_file(skipped_result):
    lines = github.render(skipped_result).splitlines()
    warning = next(line for line in lines if line.startswith("::warning"))
    assert "000_69367191860a6389.txt" in warning and warning.endswith("::skipped: given more than once; read once")
    assert lines[-1].startswith("provenance: 1 article(s) checked")
