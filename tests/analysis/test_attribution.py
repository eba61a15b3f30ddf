"""Datelines, bylines, credit and site lines, and credit phrases."""

import pytest

from provenance.analysis.attribution import credit_phrases, read_paragraph_head
from tests.hypothesis_or_skip import example, given, settings, st


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


def test_body_paragraphs_opening_like_attributions_stay_in_the_body(make_document):
    text = (
        "Lede sentence here.\n\nSources close to the minister said it was done.\n\n"
        "Credit Suisse shares fell 5% on Monday.\n\nCopyright lawyers said the case was weak.\n\n"
        "March 3, 2020 was the day the markets crashed."
    )
    document = make_document(text)
    assert [s.text for s in document.sentences][1:] == [
        "Sources close to the minister said it was done.", "Credit Suisse shares fell 5% on Monday.",
        "Copyright lawyers said the case was weak.", "March 3, 2020 was the day the markets crashed.",
    ]
    assert document.attributions == () and document.published is None


def test_single_newlines_keep_headline_byline_and_dateline_apart(make_document):
    document = make_document(
        "Kremlin says reports of a call are fiction\nBy Anna Smith and John Doe\n"
        "MOSCOW (Reuters) - The Kremlin on Monday denied reports of a call between the two leaders.\n"
        "The company said\non Tuesday that it agreed."
    )
    assert [a.kind for a in document.attributions] == ["byline", "dateline"]
    assert document.sentences[0].text == "Kremlin says reports of a call are fiction"
    assert document.sentences[-1].text == "The company said on Tuesday that it agreed."
    assert document.outlet == "Reuters" and document.is_wire


def test_only_wire_datelines_make_wire_copy(make_document):
    assert not make_document("WASHINGTON (CNN) - The senate voted on Tuesday.").is_wire
    assert make_document("WASHINGTON (AP) - The senate voted on Tuesday.").is_wire


def test_not_every_by_line_is_a_byline(make_document):
    document = make_document("By Monday\n\nThe talks will have ended by then.")
    assert document.attributions == ()


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


@pytest.mark.parametrize("line, names", [
    ("- Reuters", ("Reuters",)), ("— AP", ("AP",)), ("–AFP.", ("AFP",)), ("Reuters", ("Reuters",)),
    ("REUTERS", ("Reuters",)), ("With AFP", ("AFP",)), ("PA", ("PA",)), ("Press Association", ("PA",)),
    ("PA Media", ("PA",)), ("Reuters/AP", ("Reuters", "AP")), ("AFP, Reuters and agencies", ("AFP", "Reuters")),
    ("Agence France-Presse", ("AFP",)), ("DPA", ("dpa",)),
    # Not sign-offs: lower-case words, sentences, names that are no wire's, agencies alone.
    ("pa", ()), ("ap", ()), ("Pa", ()), ("Reuters said so.", ()), ("The Guardian", ()), ("- Daily Example", ()),
    ("Agencies", ()), ("(AFP)", ()), ("", ()), ("- " + "Reuters/" * 20 + "AP", ()),
])
def test_signoff_names(line, names):
    from provenance.analysis.attribution import signoff_names

    assert signoff_names(line) == names


def test_signoff_lines_are_read_at_the_edges_only():
    from provenance.analysis.attribution import signoff_lines

    text = "\n\n".join(["Headline", "AP", "By Anna Smith", "First.", "Reuters", "Middle.", "Last.", "- AFP",
                      "© 2024 Example", "example.com"])
    assert [(a.kind, a.text, a.names) for a in signoff_lines(text)] == [("credit", "AP", ("AP",)),
                                                                        ("credit", "- AFP", ("AFP",))]
    # A prose paragraph closes the bottom: a sign-off above it is not at the edge.
    assert signoff_lines("One.\n\nTwo.\n\nThree.\n\nFour.\n\n- AFP\n\nLast words.") == ()
    assert [a.text for a in signoff_lines("Reuters")] == ["Reuters"]
    assert signoff_lines("") == ()


@given(st.lists(st.sampled_from(["Reuters", "AP", "ap", "PA", "said", "the", "- ", "—", "/", "With", "and",
                                 "agencies", ".", " ", "\n\n", "(AFP)", "Court"]), max_size=12))
@settings(max_examples=300, deadline=None)
def test_a_signoff_names_only_wires(pieces):
    from provenance.analysis.attribution import signoff_lines, signoff_names
    from provenance.outlets import WIRE_AGENCIES

    text = "".join(pieces)
    for line in text.split("\n\n"):
        names = signoff_names(line)
        assert all(name in WIRE_AGENCIES for name in names)
        if names:
            assert not any(word in line for word in ("said", "the", "Court", "ap"))
    for attribution in signoff_lines(text):
        assert attribution.text in text and attribution.names == signoff_names(attribution.text)
