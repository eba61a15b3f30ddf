"""Judging: one candidate pair oriented (which text is the source), aligned,
scored, given a verdict and checked for credit."""

from .decide import decide, has_evidence, matched_words, model_inputs, verdict
from .features import FeatureCache
from .pair import judge_oriented, judge_pair

__all__ = ["FeatureCache", "decide", "has_evidence", "judge_oriented", "judge_pair", "matched_words", "model_inputs",
           "verdict"]
