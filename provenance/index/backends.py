"""Index backends chosen by the scheme of a location.

Built in: a plain path or ``sqlite:///path/to/file.db`` (everything after
``sqlite://`` is the path) opens :class:`~provenance.index.sqlite.SqliteIndex`;
``redis://`` and ``rediss://`` open :class:`~provenance.index.redis.RedisIndex`
(the ``redis`` extra); ``memory://`` makes an empty
:class:`~provenance.index.memory.MemoryIndex`, which lives as long as the
object. A plug-in adds a scheme with :func:`register_backend`, or from its
distribution's metadata, loaded when a scheme is first not found::

    [project.entry-points."provenance.index_backends"]
    mine = "my_package.index:open_mine"     # opens mine://...

A factory is called as ``factory(location, settings, create=..., prefix=...)``
and returns a :class:`~provenance.index.base.CandidateIndex`; ``prefix`` is
the key namespace of ``--prefix`` (None when not given: a backend without
namespaces should refuse any other value).

>>> index = open_index("memory://", create=True)
>>> index.backend, len(index)
('memory', 0)
>>> scheme_of("redis://localhost:6379/0"), scheme_of("wires.db"), scheme_of("sqlite:///tmp/wires.db")
('redis', None, 'sqlite')
"""

from __future__ import annotations

import re
from typing import Protocol

from ..config import DEFAULT_SETTINGS, Settings
from ..errors import IndexStoreError
from ..plugins import Registry
from .base import CandidateIndex

#: The entry-point group a distribution registers index backends under (name: the scheme).
ENTRY_POINT_GROUP = "provenance.index_backends"


class BackendFactory(Protocol):
    """What :func:`register_backend` takes: opens (or with ``create``, makes) the index at ``location``."""

    def __call__(self, location: str, settings: Settings, *, create: bool, prefix: str | None) -> CandidateIndex: ...


def _open_sqlite(location: str, settings: Settings, *, create: bool, prefix: str | None) -> CandidateIndex:
    from .sqlite import SqliteIndex

    _no_prefix(prefix)
    path = location[len("sqlite://"):] if scheme_of(location) == "sqlite" else location
    return SqliteIndex(path, settings, create=create)


def _open_redis(location: str, settings: Settings, *, create: bool, prefix: str | None) -> CandidateIndex:
    from .redis import (
        RedisIndex,  # needs redis-py only when it connects: the error names the extra
    )

    return RedisIndex(location, settings, create=create, prefix=prefix)


def _open_memory(location: str, settings: Settings, *, create: bool, prefix: str | None) -> CandidateIndex:
    from .memory import MemoryIndex

    _no_prefix(prefix)
    index = MemoryIndex(settings)
    index.location = location
    return index


def _no_prefix(prefix: str | None) -> None:
    if prefix is not None:
        raise IndexStoreError("a key prefix applies to Redis indexes only (redis://host:port/db)")


#: The backends by the URL scheme they open (lower case).
BACKENDS: Registry[BackendFactory] = Registry(ENTRY_POINT_GROUP, "an index backend", {
    "sqlite": _open_sqlite, "redis": _open_redis, "rediss": _open_redis, "memory": _open_memory,
}, normalise=str.lower)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://")


def register_backend(scheme: str, factory: BackendFactory, *, replace: bool = False) -> None:
    """Open locations ``scheme://...`` with ``factory``."""
    scheme = scheme.lower()
    if not _SCHEME.fullmatch(f"{scheme}://"):
        raise ValueError(f"invalid URL scheme {scheme!r}")
    BACKENDS.register(scheme, factory, replace=replace)


def backend_schemes() -> tuple[str, ...]:
    """The schemes an index location may start with, the built-in first."""
    return BACKENDS.names()


def scheme_of(location: str) -> str | None:
    """The scheme of ``location`` in lower case, or None for a plain path."""
    found = _SCHEME.match(location)
    return found.group(1).lower() if found else None


def open_index(location: str, settings: Settings = DEFAULT_SETTINGS, *, create: bool = False,
               prefix: str | None = None) -> CandidateIndex:
    """Open the index at ``location`` with the backend its scheme names.

    A plain path is an SQLite file. ``create`` makes a missing index;
    otherwise a missing one raises :class:`~provenance.errors.IndexStoreError`.
    ``prefix`` namespaces a Redis index's keys (as does a ``?prefix=`` query
    parameter); other backends refuse it.
    """
    scheme = scheme_of(location) or "sqlite"
    factory = BACKENDS.get(scheme)
    if factory is None:
        known = ", ".join(f"{s}://" for s in BACKENDS.names())
        raise IndexStoreError(f"no index backend for {scheme}:// (known: {known}, or a file path); a plug-in "
                              f"adds one under the entry-point group {ENTRY_POINT_GROUP}")
    index = factory(location, settings, create=create, prefix=prefix)
    if not isinstance(index, CandidateIndex):
        raise IndexStoreError(f"the {scheme}:// backend made {type(index).__name__}, not a CandidateIndex")
    return index
