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
