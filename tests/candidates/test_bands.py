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
