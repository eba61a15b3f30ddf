"""Check results for the CI renderers' tests (SARIF, JUnit, GitHub, regions)
and the schemas they are validated against."""

from __future__ import annotations

import json

import pytest

from provenance.gate.check import check
from provenance.gate.policy import Policy, parse_allow
from tests.helpers import REPO, SEEDS, seed

# Article text written to break naive XML and workflow commands: markup,
# entities, CDATA terminators, characters XML 1.0 forbids.
HOSTILE = (
    'MOSCOW <script>alert("x")</script> & ]]> \x01\x0b\x1f \ufffe %0A ::error:: a, b: c\r\n'
)


@pytest.fixture(scope="session")
def seed_result(wire_index):
    return check([seed(p) for p in ("000", "001", "003", "004")], index=str(wire_index))


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def sarif_validator(schemas_dir):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema not installed: pip install -e '.[test]'")
    schema = json.loads((schemas_dir / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="session")
def junit_schema(schemas_dir):
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema not installed: pip install -e '.[test]'")
    return xmlschema.XMLSchema(str(schemas_dir / "junit.xsd"))


@pytest.fixture(scope="session")
def within_seeds():
    """``provenance check --within seeds/*.txt`` run from the repository root,
    so the paths in the output are the relative ones a CI job gives."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        return check(sorted(p.relative_to(REPO) for p in SEEDS.glob("*.txt")), within=True)


@pytest.fixture(scope="session")
def skipped_result(wire_index):
    """A check of the seed copy given twice: read once, and the second
    passed over (``skipped``), which every format must end with."""
    copy = seed("000")
    return check([copy, copy], index=str(wire_index))
