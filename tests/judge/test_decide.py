"""From figures to a verdict, and how a verdict explains itself: the model,
the ledger's bars, the rules method, and the reasons in the reports."""

import dataclasses

import pytest

from provenance import Settings
from provenance.errors import ConfigError
from provenance.judge.decide import decide, has_evidence, matched_words
from provenance.judge.pair import judge_pair
from provenance.judge.verdict_model import MODEL_CLASSES, VerdictModel, builtin_model
from provenance.model import ADDED, COPY, INDEPENDENT, PARTIAL, REWRITE_VERDICT
from provenance.report import json as json_report
from provenance.report import text as text_report
from tests.helpers import CENTRAL_BANK as WIRE
from tests.helpers import SENTENCE, WORDS, doc, tiny_model
from tests.hypothesis_or_skip import HealthCheck, example, given, settings, st


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
    # Every one of its sentences is matched; without its weakest match, bars
    # it cannot reach leave it independent.
    rows = relation.ledger.sentences
    weakest = min(rows, key=lambda row: row.score)
    fewer = dataclasses.replace(relation.ledger, sentences=tuple(
        dataclasses.replace(row, label=ADDED, source_indexes=(), verbatim_spans=(), verbatim_share=0.0)
        if row is weakest else row for row in rows))
    strict = Settings(rewrite_min_matched=1.0, partial_min_matched=1.0)
    assert decide(fewer, relation.scores, strict, model=never)[0] == INDEPENDENT


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


# --- a verdict of reuse needs matched words ---------------------------------------------

#: 14 words whose every word is in WIRE, in one sentence close to none of
#: WIRE's: the built-in model calls it whole reuse for its length, and the
#: ledger matches no sentence.
SHORT_BRIEF = "The governor said markets rose after the bank raised the rate by a point."

#: A model that calls everything whole reuse: a prior with nothing behind it.
ALWAYS_WHOLE = VerdictModel.from_dict(tiny_model(intercept=[0.0, 0.0, 9.0]))

#: Bars at their lowest: the ledger would raise any pair if nothing stopped it.
NO_BARS = Settings(rewrite_min_matched=0.0, partial_min_matched=0.0, partial_min_sentences=1,
                   copy_min_matched=0.0, copy_min_verbatim=0.0)

REUSE = (COPY, REWRITE_VERDICT, PARTIAL)


def assert_backed(verdict, reasons, prediction, ledger, scores, settings=Settings()):
    """The verdict and its reasons cite no reuse that the ledger lacks."""
    words = matched_words(ledger)
    if verdict in REUSE:
        assert words > 0 and ledger.matched_sentences > 0 and scores.run_coverage_1 > 0
    else:
        assert not any(r.startswith(("a copy:", "a rewrite:", "sentence alignment raises")) for r in reasons)
        if prediction is not None and prediction.label != "independent":
            # The model called it reuse: the reasons say why that does not stand.
            assert reasons[-1].startswith("set aside:")
    for reason in reasons:
        if reason.startswith("sentence alignment raises it to whole reuse"):
            assert f": {ledger.matched_share:.0%} of its words in matched sentences" in reason
            assert ledger.matched_share >= settings.verdict.rewrite_min_matched
        if reason.startswith("sentence alignment raises it to partial reuse"):
            assert (f": {ledger.own_prose_sentences} sentences taken from the source's own prose with "
                    f"{ledger.own_prose_share:.0%}") in reason
        if reason.startswith(("a copy:", "a rewrite:")):
            assert verdict == (COPY if reason.startswith("a copy:") else REWRITE_VERDICT)
            assert reason.split(":")[1].strip().startswith(f"{scores.run_coverage_3:.0%} ")
        if reason.startswith("set aside:"):
            assert verdict == INDEPENDENT and not has_evidence(ledger, scores)


def test_a_short_text_is_not_reuse_for_its_length_alone(make_document):
    wire = make_document(WIRE, "wire")
    relation = judge_pair(wire, make_document(SHORT_BRIEF, "brief"), source_id="wire")
    # The model alone would call it whole reuse: it is short, and every word is in the wire.
    assert relation.verdict_model.label == "whole" and relation.scores.run_coverage_1 == 1.0
    assert relation.ledger.matched_sentences == 0
    assert relation.verdict == INDEPENDENT
    assert relation.verdict_reasons[-1] == ("set aside: none of its sentences matches the source, "
                                            "and a verdict of reuse needs matched words")
    assert_backed(relation.verdict, relation.verdict_reasons, relation.verdict_model, relation.ledger,
                  relation.scores)


