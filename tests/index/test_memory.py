"""MemoryIndex (memory://): documents kept like the persistent backends keep them."""

import pytest

from provenance import analyse, read_articles
from provenance.fingerprint.minhash import signature
from provenance.index import open_index
from provenance.index.build import add_articles
from tests.helpers import SEEDS, seed_id


def test_the_memory_backend_keeps_documents_like_the_persistent_ones(wire_index):
    articles = read_articles([SEEDS])
    with open_index("memory://", create=True) as memory, open_index(str(wire_index)) as sqlite:
        report = add_articles(memory, articles)
        assert len(report.added) == len(memory) == 5
        assert add_articles(memory, articles).unchanged == report.added
        wire = seed_id("002")
        assert memory.documents([wire]) == sqlite.documents([wire])
        assert [e for e in memory.entries() if e.id == wire] == list(sqlite.entries())
        assert memory.digests([wire]) == sqlite.digests([wire])
        query = signature(analyse(read_articles(list(SEEDS.glob("000_*.txt")))[0]))
        assert memory.best(query, 3) and memory.info().parameters == sqlite.info().parameters
        assert memory.remove([wire, "nope"]) == (wire,) and wire not in memory and len(memory) == 4
        assert wire not in [key for key, _ in memory.query(query)]
        with pytest.raises(KeyError):
            memory.documents([wire])


def test_best_is_query_filtered_by_the_floors_and_cut_to_the_limit():
    # The vectorised best() is CandidateIndex.best's definition, on near-identical
    # signatures whose estimates tie (ranked by id) and on floors that drop some.
    from provenance import Article
    from provenance.index.base import CandidateIndex
    from provenance.index.memory import MemoryIndex

    texts = [f"Tiny article {i} about the council and its budget for the harbour." for i in range(40)]
    texts += [f"Tiny note {i} about the council." for i in range(10)]
    signatures = [signature(analyse(Article(id=f"b{i:02d}", text=t))) for i, t in enumerate(texts)]
    index = MemoryIndex()
    for sig in reversed(signatures):
        index.add(sig)
    probe = signatures[3]
    for limit in (None, 1, 3, 100):
        for floors in (None, {"words": 0.9, "content": 0.9}, {"words": 0.0, "content": 0.5}):
            expected = [(k, r) for k, r in CandidateIndex.query(index, probe)
                        if CandidateIndex.passes(probe, index.signature_of(k), floors)][:limit]
            assert index.best(probe, limit, floors) == expected
    assert index.query(probe) == CandidateIndex.query(index, probe)
    ranked = index.query(probe)
    assert [k for k, _ in ranked] == sorted((k for k, _ in ranked), key=lambda k: (-dict(ranked)[k], k))
