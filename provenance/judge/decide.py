"""From a pair's figures to its verdict, with the reasons a person can read.
"""

from __future__ import annotations

import math

from ..config import DEFAULT_SETTINGS, Settings
from ..model import (
    ADDED,
    COPY,
    OWN_PROSE,
    QUOTED,
    INDEPENDENT,
    PARTIAL,
    REWRITE_VERDICT,
    Ledger,
    Prediction,
    Scores,
)
from .verdict_model import INDEPENDENT as MODEL_INDEPENDENT
from .verdict_model import (
    MODEL_CLASSES,
    WHOLE,
    VerdictModel,
    builtin_model,
    describe_feature,
)
from .verdict_model import PARTIAL as MODEL_PARTIAL

#: The model's classes, weakest reuse first (verdict_model.MODEL_CLASSES).
_LEVEL = {label: rank for rank, label in enumerate(MODEL_CLASSES)}


def model_inputs(scores: Scores, words: int) -> dict[str, float]:
    """The figures a verdict model may read, from a pair's scores and the
    derived text's word count."""
    return {
        "run_coverage_1": scores.run_coverage_1,
        "run_coverage_3": scores.run_coverage_3,
        "run_coverage_8": scores.run_coverage_8,
        "log_words": math.log1p(words),
    }


def decide(
    ledger: Ledger, scores: Scores, settings: Settings = DEFAULT_SETTINGS, model: VerdictModel | None = None
) -> tuple[str, tuple[str, ...], Prediction | None]:
    """The verdict, the reasons for it, and the model's prediction.

    Under ``verdict_method="model"`` two kinds of evidence are weighed:

    * copying: the verdict model (trained on METER, where newspapers reuse
      wire copy mostly by copying it) reads how much of the text lies in
      runs copied from anywhere in the source, and its length, and names
      whole, partial or independent reuse;
    * paraphrase: the sentence ledger. A text can reuse its source while
      copying few runs (a paraphrase, a translation); the model cannot see
      that, so the ledger may raise its verdict -- to whole reuse when at
      least ``rewrite_min_matched`` of the words are in matched sentences, to
      partial when ``partial_min_matched`` of them and
      ``partial_min_sentences`` sentences are -- but its bars never lower it.

    Whole reuse is a ``copy`` when at least ``copy_min_verbatim`` of the
    words lie in copied runs of 3+ words, else a ``rewrite``.
    ``verdict_method="rules"`` uses the ledger's shares alone (:func:`verdict`).

    Under either method a verdict of reuse needs evidence to show
    (:func:`has_evidence`): a sentence the ledger matched, and words found in
    the source. Given that, the model may shade the verdict (whole or
    partial reuse, copy or rewrite); without it, a call of reuse -- the
    model's for a text's length alone, or the rules' with bars at 0 -- is
    set aside and the text is independent, with a reason saying so.
    """
    if settings.verdict.method == "rules":
        decided = verdict(ledger, settings)
        reasons = list(_rule_reasons(decided, ledger, settings))
        if decided != INDEPENDENT and not has_evidence(ledger, scores):
            reasons.append(_no_evidence_reason(ledger))
            decided = INDEPENDENT
        return decided, tuple(reasons), None
    words = sum(row.words for row in ledger.sentences)
    model = model if model is not None else builtin_model()
    prediction = model.predict(model_inputs(scores, words))
    reasons = [_model_reason(prediction, model)]
    if not has_evidence(ledger, scores):
        # Checked before the ledger may raise the verdict: bars set to 0
        # would otherwise raise it on nothing.
        if prediction.label != MODEL_INDEPENDENT:
            reasons.append(_no_evidence_reason(ledger))
        return INDEPENDENT, tuple(reasons), prediction
    level = prediction.label
    aligned = _alignment_level(ledger, settings)
    if _LEVEL[aligned] > _LEVEL[level]:
        level = aligned
        reasons.append(_alignment_reason(aligned, ledger, settings))
    if level == WHOLE:
        copied = scores.run_coverage_3
        if copied >= settings.verdict.copy_min_verbatim:
            reasons.append(f"a copy: {copied:.0%} of its words in copied runs of 3+ words "
                           f"(bar {settings.verdict.copy_min_verbatim:.0%})")
            return COPY, tuple(reasons), prediction
        reasons.append(f"a rewrite: {copied:.0%} of its words in copied runs of 3+ words "
                       f"(copy bar {settings.verdict.copy_min_verbatim:.0%})")
        return REWRITE_VERDICT, tuple(reasons), prediction
    return (PARTIAL if level == MODEL_PARTIAL else INDEPENDENT), tuple(reasons), prediction


def matched_words(ledger: Ledger) -> int:
    """Words of the derived text in sentences that reuse the source's own
    prose (verbatim or rewrite; a shared quotation is not such reuse)."""
    return sum(row.words for row in ledger.sentences if row.label in OWN_PROSE)


