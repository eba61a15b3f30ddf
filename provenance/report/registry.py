"""The renderer door: the :class:`Renderer` interface and the registry of
report formats.

A renderer turns one kind of result into one report format. The kinds, and
the result each renders from:

* ``scan``: a :class:`provenance.model.ScanResult` (what ``provenance.scan`` returns)
* ``compare``: a :class:`Comparison`, the (relation, source, derived) triple
  ``provenance.compare`` returns (a plain triple renders the same)
* ``check``: a :class:`provenance.gate.result.CheckResult`

The built-in formats are text, json, html, csv and jsonl for scan (the
last two one row per article), text, json and html for compare, and text,
json, jsonl, sarif, junit and github for check. The registry names
them itself and imports a format's module only when it first renders, so
listing the formats (the CLI's ``--format`` choices) imports none of them:
the HTML renderer alone would pull in jinja2.

A third-party package adds a format with :func:`register_renderer`, or by
declaring an entry point in the group ``provenance.renderers`` naming a
:class:`Renderer` instance or subclass::

    [project.entry-points."provenance.renderers"]
    markdown = "my_package.report:Markdown"

Entry points are loaded once a process: when a format is asked for that is
not registered, or when the formats are listed. A plug-in that cannot be
loaded, or that takes a name already registered, is a ProvenanceError
naming it (a program that means to replace a built-in calls
``register_renderer(..., replace=True)``).

>>> renderer_names("scan")[:3]
('text', 'json', 'html')
>>> renderer("sarif", "check").kinds
('check',)
"""

from __future__ import annotations

import importlib
import threading
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ..model import Document, Relation

SCAN = "scan"
COMPARE = "compare"
CHECK = "check"

#: The kinds of result a renderer can render.
KINDS = (SCAN, COMPARE, CHECK)

#: The entry-point group third-party renderers are declared in.
ENTRY_POINT_GROUP = "provenance.renderers"


class Comparison(NamedTuple):
    """What ``compare`` renders: the ledger of ``derived`` against ``source``."""

    relation: Relation
    source: Document
    derived: Document


class Renderer(ABC):
    """One report format for one or more kinds of result.

    A subclass sets :attr:`name` and :attr:`kinds` and implements
    :meth:`render`. A renderer holds no state between results, so one
    instance serves a whole process.
    """

    #: The format's name, as given to ``--format`` (``"markdown"``).
    name: str = ""
    #: The kinds of result it renders, among :data:`KINDS`.
    kinds: tuple[str, ...] = ()

    @abstractmethod
    def render(self, result: Any, **options: Any) -> str:
        """The report for ``result`` (its type tells the kind); options it does not use are ignored.

        The CLI passes ``show_all`` (bool, print every sentence's label) for a scan,
        and ``explain`` (bool, add the verdict model's reasoning) for a scan and a compare.
        """


class _Builtin(Renderer):
    """A built-in format: its function, named "module:attribute", is
    imported on the first render."""

    def __init__(self, name: str, kind: str, target: str, options: tuple[str, ...] = ()):
        self.name, self.kinds = name, (kind,)
        self._target = target
        self._options = options
        self._function: Any = None

    def render(self, result: Any, **options: Any) -> str:
        if self._function is None:
            module, _, attribute = self._target.partition(":")
            self._function = getattr(importlib.import_module(module), attribute)
        used = {key: value for key, value in options.items() if key in self._options}
        # The compare renderers take the triple's three parts.
        return self._function(*result, **used) if self.kinds == (COMPARE,) else self._function(result, **used)

    def __repr__(self) -> str:
        return f"<built-in {self.kinds[0]} renderer {self.name!r}: {self._target}>"


# Keyed by (kind, name), in registration order: the built-ins in the order
# the CLI has always listed them, then plug-ins. Replacing a format keeps its
# place.
_RENDERERS: dict[tuple[str, str], Renderer] = {}
_PLUGINS_LOADED = False
_PLUGINS_LOCK = threading.Lock()


def register_renderer(renderer: Renderer, *, replace: bool = False) -> Renderer:
    """Make ``renderer`` the format ``renderer.name`` for each of its kinds and return it.

    A name already taken for one of those kinds raises ValueError unless ``replace``.
    """
    if not isinstance(renderer, Renderer):
        raise TypeError(f"not a Renderer: {renderer!r}")
    _check(renderer)
    name, kinds = renderer.name, renderer.kinds
    taken = [kind for kind in kinds if (kind, name) in _RENDERERS]
    if taken and not replace:
        raise ValueError(f"a {taken[0]} renderer named {name!r} is registered already")
    for kind in kinds:
        _RENDERERS[(kind, name)] = renderer
    return renderer


