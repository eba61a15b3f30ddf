"""Token and shingle hashes (pinned: every index holds them) and
datasketch's permutations."""

import os
import subprocess
import sys

import numpy as np
import pytest
from datasketch import MinHash

from provenance.fingerprint.hashing import permutations, shingle_hash, token_hash

#: A text whose signature must not depend on the process's hash seed.
TEXT = "The Kremlin on Monday denied reports that the president-elect had spoken to Putin. " * 3


@pytest.mark.parametrize("scheme", ["affine32", "affine64"])
@pytest.mark.parametrize("seed", [0, 1, 7, 2**31 - 1])
@pytest.mark.parametrize("num_perm", [1, 16, 128, 257])
def test_permutations_are_datasketchs(scheme, seed, num_perm):
    a, b = permutations(num_perm, seed, scheme)
    theirs_a, theirs_b = MinHash(num_perm=num_perm, seed=seed, scheme=scheme).permutations
    assert a.dtype == theirs_a.dtype and b.dtype == theirs_b.dtype
    assert np.array_equal(a, theirs_a) and np.array_equal(b, theirs_b)


def test_hashes_are_pinned():
    # The values are part of every persisted index: a change here must bump
    # TEXT_VERSION in config.py.
    assert token_hash("kremlin") == 0x6414F2F3F4D8BA3F
    assert shingle_hash("the kremlin on monday denied") == 1578938079
    assert shingle_hash(("the", "kremlin", "on", "monday", "denied")) == shingle_hash("the kremlin on monday denied")
    assert shingle_hash("kremlin") < 2**32 and shingle_hash("kremlin", 64) >> 32 == shingle_hash("kremlin")


def test_signature_is_identical_across_processes_with_different_hash_seeds(tmp_path):
    script = (
        "from provenance import Article, analyse; from provenance.fingerprint.minhash import signature;"
        f"s = signature(analyse(Article(id='a', text={TEXT!r})));"
        "print(','.join(str(int(v)) for g in ('words', 'content') for v in s.values[g][:16]))"
    )
    outputs = set()
    for seed in ("1", "2", "999"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
