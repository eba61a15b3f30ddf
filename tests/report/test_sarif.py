"""SARIF 2.1.0 output of check: valid against its schema, one result per
violation, regions on the copied text, hostile text escaped; and the CI
outputs are deterministic."""

import json

from provenance import read_articles
from provenance.gate.check import check_articles
from provenance.index import open_index
from provenance.report import github, junit, sarif
from provenance.report.regions import is_evidence, locate
from tests.helpers import seed, seed_id


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


def test_sarif_results_are_anchored_on_evidence_longest_first(seed_result):
    document = json.loads(sarif.dumps(seed_result))
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://pypi.org/project/provenance-news/"
    rewrite = next(r for r in document["runs"][0]["results"] if r["properties"]["article"] == seed_id("001"))
    snippets = [related["physicalLocation"]["region"]["snippet"]["text"] for related in rewrite["relatedLocations"]]
    assert all(is_evidence(text) for text in snippets) and "Dmitry Peskov" not in snippets
    anchor = rewrite["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
    assert anchor == snippets[0] and anchor == "into Ukraine in 2022, after years of fighting in"
    assert [related["id"] for related in rewrite["relatedLocations"]] == list(range(1, len(snippets) + 1))
    outcome = next(o for o in seed_result.articles if o.document.id == seed_id("001"))
    assert len(snippets) == len(locate(outcome.article, outcome.document, outcome.relation).evidence)
    assert rewrite["properties"]["copied"] == outcome.relation.scores.run_coverage_3
    assert "copiedWords" not in rewrite["properties"]
    assert "30% copied word for word" in rewrite["message"]["text"]


def test_hostile_text_yields_valid_sarif(hostile_result, sarif_validator):
    text = sarif.dumps(hostile_result)
    document = json.loads(text)
    assert list(sarif_validator.iter_errors(document)) == []
    results = document["runs"][0]["results"]
    assert len(results) == 2  # the licensed article is not a result
    # JSONL articles are located at their line
    assert [r["locations"][0]["physicalLocation"]["region"] for r in results] == [{"startLine": 1}, {"startLine": 2}]
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("feed%20%3C%26%3E.jsonl")


def test_outputs_are_deterministic(wire_index):
    inputs = [seed("000"), seed("003")]
    with open_index(str(wire_index)) as index:
        articles = read_articles(inputs)
        first = check_articles(articles, index=index)
        second = check_articles(articles, index=index)
    for render in (sarif.dumps, junit.dumps, github.render):
        assert render(first) == render(second)
