"""Third-party plug-ins through entry points: the registries of readers,
matchers, executors, index backends and renderers each load their group
once, when first asked for a name they do not know.

A distribution declares, in its ``pyproject.toml``::

    [project.entry-points."provenance.matchers"]
    mine = "my_package.matching:MyMatcher"
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from typing import Any


def entry_point_factories(group: str) -> Iterator[tuple[str, Any]]:
    """(name, loaded object) of every entry point in ``group``, by name; one
    that fails to load is reported on stderr and skipped, not fatal."""
    for point in sorted(entry_points(group=group), key=lambda p: p.name):
        try:
            yield point.name, point.load()
        except Exception as exc:  # noqa: BLE001 - a broken plug-in must not break the tool
            print(f"provenance: plug-in {point.name!r} of {group} could not be loaded "
                  f"({type(exc).__name__}: {exc}); skipped", file=sys.stderr)
