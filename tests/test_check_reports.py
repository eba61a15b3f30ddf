"""CI outputs of check: SARIF and JUnit valid against their schemas, hostile
article text escaped, GitHub commands escaped, regions placed in the file."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from conftest import SEEDS, seed_id

from provenance import read_articles
from provenance.gate.policy import Policy, parse_allow
from provenance.gate.check import check, check_articles
from provenance.index import open_index
from provenance.report import github, junit, sarif
from provenance.report.regions import locate

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema not installed: pip install -e '.[test]'")
xmlschema = pytest.importorskip("xmlschema", reason="xmlschema not installed: pip install -e '.[test]'")

# Article text written to break naive XML and workflow commands: markup,
# entities, CDATA terminators, characters XML 1.0 forbids.
HOSTILE = (
    'MOSCOW <script>alert("x")</script> & ]]> \x01\x0b\x1f \ufffe %0A ::error:: a, b: c\r\n'
)


def seed(prefix: str):
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="module")
def seed_result(wire_index):
    return check([seed(p) for p in ("000", "001", "003", "004")], index=str(wire_index))


@pytest.fixture(scope="module")
def hostile_result(wire_index, tmp_path_factory):
    """The seed copy, as JSON lines, with hostile text in its id, outlet and
    body; plus a clean copy and an allowed one."""
    copy = seed("000").read_text(encoding="utf-8")
    folder = tmp_path_factory.mktemp("hostile")
    feed = folder / "feed <&>.jsonl"
    records = [
        {"id": "evil\r\n" + HOSTILE.strip(), "outlet": "Evil & <Co>", "text": HOSTILE + copy + "\n" + HOSTILE},
        {"id": "clean", "text": copy},
        {"id": "licensed", "outlet": "Partner", "text": copy},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    policy = Policy(allow=parse_allow("Partner -> Reuters"))
    return check([feed], index=str(wire_index), policy=policy)


@pytest.fixture(scope="module")
def sarif_validator(schemas_dir):
    schema = json.loads((schemas_dir / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def junit_schema(schemas_dir):
    return xmlschema.XMLSchema(str(schemas_dir / "junit.xsd"))


def test_sarif_is_valid_and_has_one_result_per_violation(seed_result, sarif_validator):
    document = json.loads(sarif.dumps(seed_result))
    assert list(sarif_validator.iter_errors(document)) == []
    run = document["runs"][0]
    assert [r["properties"]["article"] for r in run["results"]] == [seed_id("000"), seed_id("001")]
    first = run["results"][0]
    assert first["ruleId"] == "uncredited-copy"
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "uncredited-copy"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith(f"{seed_id('000')}.txt")
    assert len(first["relatedLocations"]) > 5


def test_sarif_regions_point_at_the_copied_text_in_the_file(seed_result):
    document = json.loads(sarif.dumps(seed_result))
    lines = seed("000").read_text(encoding="utf-8").splitlines()
    for related in document["runs"][0]["results"][0]["relatedLocations"]:
        region = related["physicalLocation"]["region"]
        if region["startLine"] == region["endLine"]:
            line = lines[region["startLine"] - 1]
            assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == region["snippet"]["text"]
        assert "source sentence" in related["message"]["text"]


def test_regions_span_hard_wrapped_lines(seed_result):
    # 000 is hard-wrapped: "the Washington\nPost on Sunday, citing ..." is one copied run.
    outcome = seed_result.articles[0]
    location = locate(outcome.article, outcome.document, outcome.relation)
    wrapped = [r for r in location.regions if r.start_line != r.end_line]
    assert wrapped
    raw = outcome.article.text.splitlines(keepends=True)
    for region in wrapped:
        start = sum(len(line) for line in raw[: region.start_line - 1]) + region.start_column - 1
        assert outcome.article.text[start : start + len(region.text)] == region.text
        assert "\n" in region.text


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


def test_hostile_text_yields_valid_sarif(hostile_result, sarif_validator):
    text = sarif.dumps(hostile_result)
    document = json.loads(text)
    assert list(sarif_validator.iter_errors(document)) == []
    results = document["runs"][0]["results"]
    assert len(results) == 2  # the licensed article is not a result
    # JSONL articles are located at their line
    assert [r["locations"][0]["physicalLocation"]["region"] for r in results] == [{"startLine": 1}, {"startLine": 2}]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("feed%20%3C%26%3E.jsonl")


def test_github_commands_escape_data_and_properties(hostile_result):
    text = github.render(hostile_result)
    assert len(text.splitlines()) == 4  # two errors, one notice, one summary: no stray line breaks
    lines = text.split("\n")[:-1]
    error = lines[0]
    assert error.startswith("::error file=") and ",line=1," in error
    header, message = error[2:].split("::", 1)
    assert "\r" not in error and "\n" not in error
    assert "%250A" in message  # "%" escaped first
    assert "evil\\r\\n" in message  # the id's CR LF reached here as visible escapes
    assert "::error::" in message  # data keeps ':' ...
    title = header.split("title=", 1)[1]
    assert title == "provenance%3A uncredited copy"  # ... properties escape ':' and ','
    assert lines[2].startswith("::notice ") and "(licensed)" in lines[2]


@pytest.mark.parametrize(("raw", "data", "prop"), [
    ("50% off", "50%25 off", "50%25 off"),
    ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
    ("x: y, z", "x: y, z", "x%3A y%2C z"),
    ("a\x0bb\u2028c", "a b c", "a b c"),
])
def test_github_escaping(raw, data, prop):
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop


def test_outputs_are_deterministic(wire_index):
    inputs = [seed("000"), seed("003")]
    with open_index(str(wire_index)) as index:
        articles = read_articles(inputs)
        first = check_articles(articles, index=index)
        second = check_articles(articles, index=index)
    for render in (sarif.dumps, junit.dumps, github.render):
        assert render(first) == render(second)


def test_xml_safe_drops_what_xml_forbids():
    from provenance.report.xmltext import xml_safe

    assert xml_safe("a\x00b\x08c\x0bd\ud800e\ufffff\ttab\nline\U0001F600") == "abcdef\ttab\nline\U0001F600"


def test_a_lone_surrogate_in_json_is_an_input_error(tmp_path, wire_index):
    from click.testing import CliRunner

    from provenance.cli import cli

    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "Kremlin denies it. \\ud800 Really."}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--index", str(wire_index), str(feed)])
    assert result.exit_code == 3
    assert result.stderr == f"error: {feed}:1: 'text' holds a lone surrogate U+D800 (an invalid \\u escape in JSON): not valid Unicode text\n"
    result = CliRunner().invoke(cli, ["index", "add", "--index", str(tmp_path / "i.db"), str(feed)])
    assert result.exit_code == 3 and "lone surrogate" in result.stderr
