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
    assert [(p.line, "lone surrogate U+D" in p.reason) for p in problems] == [(2, True), (3, True)]


def test_utf16_and_utf32_files_with_a_bom_are_read(tmp_path):
    (tmp_path / "a.txt").write_bytes("Überschrift und Text.".encode("utf-16"))
    (tmp_path / "b.txt").write_bytes("Text in UTF-32.".encode("utf-32"))
    assert [a.text for a in read_articles([tmp_path])] == ["Überschrift und Text.", "Text in UTF-32."]


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


@pytest.mark.parametrize(
    "content, message",
    [
        ("[" * 100000, "nested too deeply"),
        ('{"id": ' + "9" * 5000 + ', "text": "t"}', "malformed JSON"),
        ("[]", "JSON array is empty"),
        ('{"articles": []}', "JSON array is empty"),
        ('{"id": true, "text": "t"}', "'id' must be a string or an integer"),
        ('{"text": "t", "published": "not a date"}', "'published' is not a date"),
        ('{"text": "t", "published": true}', "'published' must be a string"),
    ],
)
def test_json_problems_are_reported_not_raised(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    problems = []
    with pytest.raises(NoArticlesError):
        read_articles([bad], on_error=problems.append)
    assert message in problems[0].reason


@pytest.mark.parametrize(
    "given, expected",
    [
        ("2024-11-11", "2024-11-11"),
        ("Nov 11, 2024", "2024-11-11"),
        ("2024-11-11T23:00:00-05:00", "2024-11-12"),
        ("Mon, 11 Nov 2024 10:00:00 +0000", "2024-11-11"),
    ],
)
def test_published_is_normalised(tmp_path, given, expected):
    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps({"text": "t", "published": given}), encoding="utf-8")
    assert read_articles([feed])[0].published == expected


def test_devices_are_refused(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    problems = []
    with pytest.raises(NoArticlesError):
        read_articles([link], on_error=problems.append)
    assert "not a regular file" in problems[0].reason


def test_stdin_json_array_and_text_starting_with_a_brace():
    array = read_articles(["-"], stdin=io.BytesIO(b'[{"text": "one"}, {"text": "two"}]'))
    assert [a.id for a in array] == ["stdin:1", "stdin:2"]
    pretty = read_articles(["-"], stdin=io.BytesIO(b'{\n  "text": "pretty"\n}\n'))
    assert [a.text for a in pretty] == ["pretty"]
    text = read_articles(["-"], stdin=io.BytesIO(b"{Braces} open this article."))
    assert [a.text for a in text] == ["{Braces} open this article."]


def test_undecodable_file_names_stay_valid_text(tmp_path):
    name = tmp_path / "lat\udce9.txt"  # the byte 0xe9 in a file name, as the OS hands it over
    name.write_text("An article.", encoding="utf-8")
    article = read_articles([tmp_path])[0]
    article.id.encode("utf-8")
    article.origin.encode("utf-8")
    assert article.id == "lat\ufffd"
