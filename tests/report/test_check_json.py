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