def has_evidence(ledger: Ledger, scores: Scores) -> bool:
    """Whether a pair shows anything taken: the least a verdict of reuse needs.

    Two things, both of which a report can point at: at least one sentence
    of the derived text that reuses the source's own prose
    (``matched_words`` above 0: verbatim or rewrite, the sentences a report
    marks as taken; quotations both texts share are evidence of the same
    story, not of reuse), and at least one of its words
    found in the source (``run_coverage_1`` above 0). A length prior or a
    scatter of common words is no evidence; one matched sentence is the
    least there is to show, and the model may then weigh how much more.
    On METER courts the fewest matched words of any other reuse verdict is
    11 (a two-sentence brief), so a floor of up to 11 words would change
    nothing there; one sentence is the floor that needs no tuning.
    """
    return matched_words(ledger) > 0 and scores.run_coverage_1 > 0


def _no_evidence_reason(ledger: Ledger) -> str:
    """Why a call of reuse was set aside (see :func:`has_evidence`)."""
    if matched_words(ledger) == 0:
        quoted = sum(1 for row in ledger.sentences if row.label == QUOTED)
        missing = (f"it shares {quoted} quotation{'s' if quoted != 1 else ''} with the source but none of the "
                   "source's own prose" if quoted else "none of its sentences matches the source")
    else:
        missing = "none of its words occurs in the source"
    return f"set aside: {missing}, and a verdict of reuse needs matched words"


def _alignment_level(ledger: Ledger, settings: Settings) -> str:
    """Whole reuse counts every matched sentence (a text that takes the
    source's quotations with the rest of it is whole reuse); partial reuse
    counts only the source's own prose (verbatim and rewrite sentences)."""
    if ledger.matched_share >= settings.verdict.rewrite_min_matched:
        return WHOLE
    if (ledger.own_prose_share >= settings.verdict.partial_min_matched
            and ledger.own_prose_sentences >= settings.verdict.partial_min_sentences):
        return MODEL_PARTIAL
    return MODEL_INDEPENDENT


_REUSE = {WHOLE: "whole reuse", MODEL_PARTIAL: "partial reuse", MODEL_INDEPENDENT: "no reuse"}


def _model_reason(prediction: Prediction, model: VerdictModel) -> str:
    """'copy model: partial reuse (p 0.62, no reuse 0.30); weighed most: ...'
    with the two figures that moved the margin over the runner-up most, each
    beside its mean in training."""
    label, other = prediction.label, prediction.runner_up
    head = (f"copy model: {_REUSE[label]} (p {prediction.probability(label):.2f}, "
            f"{_REUSE[other]} {prediction.probability(other):.2f})")
    means = dict(zip(model.features, model.mean))
    ranked = sorted(prediction.contributions, key=lambda c: (-abs(c[2]), c[0]))[:2]
    # (A contribution under 0.05 would print as +0.0: not worth naming.)
    weighed = [f"{describe_feature(name, value)} (mean {_mean_text(name, means[name])}) {c:+.1f}"
               for name, value, c in ranked if abs(c) >= 0.05]
    return head + ("; weighed most: " + ", ".join(weighed) if weighed else "")


def _mean_text(name: str, mean: float) -> str:
    return f"{round(math.expm1(mean))}" if name == "log_words" else f"{mean:.0%}"


def _alignment_reason(level: str, ledger: Ledger, settings: Settings) -> str:
    matched = ledger.matched_share
    if level == WHOLE:
        return (f"sentence alignment raises it to whole reuse: {matched:.0%} of its words in matched "
                f"sentences (bar {settings.verdict.rewrite_min_matched:.0%})")
    return (f"sentence alignment raises it to partial reuse: {ledger.own_prose_sentences} sentences taken from "
            f"the source's own prose with {ledger.own_prose_share:.0%} of its words (bars "
            f"{settings.verdict.partial_min_sentences} and {settings.verdict.partial_min_matched:.0%})")


def _rule_reasons(decided: str, ledger: Ledger, settings: Settings) -> tuple[str, ...]:
    return (f"rules: {ledger.matched_share:.0%} of its words in matched sentences, "
            f"{ledger.verbatim_word_share:.0%} copied word for word, {ledger.matched_sentences} sentences matched",)


def verdict(ledger: Ledger, settings: Settings = DEFAULT_SETTINGS) -> str:
    """copy / rewrite / partial / independent from the ledger's shares alone
    (``verdict_method="rules"``); independent when no sentence matched,
    whatever the bars."""
    if matched_words(ledger) == 0:
        return INDEPENDENT
    matched = ledger.matched_share
    if matched >= settings.verdict.copy_min_matched and ledger.verbatim_word_share >= settings.verdict.copy_min_verbatim:
        return COPY
    if matched >= settings.verdict.rewrite_min_matched:
        return REWRITE_VERDICT
    if (ledger.own_prose_share >= settings.verdict.partial_min_matched
            and ledger.own_prose_sentences >= settings.verdict.partial_min_sentences):
        return PARTIAL
    return INDEPENDENT
