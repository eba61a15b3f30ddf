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
