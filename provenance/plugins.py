"""Third-party plug-ins through entry points: the registries of readers,
matchers, executors, index backends and renderers each load their group
once, when first asked for a name they do not know.

A distribution declares, in its ``pyproject.toml``::

    [project.entry-points."provenance.matchers"]
    mine = "my_package.matching:MyMatcher"
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import entry_points
from typing import Any

from .errors import ProvenanceError


def entry_point_factories(group: str) -> Iterator[tuple[str, Any]]:
    """(name, loaded object) of every entry point in ``group``, by name. One
    that fails to load is a :class:`~provenance.errors.ProvenanceError`
    naming it: a plug-in the user installed is never skipped in silence."""
    for point in sorted(entry_points(group=group), key=lambda p: p.name):
        try:
            loaded = point.load()
        except Exception as exc:  # noqa: BLE001 - any failure of a plug-in is named, not swallowed
            raise ProvenanceError(f"plug-in {point.name!r} of {group} ({point.value}) cannot be loaded: "
                                  f"{type(exc).__name__}: {exc}") from exc
        yield point.name, loaded
