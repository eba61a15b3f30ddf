import os
import random
import subprocess
import sys

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH

from provenance import Settings
from provenance.errors import ConfigError
from provenance.fingerprint.hashing import permutations, shingle_hash, token_hash
from provenance.fingerprint.minhash import signature, signatures, signatures_of_token_lists
from provenance.candidates.bands import RECALL_WEIGHTS, lsh_layout
from reference import candidate_pairs
from provenance.analysis.tokens import document_shingles

TEXT = "The Kremlin on Monday denied reports that the president-elect had spoken to Putin. " * 3


@pytest.mark.parametrize("scheme", ["affine32", "affine64"])
def test_signature_equals_datasketch_minhash_given_the_shingle_hash(make_document, scheme):
    document = make_document(TEXT + " Peskov said there were no concrete plans yet.")
    settings = Settings(minhash_scheme=scheme, content_shingle_size=2)
    width = 64 if scheme == "affine64" else 32
    sig = signature(document, settings)
    for granularity, shingles in document_shingles(document, settings).items():
        reference = MinHash(num_perm=128, seed=1, scheme=scheme, hashfunc=lambda s: shingle_hash(s, width))
        for shingle in shingles:
            reference.update(shingle)
        assert np.array_equal(sig.values[granularity], reference.hashvalues)
        assert sig.values[granularity].dtype == reference.hashvalues.dtype


@pytest.mark.parametrize("scheme", ["affine32", "affine64"])
@pytest.mark.parametrize("seed", [0, 1, 7, 2**31 - 1])
@pytest.mark.parametrize("num_perm", [1, 16, 128, 257])
def test_permutations_are_datasketchs(scheme, seed, num_perm):
    a, b = permutations(num_perm, seed, scheme)
    theirs_a, theirs_b = MinHash(num_perm=num_perm, seed=seed, scheme=scheme).permutations
    assert a.dtype == theirs_a.dtype and b.dtype == theirs_b.dtype
    assert np.array_equal(a, theirs_a) and np.array_equal(b, theirs_b)


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


def test_signatures_load_into_datasketch_lsh(seed_documents):
    sigs = signatures(list(seed_documents.values()))
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for sig in sigs:
        lsh.insert(sig.id, LeanMinHash(seed=sig.seed, hashvalues=sig.values["words"], scheme=sig.scheme))
    wire = next(s for s in sigs if s.id.startswith("002"))
    assert wire.id in lsh.query(wire.minhash("words"))
    copy = next(s for s in sigs if s.id.startswith("000"))
    assert wire.minhash("words").jaccard(copy.minhash("words")) == wire.jaccard(copy, "words")


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


def _exact(a: set, b: set) -> float:
    return len(a & b) / len(a | b)


def _planted_pairs(rng: random.Random, count: int) -> list[tuple[list[str], list[str]]]:
    """Pairs of token lists whose content-word sets share a chosen share of words."""
    pairs = []
    for number in range(count):
        size = rng.randint(80, 400)
        target = rng.choice((0.0, 0.05, 0.1, 0.3, 0.5, 0.8, 1.0, None))  # None: two random draws
        if target is None:
            vocabulary = [f"v{i}" for i in range(3000)]
            a, b = rng.sample(vocabulary, size), rng.sample(vocabulary, size)
        else:
            shared = round(2 * size * target / (1 + target))
            a = [f"s{number}x{i}" for i in range(size)]
            b = a[:shared] + [f"o{number}x{i}" for i in range(size - shared)]
        pairs.append((a, b))
    return pairs


def test_estimated_jaccard_tracks_exact_jaccard_on_random_and_planted_pairs():
    rng = random.Random(11)
    settings = Settings(num_perm=256, content_shingle_size=1)
    pairs = _planted_pairs(rng, 300)
    lists = [tokens for pair in pairs for tokens in pair]
    matrix = signatures_of_token_lists(lists, settings)["content"]
    scores = []
    for k, (a, b) in enumerate(pairs):
        exact = _exact(set(a), set(b))
        estimate = float(np.mean(matrix[2 * k] == matrix[2 * k + 1]))
        if exact in (0.0, 1.0):
            assert estimate == exact
            continue
        # The estimate is a binomial share: standard error sqrt(J(1-J)/k).
        scores.append((estimate - exact) / np.sqrt(exact * (1 - exact) / settings.num_perm))
    scores = np.array(scores)
    assert len(scores) > 150
    assert np.abs(scores).max() < 5
    # Unbiased, and spread as the binomial says (not more).
    assert abs(scores.mean()) < 3 / np.sqrt(len(scores))
    assert 0.8 < scores.std() < 1.2


def test_estimate_on_documents(make_document):
    words = [f"w{i}" for i in range(400)]
    a = make_document(" ".join(words[:300]) + ".", "a")
    b = make_document(" ".join(words[100:400]) + ".", "b")
    settings = Settings(num_perm=256)
    exact_sets = document_shingles(a, settings)["content"], document_shingles(b, settings)["content"]
    exact = _exact(*exact_sets)
    estimate = signature(a, settings).jaccard(signature(b, settings), "content")
    assert abs(estimate - exact) <= 4 * np.sqrt(exact * (1 - exact) / 256)


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
