"""Signatures: datasketch's MinHash given the same shingle hash, loadable
into its LSH, and unbiased Jaccard estimates; the sentence-text sketch
equals the document signature."""

import random

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH

from provenance import Article, Settings, analyse
from provenance.analysis.tokens import document_shingles
from provenance.fingerprint.hashing import shingle_hash
from provenance.fingerprint.minhash import (
    signature,
    signatures,
    signatures_of_token_lists,
    sketch_texts,
)
from tests.helpers import TRICKY

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


def test_signatures_load_into_datasketch_lsh(seed_documents):
    sigs = signatures(list(seed_documents.values()))
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for sig in sigs:
        lsh.insert(sig.id, LeanMinHash(seed=sig.seed, hashvalues=sig.values["words"], scheme=sig.scheme))
    wire = next(s for s in sigs if s.id.startswith("002"))
    assert wire.id in lsh.query(wire.minhash("words"))
    copy = next(s for s in sigs if s.id.startswith("000"))
    assert wire.minhash("words").jaccard(copy.minhash("words")) == wire.jaccard(copy, "words")


def test_sketching_sentence_text_equals_the_document_signature(seed_documents):
    documents = list(seed_documents.values()) + [analyse(Article(id="t", text="\n\n".join(TRICKY)))]
    texts = ["\n".join(s.text for s in d.sentences) for d in documents]
    matrices = sketch_texts(texts)
    for i, document in enumerate(documents):
        sig = signature(document)
        for granularity, values in sig.values.items():
            assert np.array_equal(values, matrices[granularity][i])


def test_empty_and_short_documents():
    matrices = signatures_of_token_lists([[], ["one"], ["the"], ["a", "b", "c"]], Settings())
    assert (matrices["words"][0] == 2**32 - 1).all()
    assert (matrices["content"][2] == 2**32 - 1).all()  # a stop word only
    assert not (matrices["words"][3] == 2**32 - 1).all()


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


@pytest.mark.slow
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
