"""Shares of a text in runs copied from the source: the compiled hash set and
the sorted run keys against the definition, and the scores that hold them."""

import numpy as np
import pytest

from provenance import engine as engine_module
from provenance.judge.features import FeatureCache
from provenance.judge.pair import judge_pair
from tests.helpers import CENTRAL_BANK as WIRE
from tests.hypothesis_or_skip import given, settings, st
from tests.reference import body_tokens, run_coverages


def reference_coverage(source, derived, n):
    """The definition, written the slow way."""
    grams = {tuple(source[k : k + n]) for k in range(len(source) - n + 1)}
    covered = [False] * len(derived)
    for k in range(len(derived) - n + 1):
        if tuple(derived[k : k + n]) in grams:
            covered[k : k + n] = [True] * n
    return sum(covered) / len(derived) if derived else 0.0


def test_run_coverage_counts_words_inside_shared_runs(coverage_engine):
    source = "a b c d e f g h".split()
    derived = "x a b c y d e z".split()
    got = run_coverages(source, derived, (1, 2, 3, 4))
    assert got[1] == 5 / 8  # a b c d e occur in the source; x y z do not
    assert got[2] == 5 / 8  # "a b", "b c", "d e"
    assert got[3] == 3 / 8  # "a b c"
    assert got[4] == 0.0


@pytest.fixture(params=["compiled", "sorted"])
def coverage_engine(request, monkeypatch):
    """Both ways of counting coverage: a compiled hash set, sorted run keys."""
    if request.param == "sorted":
        monkeypatch.setattr(engine_module, "_FORCED", ["numpy"])
    elif not engine_module.compiled_available():
        pytest.skip("compiled engine not in use (numba missing or PROVENANCE_ENGINE=numpy)")
    return request.param


@pytest.mark.parametrize("seed", range(5))
def test_run_coverage_matches_the_definition(seed, coverage_engine):
    import random

    rng = random.Random(seed)
    for _ in range(200):
        vocabulary = [f"w{i}" for i in range(rng.randint(1, 6))]
        source = [rng.choice(vocabulary) for _ in range(rng.randint(0, 25))]
        derived = [rng.choice(vocabulary) for _ in range(rng.randint(0, 25))]
        got = run_coverages(source, derived, (1, 2, 3, 5, 8))
        for n, value in got.items():
            assert value == pytest.approx(reference_coverage(source, derived, n), abs=1e-12)


def test_runs_cross_sentence_boundaries(make_document):
    source = make_document("He said the plan was dead. It would not return this year.", "s")
    derived = make_document("The plan was dead; it would not return this year, he said.", "d")
    # One run of ten words spans the source's two sentences; "he said" moved.
    got = run_coverages(body_tokens(source), body_tokens(derived), (8,))
    assert got[8] == pytest.approx(10 / 12)


def test_judge_pair_scores_hold_the_coverage(make_document):
    wire = make_document(WIRE, "wire")
    derived = make_document(
        "Governor Anna Berg said inflation had stayed above target for too long. "
        "Shoppers in Leeds told us bread had doubled in price.", "d")
    cache = FeatureCache()
    other = make_document("Markets had expected a smaller increase of a quarter point.", "o")
    judge_pair(wire, other, source_id="wire", features=cache)  # a shared cache changes nothing
    scores = judge_pair(wire, derived, source_id="wire", features=cache).scores
    expected = run_coverages(body_tokens(wire), body_tokens(derived), (1, 3, 8))
    assert (scores.run_coverage_1, scores.run_coverage_3, scores.run_coverage_8) == tuple(
        round(expected[n], 4) for n in (1, 3, 8))
    assert scores.run_coverage_8 == pytest.approx(12 / 22, abs=1e-4)


@pytest.mark.parametrize("compiled", [True, False])
@given(st.sets(st.integers(-2**62, 2**62), max_size=60), st.sets(st.integers(-2**62, 2**62), max_size=60),
       st.sets(st.integers(0, 40), max_size=30))
@settings(max_examples=200, deadline=None)
def test_shared_count_of_sorted_distinct_values(compiled, a, b, both):
    """Containment and content similarity count the values two sorted sets share."""
    from provenance import engine
    from provenance.judge import coverage

    if compiled and not engine.compiled_available():
        pytest.skip("compiled engine not in use (numba missing or PROVENANCE_ENGINE=numpy)")
    first, second = np.array(sorted(a | both), dtype=np.int64), np.array(sorted(b | both), dtype=np.int64)
    with engine.forced("numba" if compiled else "numpy"):
        assert coverage.shared_count(first, second) == len((a | both) & (b | both))
