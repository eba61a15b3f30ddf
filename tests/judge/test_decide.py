"""From figures to a verdict, and how a verdict explains itself: the model,
the ledger's bars, the rules method, and the reasons in the reports."""

import pytest

from provenance import Settings
from provenance.errors import ConfigError
from provenance.judge.decide import decide
from provenance.judge.pair import judge_pair
from provenance.judge.verdict_model import MODEL_CLASSES, VerdictModel, builtin_model
from provenance.model import COPY, INDEPENDENT, PARTIAL, REWRITE_VERDICT
from provenance.report import json as json_report
from provenance.report import text as text_report
from tests.helpers import CENTRAL_BANK as WIRE
from tests.helpers import tiny_model


def test_a_copy_is_explained_by_the_model(make_document):
    wire = make_document(WIRE, "wire")
    copy = make_document(WIRE.replace("on Thursday", "this week"), "copy")
    relation = judge_pair(wire, copy, source_id="wire")
    assert relation.verdict == COPY
    assert relation.verdict_model is not None and relation.verdict_model.label == "whole"
    assert relation.verdict_reasons[0].startswith("copy model: whole reuse")
    assert relation.verdict_reasons[-1].startswith("a copy:")


def test_ledger_raises_a_verdict_the_copying_does_not_show(make_document, seed_documents):
    # The seeds' paraphrase copies little: the model alone would not call it
    # whole reuse, the sentence ledger does.
    relation = judge_pair(seed_documents["002"], seed_documents["001"])
    assert relation.verdict == REWRITE_VERDICT
    assert relation.verdict_model.label != "whole"
    assert any(r.startswith("sentence alignment raises it to whole reuse") for r in relation.verdict_reasons)
    # A model that never sees reuse cannot lower what the ledger shows, and
    # without the ledger's evidence it stands.
    never = VerdictModel.from_dict(tiny_model(intercept=[9.0, 0.0, 0.0]))
    assert decide(relation.ledger, relation.scores, model=never)[0] == REWRITE_VERDICT
    strict = Settings(rewrite_min_matched=1.0, partial_min_matched=1.0)
    assert decide(relation.ledger, relation.scores, strict, model=never)[0] == INDEPENDENT


def test_ledger_partial_bars(make_document):
    wire = make_document(WIRE, "wire")
    # Two sentences copied into an article about something else.
    two = make_document(
        "Governor Anna Berg said inflation had stayed above target for too long. "
        "The currency rose two percent against the dollar after the announcement. "
        "In the high street, shoppers were more worried about the price of bread. "
        "A baker in Leeds said flour had doubled in price since the spring. "
        "Several cafes have cut their opening hours to save on heating. "
        "Local councils are preparing emergency funds for the winter months.", "two")
    relation = judge_pair(wire, two, source_id="wire")
    assert relation.verdict == PARTIAL
    never = VerdictModel.from_dict(tiny_model(intercept=[9.0, 0.0, 0.0]))
    three = Settings(partial_min_sentences=3)
    assert decide(relation.ledger, relation.scores, three, model=never)[0] == INDEPENDENT


def test_rules_method_needs_no_model(make_document):
    wire = make_document(WIRE, "wire")
    copy = make_document(WIRE, "copy")
    relation = judge_pair(wire, copy, Settings(verdict_method="rules"), source_id="wire")
    assert relation.verdict == COPY and relation.verdict_model is None
    assert relation.verdict_reasons[0].startswith("rules:")
    with pytest.raises(ConfigError, match="verdict_method"):
        Settings(verdict_method="oracle")


def test_reports_show_why(make_document):
    wire = make_document(WIRE, "wire")
    copy = make_document(WIRE, "copy")
    relation = judge_pair(wire, copy, source_id="wire")
    entry = json_report.relation_entry(relation, wire, copy)
    assert entry["verdict_reasons"] == list(relation.verdict_reasons)
    model = entry["verdict_model"]
    assert model["class"] == "whole" and set(model["probabilities"]) == set(MODEL_CLASSES)
    assert [c["feature"] for c in model["contributions"]] == list(builtin_model().features)
    assert {"run_coverage_1", "run_coverage_3", "run_coverage_8"} <= entry["scores"].keys()
    rules = judge_pair(wire, copy, Settings(verdict_method="rules"), source_id="wire")
    assert json_report.relation_entry(rules, wire, copy)["verdict_model"] is None
    rendered = text_report.render_compare(relation, wire, copy)
    assert "copy model" not in rendered  # the model's terms only with --explain
    explained = text_report.render_compare(relation, wire, copy, explain=True)
    assert "model: copy model: whole reuse" in " ".join(explained.split())