def unregister_renderer(name: str, kind: str | None = None) -> None:
    """Take the format ``name`` out of the registry, for ``kind`` or for every kind."""
    for key in [key for key in _RENDERERS if key[1] == name and kind in (None, key[0])]:
        del _RENDERERS[key]


def renderer(name: str, kind: str) -> Renderer:
    """The renderer of format ``name`` for ``kind``; LookupError, naming the known formats, if none."""
    _check_kind(kind)
    found = _RENDERERS.get((kind, name))
    if found is None and not _PLUGINS_LOADED:
        load_plugins()
        found = _RENDERERS.get((kind, name))
    if found is None:
        raise LookupError(f"no {kind} renderer named {name!r}; known: {', '.join(renderer_names(kind))}")
    return found


def renderers(kind: str) -> tuple[Renderer, ...]:
    """Every renderer for ``kind``: the built-ins in their usual order, then plug-ins."""
    _check_kind(kind)
    load_plugins()
    return tuple(each for (of, _), each in _RENDERERS.items() if of == kind)


def renderer_names(kind: str) -> tuple[str, ...]:
    """The format names for ``kind``, in the order of :func:`renderers`."""
    _check_kind(kind)
    load_plugins()
    return tuple(name for of, name in _RENDERERS if of == kind)


def load_plugins() -> None:
    """Register the renderers declared in the ``provenance.renderers`` entry-point group (once a process).

    One that fails to load, is not a :class:`Renderer`, or takes a name
    already registered is a ProvenanceError naming it, and none is registered.
    """
    global _PLUGINS_LOADED
    if _PLUGINS_LOADED:
        return
    with _PLUGINS_LOCK:
        if _PLUGINS_LOADED:
            return
        from ..errors import ProvenanceError
        from ..plugins import entry_point_factories

        # All checked before any is registered, so that asking again after
        # an error gives the same error, not a half-loaded registry.
        made: list[Renderer] = []
        taken = set(_RENDERERS)
        for label, found in entry_point_factories(ENTRY_POINT_GROUP):
            each = found() if isinstance(found, type) and issubclass(found, Renderer) else found
            if not isinstance(each, Renderer):
                raise ProvenanceError(f"plug-in {label!r} of {ENTRY_POINT_GROUP} is not a "
                                      f"provenance.report.Renderer: {each!r}")
            try:
                _check(each)
            except ValueError as exc:
                raise ProvenanceError(f"plug-in {label!r} of {ENTRY_POINT_GROUP}: {exc}") from None
            clash = [kind for kind in each.kinds if (kind, each.name) in taken]
            if clash:
                raise ProvenanceError(f"plug-in {label!r} of {ENTRY_POINT_GROUP}: a {clash[0]} renderer "
                                      f"named {each.name!r} is registered already")
            taken.update((kind, each.name) for kind in each.kinds)
            made.append(each)
        for each in made:
            register_renderer(each)
        _PLUGINS_LOADED = True


def _check(renderer: Renderer) -> None:
    name, kinds = renderer.name, renderer.kinds
    if not isinstance(name, str) or not name or name != name.strip() or name.startswith("-"):
        raise ValueError(f"a renderer's name is a non-empty word, not {name!r}")
    if not isinstance(kinds, tuple) or not kinds or any(kind not in KINDS for kind in kinds):
        raise ValueError(f"renderer {name!r}: kinds must be a tuple among {', '.join(KINDS)}, not {kinds!r}")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"a renderer kind is one of {', '.join(KINDS)}, not {kind!r}")


for _name, _kind, _target, _options in (
    ("text", SCAN, "provenance.report.text:render_scan", ("show_all", "explain")),
    ("json", SCAN, "provenance.report.json:render_scan", ()),
    ("html", SCAN, "provenance.report.html:render_scan", ()),
    ("csv", SCAN, "provenance.report.table:render_csv", ()),
    ("jsonl", SCAN, "provenance.report.table:render_jsonl", ()),
    ("text", COMPARE, "provenance.report.text:render_compare", ("explain",)),
    ("json", COMPARE, "provenance.report.json:render_compare", ()),
    ("html", COMPARE, "provenance.report.html:render_compare", ()),
    ("text", CHECK, "provenance.report.check_text:render", ()),
    ("json", CHECK, "provenance.report.check_json:dumps", ()),
    ("jsonl", CHECK, "provenance.report.check_json:dumps_lines", ()),
    ("sarif", CHECK, "provenance.report.sarif:dumps", ()),
    ("junit", CHECK, "provenance.report.junit:dumps", ()),
    ("github", CHECK, "provenance.report.github:render", ()),
):
    register_renderer(_Builtin(_name, _kind, _target, _options))
del _name, _kind, _target, _options
