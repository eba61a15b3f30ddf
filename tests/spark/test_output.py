"""The tables of a scan: a ledger row per derived sentence and per dropped
source sentence, with the JSON report's field names and values; and where
tables may be written."""

from __future__ import annotations

import json

import pytest

from provenance import scan
from provenance.report import SCAN, renderer
from provenance.spark.output import LEDGER_COLUMNS, OutputError, check_tables_folder, ledger_rows
from tests.helpers import SEEDS


@pytest.fixture(scope="module")
def seeds():
    result = scan([SEEDS])
    return result, json.loads(renderer("json", SCAN).render(result))


def test_a_ledger_row_per_derived_sentence_and_dropped_source_sentence(seeds):
    result, report = seeds
    rows = [dict(zip(LEDGER_COLUMNS, row)) for row in ledger_rows(result.relations, result.stories,
                                                                  result.documents)]
    story_of = {m: s.id for s in result.stories for m in s.members}
    for relation in report["relations"]:
        mine = [r for r in rows if r["derived"] == relation["derived"] and r["source"] == relation["source"]]
        sentences = [r for r in mine if r["kind"] == "sentence"]
        dropped = [r for r in mine if r["kind"] == "dropped"]
        assert [{k: r[k] for k in ("index", "text", "label", "source_indexes", "score", "verbatim_share")}
                for r in sentences] == [{k: s[k] for k in ("index", "text", "label", "source_indexes", "score",
                                                         "verbatim_share")} for s in relation["sentences"]]
        assert [{"index": r["index"], "text": r["text"]} for r in dropped] == relation["dropped"]
        assert {r["story"] for r in mine} == {story_of[relation["derived"]]}
    assert len(rows) == sum(len(r["sentences"]) + len(r["dropped"]) for r in report["relations"]) > 0


def test_without_stories_or_documents_the_story_and_text_are_empty(seeds):
    result, _ = seeds
    rows = [dict(zip(LEDGER_COLUMNS, row)) for row in ledger_rows(result.relations)]
    assert rows and all(r["story"] is None and r["text"] is None for r in rows)


def test_a_folder_holding_files_or_a_file_is_refused(tmp_path):
    check_tables_folder(str(tmp_path / "new"))
    check_tables_folder(str(tmp_path))  # empty: fine
    (tmp_path / "x").write_text("x")
    with pytest.raises(OutputError, match="holds files already"):
        check_tables_folder(str(tmp_path))
    with pytest.raises(OutputError, match="not a folder"):
        check_tables_folder(f"file://{tmp_path / 'x'}")
    check_tables_folder("s3a://bucket/out")  # Spark's writer says for filesystems elsewhere
