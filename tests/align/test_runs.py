"""Runs of words copied word for word: the whole pair at once (compiled, or
sorted when a pair is over budget, or numpy) gives what the per-sentence
definition gives."""

import dataclasses

import numpy as np
import pytest

from provenance import Article, analyse
from provenance import engine as engine_module
from provenance.align import runs as runs_module
from provenance.align.ledger import align
from provenance.align.runs import CopiedRuns, _gram_codes
from provenance.matching.tfidf import Vectoriser
from tests.hypothesis_or_skip import given, settings, st


def _ngram_index(tokens, n):
    return {tokens[k : k + n] for k in range(len(tokens) - n + 1)}


def _verbatim_runs(sentence, grams, n):
    """Copied runs as first written, one sentence at a time: the spans of
    ``sentence`` covered by word n-grams found in ``grams`` (its matched
    source sentences'), and the share of its words they cover."""
    tokens = sentence.tokens
    covered = [False] * len(tokens)
    if grams and len(tokens) >= n:
        for k in range(len(tokens) - n + 1):
            if any(tokens[k : k + n] in g for g in grams):
                covered[k : k + n] = [True] * n
    spans = []
    k = 0
    while k < len(tokens):
        if covered[k]:
            start = k
            while k < len(tokens) and covered[k]:
                k += 1
            spans.append((sentence.token_spans[start][0], sentence.token_spans[k - 1][1]))
        else:
            k += 1
    return tuple(spans), (sum(covered) / len(tokens) if tokens else 0.0)


def reference_runs(source, derived, groups, n):
    grams = [_ngram_index(s.tokens, n) for s in source.sentences]
    return [_verbatim_runs(sentence, [grams[j] for j in group], n)
            for sentence, group in zip(derived.sentences, groups)]


@pytest.fixture(params=["numba", "numba-over-budget", "numpy"])
def engine(request, monkeypatch):
    """Both ways of finding copied runs: the compiled one (with numba) and
    the sort-based one, which the compiled one also falls back to when a
    pair would take too many comparisons."""
    if request.param == "numpy":
        monkeypatch.setattr(engine_module, "_FORCED", ["numpy"])
    elif not engine_module.compiled_available():
        pytest.skip("compiled engine not in use (numba missing or PROVENANCE_ENGINE=numpy)")
    elif request.param == "numba-over-budget":
        monkeypatch.setattr(runs_module._native(), "COVER_BUDGET", 0)
    return request.param


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_copied_runs_of_a_whole_pair_equal_the_per_sentence_reference(pairs, n, engine):
    rng = np.random.default_rng(n)
    vectoriser = Vectoriser()
    for source, derived in pairs:
        # Best matches, several source sentences, none: every shape of group.
        groups = []
        for i in range(len(derived.sentences)):
            size = int(rng.integers(0, 4))
            picks = rng.choice(len(source.sentences), size=min(size, len(source.sentences)), replace=False)
            groups.append(tuple(sorted(int(j) for j in picks)))
        for i, ledger_row in enumerate(align(source, derived).sentences):
            if i % 2 == 0:
                groups[i] = ledger_row.source_indexes
        runs = CopiedRuns(vectoriser.features_of(source), vectoriser.features_of(derived), groups, n)
        expected = reference_runs(source, derived, groups, n)
        assert [(runs.spans(i), runs.share(i)) for i, s in enumerate(derived.sentences)] == expected


@pytest.mark.parametrize("compiled", [True, False])
@given(st.lists(st.lists(st.sampled_from("ab cd ef gh".split()), min_size=1, max_size=8), min_size=1, max_size=5),
       st.lists(st.lists(st.sampled_from("ab cd ef gh".split()), min_size=1, max_size=8), min_size=1, max_size=5),
       st.integers(1, 4), st.data())
@settings(max_examples=200, deadline=None)
def test_copied_runs_on_small_vocabularies(compiled, source_words, derived_words, n, data):
    """Repetitive texts of four words: runs meet sentence ends, repeat and overlap."""
    source = analyse(Article(id="s", text="\n\n".join(" ".join(w) + "." for w in source_words)))
    derived = analyse(Article(id="d", text="\n\n".join(" ".join(w) + "." for w in derived_words)))
    groups = [tuple(sorted(data.draw(st.sets(st.integers(0, len(source.sentences) - 1), max_size=3))))
              for _ in derived.sentences]
    vectoriser = Vectoriser()
    with engine_module.forced("numba" if compiled else "numpy"):
        runs = CopiedRuns(vectoriser.features_of(source), vectoriser.features_of(derived), groups, n)
    assert [(runs.spans(i), runs.share(i)) for i, s in enumerate(derived.sentences)] == \
        reference_runs(source, derived, groups, n)


def test_ngram_codes_hold_for_token_ids_of_any_size():
    ids = np.array([5, 1 << 21, 3, 1 << 21, 5, 1 << 40, 3], dtype=np.int64)
    codes = _gram_codes(ids, 2)
    grams = [tuple(ids[k : k + 2]) for k in range(len(ids) - 1)]
    assert all((codes[a] == codes[b]) == (grams[a] == grams[b]) for a in range(len(grams)) for b in range(len(grams)))


def test_copied_spans_follow_the_sentences_given(seed_documents, engine):
    """A ledger's rows are the derived sentences in the order given, whatever their numbering."""
    wire, copy = seed_documents["002"], seed_documents["000"]
    later = dataclasses.replace(copy, sentences=copy.sentences[1:])
    ledger = align(wire, later)
    grams = [_ngram_index(s.tokens, 2) for s in wire.sentences]
    for row, sentence in zip(ledger.sentences, later.sentences):
        expected = _verbatim_runs(sentence, [grams[j] for j in row.source_indexes], 2)[0] if row.source_indexes else ()
        assert row.verbatim_spans == expected
    assert any(row.verbatim_spans for row in ledger.sentences)
