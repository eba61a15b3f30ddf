"""read_articles(): files, folders and standard input walked, problems
reported and skipped (or fatal under strict), ids made unique, JSON lines
streamed."""

import gzip
import io
import json
import zipfile

import pytest

from provenance import InputError, NoArticlesError, read_articles
from provenance.readers import Skipped, known_suffixes


def test_text_files_and_folders_recursive(tmp_path):
    (tmp_path / "a.txt").write_text("First article text.", encoding="utf-8")
    nested = tmp_path / "deeper" / "more"
    nested.mkdir(parents=True)
    (nested / "b.md").write_text("Second article text.", encoding="utf-8")
    (nested / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("hidden", encoding="utf-8")
    problems = []
    articles = read_articles([tmp_path], on_error=problems.append)
    assert [a.id for a in articles] == ["a", "b"]
    assert articles[1].origin.endswith("b.md")
    assert [str(p) for p in problems] == [f"{tmp_path}: 1 file(s) of kinds no reader takes, not read: .pdf 1"]


def test_stdin_plain_text_and_jsonl():
    plain = read_articles(["-"], stdin=io.BytesIO("Some text.".encode()))
    assert [(a.id, a.text) for a in plain] == [("stdin", "Some text.")]
    feed = read_articles(["-"], stdin=io.BytesIO(b'{"id": "x", "text": "t"}\n{"text": "u"}\n'))
    assert [a.id for a in feed] == ["x", "<stdin>:2"]


def test_strict_raises_first_problem(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00")
    with pytest.raises(InputError, match="binary"):
        read_articles([tmp_path / "a.txt"], strict=True)


def test_no_articles_is_an_error_naming_the_kinds_read(tmp_path):
    problems = []
    with pytest.raises(NoArticlesError, match="no articles found") as raised:
        read_articles([tmp_path], on_error=problems.append)
    kinds = ", ".join(known_suffixes())
    assert str(raised.value).endswith(f"; give files of the kinds read ({kinds}; compressed too: .gz, .bz2, "
                                      ".xz, .zst), folders of them, or - for standard input")
    assert [p.reason for p in problems] == [
        f"folder holds no files of the kinds read ({kinds}; compressed too: .gz, .bz2, .xz, .zst)"]


def test_missing_path_reported(tmp_path):
    problems = []
    with pytest.raises(NoArticlesError):
        read_articles([tmp_path / "absent.txt"], on_error=problems.append)
    assert "no such file" in str(problems[0])


def test_duplicate_ids_made_unique(tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text(f"text {folder}", encoding="utf-8")
    ids = [a.id for a in read_articles([tmp_path])]
    assert len(set(ids)) == 2 and ids[0] == "same"


def test_the_same_input_twice_is_read_once(tmp_path):
    (tmp_path / "a.txt").write_text("An article.", encoding="utf-8")
    problems = []
    articles = read_articles([tmp_path / "a.txt", tmp_path, tmp_path / "a.txt"], on_error=problems.append)
    assert [a.id for a in articles] == ["a"]
    assert ["given more than once" in p.reason for p in problems] == [True]


def test_generated_ids_never_collide(tmp_path):
    feed = tmp_path / "x.jsonl"
    feed.write_text(
        json.dumps({"id": f"b@{feed}:3", "text": "one"}) + "\n"
        + json.dumps({"id": "b", "text": "two"}) + "\n" + json.dumps({"id": "b", "text": "three"}) + "\n",
        encoding="utf-8",
    )
    ids = [a.id for a in read_articles([feed])]
    assert len(set(ids)) == 3


def test_devices_are_refused(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    problems = []
    with pytest.raises(NoArticlesError):
        read_articles([link], on_error=problems.append)
    assert "not a regular file" in problems[0].reason


def test_undecodable_file_names_stay_valid_text(tmp_path):
    name = tmp_path / "lat\udce9.txt"  # the byte 0xe9 in a file name, as the OS hands it over
    name.write_text("An article.", encoding="utf-8")
    article = read_articles([tmp_path])[0]
    article.id.encode("utf-8")
    article.origin.encode("utf-8")
    assert article.id == "lat\ufffd"


def test_jsonl_is_read_a_line_at_a_time(tmp_path):
    from provenance.readers.inputs import iter_articles

    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": f"a{i}", "text": f"Text {i}."}) for i in range(3)) + "\n")
    stream = iter_articles([feed])
    assert next(stream).id == "a0"
    assert [a.id for a in stream] == ["a1", "a2"]


def test_a_folder_says_once_what_it_did_not_read(tmp_path):
    (tmp_path / "story.txt").write_text("An article.", encoding="utf-8")
    for name in ("a.pdf", "b.PDF", "c.docx", "README", "old.doc.gz"):
        (tmp_path / name).write_bytes(b"whatever")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.pdf").write_bytes(b"%PDF-1.4")
    problems = []
    assert [a.id for a in read_articles([tmp_path], on_error=problems.append, strict=True)] == ["story"]
    assert [(type(p), str(p)) for p in problems] == [
        (Skipped, f"{tmp_path}: 6 file(s) of kinds no reader takes, not read: "
                  ".pdf 3, .doc.gz 1, .docx 1, no suffix 1")]


def test_a_folder_of_nothing_readable_names_what_it_holds(tmp_path):
    (tmp_path / "docs").mkdir()
    for name in ("a.pdf", "b.pdf", "c.xlsx"):
        (tmp_path / "docs" / name).write_bytes(b"x")
    (tmp_path / "good.txt").write_text("An article.", encoding="utf-8")
    problems = []
    read_articles([tmp_path / "docs", tmp_path / "good.txt"], on_error=problems.append)
    assert len(problems) == 1 and not isinstance(problems[0], Skipped)
    assert problems[0].reason.startswith("folder holds no files of the kinds read (.txt, .md, ")
    assert problems[0].reason.endswith("; it holds .pdf 2, .xlsx 1")


def _docx():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return data.getvalue()


@pytest.mark.parametrize("name, content, reason", [
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3", "a PDF document, not text; convert it to text first (e.g. pdftotext)"),
    ("letter.docx", _docx(), "a Word document (.docx), not text; save it as plain text (.txt) first"),
    ("letter.dat", _docx(), "a Word document (.docx), not text; save it as plain text (.txt) first"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image, not article text"),
    ("notes.rtf", b"{\\rtf1\\ansi Hello}", "an RTF document, not plain text; save it as plain text (.txt) first"),
    ("backup", gzip.compress(b"An article."), "gzip-compressed data; name the file for its kind and compression "
                                              "(e.g. notes.txt.gz, feed.jsonl.gz) to read it"),
])
def test_a_file_of_a_binary_kind_is_refused_naming_it(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    problems = []
    with pytest.raises(NoArticlesError):
        read_articles([path], on_error=problems.append)
    assert [str(p) for p in problems] == [f"{path}: {reason}"]


def test_a_file_no_reader_claims_is_sniffed_then_read_as_text(tmp_path):
    (tmp_path / "README").write_text("Plain notes with no suffix.", encoding="utf-8")
    (tmp_path / "app.log").write_text("".join(json.dumps({"id": f"l{i}", "text": f"Line {i} of the log."}) + "\n"
                                              for i in range(3)), encoding="utf-8")
    (tmp_path / "export.dat").write_text("id,headline,text\nx1,Budget,The council met.\n", encoding="utf-8")
    articles = read_articles([tmp_path / "README", tmp_path / "app.log", tmp_path / "export.dat"])
    assert [(a.id, a.origin) for a in articles] == [
        ("README", str(tmp_path / "README")),
        ("l0", f"{tmp_path / 'app.log'}:1"), ("l1", f"{tmp_path / 'app.log'}:2"), ("l2", f"{tmp_path / 'app.log'}:3"),
        ("x1", f"{tmp_path / 'export.dat'}:2")]


def test_standard_input_of_a_binary_kind_is_refused_naming_it():
    problems = []
    with pytest.raises(NoArticlesError):
        read_articles(["-"], stdin=io.BytesIO(b"%PDF-1.4\n..."), on_error=problems.append)
    assert [str(p) for p in problems] == ["<stdin>: a PDF document, not text; convert it to text first (e.g. pdftotext)"]
