"""Check results as JSON."""

import json

from provenance.gate.check import check
from provenance.report import check_json
from tests.helpers import SEEDS, seed_id


def _others(*prefixes: str) -> list:
    return [next(SEEDS.glob(f"{p}_*.txt")) for p in prefixes]


def test_json_output_is_deterministic(wire_index):
    first = check_json.dumps(check(_others("000", "003"), index=str(wire_index)))
    second = check_json.dumps(check(_others("000", "003"), index=str(wire_index)))
    assert first == second
    data = json.loads(first)
    assert data["summary"] == {"result": "fail", "articles": 2, "failed": 1, "allowed": 0, "passed": 1}
    entry = data["articles"][0]
    assert entry["status"] == "fail" and entry["verdict"] == "copy" and entry["source"]["id"] == seed_id("002")
    assert entry["regions"][0]["start_line"] == 1 and entry["relation"]["sentences"]


def test_each_outcome_gives_the_scans_copied_figure_and_marks_its_evidence(wire_index):
    data = json.loads(check_json.dumps(check(_others("001", "002"), index=str(wire_index))))
    rewrite, wire = data["articles"]
    assert rewrite["copied"] == rewrite["relation"]["scores"]["run_coverage_3"] == 0.2961
    assert "30% copied word for word" in rewrite["reason"]
    assert wire["relation"] is None and wire["copied"] is None  # no source: no figure
    regions = rewrite["regions"]
    assert [r["start_line"] for r in regions] == sorted(r["start_line"] for r in regions)  # every span, in file order
    assert regions[0]["words"] == 2 and regions[0]["evidence"] is False  # "Dmitry Peskov"
    assert any(r["evidence"] for r in regions)
    assert all(r["words"] > 3 for r in regions if r["evidence"])
    assert data["schema_version"] == check_json.CHECK_SCHEMA_VERSION == "1.4"


def test_jsonl_lines_are_the_documents_entries(wire_index):
    result = check(_others("000", "003"), index=str(wire_index))
    lines = [json.loads(line) for line in check_json.dumps_lines(result).splitlines()]
    assert lines == json.loads(check_json.dumps(result))["articles"]
    assert [entry["copied"] for entry in lines] == [0.8492, lines[1]["relation"]["scores"]["run_coverage_3"]]
