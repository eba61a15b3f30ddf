"""Copied-run coverage, the verdict model (loading, validation, prediction)
and how a verdict explains itself, on small inline texts."""

import json
import math
from pathlib import Path

import pytest

from provenance import Settings
from provenance.errors import ConfigError
from provenance.model import COPY, INDEPENDENT, PARTIAL, REWRITE_VERDICT
from provenance.judge.features import FeatureCache
from provenance.judge.decide import decide
from provenance.judge.pair import judge_pair
from provenance.report import json as json_report
from provenance.report import text as text_report
from provenance import engine as engine_module
from provenance.judge.model import FEATURE_DESCRIPTIONS, MODEL_CLASSES, MODEL_FORMAT, VerdictModel, builtin_model
from provenance.judge.runs import body_tokens, run_coverages

REPO = Path(__file__).resolve().parent.parent

WIRE = (
    "The central bank raised its main interest rate by half a point on Thursday. "
    "Governor Anna Berg said inflation had stayed above target for too long. "
    "Markets had expected a smaller increase of a quarter point. "
    "The currency rose two percent against the dollar after the announcement. "
    "Economists warned that mortgage costs would climb sharply next year."
)


def reference_coverage(source, derived, n):
    """The definition, written the slow way."""
    grams = {tuple(source[k : k + n]) for k in range(len(source) - n + 1)}
    covered = [False] * len(derived)
    for k in range(len(derived) - n + 1):
        if tuple(derived[k : k + n]) in grams:
            covered[k : k + n] = [True] * n
    return sum(covered) / len(derived) if derived else 0.0


# --- copied-run coverage ------------------------------------------------------------


def test_run_coverage_counts_words_inside_shared_runs(coverage_engine):
    source = "a b c d e f g h".split()
    derived = "x a b c y d e z".split()
    got = run_coverages(source, derived, (1, 2, 3, 4))
    assert got[1] == 5 / 8  # a b c d e occur in the source; x y z do not
    assert got[2] == 5 / 8  # "a b", "b c", "d e"
    assert got[3] == 3 / 8  # "a b c"
    assert got[4] == 0.0


@pytest.fixture(params=["compiled", "sorted"])
def coverage_engine(request, monkeypatch):
    """Both ways of counting coverage: a compiled hash set, sorted run keys."""
    if request.param == "sorted":
        monkeypatch.setattr(engine_module, "_FORCED", ["numpy"])
    elif not engine_module.compiled_available():
        pytest.skip("numba is not installed")
    return request.param


@pytest.mark.parametrize("seed", range(5))
def test_run_coverage_matches_the_definition(seed, coverage_engine):
    import random

    rng = random.Random(seed)
    for _ in range(200):
        vocabulary = [f"w{i}" for i in range(rng.randint(1, 6))]
        source = [rng.choice(vocabulary) for _ in range(rng.randint(0, 25))]
        derived = [rng.choice(vocabulary) for _ in range(rng.randint(0, 25))]
        got = run_coverages(source, derived, (1, 2, 3, 5, 8))
        for n, value in got.items():
            assert value == pytest.approx(reference_coverage(source, derived, n), abs=1e-12)


def test_runs_cross_sentence_boundaries(make_document):
    source = make_document("He said the plan was dead. It would not return this year.", "s")
    derived = make_document("The plan was dead; it would not return this year, he said.", "d")
    # One run of ten words spans the source's two sentences; "he said" moved.
    got = run_coverages(body_tokens(source), body_tokens(derived), (8,))
    assert got[8] == pytest.approx(10 / 12)


def test_judge_pair_scores_hold_the_coverage(make_document):
    wire = make_document(WIRE, "wire")
    derived = make_document(
        "Governor Anna Berg said inflation had stayed above target for too long. "
        "Shoppers in Leeds told us bread had doubled in price.", "d")
    cache = FeatureCache()
    other = make_document("Markets had expected a smaller increase of a quarter point.", "o")
    judge_pair(wire, other, source_id="wire", features=cache)  # a shared cache changes nothing
    scores = judge_pair(wire, derived, source_id="wire", features=cache).scores
    expected = run_coverages(body_tokens(wire), body_tokens(derived), (1, 3, 8))
    assert (scores.run_coverage_1, scores.run_coverage_3, scores.run_coverage_8) == tuple(
        round(expected[n], 4) for n in (1, 3, 8))
    assert scores.run_coverage_8 == pytest.approx(12 / 22, abs=1e-4)


# --- the model --------------------------------------------------------------------------


