"""Where in the original file an article's copied text is, and which of its
reused spans are evidence of copying."""

import pytest

from provenance.model import VERBATIM
from provenance.report.regions import is_evidence, locate
from tests.helpers import seed_id
from tests.hypothesis_or_skip import given, settings, st


def test_regions_span_hard_wrapped_lines(seed_result):
    # 000 is hard-wrapped: "the Washington\nPost on Sunday, citing ..." is one copied run.
    outcome = seed_result.articles[0]
    location = locate(outcome.article, outcome.document, outcome.relation)
    wrapped = [r for r in location.regions if r.start_line != r.end_line]
    assert wrapped
    raw = outcome.article.text.splitlines(keepends=True)
    for region in wrapped:
        start = sum(len(line) for line in raw[: region.start_line - 1]) + region.start_column - 1
        assert outcome.article.text[start : start + len(region.text)] == region.text
        assert "\n" in region.text


@pytest.mark.parametrize("passage", [
    "Dmitry Peskov",  # a name
    "the Kremlin",
    "in recent days",  # three words of glue
    "said on Monday",
    "Kremlin spokesman Dmitry Peskov",  # a name with its title
    "Russian President Vladimir Putin",
    "President-elect Donald Trump had",
    "Putin said on Monday, November 11",  # a name, a date and a reporting verb
    "on 12 March 2024 at 10:30",
    "that they were still",  # nothing but function words
    "Peskov told reporters in a statement",  # stock phrases
    "according to Reuters and AFP",
    "",
])
def test_names_dates_numbers_glue_and_stock_phrases_are_not_evidence(passage):
    assert not is_evidence(passage)


@pytest.mark.parametrize("passage", [
    "denied reports that Donald Trump had spoken to",
    "This is completely untrue",
    "no concrete plans yet",
    "it's just false information",
    "will consider it a major escalation if they",
    "into Ukraine in 2022, after years of fighting in",
])
def test_a_longer_passage_with_a_word_of_its_own_is_evidence(passage):
    assert is_evidence(passage)


_LOWER_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)
_CAPITALISED = st.builds(lambda head, tail: head + tail, st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                         st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=9))


@settings(max_examples=200, deadline=None)
@given(st.lists(_LOWER_WORD | _CAPITALISED, min_size=0, max_size=3))
def test_three_words_or_fewer_are_never_evidence(words):
    assert not is_evidence(" ".join(words))


@settings(max_examples=200, deadline=None)
@given(st.lists(_CAPITALISED | st.integers(0, 3000).map(str), min_size=4, max_size=12))
def test_names_and_numbers_alone_are_never_evidence(words):
    assert not is_evidence(", ".join(words))


def test_the_evidence_of_a_rewrite_leads_with_its_longest_copied_passages(within_seeds_checked):
    outcome = next(o for o in within_seeds_checked.articles if o.document.id == seed_id("001"))
    location = locate(outcome.article, outcome.document, outcome.relation)
    evidence = location.evidence
    assert evidence and set(evidence) < set(location.regions)
    # Today's first span, "Dmitry Peskov", is reused but is no evidence.
    assert location.regions[0].text == "Dmitry Peskov" and location.regions[0] not in evidence
    assert all(is_evidence(r.text) and r.words > 3 for r in evidence)
    copied = [r for r in evidence if r.kind == VERBATIM]
    assert list(evidence[: len(copied)]) == copied  # copied passages before rewritten sentences
    assert [r.words for r in copied] == sorted((r.words for r in copied), reverse=True)
    # Putin's words, which both texts quote, are no evidence: the source's own prose is.
    assert evidence[0].text == "into Ukraine in 2022, after years of fighting in"
    assert not any("the direct involvement of NATO countries" in r.text for r in location.regions)


@pytest.fixture(scope="module")
def within_seeds_checked():
    from provenance.gate.check import check
    from tests.helpers import SEEDS

    return check([SEEDS], within=True)
