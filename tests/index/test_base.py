"""CandidateIndex declares every method callers use, and no backend adds one."""

from provenance.index import CandidateIndex
from provenance.index.memory import MemoryIndex
from provenance.index.redis import RedisIndex
from provenance.index.sqlite import SqliteIndex

#: What the CLI, the check and the index builder call on an index.
CALLED = {"add", "add_all", "add_documents", "best", "close", "digests", "documents", "entries", "info",
          "query", "remove", "signature_of", "__contains__", "__len__", "__enter__", "__exit__"}


ABSTRACT = {"add", "add_documents", "remove", "_lsh_query", "signature_of", "documents", "digests", "entries",
            "info", "__contains__", "__len__"}


def _public(cls) -> set[str]:
    return {n for n, v in vars(cls).items() if callable(v) and (not n.startswith("_") or n in CALLED)}


def test_every_method_callers_use_is_declared_on_the_base_with_a_docstring():
    for name in CALLED | ABSTRACT:
        method = getattr(CandidateIndex, name)
        assert method.__doc__ or name in ("__enter__", "__exit__"), name
    assert CandidateIndex.__abstractmethods__ == ABSTRACT
    for backend in (MemoryIndex, SqliteIndex, RedisIndex):
        assert _public(backend) <= _public(CandidateIndex), backend  # nothing callers need only one backend has
        assert not backend.__abstractmethods__
