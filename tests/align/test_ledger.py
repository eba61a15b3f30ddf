"""align(): the sentence ledger of a derived text against its source
(copies, rewrites, merges, splits, additions), its vectoriser's ledgers
equal to scikit-learn's, and the merge rule."""

import numpy as np

from provenance import Article, analyse
from provenance import engine as engine_module
from provenance.align import ledger as ledger_module
from provenance.align.ledger import align
from provenance.config import DEFAULT_SETTINGS, Settings
from provenance.fingerprint.minhash import signature
from provenance.matching import tfidf as tfidf_module
from provenance.matching.matcher import Match, SentenceMatcher
from provenance.matching.tfidf import Vectoriser
from provenance.model import ADDED, REWRITE, VERBATIM
from tests.helpers import CENTRAL_BANK as SOURCE
from tests.helpers import FAST, TEXT, doc
from tests.hypothesis_or_skip import given, settings, st
from tests.reference import sklearn_vectors


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


def test_ledgers_match_scikit_learn(pairs, monkeypatch):
    ours = [align(source, derived) for source, derived in pairs]
    monkeypatch.setattr(Vectoriser, "vectors", lambda self, d, s: sklearn_vectors(d, s))
    theirs = [align(source, derived) for source, derived in pairs]
    assert ours == theirs


def test_a_shared_vectoriser_gives_the_same_ledgers(pairs):
    shared = Vectoriser()
    assert [align(s, d, vectoriser=shared) for s, d in pairs] == [align(s, d) for s, d in pairs]


def test_sentences_of_stop_words_only_align():
    # scikit-learn refused an empty vocabulary; the vectoriser gives zero word vectors.
    a = analyse(Article(id="a", text="It was on the. And then it was."))
    b = analyse(Article(id="b", text="It was on the."))
    ledger = align(a, b)
    assert ledger.sentences[0].label != "added"


def test_ledgers_survive_pickling(pairs):
    """A scan's workers send ledgers between processes."""
    import pickle

    source, derived = pairs[0]
    ledger = align(source, derived)
    copy = pickle.loads(pickle.dumps(ledger))
    assert copy == ledger and copy.sentences[0] == ledger.sentences[0]
    assert type(copy.sentences[0]) is type(ledger.sentences[0])


def test_lone_surrogates_align_with_either_engine():
    """The compiled tokeniser cannot encode a lone surrogate; Python's takes it."""
    source = analyse(Article(id="s", text="Officials said the bridge would close. \ud800 Yes it will."))
    derived = analyse(Article(id="d", text="Officials said the bridge would close on Monday. \ud800 Yes."))
    ledgers = []
    for native in ("numba", "numpy"):
        with engine_module.forced(native):
            ledgers.append(align(source, derived))
    assert ledgers[0] == ledgers[1] and ledgers[0].sentences[0].label != "added"


def test_merged_scores_are_plain_floats(pairs):
    for source, derived in pairs:
        assert all(type(row.score) is float for row in align(source, derived).sentences)


def _best_group_reference(i, similarity, gram):
    """The merge rule written out plainly: nearest tie, then greedy merging
    on the merged rows' cosine."""
    row = similarity[i]
    n_derived, n_source = similarity.shape
    expected = i * (n_source - 1) / max(n_derived - 1, 1)
    ties = [j for j in range(n_source) if row[j] >= row.max() - 1e-9]
    best = min(ties, key=lambda j: (abs(j - expected), j))
    if row[best] <= 0.0:
        return (), 0.0
    group, score = [best], float(row[best])
    for j in np.argsort(-row, kind="stable")[1 : DEFAULT_SETTINGS.align.max_merge + 4]:
        if len(group) >= DEFAULT_SETTINGS.align.max_merge or row[j] < DEFAULT_SETTINGS.align.merge_floor:
            break
        merged_square = sum(gram[a, b] for a in group + [j] for b in group + [j])
        merged = (sum(row[group]) + row[j]) / np.sqrt(merged_square) if merged_square > 0 else 0.0
        if merged >= score + DEFAULT_SETTINGS.align.merge_gain:
            group.append(int(j))
            score = float(merged)
    return tuple(sorted(group)), min(score, 1.0)


@given(st.integers(1, 6), st.integers(1, 7), st.integers(0, 2**32 - 1),
       st.sampled_from(["zeros", "ties", "random", "tiny"]))
