"""The JSON report: the seeds' golden file, the documented shape and schema
doc, and deterministic output that round-trips."""

import json
from pathlib import Path

import pytest

from provenance import Article
from provenance.pipeline.scan import scan_articles
from provenance.report import SCHEMA_VERSION
from provenance.report import json as json_report
from tests.helpers import FAST, REPO, TEXT, check_golden
from tests.hypothesis_or_skip import given, st


def relative_origins(document: dict) -> dict:
    # Origins are paths as given; make them independent of where the repo lives.
    for article in document["articles"]:
        article["origin"] = Path(article["origin"]).name
    return document


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


def test_each_relation_gives_the_one_measure_of_copying(seed_scan):
    """"copied", as every report names it: the share of the derived text's words in
    passages of three or more words copied word for word."""
    document = json_report.scan_document(seed_scan)
    for relation in document["relations"]:
        assert relation["copied"] == relation["scores"]["run_coverage_3"]
        assert list(relation)[list(relation).index("verdict") + 1] == "copied"
    copy = next(r for r in document["relations"] if r["verdict"] == "copy")
    assert copy["copied"] == 0.8492


@pytest.mark.parametrize("key", ["schema_version", "articles", "clusters", "relations"])
def test_schema_doc_mentions_every_top_level_field(key):
    doc = (REPO / "docs" / "json-schema.md").read_text(encoding="utf-8")
    assert f"`{key}`" in doc


def test_schema_doc_lists_the_new_fields():
    doc = (REPO / "docs" / "json-schema.md").read_text(encoding="utf-8")
    for field in ("verdict_reasons", "verdict_model", "run_coverage_8", "contributions", "copied",
                  "author", "encoding", "guid", "version", "status"):
        assert f"`{field}`" in doc
    from provenance.report import SCHEMA_VERSION

    assert doc.split("Current version: **")[1].split("**")[0] == SCHEMA_VERSION == "1.4"


@FAST
@given(st.lists(TEXT, min_size=1, max_size=4))
def test_scan_json_round_trips_and_is_deterministic(texts):
    articles = [Article(id=f"t{i}", text=t) for i, t in enumerate(texts)]
    first = json_report.dumps(json_report.scan_document(scan_articles(articles)))
    second = json_report.dumps(json_report.scan_document(scan_articles(articles)))
    assert first == second
    assert json_report.dumps(json.loads(first)) == first
