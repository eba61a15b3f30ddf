"""The rows and schemas of a Spark scan's three tables -- ``relations``,
``stories`` and ``ledgers`` -- made from the local scan's own objects, so
that a table row and a report line say the same thing.

The ledgers table has a row per sentence of each derived article (``kind``
``sentence``: its label, the source sentences it was matched to, its
similarity) and per source sentence the derived article dropped (``kind``
``dropped``), with the field names of the JSON report's ``sentences`` and
``dropped``.

>>> RELATION_COLUMNS[:4], STORY_COLUMNS, LEDGER_COLUMNS[:5]
(('story', 'source', 'derived', 'verdict'), ('story', 'source', 'members', 'source_reasons'), \
('story', 'source', 'derived', 'kind', 'index'))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from ..model import Relation, Scores, Story
from .session import require_pyspark

#: The figures of each relation, as columns of the relations table.
SCORE_COLUMNS = tuple(f.name for f in dataclasses.fields(Scores))
RELATION_COLUMNS = ("story", "source", "derived", "verdict", "credited", "update", "reuses_text", *SCORE_COLUMNS,
                    "direction_reasons", "verdict_reasons", "credit_evidence")
STORY_COLUMNS = ("story", "source", "members", "source_reasons")
#: One row per derived sentence and per dropped source sentence of each relation's ledger.
LEDGER_COLUMNS = ("story", "source", "derived", "kind", "index", "label", "source_indexes", "score",
                  "verbatim_share", "text")

#: The tables, in the order they are written.
TABLES = ("relations", "stories", "ledgers")

#: The ``kind`` of a dropped source sentence's row.
DROPPED = "dropped"


def relation_rows(stories: Iterable[Story], relations: Iterable[Relation]) -> list[tuple]:
    """One row of :data:`RELATION_COLUMNS` per relation, in the order given;
    each names the story its derived article is in."""
    story_of = {member: story.id for story in stories for member in story.members}
    return [relation_row(story_of[r.derived], r) for r in relations]


def relation_row(story: str | None, r: Relation) -> tuple:
    """The row of :data:`RELATION_COLUMNS` of one relation, in ``story``."""
    scores = [float(getattr(r.scores, name)) for name in SCORE_COLUMNS]
    return (story, r.source, r.derived, r.verdict, bool(r.credited), bool(r.update), r.reuses_text, *scores,
            list(r.direction_reasons), list(r.verdict_reasons), list(r.credit_evidence))


def story_rows(stories: Iterable[Story]) -> list[tuple]:
    """One row of :data:`STORY_COLUMNS` per story, in the order given."""
    return [story_row(s) for s in stories]


def story_row(s: Story) -> tuple:
    """The row of :data:`STORY_COLUMNS` of one story."""
    return (s.id, s.source, list(s.members), list(s.source_reasons))


def ledger_rows(relations: Iterable[Relation], stories: Iterable[Story] = (),
                documents: Mapping[str, Any] | Iterable[Any] | None = None) -> list[tuple]:
    """One row of :data:`LEDGER_COLUMNS` per derived sentence and per dropped
    source sentence of each relation, in the order given: the derived
    sentences in order, then the dropped ones. ``story`` is the story of the
    derived article when ``stories`` are given (else None), ``text`` the
    sentence's text when the ``documents`` are (else None)."""
    story_of = {member: story.id for story in stories for member in story.members}
    if documents is not None and not isinstance(documents, Mapping):
        documents = {d.id: d for d in documents}
    rows = []
    for r in relations:
        story = story_of.get(r.derived)
        derived, source = (documents.get(r.derived), documents.get(r.source)) if documents else (None, None)
        for s in r.ledger.sentences:
            rows.append((story, r.source, r.derived, "sentence", s.index, s.label, list(s.source_indexes),
                         float(s.score), float(s.verbatim_share), _text(derived, s.index)))
        for index in r.ledger.dropped:
            rows.append((story, r.source, r.derived, DROPPED, index, None, [], None, None, _text(source, index)))
    return rows


def _text(document: Any, index: int) -> str | None:
    return None if document is None else document.sentences[index].text


def relation_schema() -> Any:
    """The Spark schema of the relations table (columns :data:`RELATION_COLUMNS`)."""
    types = require_pyspark().types
    text, texts = types.StringType(), types.ArrayType(types.StringType())
    fields = [types.StructField(name, text, False) for name in ("story", "source", "derived", "verdict")]
    fields += [types.StructField(name, types.BooleanType(), False) for name in ("credited", "update", "reuses_text")]
    fields += [types.StructField(name, types.DoubleType(), False) for name in SCORE_COLUMNS]
    fields += [types.StructField(name, texts, False) for name in ("direction_reasons", "verdict_reasons",
                                                                   "credit_evidence")]
    return types.StructType(fields)


def story_schema() -> Any:
    """The Spark schema of the stories table (columns :data:`STORY_COLUMNS`)."""
    types = require_pyspark().types
    text, texts = types.StringType(), types.ArrayType(types.StringType())
    return types.StructType([types.StructField("story", text, False), types.StructField("source", text, False),
                             types.StructField("members", texts, False),
                             types.StructField("source_reasons", texts, False)])


def ledger_schema() -> Any:
    """The Spark schema of the ledgers table (columns :data:`LEDGER_COLUMNS`)."""
    types = require_pyspark().types
    text = types.StringType()
    return types.StructType([
        types.StructField("story", text, True), types.StructField("source", text, False),
        types.StructField("derived", text, False), types.StructField("kind", text, False),
        types.StructField("index", types.IntegerType(), False), types.StructField("label", text, True),
        types.StructField("source_indexes", types.ArrayType(types.IntegerType()), False),
        types.StructField("score", types.DoubleType(), True),
        types.StructField("verbatim_share", types.DoubleType(), True), types.StructField("text", text, True)])


#: Each table's schema, by name.
SCHEMAS = {"relations": relation_schema, "stories": story_schema, "ledgers": ledger_schema}
