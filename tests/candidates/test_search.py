"""The candidate search: the pairs the LSH index would propose, in scale mode
too, and the same from any number of threads."""

import numpy as np
import pytest

from provenance import Settings, analyse
from provenance.candidates import search as search_module
from provenance.fingerprint.minhash import signature, signatures
from tests.reference import candidate_pairs, matrices_of, scan_candidates


def test_candidates_find_copy_and_paraphrase_but_not_unrelated(seed_documents, make_document):
    unrelated = make_document(
        "Heavy rain flooded the valley on Tuesday and farmers counted their losses. "
        "The regional council opened two shelters for families whose homes were damaged. "
        "Forecasters expect more storms later in the week across the northern hills.",
        "weather",
    )
    documents = list(seed_documents.values()) + [unrelated]
    pairs = set(candidate_pairs([signature(d) for d in documents]))
    wire = seed_documents["002"].id
    for key in ("000", "001", "003", "004"):
        other = seed_documents[key].id
        assert tuple(sorted((wire, other))) in pairs
    assert not any("weather" in pair for pair in pairs)


def test_corpus_candidates_equal_the_index_query_below_the_floor(small_corpus, monkeypatch):
    articles, _ = small_corpus
    below_the_floor = Settings(common_floor_words=len(articles), common_floor_content=len(articles))
    sigs = signatures([analyse(a) for a in articles])
    rows = scan_candidates(matrices_of(sigs), below_the_floor)
    ids = [s.id for s in sigs]
    found = {tuple(sorted((ids[i], ids[j]))) for i, j in rows.tolist()}
    assert found == set(candidate_pairs(sigs))


def test_scale_mode_keeps_copies_and_rewrites(small_corpus, monkeypatch):
    # Pretend the corpus is large: common shingles cut, bands widened.
    articles, truth = small_corpus
    sigs = signatures([analyse(a) for a in articles])
    matrices = matrices_of(sigs)
    large = Settings(common_floor_words=5, common_floor_content=5, min_counted=8,
                     common_share_words=0.1, common_share_content=0.1, pair_budget=10)
    stats: dict = {}
    rows = scan_candidates(matrices, large, stats=stats)
    assert stats["content"]["band_rows"] > 1 and stats["content"]["common_cells"] > 0
    ids = [s.id for s in sigs]
    found = {tuple(sorted((ids[i], ids[j]))) for i, j in rows.tolist()}
    for t in truth:
        if t.kind in ("copy", "rewrite"):
            assert tuple(sorted((t.article, t.source))) in found


@pytest.mark.parametrize("granularity", ["words", "content"])
def test_threaded_estimates_give_the_same_candidates(small_corpus, monkeypatch, granularity):
    articles, _ = small_corpus
    matrix = matrices_of(signatures([analyse(a) for a in articles]))[granularity]
    # Scale mode (common cells masked) and blocks of a few pairs, so that
    # many blocks run in the threads and are put back in order.
    large = Settings(common_floor_words=5, common_floor_content=5, min_counted=8,
                     common_share_words=0.1, common_share_content=0.1)
    monkeypatch.setattr(search_module, "ESTIMATE_BLOCK", 16)
    alone, figures = search_module.granularity_candidates(matrix, granularity, large, threads=1)
    assert figures["surfaced_pairs"] > 3 * 16 and len(alone) > 10
    for threads in (2, 3):
        keys, _ = search_module.granularity_candidates(matrix, granularity, large, threads=threads)
        assert np.array_equal(keys, alone)


def _brief_matrices(count, reverse=False):
    """Signature matrices of ``count`` near-identical briefs (ids b0, b1, ...),
    in id-number order or reversed."""
    from provenance import Article

    numbers = range(count - 1, -1, -1) if reverse else range(count)
    articles = [Article(f"b{i}", f"Tiny article {i} about the council.") for i in numbers]
    sigs = signatures([analyse(a) for a in articles])
    return matrices_of(sigs)["content"], [s.id for s in sigs]


def _id_ranks(ids):
    order = sorted(range(len(ids)), key=ids.__getitem__)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return rank


@pytest.mark.parametrize("counts, budget", [
    ((600, 1200, 2400), 50_000),  # common cells cut: found by the near-duplicate bands
    ((120, 240, 480), 100_000),  # below the floors: every cell counts, the bands widen
])
def test_near_identical_briefs_give_pairs_linear_in_their_number(counts, budget):
    """Every pair of n near-identical briefs is a near-duplicate; the search
    makes and keeps a number of pairs linear in n, each brief keeping
    near_duplicate_partners of them. (A small pair budget stands for a
    feed of tens of thousands: runs in bands of near_rows rows or more are
    capped once their pairs overflow it.)"""
    settings = Settings(pair_budget=budget)
    cap = settings.candidates.near_duplicate_partners
    found = {}
    for count in counts:
        matrix, ids = _brief_matrices(count)
        keys, figures = search_module.granularity_candidates(matrix, "content", settings, rank=_id_ranks(ids))
        n = len(ids)
        degree = np.bincount(keys // n, minlength=n) + np.bincount(keys % n, minlength=n)
        assert degree.min() >= cap  # every brief keeps its cap of partners, no fewer
        assert len(keys) <= cap * n and figures["surfaced_pairs"] <= matrix.shape[1] * cap * n
        assert figures["near_duplicates_left_out"] > 0
        found[count] = (len(keys), figures["surfaced_pairs"])
    small, middle, large = counts
    assert found[large][0] <= 2.1 * found[middle][0] <= 4.5 * found[small][0]
    assert found[large][1] <= 2.5 * found[middle][1]
    assert found[large][0] < large * (large - 1) // 2 // 10  # of every pair


def test_capped_near_duplicates_do_not_depend_on_the_articles_order():
    """Capped, the pairs kept are chosen by similarity, then rank (here: id),
    so the same briefs in another order give the same pairs."""
    settings = Settings(pair_budget=20_000)
    found = []
    for reverse in (False, True):
        matrix, ids = _brief_matrices(700, reverse)
        keys, figures = search_module.granularity_candidates(matrix, "content", settings, rank=_id_ranks(ids))
        assert figures["near_duplicates_left_out"] > 0
        n = len(ids)
        found.append({tuple(sorted((ids[k // n], ids[k % n]))) for k in keys.tolist()})
    assert found[0] == found[1]
    # The likeliest source of equals (the lowest id) is kept by every brief.
    assert sum("b0" in pair for pair in found[0]) == 699


@pytest.mark.parametrize("granularity", ["words", "content"])
def test_both_engines_give_the_same_candidates(small_corpus, granularity):
    # The compiled engine runs a pair's three tests (the estimate over
    # uncommon cells, the plain one, containment) in one pass; numpy in three.
    from provenance.engine import forced
    from tests.candidates.test_containment import _articles

    articles, _ = small_corpus
    matrix = matrices_of(signatures([analyse(a) for a in articles + _articles()]))[granularity]
    scale = Settings(common_floor_words=5, common_floor_content=5, min_counted=8,
                     common_share_words=0.1, common_share_content=0.1)
    # One-row bands; disjoint two-row bands and rare cells; two-row bands over one and two strides.
    for settings in (Settings(), scale, *(scale.replace(pair_budget=b) for b in (300, 500, 700))):
        compiled, figures = search_module.granularity_candidates(matrix, granularity, settings)
        with forced("numpy"):
            plain, same = search_module.granularity_candidates(matrix, granularity, settings)
        assert np.array_equal(compiled, plain) and figures == same
