"""Renderers: each turns a scan, compare or check result into one output format.

Reports render what the judge decided and never re-analyse. The JSON
document built by :func:`provenance.report.json.scan_document` is the one
data model every other scan and compare format renders from.

The formats are found by name through the renderer door
(:mod:`provenance.report.registry`)::

    from provenance.report import renderer
    html = renderer("html", "scan").render(result)
"""

from .registry import (
    CHECK,
    COMPARE,
    ENTRY_POINT_GROUP,
    KINDS,
    SCAN,
    Comparison,
    Renderer,
    load_plugins,
    register_renderer,
    renderer,
    renderer_names,
    renderers,
    unregister_renderer,
)

#: Version of the JSON schema (docs/json-schema.md). Bump the major part on
#: any change that can break a consumer, the minor part on additions.
SCHEMA_VERSION = "1.4"


def clip(text: str | None, width: int) -> str:
    """``text`` on one line (runs of white space as one space), cut to
    ``width`` characters with an ellipsis when longer.

    >>> clip("a  long   title", 8)
    'a long …'
    """
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


__all__ = [
    "CHECK",
    "COMPARE",
    "ENTRY_POINT_GROUP",
    "KINDS",
    "SCAN",
    "SCHEMA_VERSION",
    "clip",
    "Comparison",
    "Renderer",
    "load_plugins",
    "register_renderer",
    "renderer",
    "renderer_names",
    "renderers",
    "unregister_renderer",
]
