"""Third-party plug-ins through entry points: the registries of readers,
matchers, executors, index backends and renderers each load their group
once, when first asked for a name they do not know.

A distribution declares, in its ``pyproject.toml``::

    [project.entry-points."provenance.matchers"]
    mine = "my_package.matching:MyMatcher"
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from .errors import ConfigError, ProvenanceError

T = TypeVar("T")


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


class Registry(Generic[T]):
    """Factories by name, for one kind of plug-in: the built-ins given at
    creation, others added by :meth:`register` or declared in the
    entry-point group ``group``, which is loaded the first time a name is
    not found (or the names are listed), once.

    >>> registry = Registry("provenance.examples", "an example", {"one": int})
    >>> registry.register("two", float)
    >>> registry.names(), registry.get("two")
    (('one', 'two'), <class 'float'>)
    >>> registry.register("two", str)
    Traceback (most recent call last):
    ...
    provenance.errors.ConfigError: an example named 'two' is registered already
    >>> registry.register("one", str, replace=True)
    Traceback (most recent call last):
    ...
    provenance.errors.ConfigError: an example named 'one' is built in and cannot be replaced
    >>> registry.require("three")
    Traceback (most recent call last):
    ...
    provenance.errors.ConfigError: no example named 'three'; known: one, two
    """

    def __init__(self, group: str, kind: str, builtins: dict[str, T] | None = None,
                 normalise: Callable[[str], str] = str):
        #: The entry-point group third-party plug-ins of this kind declare themselves in.
        self.group = group
        #: What it registers, with its article ("a sentence matcher"), for messages.
        self.kind = kind
        self._normalise = normalise
        self._entries: dict[str, T] = dict(builtins or {})
        self._builtins = frozenset(self._entries)
        self._loaded = False
        self._lock = threading.Lock()

    def register(self, name: str, factory: T, *, replace: bool = False) -> None:
        """Make ``factory`` available as ``name`` (a taken name only with
        ``replace``; a built-in's never, so that its name means what the
        documentation says)."""
        name = self._normalise(name)
        if name in self._builtins:
            raise ConfigError(f"{self.kind} named {name!r} is built in and cannot be replaced")
        if name in self._entries and not replace:
            raise ConfigError(f"{self.kind} named {name!r} is registered already")
        self._entries[name] = factory

    def unregister(self, name: str) -> None:
        """Take ``name`` out of the registry (the built-ins stay)."""
        name = self._normalise(name)
        if name not in self._builtins:
            self._entries.pop(name, None)

    def get(self, name: str) -> T | None:
        """The factory registered as ``name``, entry points included, or None."""
        name = self._normalise(name)
        if name not in self._entries:
            self.load()
        return self._entries.get(name)

    def require(self, name: str) -> T:
        """The factory registered as ``name``; a :class:`ConfigError` listing
        the known names when there is none."""
        factory = self.get(name)
        if factory is None:
            noun = self.kind.split(" ", 1)[1]  # "a sentence matcher" -> "sentence matcher"
            raise ConfigError(f"no {noun} named {name!r}; known: {', '.join(self.names())}")
        return factory

    def names(self) -> tuple[str, ...]:
        """Every registered name, the built-ins first."""
        self.load()
        return tuple(self._entries)

    def load(self) -> None:
        """Register the group's entry points (once; a taken name keeps its
        factory). A plug-in that cannot be loaded raises, every time it is
        asked for, and registers nothing of its group."""
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            found = list(entry_point_factories(self.group))  # all or nothing
            for name, factory in found:
                self._entries.setdefault(self._normalise(name), factory)
            self._loaded = True

    def forget_plugins(self) -> None:
        """Drop everything but the built-ins, and load the entry points afresh when next asked (for tests)."""
        self._entries = {name: factory for name, factory in self._entries.items() if name in self._builtins}
        self._loaded = False
