"""LSH band layouts: datasketch's optimum, and a clear error where it
leaves a single band."""

import numpy as np
import pytest
from datasketch import MinHashLSH

from provenance.candidates.bands import RECALL_WEIGHTS, lsh_layout
from provenance.errors import ConfigError


@pytest.mark.slow
@pytest.mark.parametrize("num_perm", [8, 16, 32, 64, 128, 256])
def test_lsh_layout_is_the_one_datasketch_picks(num_perm):
    for threshold in np.round(np.arange(0.01, 1.0, 0.01), 2):
        try:
            lsh = MinHashLSH(threshold=float(threshold), num_perm=num_perm, weights=RECALL_WEIGHTS)
        except ValueError:  # datasketch refuses the single band its optimum gives near 1
            with pytest.raises(ConfigError, match="single band"):
                lsh_layout(float(threshold), num_perm)
            continue
        assert lsh_layout(float(threshold), num_perm) == (lsh.b, lsh.r), threshold


def test_a_threshold_that_leaves_one_lsh_band_is_a_clear_error(seeds_dir):
    from provenance import Settings, scan
    from provenance.errors import ConfigError

    with pytest.raises(ConfigError, match="single band.*raise num_perm"):
        scan([seeds_dir], settings=Settings(num_perm=16, word_lsh_threshold=0.99))