@settings(max_examples=300, deadline=None)
def test_best_groups_follow_the_merge_rule(n_derived, n_source, seed, shape):
    """The whole-matrix shortcut and the per-row search against the rule,
    on rows of zeros, of ties, of near-zeros and of merge candidates."""
    rng = np.random.default_rng(seed)
    source_rows = rng.random((n_source, 5)) * (rng.random((n_source, 5)) < 0.6)
    source_rows /= np.maximum(np.linalg.norm(source_rows, axis=1, keepdims=True), 1e-12)
    derived_rows = rng.random((n_derived, 5)) * (rng.random((n_derived, 5)) < 0.6)
    derived_rows /= np.maximum(np.linalg.norm(derived_rows, axis=1, keepdims=True), 1e-12)
    similarity, gram = derived_rows @ source_rows.T, source_rows @ source_rows.T
    if shape == "zeros":
        similarity[rng.random(n_derived) < 0.5] = 0.0
    elif shape == "ties":
        similarity = np.round(similarity, 1)
    elif shape == "tiny":
        similarity = np.where(rng.random(similarity.shape) < 0.5, 0.0, 5e-10)
    vectors = tfidf_module._PairVectors.__new__(tfidf_module._PairVectors)
    vectors.gram = gram
    with engine_module.forced("numpy"):
        got = ledger_module._best_groups(similarity, vectors)
    want = [_best_group_reference(i, similarity, gram) for i in range(n_derived)]
    assert [g for g, _ in got] == [g for g, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=0, atol=1e-12)
    if engine_module.compiled_available():
        # The compiled search: the same groups and the same scores to the last bit.
        pair = tfidf_module._CompiledPair.__new__(tfidf_module._CompiledPair)
        pair.native, pair.similarity, pair.gram = tfidf_module._native(), similarity, gram
        compiled = ledger_module._best_groups(similarity, pair)
        assert compiled == got and all(type(s) is float for _, s in compiled)


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
@given(TEXT)
def test_added_sentences_have_no_source(text):
    ledger = align(doc("The river flooded the old town overnight."), doc(text, "b"))
    for row in ledger.sentences:
        assert (row.label == ADDED) == (row.source_indexes == ())


@given(st.integers(0, 5000), st.integers(0, 5000), st.integers(1, 5000), st.integers(-3, 3),
       st.sampled_from([0.0, 0.5, 1.5, 2.0, 7.25]))
@settings(max_examples=500, deadline=None)
def test_the_gap_window_is_the_band_of_the_whole_range(ja, span, ib_gap, shift, band):
    """The window asked only near the band equals the whole range filtered,
    for the expected places the gap filling computes (between two anchors, or past one)."""
    jb = ja + span
    for expected, low, high in ((ja + (ib_gap // 2 + shift) * (jb - ja) / ib_gap, ja, jb),
                                (ja + (ib_gap + shift), ja, jb), (jb - (ib_gap + shift), 0, jb)):
        whole = [j for j in range(low, high + 1) if abs(j - expected) <= band]
        assert ledger_module._window(expected, low, high, band) == whole, (expected, low, high)


class _RaisingMatcher(SentenceMatcher):
    """TF-IDF, with derived sentence 1's scores against source sentences 1-3
    raised to 0.30: under the rewrite bar, over the gap bar (as a
    meaning-aware matcher raises them)."""

    def __init__(self, vocabulary):
        self.vectoriser = vocabulary

    def match(self, derived, source):
        words = self.vectoriser.pair(derived, source)
        meaning = np.zeros_like(words.similarity)
        meaning[1, 1:4] = 0.30
        return Match(np.maximum(words.similarity, meaning), words.gram, lexical=words.similarity, meaning=meaning)


WIRE_FIVE = ("The harbour authority closed the northern pier on Monday after a crane collapsed. "
             "Engineers from the port spent the night checking every mooring along the quay. "
             "A ferry carrying four hundred passengers was diverted to the southern terminal. "
             "Fishermen said the closure would cost them a week of landings at the busiest time. "
             "The authority expects to reopen the pier before the end of the month.")
OWN = "Our reporter watched gulls circle the empty car park while a band played nearby."


def test_raised_scores_fill_a_slot_but_not_skipped_source_text(make_document):
    wire = make_document(WIRE_FIVE, "wire")
    sentences = [s.text for s in wire.sentences]
    raising = Settings(matcher=_RaisingMatcher)
    # One derived sentence between copies of the wire's [0] and [2]: the
    # slot of [1], which the raised score fills.
    slot = make_document(" ".join([sentences[0], OWN, sentences[2]]), "slot")
    assert labels(align(wire, slot, raising))[1] == (REWRITE, (1,))
    # Between copies of [0] and [4] the writer skipped three sentences:
    # there the words decide, and they share nothing.
    skipped = make_document(" ".join([sentences[0], OWN, sentences[4]]), "skipped")
    assert labels(align(wire, skipped, raising))[1] == (ADDED, ())
    # The words alone fill neither.
    assert labels(align(wire, slot, Settings(matcher="tfidf")))[1] == (ADDED, ())
