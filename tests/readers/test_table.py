"""CSV and TSV: columns found by name or named by the user, origins at the
line a row starts on, bad rows reported and skipped, files that are no
table refused, and the seeds read from a CSV and a TSV scanning as the
seed files do."""

import csv
import io
import zipfile

import pytest

from provenance import InputError, NoArticlesError, read_articles, scan
from provenance.readers import ReadOptions
from provenance.readers.table import FIELD_LIMIT

from .conftest import outcome

WIRE = "The council approved the new budget on Tuesday after a long debate."


def read(path, **options):
    problems = []
    try:
        articles = read_articles([path], on_error=problems.append, options=ReadOptions(**options))
    except NoArticlesError:
        articles = []
    for problem in problems:
        assert "\n" not in str(problem)
    return articles, [str(p) for p in problems]


def write_csv(path, rows, delimiter=",", encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out, delimiter=delimiter).writerows(rows)
    return path


def test_columns_are_found_by_name_case_insensitive(tmp_path):
    table = write_csv(tmp_path / "export.csv", [
        ["ID", "Headline", "Source", "Pub Date", "Link", "Byline", "Body"],
        ["w1", "Budget passed", "Reuters", "2024-11-11T09:30:00Z", "https://example.com/w1", "A. Reporter", WIRE],
    ])
    [article] = read(table)[0]
    assert (article.id, article.title, article.outlet, article.published, article.url, article.author,
            article.text, article.encoding) == (
        "w1", "Budget passed", "Reuters", "2024-11-11", "https://example.com/w1", "A. Reporter", WIRE, "utf-8")
    assert (article.origin, article.origin.path, article.origin.line) == (f"{table}:2", str(table), 2)


def test_columns_named_by_the_user(tmp_path):
    table = write_csv(tmp_path / "cms.csv", [["story_body", "slug", "text"], [WIRE, "budget", "not this"]])
    [article] = read(table, columns=(("text", "Story_Body"), ("id", "slug")))[0]
    assert (article.id, article.text) == ("budget", WIRE)
    articles, problems = read(table, columns=(("text", "missing"),))
    assert articles == [] and problems[0] == (
        f"{table}: no column 'missing' for text (--column text=missing); columns: story_body, slug, text")


def test_a_table_without_a_text_column_names_the_columns_it_has(tmp_path):
    table = write_csv(tmp_path / "people.csv", [["name", "email"], ["A", "a@example.com"]])
    assert read(table) == ([], [f"{table}: no text column (one named text, body, content, article...; "
                                "or name it with --column text=COLUMN); columns: name, email"])


def test_rows_start_lines_and_default_ids(tmp_path):
    table = write_csv(tmp_path / "wire.csv", [
        ["title", "text"],
        ["One", "First paragraph.\n\nSecond paragraph."],
        ["Two", "Another story."],
    ])
    articles, problems = read(table)
    assert problems == []
    assert [(a.id, a.origin, a.text) for a in articles] == [
        ("wire#1", f"{table}:2", "First paragraph.\n\nSecond paragraph."),
        ("wire#2", f"{table}:5", "Another story.")]


def test_bad_rows_are_reported_with_their_line_and_the_rest_read(tmp_path):
    table = tmp_path / "bad.csv"
    table.write_text('id,text\n'
                     'a,Fine text.\n'
                     'b,too,many\n'
                     'c,\n'
                     'd,"bad"quote\n'
                     '\n'
                     'e,Also fine.\n'
                     'f,"never closed\n'
                     'g,swallowed\n', encoding="utf-8")
    articles, problems = read(table)
    assert [a.id for a in articles] == ["a", "e"]
    assert problems == [
        f"{table}:3: row has 3 field(s), the header 2; skipped",
        f"{table}:4: no article text in the text column; skipped",
        f"{table}:5: malformed row: ',' expected after '\"'; skipped",
        f"{table}:8: malformed row: a quoted field starting on this line is never closed; skipped",
    ]


def test_a_field_past_the_limit_is_refused_not_read_for_ever(tmp_path):
    table = tmp_path / "long.csv"
    table.write_text('id,text\nbig,"' + "x" * (FIELD_LIMIT + 10) + '"\nok,Fine text.\n', encoding="utf-8")
    articles, problems = read(table)
    assert [a.id for a in articles] == ["ok"]
    assert problems == [f"{table}:2: malformed row: a field longer than {FIELD_LIMIT:,} characters "
                        "(a quote never closed?); skipped"]


def test_dates_that_are_not_dates_are_reported_once_for_the_table(tmp_path):
    table = write_csv(tmp_path / "dates.csv", [
        ["id", "date", "text"], ["a", "11/12/2024", WIRE], ["b", "soon", WIRE], ["c", "2024-11-12", WIRE]])
    articles, problems = read(table)
    assert [(a.id, a.published) for a in articles] == [("a", None), ("b", None), ("c", "2024-11-12")]
    assert problems == [f"{table}: the published column holds 2 value(s) that are not dates, the first "
                        "'11/12/2024' (line 2); those rows are read without a date "
                        "(use YYYY-MM-DD, ISO 8601 or an RFC 2822 date)"]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_a_csv_may_be_separated_by_semicolons_tabs_or_bars(tmp_path, delimiter):
    table = write_csv(tmp_path / "excel.csv", [["id", "titre", "text"], ["a", "Budget", "Le conseil, mardi."]],
                      delimiter=delimiter)
    [article] = read(table)[0]
    assert (article.id, article.text) == ("a", "Le conseil, mardi.")


