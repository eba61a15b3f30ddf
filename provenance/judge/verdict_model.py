"""The verdict model: a multinomial logistic regression over a pair's
figures, its coefficients shipped as JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..model import Prediction

#: Classes a verdict model may predict, weakest reuse first.
WHOLE = "whole"


PARTIAL = "partial"


INDEPENDENT = "independent"


MODEL_CLASSES = (INDEPENDENT, PARTIAL, WHOLE)


MODEL_FORMAT = "provenance-verdict-model/1"


#: Free-form parts of a model file kept with it: how it was trained, how it
#: cross-validated, the ledger bars chosen with it.
ABOUT_KEYS = ("note", "trained", "cross_validation", "ledger_bars")


BUILTIN_MODEL = "verdict_model.json"


#: Figures a model may read, with how a report names them.
FEATURE_DESCRIPTIONS = {
    "run_coverage_1": "of its words occur in the source",
    "run_coverage_3": "of its words in copied runs of 3+ words",
    "run_coverage_8": "of its words in copied runs of 8+ words",
    "log_words": "words long",
}


@dataclass(frozen=True)
class VerdictModel:
    """A multinomial logistic regression stored as plain numbers."""

    features: tuple[str, ...]
    classes: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    #: The range of each feature in training; inputs are clipped to it so
    #: the model never extrapolates.
    low: tuple[float, ...]
    high: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]
    #: How it was trained and how well it did (free-form, for reports).
    about: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_dict(cls, data: Any, origin: str = "verdict model") -> VerdictModel:
        """Validate and build; a malformed model raises ConfigError naming the problem."""

        def bad(what: str) -> ConfigError:
            return ConfigError(f"{origin}: {what}")

        if not isinstance(data, dict):
            raise bad("expected a JSON object")
        if data.get("format") != MODEL_FORMAT:
            raise bad(f"format is {data.get('format')!r}, expected {MODEL_FORMAT!r}")
        features = data.get("features")
        if not isinstance(features, list) or not features or not all(isinstance(f, str) for f in features):
            raise bad("'features' must be a non-empty list of names")
        unknown = [f for f in features if f not in FEATURE_DESCRIPTIONS]
        if unknown:
            raise bad(f"unknown feature {unknown[0]!r}; known: {', '.join(FEATURE_DESCRIPTIONS)}")
        if len(set(features)) != len(features):
            raise bad("'features' names a feature twice")
        classes = data.get("classes")
        if not isinstance(classes, list) or sorted(classes) != sorted(MODEL_CLASSES):
            raise bad(f"'classes' must hold {', '.join(MODEL_CLASSES)} once each")
        k, m = len(classes), len(features)

        def vector(name: str, size: int) -> tuple[float, ...]:
            values = data.get(name)
            if not isinstance(values, list) or len(values) != size:
                raise bad(f"'{name}' must be a list of {size} numbers")
            out = []
            for v in values:
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                    raise bad(f"'{name}' holds {v!r}, not a finite number")
                out.append(float(v))
            return tuple(out)

        coef = data.get("coef")
        if not isinstance(coef, list) or len(coef) != k:
            raise bad(f"'coef' must hold one row per class ({k})")
        rows = []
        for row in coef:
            rows.append(_row(row, m, bad))
        scale = vector("scale", m)
        if any(s <= 0 for s in scale):
            raise bad("'scale' values must be positive")
        low, high = vector("low", m), vector("high", m)
        if any(lo > hi for lo, hi in zip(low, high)):
            raise bad("'low' must not exceed 'high'")
        return cls(
            features=tuple(features), classes=tuple(classes), mean=vector("mean", m), scale=scale,
            low=low, high=high, coef=tuple(rows), intercept=vector("intercept", k),
            about={key: data[key] for key in ABOUT_KEYS if key in data},
        )

    @classmethod
    def load(cls, path: str | Path) -> VerdictModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read a verdict model: {exc}") from None
        return cls.from_dict(data, str(path))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "features": list(self.features),
            "classes": list(self.classes),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "low": list(self.low),
            "high": list(self.high),
            "coef": [list(row) for row in self.coef],
            "intercept": list(self.intercept),
            **dict(self.about),
        }

    def predict(self, values: Mapping[str, float]) -> Prediction:
        """The most likely class for the figures ``values`` (one per feature)."""
        missing = [f for f in self.features if f not in values]
        if missing:
            raise ValueError(f"verdict model needs {', '.join(missing)}")
        raw = [float(values[f]) for f in self.features]
        z = [(min(max(x, lo), hi) - mu) / s for x, lo, hi, mu, s in zip(raw, self.low, self.high, self.mean, self.scale)]
        scores = [b + sum(w * v for w, v in zip(row, z)) for row, b in zip(self.coef, self.intercept)]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        order = sorted(range(len(scores)), key=lambda c: (-scores[c], c))
        best, second = order[0], order[1]
        contributions = tuple(
            (name, x, (self.coef[best][i] - self.coef[second][i]) * z[i])
            for i, (name, x) in enumerate(zip(self.features, raw))
        )
        return Prediction(
            label=self.classes[best],
            probabilities=tuple((c, e / total) for c, e in zip(self.classes, exp)),
            contributions=contributions,
            runner_up=self.classes[second],
        )


def _row(row: Any, size: int, bad) -> tuple[float, ...]:
    if not isinstance(row, list) or len(row) != size:
        raise bad(f"each 'coef' row must be a list of {size} numbers")
    for v in row:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise bad(f"'coef' holds {v!r}, not a finite number")
    return tuple(float(v) for v in row)


@lru_cache(maxsize=1)
def builtin_model() -> VerdictModel:
    """The model shipped with the package (``provenance/data/verdict_model.json``)."""
    resource = resources.files("provenance").joinpath("data", BUILTIN_MODEL)
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:  # pragma: no cover - a broken installation
        raise ConfigError(f"the package's verdict model cannot be read: {exc}") from None
    return VerdictModel.from_dict(data, f"provenance/data/{BUILTIN_MODEL}")


def describe_feature(name: str, value: float) -> str:
    """A figure as a report line shows it: '41% of its words in copied runs of 8+ words'."""
    if name == "log_words":
        return f"{round(math.expm1(value))} {FEATURE_DESCRIPTIONS[name]}"
    return f"{value:.0%} {FEATURE_DESCRIPTIONS[name]}"