def test_a_run_over_its_cap_pairs_its_likeliest_members_with_the_rest():
    """A run of near-duplicates longer than cap + 1 gives the pairs of its
    first ``cap`` members by rank with every other member, not every pair;
    shorter runs give every pair, and run_volume counts what is made."""
    from provenance.candidates.bands import _run_pairs, run_volume

    n = 100
    # Two runs: rows 10..16 (7 members) and rows 40, 41, 42 (3 members).
    members = np.array([16, 12, 10, 15, 11, 14, 13, 42, 40, 41])
    starts, lengths = np.array([0, 7]), np.array([7, 3])
    rank = np.arange(n)[::-1].copy()  # the higher the row, the likelier a source
    keys = _run_pairs(members, starts, lengths, n, cap=2, rank=rank)
    pairs = {(int(k // n), int(k % n)) for k in keys}
    heads = (16, 15)
    expected = {tuple(sorted((h, m))) for h in heads for m in range(10, 17) if m != h}
    expected |= {(40, 41), (40, 42), (41, 42)}
    assert pairs == expected and len(keys) == len(expected)
    assert run_volume(lengths, 2) == len(keys)
    every = _run_pairs(members, starts, lengths, n)
    assert len(every) == run_volume(lengths) == 21 + 3
    for length in range(1, 30):
        for cap in (1, 2, 5, 16):
            made = _run_pairs(np.arange(length), np.array([0]), np.array([length]), n, cap=cap)
            assert len(made) == len(set(made.tolist())) == run_volume(np.array([length]), cap)


# --- two-row bands over strides (the widened search) --------------------------------


def test_stride_recall_is_the_share_of_placings_with_two_values_close_enough():
    from itertools import combinations

    from provenance.candidates.bands import stride_recall

    num_perm = 16
    for shared in range(1, 6):
        for strides in range(1, 6):
            placings = list(combinations(range(num_perm), shared))
            surfaced = sum(1 for cells in placings
                           if any(min((b - a) % num_perm, (a - b) % num_perm) <= strides
                                  for a, b in combinations(cells, 2)))
            assert stride_recall(shared, strides, num_perm) == pytest.approx(surfaced / len(placings), abs=1e-12)


def test_all_strides_surface_exactly_the_pairs_equal_in_two_uncommon_cells():
    from provenance.candidates.bands import strided_pairs

    rng = np.random.default_rng(5)
    n, num_perm = 60, 16
    matrix = rng.integers(0, 4, size=(n, num_perm)).astype(np.uint32)  # many collisions
    matrix[7] = np.iinfo(np.uint32).max  # an empty signature collides with no one
    matrix[8] = np.iinfo(np.uint32).max
    # A cell's value is one shingle: it is common or not for every article holding it.
    usable = np.take_along_axis(rng.random((4, num_perm)) < 0.6, matrix.clip(0, 3).astype(np.int64), axis=0)
    expected = set()
    for i in range(n):
        for j in range(i + 1, n):
            both = (matrix[i] == matrix[j]) & usable[i] & (matrix[i] != np.iinfo(np.uint32).max)
            if both.sum() >= 2:
                expected.add(i * n + j)
    assert set(strided_pairs(matrix, usable, num_perm // 2).tolist()) == expected
    fewer = set(strided_pairs(matrix, usable, 1).tolist())
    assert fewer < expected  # neighbouring permutations only: a subset


def test_strides_are_the_fewest_for_the_recall_within_the_budget():
    from provenance.candidates.bands import band_strides, stride_recall

    usable = np.zeros((9, 128), dtype=bool)
    usable[:, :60] = True  # the median article: 60 uncommon cells, so 6 equal at 0.10
    strides = band_strides(usable, 0.10, 0.9, layout_volume=1_000, budget=10**9)
    assert stride_recall(6, strides, 128) >= 0.9 > stride_recall(6, strides - 1, 128)
    assert strides == 8
    # Each stride makes about twice the pairs of the disjoint layout's bands.
    assert band_strides(usable, 0.10, 0.9, layout_volume=1_000, budget=6_000) == 3
    assert band_strides(usable, 0.10, 0.9, layout_volume=1_000, budget=2_000) == 1
    assert band_strides(usable, 0.10, 0.9, layout_volume=1_000, budget=1_999) == 0  # the disjoint layout


def test_strided_bands_surface_pairs_at_the_threshold_as_often_as_promised():
    # 300 pairs of articles, each equal in exactly six uncommon cells (a
    # content Jaccard of 0.10 over 60 uncommon cells) at random permutations.
    from provenance.candidates.bands import band_strides, strided_pairs, surfaced_pairs

    rng = np.random.default_rng(11)
    pairs, num_perm = 300, 128
    matrix = rng.integers(0, 2**32 - 1, size=(2 * pairs, num_perm), dtype=np.uint32)
    for p in range(pairs):
        cells = rng.choice(num_perm, size=6, replace=False)
        matrix[2 * p + 1, cells] = matrix[2 * p, cells]
    # About 60 uncommon cells an article: the six equal ones and 54 of the others.
    usable = np.zeros(matrix.shape, dtype=bool)
    for p in range(pairs):
        equal = matrix[2 * p] == matrix[2 * p + 1]
        usable[2 * p] = usable[2 * p + 1] = equal | (rng.random(num_perm) < 54 / 122)
    planted = {2 * p * len(matrix) + 2 * p + 1 for p in range(pairs)}
    strides = band_strides(usable, 0.10, 0.9, layout_volume=1, budget=10**9)
    found = planted & set(strided_pairs(matrix, usable, strides).tolist())
    disjoint = planted & set(surfaced_pairs(matrix, usable, num_perm // 2, 2).tolist())
    assert strides == 8
    assert len(found) / pairs >= 0.87 and len(disjoint) / pairs < 0.2


def test_a_search_widened_to_two_rows_strides_within_the_budget(small_corpus):
    from provenance import Settings, analyse
    from provenance.candidates.bands import band_runs
    from provenance.candidates.frequency import cell_frequencies, common_df
    from provenance.candidates.search import granularity_candidates
    from provenance.fingerprint.minhash import signatures
    from tests.reference import matrices_of

    articles, truth = small_corpus
    sigs = signatures([analyse(a) for a in articles])
    matrix = matrices_of(sigs)["content"]
    scale = dict(common_floor_words=5, common_floor_content=5, min_counted=8, common_share_words=0.1,
                 common_share_content=0.1)
    settings = Settings(**scale)
    usable = cell_frequencies(matrix, settings, "content") <= common_df(len(matrix), "content", settings.candidates)
    single = band_runs(matrix, usable, 44, 1, 10**12)[2]
    double = band_runs(matrix, usable, 64, 2, 10**12)[2]
    assert 2 * double < single < 4 * double  # a toy corpus: one stride fits under single cells' volume
    keys, figures = granularity_candidates(matrix, "content", Settings(**scale, pair_budget=single - 1))
    assert (figures["band_rows"], figures["band_strides"], figures["bands"]) == (2, 1, 128)
    ids = [s.id for s in sigs]
    found = {tuple(sorted((ids[k // len(ids)], ids[k % len(ids)]))) for k in keys.tolist()}
    for t in truth:
        if t.kind in ("copy", "rewrite"):
            assert tuple(sorted((t.article, t.source))) in found
