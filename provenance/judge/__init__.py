"""Judging: one candidate pair oriented (which text is the source), aligned,
scored, given a verdict and checked for credit."""

from .decide import decide, model_inputs, verdict
from .features import FeatureCache
from .pair import judge_oriented, judge_pair

__all__ = ["FeatureCache", "decide", "judge_oriented", "judge_pair", "model_inputs", "verdict"]
