"""The one-row-per-article formats of a scan: CSV and JSON Lines."""

from __future__ import annotations

import csv
import io
import json

from provenance import Article, read_articles, scan_articles
from provenance.report import SCAN, renderer
from provenance.report.table import FIELDS
from tests.helpers import SEEDS


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_seeds_csv_has_one_row_per_article_saying_where_it_stands(seed_scan):
    rows = _csv_rows(renderer("csv", SCAN).render(seed_scan))
    assert [r["article"][:3] for r in rows] == ["000", "001", "002", "003", "004"]
    by = {r["article"][:3]: r for r in rows}
    assert by["002"]["role"] == "source" and by["002"]["verdict"] == "" and by["002"]["outlet"] == "Reuters"
    assert {by[k]["role"] for k in ("000", "001", "003", "004")} == {"derived"}
    assert by["000"]["verdict"] == "copy" and by["000"]["credited"] == "no"
    assert by["003"]["credited"] == "yes"  # its Source: line credits Reuters
    assert all(r["source"] == by["002"]["article"] for k, r in by.items() if k != "002")
    relation = seed_scan.relation(by["000"]["article"])
    assert float(by["000"]["copied"]) == relation.scores.run_coverage_3
    assert float(by["000"]["from_source"]) == relation.scores.matched


def test_jsonl_carries_the_same_rows_as_csv(seed_scan):
    lines = renderer("jsonl", SCAN).render(seed_scan).splitlines()
    records = [json.loads(line) for line in lines]
    assert [list(r) for r in records] == [list(FIELDS)] * 5
    table = _csv_rows(renderer("csv", SCAN).render(seed_scan))
    for record, row in zip(records, table):
        assert record["article"] == row["article"] and record["verdict"] == row["verdict"]
        assert (record["credited"] is None) == (row["credited"] == "")


def test_a_formula_in_article_metadata_stays_text_in_csv():
    wire = read_articles([min(SEEDS.glob("002_*.txt"))])[0]
    hostile = Article(id="=HYPERLINK(\"http://x\")", text=wire.text, title="@SUM(A1:A9)", outlet="+cmd|' /C calc'!A0")
    result = scan_articles([wire, hostile])
    rows = _csv_rows(renderer("csv", SCAN).render(result))
    row = next(r for r in rows if r["title"] == "'@SUM(A1:A9)")
    assert row["article"] == "'=HYPERLINK(\"http://x\")" and row["outlet"].startswith("'+cmd")
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_an_article_with_no_related_article_is_alone():
    wire = read_articles([min(SEEDS.glob("002_*.txt"))])[0]
    other = Article(id="harbour", text="The harbour board met on Tuesday and agreed a new ferry timetable "
                                       "after a long debate about the winter crossings.")
    rows = _csv_rows(renderer("csv", SCAN).render(scan_articles([wire, other])))
    assert [(r["article"], r["role"], r["verdict"], r["credited"]) for r in rows] == [
        (wire.id, "alone", "", ""), ("harbour", "alone", "", "")]
