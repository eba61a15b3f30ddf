"""The ledger's two rules after matching: shared quotations labelled
``quoted`` (and never reuse by themselves), and twin sentences of one text
labelled alike."""

from provenance import Settings
from provenance.align.ledger import align
from provenance.judge.pair import judge_pair
from provenance.model import ADDED, INDEPENDENT, QUOTED, REWRITE, VERBATIM

BRIEFING = (
    "The mayor's office said on Monday that the bridge would close for repairs in March. "
    "“We have no choice, the cracks are getting worse every week,” the mayor told reporters at the town hall. "
    "Engineers found the damage during an inspection last autumn. "
    "“Nobody will be put in danger on my watch,” she added. "
    "The closure is expected to last at least six months."
)


def labels(ledger):
    return [row.label for row in ledger.sentences]


def test_a_quotation_both_texts_carry_is_quoted_not_reuse(make_document):
    source = make_document(BRIEFING, "wire")
    # Another paper at the same briefing: its own prose, the mayor's words.
    other = make_document(
        "Drivers face months of detours after a council inspection turned up structural faults. "
        "“We have no choice, the cracks are getting worse every week,” the mayor told reporters. "
        "Shop owners on the east bank fear the loss of passing trade. "
        "“Nobody will be put in danger on my watch,” she said. "
        "A ferry service is being considered for foot passengers.", "paper")
    ledger = align(source, other)
    assert labels(ledger) == [ADDED, QUOTED, ADDED, QUOTED, ADDED]
    assert [row.source_indexes for row in ledger.sentences if row.label == QUOTED] == [(1,), (3,)]
    # Matched all the same: the quoted source sentences are not dropped.
    assert 1 not in ledger.dropped and 3 not in ledger.dropped
    relation = judge_pair(source, other, source_id="wire")
    assert relation.verdict == INDEPENDENT
    assert relation.scores.quoted > 0 and relation.scores.own_prose == 0
    assert "shares 2 quotations with the source but none of the source's own prose" in relation.verdict_reasons[-1]


def test_the_same_quotations_with_the_wires_prose_are_reuse(make_document):
    source = make_document(BRIEFING, "wire")
    copied = make_document(
        "The mayor's office said on Monday that the bridge would close for repairs in March. "
        "“We have no choice, the cracks are getting worse every week,” the mayor told reporters. "
        "Engineers found the damage during an inspection last autumn. "
        "Shop owners on the east bank fear the loss of passing trade. "
        "A ferry service is being considered for foot passengers. "
        "Local schools will change their bus routes from February.", "copied")
    relation = judge_pair(source, copied, source_id="wire")
    assert labels(relation.ledger) == [VERBATIM, QUOTED, VERBATIM, ADDED, ADDED, ADDED]
    assert relation.verdict != INDEPENDENT  # (the copy model, for half its words in long copied runs)
    # The reuse shown is the source's own prose, not the quotation.
    assert relation.ledger.own_prose_sentences == 2 and relation.ledger.quoted_sentences == 1


def test_quotations_off_keeps_the_old_labels(make_document):
    source = make_document(BRIEFING, "wire")
    other = make_document("“We have no choice, the cracks are getting worse every week,” the mayor told reporters.",
                          "paper")
    assert labels(align(source, other)) == [QUOTED]
    assert labels(align(source, other, Settings(label_quotations=False))) in ([VERBATIM], [REWRITE])


def test_twin_sentences_of_one_text_get_the_same_labels(seed_documents):
    # 004 prints one paragraph twice with small changes: [1]/[4] and [2]/[5].
    ledger = align(seed_documents["002"], seed_documents["004"])
    rows = ledger.sentences
    for first, second in ((1, 4), (2, 5)):
        assert rows[first].label == rows[second].label != ADDED
        assert rows[first].source_indexes == rows[second].source_indexes


def test_an_added_twin_takes_its_twins_match(make_document):
    source = make_document(
        "The council approved the new budget for the city's schools on Tuesday evening. "
        "Teachers' unions welcomed the extra money but warned that it came too late.", "wire")
    derived = make_document(
        "Teachers' unions welcomed the extra money but warned that it came too late for this year. "
        "Parents gathered outside the town hall with banners and loud music. "
        "Unions of teachers welcomed the extra money, warning that it came too late for this year.", "paper")
    off = align(source, derived, Settings(twin_overlap=1.0))
    on = align(source, derived)
    assert off.sentences[2].label == ADDED or off.sentences[2].source_indexes == (1,)
    assert on.sentences[0].label != ADDED and on.sentences[2].label != ADDED
    assert on.sentences[0].source_indexes == on.sentences[2].source_indexes == (1,)
    assert on.sentences[1].label == ADDED


def test_a_source_sentence_whose_quotation_is_carried_is_not_dropped(seed_documents):
    # 001's [13] ends with Peskov's "Nothing can be ruled out", the wire's [16],
    # within a sentence matched to the wire's [15].
    wire = seed_documents["002"]
    assert "Nothing can be ruled out" in wire.sentence_text(16)
    ledger = align(wire, seed_documents["001"])
    assert 16 not in {j for row in ledger.sentences for j in row.source_indexes}
    assert 16 not in ledger.dropped
    assert 16 in align(wire, seed_documents["001"], Settings(label_quotations=False)).dropped
