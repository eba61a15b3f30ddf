"""Invariants that must hold for any text, checked with hypothesis."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance import Article, Settings, analyse
from provenance.model import ADDED, VERBATIM
from provenance.align.ledger import align
from provenance.fingerprint.minhash import signature
from reference import content_similarity
from provenance.judge.pair import judge_pair
from provenance.report import json as json_report
from provenance.pipeline.scan import scan_articles

WORDS = st.sampled_from(
    "minister bank rate rose fell police court judge city council river storm talks deal vote "
    "said on the a of in Monday Tuesday percent million year people government report border".split()
)
SENTENCE = st.lists(WORDS, min_size=4, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")
TEXT = st.lists(SENTENCE, min_size=1, max_size=8).map(" ".join)
ANY_TEXT = st.text(min_size=1, max_size=400).filter(lambda t: any(c.isalnum() for c in t))

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def doc(text, key="a"):
    return analyse(Article(id=key, text=text))


@FAST
@given(TEXT)
def test_a_text_aligned_with_itself_is_all_verbatim(text):
    document = doc(text)
    ledger = align(document, doc(text, "b"))
    assert all(row.label == VERBATIM or len(row.verbatim_spans) for row in ledger.sentences)
    assert ledger.matched_share == 1.0
    assert ledger.dropped == ()
    assert signature(document).jaccard(signature(doc(text, "b")), "words") == 1.0


@FAST
@given(TEXT, TEXT)
def test_similarity_is_symmetric(first, second):
    a, b = doc(first, "a"), doc(second, "b")
    assert content_similarity(a, b) == content_similarity(b, a)
    for granularity in ("words", "content"):
        assert signature(a).jaccard(signature(b), granularity) == signature(b).jaccard(signature(a), granularity)


@FAST
@given(TEXT, TEXT)
def test_judging_is_independent_of_argument_order(first, second):
    a, b = doc(first, "a"), doc(second, "b")
    one, two = judge_pair(a, b), judge_pair(b, a)
    assert (one.source, one.derived, one.verdict, one.scores) == (two.source, two.derived, two.verdict, two.scores)


@FAST
@given(ANY_TEXT)
def test_analysis_never_fails_and_offsets_point_into_the_display_text(text):
    document = doc(text)
    for sentence in document.sentences:
        assert document.text[sentence.start : sentence.end] == sentence.text
        assert sentence.tokens


@FAST
@given(st.lists(TEXT, min_size=1, max_size=4))
def test_scan_json_round_trips_and_is_deterministic(texts):
    articles = [Article(id=f"t{i}", text=t) for i, t in enumerate(texts)]
    first = json_report.dumps(json_report.scan_document(scan_articles(articles)))
    second = json_report.dumps(json_report.scan_document(scan_articles(articles)))
    assert first == second
    assert json_report.dumps(json.loads(first)) == first


@FAST
@given(TEXT)
def test_added_sentences_have_no_source(text):
    ledger = align(doc("The river flooded the old town overnight."), doc(text, "b"))
    for row in ledger.sentences:
        assert (row.label == ADDED) == (row.source_indexes == ())


def test_settings_round_trip_and_validation():
    import pytest

    from provenance import ConfigError

    assert Settings(**Settings().to_dict()) == Settings()
    with pytest.raises(ConfigError, match=r"setting rewrite_threshold=1.5 is invalid: expected a number from 0 to 1"):
        Settings(rewrite_threshold=1.5)
    with pytest.raises(ConfigError, match="num_perm"):
        Settings(num_perm=True)
    with pytest.raises(TypeError):
        Settings(0.5)  # keyword-only
