import pytest
from hypothesis import example, given, settings, strategies as st

from provenance.analysis.attribution import credit_phrases, read_paragraph_head
from provenance.dates import parse_date_prefix


@pytest.mark.parametrize(
    "text, expected",
    [
        ("date 2024-11-11 Kremlin says", "2024-11-11"),
        ("Tuesday, November 12, 2024 - Russia's president", "2024-11-12"),
        ("Friday06 December 2024", "2024-12-06"),
        ("Sept. 3, 2023 | Headline", "2023-09-03"),
        ("2024-02-30T10:00:00Z", None),  # not a calendar day
        ("12 angry men", None),
    ],
)
def test_date_prefixes(text, expected):
    parsed = parse_date_prefix(text)
    assert (parsed[0] if parsed else None) == expected


def test_wire_dateline_is_peeled_off_and_names_the_agency():
    head = read_paragraph_head("MOSCOW (Reuters) -The Kremlin on Monday denied reports.", near_top=False)
    assert [(a.kind, a.names) for a in head.attributions] == [("dateline", ("Reuters",))]
    assert "MOSCOW (Reuters) -The Kremlin"[head.body_start:] == "The Kremlin"


def test_dateline_with_date_and_region():
    head = read_paragraph_head("KYIV, Ukraine, Nov 11 (AP) — Text follows.", near_top=False)
    assert head.attributions[0].names == ("AP",)


@pytest.mark.parametrize(
    "line, kind",
    [
        ("By Dmitry Antonov and Guy Faulconbridge", "byline"),
        ("Source: vnexpress.net (Huyen Le – According to TASS , AFP , Reuters )", "credit"),
        ("(Reporting by Dmitry Antonov; editing by Andrew Osborn)", "credit"),
        ("gazzeta.in.ua", "site"),
    ],
)
def test_whole_line_attributions(line, kind):
    head = read_paragraph_head(line, near_top=True)
    assert [a.kind for a in head.attributions] == [kind]
    assert head.body_start == len(line)


def test_sentence_that_mentions_a_source_is_not_an_attribution_line():
    head = read_paragraph_head("Sources said the talks would resume.", near_top=True)
    assert head.attributions == () or head.attributions[0].kind != "byline"


def test_credit_phrases():
    names = ("Reuters", "Thomson Reuters")
    assert credit_phrases("The minister resigned, according to Reuters.", names)
    assert credit_phrases("He told Reuters on Monday.", names)
    assert credit_phrases("LONDON (Reuters) - text", names)
    assert not credit_phrases("Reutersville is a town.", names)
    assert not credit_phrases("The minister resigned, according to officials.", names)


def test_credit_phrase_at_sentence_start_and_short_names_keep_their_case():
    assert credit_phrases("According to Reuters, the talks failed.", ("Reuters",))
    assert credit_phrases("Told AP on Monday.", ("AP",))
    assert not credit_phrases("according to ap rules", ("AP",))


@given(st.text(alphabet="abAB PaApRrsS.-\u017f\u212a", max_size=30),
       st.lists(st.text(alphabet="abAB PaApRrsS.-", min_size=1, max_size=6), min_size=1, max_size=3))
@example("by \u017fam", ["Sam"])
@example("\u212aate", ["kate"])
@settings(max_examples=500, deadline=None)
def test_mentions_equals_its_pattern(text, names):
    """The ASCII shortcut before the pattern never changes the answer (the
    long s and the Kelvin sign match s and k when case is ignored)."""
    from provenance.analysis.attribution import mentions, names_pattern

    assert mentions(text, tuple(names)) == (names_pattern(tuple(names)).search(text) is not None)


@given(st.text(alphabet="abAB PaApRrsS.-\u017f\u212a()[]*", max_size=30),
       st.lists(st.text(alphabet="abAB PaApRrsS.-()[]*", min_size=1, max_size=6), min_size=1, max_size=3))
@example("by \u017fam", ["Sam"])
@settings(max_examples=500, deadline=None)
def test_may_mention_equals_its_loose_pattern(text, names):
    from provenance.analysis.attribution import _loose_pattern, may_mention

    assert may_mention(text, tuple(names)) == (_loose_pattern(tuple(names)).search(text) is not None)
