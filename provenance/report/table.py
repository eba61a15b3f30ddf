"""A scan as one row per article, for spreadsheets (CSV) and pipelines (JSON Lines).

Each row says where the article stands: the ``source`` of its story, a
``derived`` article with its verdict, credit and shares, or ``alone`` (no
related article found). Both formats carry the same fields in the same
order (:data:`FIELDS`); the JSON report holds everything else.

A CSV cell that a spreadsheet would read as a formula (one starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with an
apostrophe: article text is untrusted, and a title like ``=HYPERLINK(...)``
must stay text.

>>> row = {"article": "a", "title": "=1+1"}
>>> _csv_cell(row["title"])
"'=1+1"
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from ..model import ScanResult

#: The columns, in order.
FIELDS = ("article", "role", "story", "source", "verdict", "credited", "update", "copied", "from_source",
          "outlet", "published", "title", "origin")

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def rows(result: ScanResult) -> Iterator[dict[str, Any]]:
    """One row per article of ``result``, in the scan's article order (an
    article a filter left out of every story, none: see ``ScanResult.filtered``).

    ``copied`` is the share of the article's words in passages of three or
    more words copied word for word from its source; ``from_source`` the
    share taken from it verbatim or rewritten; ``credited`` and ``update``
    (the same agency's later take) are empty where there is no reuse.
    """
    story_of: dict[str, tuple[str, str]] = {}
    for story in result.stories:
        story_of[story.source] = (story.id, "source" if story.members else "alone")
        for member in story.members:
            story_of[member] = (story.id, "derived")
    for document in result.documents:
        if document.id not in story_of:  # left out by a filter (every scanned article is in a story)
            continue
        story, role = story_of[document.id]
        relation = result.relation(document.id) if role == "derived" else None
        reuse = relation is not None and relation.reuses_text
        yield {
            "article": document.id,
            "role": role,
            "story": story,
            "source": relation.source if relation is not None else "",
            "verdict": relation.verdict if relation is not None else "",
            "credited": relation.credited if reuse else None,
            "update": relation.update if reuse else None,
            "copied": relation.scores.run_coverage_3 if relation is not None else None,
            "from_source": relation.scores.matched if relation is not None else None,
            "outlet": document.outlet,
            "published": document.published,
            "title": document.title,
            "origin": document.origin,
        }


def render_csv(result: ScanResult) -> str:
    """The scan as CSV with a header row (RFC 4180 quoting, ``\\r\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    for row in rows(result):
        writer.writerow([_csv_cell(row[field]) for field in FIELDS])
    return out.getvalue()


def render_jsonl(result: ScanResult) -> str:
    """The scan as JSON Lines: one object per article, keys in :data:`FIELDS` order."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows(result))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
