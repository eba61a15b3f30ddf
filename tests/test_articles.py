import io
import json

import pytest

from provenance import InputError, NoArticlesError, read_articles


def test_text_files_and_folders_recursive(tmp_path):
    (tmp_path / "a.txt").write_text("First article text.", encoding="utf-8")
    nested = tmp_path / "deeper" / "more"
    nested.mkdir(parents=True)
    (nested / "b.md").write_text("Second article text.", encoding="utf-8")
    (nested / "notes.csv").write_text("not an article", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("hidden", encoding="utf-8")
    articles = read_articles([tmp_path])
    assert [a.id for a in articles] == ["a", "b"]
    assert articles[1].origin.endswith("b.md")


def test_jsonl_ids_metadata_and_line_numbers(tmp_path):
    feed = tmp_path / "feed.jsonl"
    lines = [
        {"id": "w1", "text": "Wire text.", "outlet": "Reuters", "published": "2024-11-11", "title": "T"},
        {"text": "No id here."},
        "",
        {"id": 42, "text": "Numeric id."},
    ]
    feed.write_text("\n".join(json.dumps(x) if x else "" for x in lines), encoding="utf-8")
    articles = read_articles([feed])
    assert [a.id for a in articles] == ["w1", f"{feed}:2", "42"]
    assert articles[0].outlet == "Reuters" and articles[0].published == "2024-11-11"
    assert articles[1].origin == f"{feed}:2"


def test_json_array_and_articles_object(tmp_path):
    (tmp_path / "list.json").write_text(json.dumps([{"text": "one"}, {"text": "two", "id": "b"}]), encoding="utf-8")
    (tmp_path / "wrapped.json").write_text(json.dumps({"articles": [{"text": "three"}]}), encoding="utf-8")
    (tmp_path / "single.json").write_text(json.dumps({"text": "four"}), encoding="utf-8")
    ids = [a.id for a in read_articles([tmp_path])]
    assert ids == ["list:1", "b", "single", "wrapped:1"]


def test_stdin_plain_text_and_jsonl():
    plain = read_articles(["-"], stdin=io.BytesIO("Some text.".encode()))
    assert [(a.id, a.text) for a in plain] == [("stdin", "Some text.")]
    feed = read_articles(["-"], stdin=io.BytesIO(b'{"id": "x", "text": "t"}\n{"text": "u"}\n'))
    assert [a.id for a in feed] == ["x", "<stdin>:2"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01\x02binary", "binary file"),
        (b"", "empty file"),
        (b"   \n\t\n", "empty file"),
        (b"caf\xe9", "not valid UTF-8 (byte 0xe9 at offset 3)"),
    ],
)
def test_bad_files_are_reported_and_skipped(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("A readable article.", encoding="utf-8")
    problems = []
    articles = read_articles([bad, good], on_error=problems.append)
    assert [a.id for a in articles] == ["good"]
    assert len(problems) == 1 and message in str(problems[0]) and str(bad) in str(problems[0])


def test_malformed_json_lines_name_file_and_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "fine"}\n{broken\n{"id": "x"}\n[1]\n{"text": ""}\n', encoding="utf-8")
    problems = []
    articles = read_articles([feed], on_error=problems.append)
    assert len(articles) == 1
    assert [(p.origin, p.line) for p in problems] == [(str(feed), 2), (str(feed), 3), (str(feed), 4), (str(feed), 5)]
    assert "malformed JSON" in str(problems[0]) and str(problems[0]).startswith(f"{feed}:2:")
    assert "missing 'text'" in str(problems[1])


def test_strict_raises_first_problem(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00")
    with pytest.raises(InputError, match="binary"):
        read_articles([tmp_path / "a.txt"], strict=True)


def test_no_articles_is_an_error(tmp_path):
    with pytest.raises(NoArticlesError, match="no articles found"):
        read_articles([tmp_path])


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


def test_lone_surrogate_in_json_is_reported_with_its_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "ok text"}\n{"text": "bad \\ud800 text"}\n{"id": "\\udfff", "text": "t"}\n', encoding="utf-8")
    problems = []
    articles = read_articles([feed], on_error=problems.append)
    assert [a.text for a in articles] == ["ok text"]
    assert [(p.line, "unpaired surrogate" in p.reason) for p in problems] == [(2, True), (3, True)]
