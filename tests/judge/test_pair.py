"""judge_pair(): one pair oriented, aligned, given a verdict and checked for
credit; the answer does not depend on the order the pair is given in."""

from provenance.fingerprint.minhash import signature
from provenance.judge.pair import judge_pair
from provenance.model import COPY, INDEPENDENT, PARTIAL, REWRITE_VERDICT
from tests.helpers import FAST, TEXT, doc
from tests.hypothesis_or_skip import given
from tests.reference import content_similarity

WIRE = (
    "LONDON (Reuters) - The central bank raised its main interest rate by half a point on Thursday. "
    "Governor Anna Berg said inflation had stayed above target for too long. "
    "Markets had expected a smaller increase of a quarter point. "
    "The currency rose two percent against the dollar after the announcement. "
    "Economists warned that mortgage costs would climb sharply next year. "
    "Reuters reported last month that the board was split on the size of the rise."
)


COPY_TEXT = (
    "The central bank raised its main interest rate by half a point on Thursday. "
    "Governor Anna Berg said inflation had stayed above target for too long. "
    "Markets had expected a smaller increase of a quarter point. "
    "The currency rose two percent against the dollar after the announcement. "
    "Reuters reported last month that the board was split on the size of the rise."
)


def test_copy_of_a_wire_is_a_copy_from_the_wire_and_not_credited(make_document):
    wire = make_document(WIRE, "wire")
    copy = make_document(COPY_TEXT, "copy")
    relation = judge_pair(copy, wire)
    assert (relation.source, relation.derived, relation.verdict) == ("wire", "copy", COPY)
    assert any("dateline" in reason for reason in relation.direction_reasons)
    # "Reuters reported" is copied from the wire's own sentence: reporting, not credit.
    assert relation.credited is False


def test_credit_line_and_own_words_credit(make_document):
    wire = make_document(WIRE, "wire")
    with_line = make_document(COPY_TEXT + "\n\nSource: Reuters", "line")
    own_words = make_document(
        COPY_TEXT + " The figures were first published by the bank, according to Reuters.", "words"
    )
    assert judge_pair(wire, with_line).credit_evidence == ("Source: Reuters",)
    assert judge_pair(wire, own_words).credited is True


def test_earlier_date_decides_direction_without_a_wire(make_document):
    first = make_document("2024-03-01\n\n" + COPY_TEXT, "first")
    later = make_document("2024-03-05\n\n" + COPY_TEXT, "later")
    relation = judge_pair(later, first)
    assert relation.source == "first"
    assert relation.direction_reasons[0].startswith("published 2024-03-01")


def test_fixed_direction_is_respected_and_explained(make_document):
    wire = make_document(WIRE, "wire")
    copy = make_document(COPY_TEXT, "copy")
    relation = judge_pair(wire, copy, source_id="copy")
    assert relation.source == "copy"
    assert "taken as the source" in relation.direction_reasons[0]


def test_partial_and_independent(make_document):
    wire = make_document(WIRE, "wire")
    partial = make_document(
        "Governor Anna Berg said inflation had stayed above target for too long. "
        "The currency rose two percent against the dollar after the announcement. "
        "In the high street, shoppers were more worried about the price of bread. "
        "A baker in Leeds said flour had doubled in price since the spring. "
        "Several cafes have cut their opening hours to save on heating. "
        "Local councils are preparing emergency funds for the winter months.",
        "partial",
    )
    unrelated = make_document(
        "The football club signed a new striker from Portugal on Thursday. "
        "Fans queued overnight for tickets to the opening match of the season.",
        "sport",
    )
    assert judge_pair(wire, partial).verdict == PARTIAL
    assert judge_pair(wire, unrelated).verdict == INDEPENDENT


def test_paraphrase_is_a_rewrite(seed_documents):
    relation = judge_pair(seed_documents["002"], seed_documents["001"])
    assert relation.verdict == REWRITE_VERDICT


