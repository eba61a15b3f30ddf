"""The verdict model: the built-in one documents its training, malformed
models are refused with the reason, predictions explain themselves."""

import json

import pytest

from provenance.errors import ConfigError
from provenance.judge.verdict_model import (
    FEATURE_DESCRIPTIONS,
    MODEL_CLASSES,
    VerdictModel,
    builtin_model,
)
from tests.helpers import REPO, tiny_model


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