def test_every_way_of_judging_holds_the_rule():
    from provenance import Article, check_articles, compare, scan_articles

    wire = Article(id="wire", text=WIRE, outlet="Reuters", published="2024-03-01")
    brief = Article(id="brief", text=SHORT_BRIEF, published="2024-03-02")
    compared, _, _ = compare(wire, brief)
    scanned = scan_articles([wire, brief]).relation("brief")
    checked = next(a for a in check_articles([wire, brief], within=True).articles if a.article.id == "brief")
    for relation in (compared, scanned, checked.relation):
        assert (relation.source, relation.verdict) == ("wire", INDEPENDENT)
        assert relation.verdict_reasons[-1].startswith("set aside:")
    assert checked.status == "pass"


def test_no_prior_and_no_bar_makes_reuse_from_nothing(make_document):
    wire = make_document(WIRE, "wire")
    relation = judge_pair(wire, make_document(SHORT_BRIEF, "brief"), source_id="wire")
    for chosen in (Settings(), NO_BARS, Settings(verdict_method="rules"),
                   Settings(verdict_method="rules", rewrite_min_matched=0.0, copy_min_matched=0.0,
                            copy_min_verbatim=0.0, partial_min_matched=0.0, partial_min_sentences=1)):
        decided, reasons, _ = decide(relation.ledger, relation.scores, chosen, model=ALWAYS_WHOLE)
        assert decided == INDEPENDENT
        assert not any(r.startswith(("a copy:", "a rewrite:", "sentence alignment raises")) for r in reasons)
    # One matched sentence is evidence: the prior may then shade the verdict.
    one = judge_pair(wire, make_document(SHORT_BRIEF + " " + WIRE.split(". ")[1] + ".", "one"), source_id="wire")
    assert one.ledger.matched_sentences >= 1
    assert decide(one.ledger, one.scores, model=ALWAYS_WHOLE)[0] in (COPY, REWRITE_VERDICT)


def test_evidence_needs_a_word_of_the_source_too(make_document):
    wire = make_document(WIRE, "wire")
    relation = judge_pair(wire, make_document(WIRE, "copy"), source_id="wire")
    assert has_evidence(relation.ledger, relation.scores)
    nothing_found = dataclasses.replace(relation.scores, run_coverage_1=0.0)
    decided, reasons, _ = decide(relation.ledger, nothing_found, model=ALWAYS_WHOLE)
    assert decided == INDEPENDENT
    assert reasons[-1].startswith("set aside: none of its words occurs in the source")


# Random article pairs: sentences of a small vocabulary (so that unrelated
# texts still share most of their words), derived texts made of copied,
# altered, new and very short sentences.
_SHORT = st.lists(WORDS, min_size=1, max_size=3).map(lambda ws: " ".join(ws).capitalize() + ".")
_PIECE = st.one_of(SENTENCE, _SHORT)


@st.composite
def article_pairs(draw):
    source = draw(st.lists(_PIECE, min_size=1, max_size=8))
    derived = []
    for _ in range(draw(st.integers(1, 8))):
        how = draw(st.sampled_from(("copy", "alter", "new", "short")))
        taken = draw(st.sampled_from(source)).rstrip(".").split()
        if how == "copy":
            derived.append(" ".join(taken) + ".")
        elif how == "alter":
            kept = draw(st.lists(st.sampled_from(taken), min_size=1, max_size=len(taken) + 2))
            derived.append(" ".join(kept + draw(st.lists(WORDS, max_size=4))).capitalize() + ".")
        elif how == "new":
            derived.append(draw(SENTENCE))
        else:
            derived.append(draw(_SHORT))
    joiner = draw(st.sampled_from((" ", "\n\n")))
    return joiner.join(source), joiner.join(derived)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_pairs(), st.sampled_from(("model", "rules", "no bars")))
@example((WIRE, SHORT_BRIEF), "model")
@example(("The court heard the case.", "The case."), "model")
@example(("A.", "A."), "no bars")
def test_reuse_verdicts_rest_on_matched_words(pair, method):
    settings = {"model": Settings(), "rules": Settings(verdict_method="rules"), "no bars": NO_BARS}[method]
    source, derived = doc(pair[0], "source"), doc(pair[1], "derived")
    relation = judge_pair(source, derived, settings, source_id="source")
    assert_backed(relation.verdict, relation.verdict_reasons, relation.verdict_model, relation.ledger,
                  relation.scores, settings)
    # Whatever a model's prior, it only shades what the ledger shows.
    if settings.verdict.method == "model":
        decided, reasons, prediction = decide(relation.ledger, relation.scores, settings, model=ALWAYS_WHOLE)
        assert_backed(decided, reasons, prediction, relation.ledger, relation.scores, settings)
        assert (decided in REUSE) == has_evidence(relation.ledger, relation.scores)