def test_agency_trailer_and_citing_are_credits(make_document):
    wire = make_document(WIRE, "wire")
    trailer = make_document(COPY_TEXT + "\n\n(Reuters)", "trailer")
    citing = make_document("Citing Reuters, the paper said rates rose. " + COPY_TEXT, "citing")
    assert judge_pair(wire, trailer).credit_evidence == ("(Reuters)",)
    assert judge_pair(wire, citing).credited is True


def test_texts_without_content_words_do_not_crash(make_document):
    first, second = make_document("N/A", "a"), make_document("N/A", "b")
    relation = judge_pair(first, second)
    assert {relation.source, relation.derived} == {"a", "b"}


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


def test_the_same_outlets_later_take_is_an_update_not_an_uncredited_copy(make_document):
    first = make_document(WIRE, "take-1", outlet="Reuters", published="2024-03-01")
    later = make_document(COPY_TEXT + " The bank's next meeting is in April.", "take-2", outlet="reuters ",
                          published="2024-03-02")
    relation = judge_pair(first, later)
    assert (relation.source, relation.derived, relation.verdict) == ("take-1", "take-2", COPY)
    assert relation.update and relation.credited and relation.credit_evidence == ()
    # Another outlet's copy of the same take is no update, and is not credited.
    paper = make_document(COPY_TEXT, "paper", outlet="The Daily Ledger", published="2024-03-03")
    other = judge_pair(first, paper)
    assert other.verdict == COPY and not other.update and not other.credited
    # Without outlets nothing says the two are one outlet's.
    assert not judge_pair(make_document(WIRE, "a"), make_document(COPY_TEXT, "b")).update


def test_an_outlet_read_from_a_copied_dateline_makes_no_update(make_document):
    # The copy keeps the wire's dateline, from which its outlet is read: that
    # is what a copy carries, not the input saying whose text it is.
    wire = make_document(WIRE, "wire", outlet="Reuters", published="2024-03-01")
    copy = make_document(WIRE, "copy", published="2024-03-02")
    assert copy.outlet == "Reuters" and "outlet" in copy.sniffed
    relation = judge_pair(wire, copy)
    assert relation.derived == "copy" and not relation.update


def test_only_an_agencys_reuse_of_its_own_text_is_an_update(make_document):
    # A paper's name heads aggregator feeds and tables of many writers'
    # texts: the same name is no evidence that one text is the other's take.
    first = make_document(WIRE, "first", outlet="The Times", published="2024-03-01")
    second = make_document(COPY_TEXT, "second", outlet="the times", published="2024-03-02")
    relation = judge_pair(first, second)
    assert relation.verdict == COPY and not relation.update
    # Nor is an agency's text that reuses nothing of another of its texts.
    other = make_document("Floods closed the coastal road near the harbour for a third day. "
                          "Engineers said repairs to the sea wall would take weeks.", "other", outlet="Reuters",
                          published="2024-03-02")
    unrelated = judge_pair(make_document(WIRE, "wire", outlet="Reuters", published="2024-03-01"), other)
    assert unrelated.verdict == INDEPENDENT and not unrelated.update and not unrelated.credited


def test_an_agency_items_versions_are_ordered_by_their_numbers(make_document):
    # The second version adds a sentence: longer, and holding all of the
    # first, it would be taken for the source; the provider's numbering says
    # otherwise (ninjs and NewsML-G2 give a guid and a version).
    first = make_document(WIRE, "item@v1", outlet="Reuters", published="2024-03-01", guid="urn:item", version="1")
    second = make_document(WIRE + " The bank's next meeting is in April.", "item@v2", outlet="Reuters",
                           published="2024-03-01", guid="urn:item", version="2")
    for a, b in ((first, second), (second, first)):
        relation = judge_pair(a, b)
        assert (relation.source, relation.derived) == ("item@v1", "item@v2") and relation.update
        assert relation.direction_reasons == ("an earlier version (1) of the agency item urn:item than item@v2 (2)",)
    # Other items, or versions that are no numbers, are weighed as before.
    other = make_document(WIRE + " The bank's next meeting is in April.", "other", outlet="Reuters",
                          published="2024-03-01", guid="urn:other", version="2")
    assert judge_pair(first, other).source == "other"
