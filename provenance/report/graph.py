"""The HTML report's derivation graph of a story: boxes and curves laid out
as plain numbers for the template to draw as SVG (no layout engine, no
script): the source on the left, each derived article on the right.

>>> view = graph({"id": "w", "outlet": "Reuters", "is_wire": True}, [])
>>> (view.source.lines[0][2], len(view.nodes), view.label)
('Reuters', 0, 'Derivation graph: 0 articles derived from Reuters')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import clip

#: Derived articles drawn in a story's graph; its table lists every one.
GRAPH_MAX_NODES = 24


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    width: float
    height: float
    #: Text lines: (baseline offset from the top, CSS class, text).
    lines: tuple[tuple[float, str, str], ...]
    tooltip: str
    href: str
    verdict: str
    #: Carries the uncredited mark.
    flagged: bool


@dataclass(frozen=True)
class Edge:
    path: str
    verdict: str


@dataclass(frozen=True)
class Graph:
    width: int
    height: int
    source: Node
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    #: Derived articles not drawn (listed in the table only).
    hidden: int
    label: str



_G_PAD = 8
_G_SOURCE_W = 220
_G_NODE_W = 280
_G_NODE_H = 56
_G_LINE = 15
_G_GAP = 8
_G_WIDTH = 660


def graph(source: Mapping[str, Any], relations: Sequence[Any]) -> Graph:
    """Source on the left, derived articles stacked on the right, one curve
    each. ``relations`` are the HTML report's relation views (``verdict``,
    ``credited``, ``flagged``, ``derived``, ``dom_id``)."""
    shown = relations[:GRAPH_MAX_NODES]
    step = _G_NODE_H + _G_GAP
    rows = len(shown) + (1 if len(relations) > len(shown) else 0)
    height = max(rows * step - _G_GAP, _G_NODE_H) + 2 * _G_PAD
    source_y = (height - _G_NODE_H) / 2
    detail = " · ".join(["source"] + (["wire"] if source.get("is_wire") else []))
    source_node = Node(
        x=_G_PAD, y=source_y, width=_G_SOURCE_W, height=_G_NODE_H, lines=_node_lines(source, detail, _G_SOURCE_W),
        tooltip=_tooltip(source), href="", verdict="source", flagged=False,
    )
    nodes, edges = [], []
    x = _G_WIDTH - _G_PAD - _G_NODE_W
    start = (_G_PAD + _G_SOURCE_W, source_y + _G_NODE_H / 2)
    for row, relation in enumerate(shown):
        y = _G_PAD + row * step
        detail = relation.verdict + ("" if relation.verdict == "independent" else
                                     " · update, same outlet" if relation.update else
                                     " · credited" if relation.credited else " · not credited")
        if relation.source["id"] != source["id"]:  # a story may have several sources
            detail += f" · from {_name(relation.source)}"
        nodes.append(Node(
            x=x, y=y, width=_G_NODE_W, height=_G_NODE_H, lines=_node_lines(relation.derived, detail, _G_NODE_W),
            tooltip=_tooltip(relation.derived), href=f"#{relation.dom_id}",
            verdict=relation.verdict, flagged=relation.flagged,
        ))
        end = (x - 7, y + _G_NODE_H / 2)  # leave room for the arrowhead
        middle = (start[0] + end[0]) / 2
        edges.append(Edge(
            path=f"M{start[0]:g} {start[1]:g} C{middle:g} {start[1]:g} {middle:g} {end[1]:g} {end[0]:g} {end[1]:g}",
            verdict=relation.verdict,
        ))
    label = f"Derivation graph: {len(relations)} article{'s' if len(relations) != 1 else ''} " \
            f"derived from {clip(_name(source), 60)}"
    return Graph(_G_WIDTH, int(height), source_node, tuple(nodes), tuple(edges),
                 len(relations) - len(shown), label)


def _node_lines(article: Mapping[str, Any], detail: str, width: int) -> tuple[tuple[float, str, str], ...]:
    """The outlet (or the id); the date and title (or the id, where the outlet
    stood for it); the verdict. So six articles from one outlet read apart.
    Text is clipped by count here and to the box by the box's own viewport."""
    chars = (width - 16) // 7
    second = " · ".join(str(p) for p in (article.get("published"), article.get("title")) if p)
    second = second or (article["id"] if article.get("outlet") else "")
    lines = [(k, t) for k, t in (("n-name", clip(_name(article), chars - 3)), ("n-title", clip(second, chars + 3)),
                                 ("n-detail", clip(detail, chars + 3))) if t]
    top = (_G_NODE_H - _G_LINE * len(lines)) / 2 + 11
    return tuple((top + _G_LINE * n, kind, text) for n, (kind, text) in enumerate(lines))


def _name(article: Mapping[str, Any]) -> str:
    return article.get("outlet") or article["id"]


def _tooltip(article: Mapping[str, Any]) -> str:
    parts = [article["id"], article.get("outlet"), article.get("published"), article.get("title")]
    return " · ".join(str(p) for p in parts if p)
