"""JSON and JSON lines: ids, metadata, line numbers, and every problem
reported with its place instead of raised."""

import io
import json

import pytest

from provenance import NoArticlesError, read_articles


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


def test_malformed_json_lines_name_file_and_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "fine"}\n{broken\n{"id": "x"}\n[1]\n{"text": ""}\n', encoding="utf-8")
    problems = []
    articles = read_articles([feed], on_error=problems.append)
    assert len(articles) == 1
    assert [(p.origin, p.line) for p in problems] == [(str(feed), 2), (str(feed), 3), (str(feed), 4), (str(feed), 5)]
    assert "malformed JSON" in str(problems[0]) and str(problems[0]).startswith(f"{feed}:2:")
    assert "missing 'text'" in str(problems[1])


def test_lone_surrogate_in_json_is_reported_with_its_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "ok text"}\n{"text": "bad \\ud800 text"}\n{"id": "\\udfff", "text": "t"}\n', encoding="utf-8")
    problems = []
    articles = read_articles([feed], on_error=problems.append)
    assert [a.text for a in articles] == ["ok text"]
    assert [(p.line, "lone surrogate U+D" in p.reason) for p in problems] == [(2, True), (3, True)]


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


def test_stdin_json_array_and_text_starting_with_a_brace():
    array = read_articles(["-"], stdin=io.BytesIO(b'[{"text": "one"}, {"text": "two"}]'))
    assert [a.id for a in array] == ["stdin:1", "stdin:2"]
    pretty = read_articles(["-"], stdin=io.BytesIO(b'{\n  "text": "pretty"\n}\n'))
    assert [a.text for a in pretty] == ["pretty"]
    text = read_articles(["-"], stdin=io.BytesIO(b"{Braces} open this article."))
    assert [a.text for a in text] == ["{Braces} open this article."]


def test_json_lines_from_standard_input_point_nowhere_in_a_file():
    """Standard input has no file for SARIF or GitHub to point into: no path and no line."""
    from provenance.model import Origin
    from provenance.readers import iter_articles

    lines = b'{"id": "x", "text": "One sentence here."}\n{"id": "y", "text": "Another one there."}\n'
    origins = [a.origin for a in iter_articles(["-"], stdin=io.BytesIO(lines))]
    assert origins == ["<stdin>:1", "<stdin>:2"]
    assert [(o.path, o.line, o.whole_file) for o in origins] == [(None, None, False)] * 2
    assert Origin.of("<stdin>:2").line is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_json_articles_record_the_encoding_they_were_read_in(tmp_path, encoding):
    document = tmp_path / "list.json"
    data = json.dumps([{"id": "a", "text": "Zürich council meets."}], ensure_ascii=False)
    document.write_bytes(data.encode(encoding))  # the wide encodings with their byte-order mark
    assert [(a.text, a.encoding) for a in read_articles([document])] == [("Zürich council meets.", encoding)]
    lines = tmp_path / "feed.jsonl"
    lines.write_text(json.dumps({"text": "Zürich."}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert [a.encoding for a in read_articles([lines])] == ["utf-8"]
    [read] = read_articles(["-"], stdin=io.BytesIO(b'{"text": "From standard input."}'))
    assert read.encoding == "utf-8"


def test_a_json_lines_error_names_its_column_once(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "fine"}\n{"id": "b", "text": "never closed\n{"text": }\n', encoding="utf-8")
    problems = []
    read_articles([feed], on_error=problems.append)
    messages = [str(p) for p in problems]
    assert "Unterminated string starting at column 21" in messages[0] and " at at " not in messages[0]
    assert "Expecting value at column 10" in messages[1]
