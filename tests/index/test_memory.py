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