def tiny_model(**changes):
    """A two-feature model: copying in 8+ runs pushes toward whole reuse."""
    data = {
        "format": MODEL_FORMAT,
        "features": ["run_coverage_8", "log_words"],
        "classes": ["independent", "partial", "whole"],
        "mean": [0.2, 5.0], "scale": [0.2, 1.0], "low": [0.0, 2.0], "high": [1.0, 8.0],
        "coef": [[-2.0, 0.0], [0.0, 0.5], [2.0, -0.5]],
        "intercept": [0.0, 0.2, 0.0],
    }
    data.update(changes)
    return data


def test_builtin_model_loads_and_documents_its_training():
    model = builtin_model()
    assert set(model.classes) == set(MODEL_CLASSES)
    assert set(model.features) <= set(FEATURE_DESCRIPTIONS)
    trained = model.about["trained"]
    assert trained["script"] == "benchmarks/train_verdict.py" and trained["n_docs"] > 0 and trained["commit"]
    assert model.about["cross_validation"]["model_alone"]["three_class"]["mean"] > 0
    # The file round-trips through the validator unchanged.
    path = REPO / "provenance" / "data" / "verdict_model.json"
    assert VerdictModel.from_dict(json.loads(path.read_text(encoding="utf-8"))) == model
    assert "data/*.json" in (REPO / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("change", "message"), [
    ({"format": "pickle"}, "format"),
    ({"features": ["run_coverage_8", "shoe_size"]}, "unknown feature 'shoe_size'"),
    ({"features": ["run_coverage_8", "run_coverage_8"]}, "twice"),
    ({"classes": ["independent", "whole", "whole"]}, "classes"),
    ({"mean": [0.2]}, "'mean' must be a list of 2 numbers"),
    ({"scale": [0.2, 0.0]}, "positive"),
    ({"coef": [[-2.0, 0.0], [0.0, 0.5]]}, "one row per class"),
    ({"coef": [[-2.0, 0.0], [0.0, float("nan")], [2.0, -0.5]]}, "finite"),
    ({"intercept": [0.0, "1", 0.0]}, "finite number"),
    ({"low": [0.5, 2.0], "high": [0.4, 8.0]}, "'low' must not exceed 'high'"),
])
def test_malformed_models_are_refused_with_the_reason(change, message):
    with pytest.raises(ConfigError, match=message):
        VerdictModel.from_dict(tiny_model(**change), "m.json")


def test_load_reports_unreadable_files(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read a verdict model"):
        VerdictModel.load(path)
    path.write_text(json.dumps(tiny_model()), encoding="utf-8")
    assert VerdictModel.load(path).features == ("run_coverage_8", "log_words")


def test_prediction_probabilities_and_contributions():
    model = VerdictModel.from_dict(tiny_model())
    prediction = model.predict({"run_coverage_8": 0.8, "log_words": 5.0})
    assert prediction.label == "whole" and prediction.runner_up == "partial"
    assert sum(p for _, p in prediction.probabilities) == pytest.approx(1.0)
    # Contributions add up to the margin of the chosen class over the runner-up.
    scores = {"independent": -2.0 * 3.0, "partial": 0.2, "whole": 2.0 * 3.0}
    margin = scores["whole"] - scores["partial"]
    assert sum(c for _, _, c in prediction.contributions) + (0.0 - 0.2) == pytest.approx(margin)
    assert dict((n, c) for n, _, c in prediction.contributions)["run_coverage_8"] == pytest.approx(6.0)


def test_inputs_are_clipped_to_the_training_range():
    model = VerdictModel.from_dict(tiny_model())
    far = model.predict({"run_coverage_8": 0.0, "log_words": 50.0})
    edge = model.predict({"run_coverage_8": 0.0, "log_words": 8.0})
    assert far.probabilities == edge.probabilities
    assert dict((n, v) for n, v, _ in far.contributions)["log_words"] == 50.0  # the raw value is reported
    with pytest.raises(ValueError, match="needs log_words"):
        model.predict({"run_coverage_8": 0.1})


# --- verdicts and their reasons ----------------------------------------------------------


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
    assert "because: copy model: whole reuse" in " ".join(rendered.split())


def test_schema_doc_lists_the_new_fields():
    doc = (REPO / "docs" / "json-schema.md").read_text(encoding="utf-8")
    for field in ("verdict_reasons", "verdict_model", "run_coverage_8", "contributions"):
        assert f"`{field}`" in doc
    assert math.isclose(float(doc.split("Current version: **")[1].split("**")[0]), 1.1)
