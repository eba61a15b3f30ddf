"""The compiled signature kernels give what the numpy engine gives (skipped,
with the reason, when numba cannot load)."""

import numpy as np
import pytest

from provenance import Settings, read_articles
from provenance.analysis.normalise import fold
from provenance.analysis.tokens import fast_tokens
from provenance.fingerprint.minhash import signatures_of_token_lists
from tests.helpers import TRICKY, random_texts
from tests.hypothesis_or_skip import given, settings, st


@pytest.mark.parametrize("options", [{}, {"minhash_scheme": "affine64", "word_shingle_size": 3,
                                          "content_shingle_size": 2}])
def test_every_engine_gives_the_same_signatures(options):
    settings_ = Settings(**options)
    texts = [a.text for a in read_articles(["seeds"])] + TRICKY + random_texts(300)
    numpy_path = signatures_of_token_lists([fast_tokens(t) for t in texts], settings_)
    native = pytest.importorskip("provenance.fingerprint.kernels")
    compiled = native.sketch_texts(texts, settings_)
    for granularity in numpy_path:
        assert np.array_equal(numpy_path[granularity], compiled[granularity])


_TOKENS = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TOKENS, max_size=20))
def test_batched_token_and_stem_hashes_equal_the_reference(tokens):
    """New tokens are stemmed and hashed a batch at a time."""
    native = pytest.importorskip("provenance.fingerprint.kernels")
    from provenance.analysis.tokens import content_stem, content_stems
    from provenance.fingerprint.hashing import stem_hash_of, token_hash

    assert native.token_hashes(tokens).tolist() == [token_hash(t) for t in tokens]
    folded = [fold(t).replace("'", "") for t in tokens] + ["the", "a", "running", "naïve"]
    assert content_stems(folded) == [content_stem(t) for t in folded]
    assert native.stem_hashes(folded).tolist() == [stem_hash_of(t) for t in folded]
