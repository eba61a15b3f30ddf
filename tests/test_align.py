from provenance.model import ADDED, REWRITE, VERBATIM
from provenance.align.ledger import align

SOURCE = (
    "The central bank raised its main interest rate by half a point on Thursday. "
    "Governor Anna Berg said inflation had stayed above target for too long. "
    "Markets had expected a smaller increase of a quarter point. "
    "The currency rose two percent against the dollar after the announcement. "
    "Economists warned that mortgage costs would climb sharply next year."
)


def labels(ledger):
    return [(row.label, row.source_indexes) for row in ledger.sentences]


def test_verbatim_copy_reordered_with_an_added_sentence(make_document):
    source = make_document(SOURCE, "wire")
    derived = make_document(
        "The currency rose two percent against the dollar after the announcement. "
        "The central bank raised its main interest rate by half a point on Thursday. "
        "Local shop owners in the old town told us they fear for their summer trade.",
        "copy",
    )
    ledger = align(source, derived)
    assert labels(ledger) == [(VERBATIM, (3,)), (VERBATIM, (0,)), (ADDED, ())]
    assert ledger.dropped == (1, 2, 4)
    row = ledger.sentences[0]
    assert row.verbatim_spans == ((0, len(derived.sentences[0].text) - 1),)


def test_rewrite_with_partial_verbatim_spans(make_document):
    source = make_document(SOURCE, "wire")
    derived = make_document(
        "On Thursday the bank lifted its key rate by half a point, a bigger step than markets expected.",
        "rewrite",
    )
    row = align(source, derived).sentences[0]
    assert row.label == REWRITE
    assert 0 in row.source_indexes
    spans = [derived.sentences[0].text[a:b] for a, b in row.verbatim_spans]
    assert "by half a point" in " ".join(spans)


def test_two_source_sentences_merged_into_one(make_document):
    source = make_document(SOURCE, "wire")
    derived = make_document(
        "Markets had expected a smaller increase of a quarter point, and the currency rose "
        "two percent against the dollar after the announcement.",
        "merged",
    )
    row = align(source, derived).sentences[0]
    assert row.source_indexes == (2, 3)
    assert row.label == VERBATIM


def test_one_source_sentence_split_into_two(make_document):
    source = make_document(SOURCE, "wire")
    derived = make_document(
        "Governor Anna Berg spoke on Thursday. She said inflation had stayed above target for too long.",
        "split",
    )
    ledger = align(source, derived)
    assert [row.source_indexes for row in ledger.sentences] == [(1,), (1,)]
    assert ledger.sentences[1].label == VERBATIM


def test_unrelated_text_is_all_added(make_document):
    source = make_document(SOURCE, "wire")
    derived = make_document(
        "The football club signed a new striker from Portugal. Fans queued overnight for tickets.",
        "sport",
    )
    ledger = align(source, derived)
    assert {row.label for row in ledger.sentences} == {ADDED}
    assert ledger.dropped == (0, 1, 2, 3, 4)
    assert ledger.matched_share == 0.0


def test_seed_paraphrase_is_mostly_rewrites(seed_documents):
    ledger = align(seed_documents["002"], seed_documents["001"])
    matched = [row for row in ledger.sentences if row.label != ADDED]
    assert len(matched) / len(ledger.sentences) >= 0.8
    assert sum(row.label == REWRITE for row in ledger.sentences) >= 0.7 * len(ledger.sentences)


def test_seed_commentary_stays_added_and_quotes_match(seed_documents):
    wire = seed_documents["002"]
    by_text = lambda doc, fragment: next(s.index for s in doc.sentences if fragment in s.text)  # noqa: E731
    for key, added, quotes in (
        ("003", ["briefly mentioned the territorial issue"], ["completely untrue", "clearest example"]),
        ("004", ["quiet diplomacy", "Institute for the Study of War", "Marco Rubio"], ["vivid example"]),
    ):
        derived = seed_documents[key]
        ledger = align(wire, derived)
        for fragment in added:
            assert ledger.sentences[by_text(derived, fragment)].label == ADDED, fragment
        for fragment in quotes:
            row = ledger.sentences[by_text(derived, fragment)]
            assert row.label != ADDED, fragment
            matched_text = " ".join(wire.sentences[j].text for j in row.source_indexes)
            assert "Peskov" in matched_text or "“" in matched_text


def test_two_word_runs_are_spans_of_a_matched_sentence_but_make_no_match(make_document):
    from provenance import Settings

    source = make_document(SOURCE, "wire")
    derived = make_document("Anna Berg, the governor, warned that inflation stayed too long above target.", "d")
    row = align(source, derived, Settings(min_verbatim_words=2)).sentences[0]
    assert (row.label, row.source_indexes) == (REWRITE, (1,))
    text = derived.sentences[0].text
    assert [text[a:b] for a, b in row.verbatim_spans] == ["Anna Berg", "too long above target"]
    assert align(source, derived, Settings(min_verbatim_words=3)).sentences[0].verbatim_spans == ()
    # Five of its eight words lie in two-word runs of source sentence 3, but
    # only three in a run of three: no match by copying, and the cosine is low.
    lone = make_document("After the announcement the dollar fell on Thursday.", "lone")
    assert align(source, lone, Settings(min_verbatim_words=2)).sentences[0].label == ADDED
