"""Golden files for the seeds reports. After an intended change, regenerate
with ``PROVENANCE_UPDATE_GOLDEN=1 python -m pytest tests/test_report.py`` and
review the diff."""

import json
import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.report import SCHEMA_VERSION
from provenance.report import json as json_report
from provenance.report import text as text_report

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, rendered: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PROVENANCE_UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; set PROVENANCE_UPDATE_GOLDEN=1 to create it"
    assert rendered == path.read_text(encoding="utf-8")


def relative_origins(document: dict) -> dict:
    # Origins are paths as given; make them independent of where the repo lives.
    for article in document["articles"]:
        article["origin"] = Path(article["origin"]).name
    return document


def test_seeds_text_report_golden(seed_scan):
    check_golden("seeds.txt", text_report.render_scan(seed_scan, show_all=True))


def test_seeds_json_report_golden(seed_scan):
    document = relative_origins(json_report.scan_document(seed_scan))
    check_golden("seeds.json", json_report.dumps(document))


def test_json_has_the_documented_top_level_shape(seed_scan):
    document = json_report.scan_document(seed_scan)
    assert document["schema_version"] == SCHEMA_VERSION
    assert {"articles", "clusters", "relations", "problems"} <= document.keys()
    relation = document["relations"][0]
    assert {"source", "derived", "verdict", "credited", "scores", "sentences", "dropped"} <= relation.keys()
    sentence = relation["sentences"][0]
    assert {"text", "label", "source_indexes", "score", "verbatim_spans"} <= sentence.keys()
    json.loads(json_report.dumps(document))


@pytest.mark.parametrize("key", ["schema_version", "articles", "clusters", "relations"])
def test_schema_doc_mentions_every_top_level_field(key):
    doc = (Path(__file__).parent.parent / "docs" / "json-schema.md").read_text(encoding="utf-8")
    assert f"`{key}`" in doc


@given(st.lists(st.text(alphabet="ab-.é’ \t\xa0\u3000\u2028\x85\x1c", min_size=0, max_size=40)
                | st.text(alphabet="ab", min_size=60, max_size=99),
                max_size=30),
       st.text(alphabet="x ", max_size=50))
@settings(max_examples=1000, deadline=None)
def test_the_fast_word_wrap_is_textwraps(words, head):
    """The text report wraps most lines itself; when it does, the lines are
    textwrap's to the character."""
    text = " ".join(words)
    head = head + ": "
    hanging = len(head) - len(head.lstrip()) + 4
    indent = " " * min(len(head), hanging + 8)
    want = textwrap.fill(text, width=text_report._WIDTH, initial_indent=head, subsequent_indent=indent,
                         break_on_hyphens=False)
    assert text_report._wrapped(head, text) == want
    fast = text_report._fill_words(text, head, indent)
    assert fast is None or fast == want


@pytest.mark.parametrize("slack", [-1, 0, 1])
def test_a_line_that_fills_its_width_exactly_wraps_as_textwrap_does(slack):
    head, indent = "  verdict: ", " " * 6
    first = "a" * (text_report._WIDTH - len(head) - 5 + slack)  # with " bbbb": the width, one under, one over
    text = f"{first} bbbb " + " ".join(["c" * 9] * 30)
    want = textwrap.fill(text, width=text_report._WIDTH, initial_indent=head, subsequent_indent=indent,
                         break_on_hyphens=False)
    assert text_report._fill_words(text, head, indent) == want


def test_a_word_too_long_for_its_line_is_left_to_textwrap():
    """textwrap breaks a word longer than the line it falls on, even where
    the next line would hold it whole."""
    head = "x" * 18 + ": "
    hanging = len(head) - len(head.lstrip()) + 4
    indent = " " * min(len(head), hanging + 8)
    text = "a " + "b" * 81 + " c"
    want = textwrap.fill(text, width=text_report._WIDTH, initial_indent=head, subsequent_indent=indent,
                         break_on_hyphens=False)
    assert text_report._wrapped(head, text) == want
    assert text_report._fill_words(text, head, indent) in (None, want)