def test_tsv_and_tab_files(tmp_path):
    for name in ("feed.tsv", "feed.tab"):
        table = write_csv(tmp_path / name, [["id", "text"], ["t1", 'He said "fine", then left.\tTabbed.']],
                          delimiter="\t")
        [article] = read(table)[0]
        assert (article.id, article.text) == ("t1", 'He said "fine", then left.\tTabbed.')


def test_a_cp1252_csv_is_detected_and_a_forced_encoding_obeyed(tmp_path):
    text = "The fine was £200 and he said “no”."
    table = write_csv(tmp_path / "court.csv", [["id", "text"], ["c1", text]], encoding="cp1252")
    [article] = read(table)[0]
    assert (article.text, article.encoding) == (text, "cp1252")
    [forced] = read(table, encoding="latin-1")[0]
    assert forced.encoding == "iso8859-1" and forced.text == text.encode("cp1252").decode("latin-1")
    utf16 = write_csv(tmp_path / "wide.csv", [["id", "text"], ["u1", text]], encoding="utf-16")
    assert [(a.text, a.encoding) for a in read(utf16)[0]] == [(text, "utf-16")]


def test_a_utf8_bom_does_not_hide_the_first_column(tmp_path):
    table = tmp_path / "bom.csv"
    table.write_bytes(b"\xef\xbb\xbfid,text\nb1,Text after a BOM.\n")
    assert [(a.id, a.encoding) for a in read(table)[0]] == [("b1", "utf-8")]


def test_files_that_are_no_table_are_refused(tmp_path):
    xlsx = tmp_path / "sheet.csv"  # a workbook saved with the wrong name
    with zipfile.ZipFile(xlsx, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    page = tmp_path / "page.csv"
    page.write_text("<!DOCTYPE html><html><body>id,text</body></html>", encoding="utf-8")
    binary = tmp_path / "dump.tsv"
    binary.write_bytes(b"id\ttext\n\x00\x01\x02")
    lines = tmp_path / "lines.csv"
    lines.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header = tmp_path / "header.csv"
    header.write_text("id,text\n", encoding="utf-8")
    assert [read(path)[1] for path in (xlsx, page, binary, lines, empty, header)] == [
        [f"{xlsx}: an Excel workbook (.xlsx), not text; save it as CSV first"],
        [f"{page}: an HTML page, not a table; name it .html to read it as a web page"],
        [f"{binary}: binary file (contains NUL bytes), not article text"],
        [f"{lines}: JSON, not a table; name it .json or .jsonl"],
        [f"{empty}: empty file: no table"],
        [f"{header}: no rows: the table has a header only"],
    ]


def test_standard_input_holding_a_csv_is_recognised():
    data = "id,headline,text\ns1,Budget,The council met on Tuesday.\ns2,Rain,More rain is due.\n".encode()
    articles = read_articles(["-"], stdin=io.BytesIO(data))
    assert [(a.id, a.title, a.origin) for a in articles] == [
        ("s1", "Budget", "<stdin>:2"), ("s2", "Rain", "<stdin>:3")]
    # Prose whose first line has commas is still prose.
    [prose] = read_articles(["-"], stdin=io.BytesIO(b"Text, body and content were discussed.\nMore.\n"))
    assert prose.id == "stdin"


def test_the_column_names_in_the_strict_message_are_one_line(tmp_path):
    table = tmp_path / "odd.csv"
    table.write_text('"first\nname",other\nx,y\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"columns: first\\nname, other"):
        read_articles([table], strict=True)


def _seed_rows(seed_articles):
    """The seeds as rows with a newsroom's metadata: the wire (002) dated
    and credited to Reuters, the others dated no earlier than the wire."""
    meta = {
        "000": ("World Desk", "2024-11-12"),
        "001": ("Kyiv Daily", "2024-11-11"),
        "002": ("Reuters", "2024-11-11"),
        "003": ("vnexpress.net", "2024-11-12"),
        "004": ("gazzeta.in.ua", "2024-12-06"),
    }
    rows = [["id", "headline", "publisher", "date", "link", "body"]]
    for article in seed_articles:
        outlet, published = meta[article.id[:3]]
        title = article.text.strip().splitlines()[0][:80]
        rows.append([article.id, title, outlet, published, f"https://news.example/{article.id}", article.text])
    return rows


@pytest.mark.parametrize("name, delimiter", [("seeds.csv", ","), ("seeds.tsv", "\t")])
def test_the_seeds_as_a_table_scan_as_the_seed_files(tmp_path, seed_articles, seeds_outcome, name, delimiter):
    table = write_csv(tmp_path / name, _seed_rows(seed_articles), delimiter=delimiter)
    articles, problems = read(table)
    assert problems == [] and [a.text for a in articles] == [a.text for a in seed_articles]
    assert outcome(scan([table], jobs=1)) == seeds_outcome
