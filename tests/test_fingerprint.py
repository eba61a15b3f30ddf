import os
import subprocess
import sys

import numpy as np
from datasketch import MinHash

from provenance import Settings
from provenance.fingerprint import signature
from provenance.index import candidate_pairs
from provenance.text import document_shingles

TEXT = "The Kremlin on Monday denied reports that the president-elect had spoken to Putin. " * 3


def test_signature_equals_datasketch_minhash_of_the_shingles(make_document):
    document = make_document(TEXT + " Peskov said there were no concrete plans yet.")
    sig = signature(document)
    for granularity, shingles in document_shingles(document).items():
        reference = MinHash(num_perm=128, seed=1, scheme="affine32")
        for shingle in shingles:
            reference.update(shingle.encode("utf-8"))
        assert np.array_equal(sig.values[granularity], reference.hashvalues)


def test_signature_is_identical_across_processes_with_different_hash_seeds(tmp_path):
    script = (
        "from provenance import Article, analyse; from provenance.fingerprint import signature;"
        f"s = signature(analyse(Article(id='a', text={TEXT!r})));"
        "print(','.join(str(int(v)) for g in ('words', 'content') for v in s.values[g][:16]))"
    )
    outputs = set()
    for seed in ("1", "2", "999"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_estimated_jaccard_tracks_exact_jaccard(make_document):
    words = [f"w{i}" for i in range(400)]
    a = make_document(" ".join(words[:300]) + ".", "a")
    b = make_document(" ".join(words[100:400]) + ".", "b")
    settings = Settings(num_perm=256)
    exact_sets = document_shingles(a, settings)["content"], document_shingles(b, settings)["content"]
    exact = len(exact_sets[0] & exact_sets[1]) / len(exact_sets[0] | exact_sets[1])
    estimate = signature(a, settings).jaccard(signature(b, settings), "content")
    # Standard error of the estimate is sqrt(J(1-J)/k); allow four of them.
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
