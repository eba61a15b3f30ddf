"""read_articles(): files, folders and standard input walked, problems
reported and skipped (or fatal under strict), ids made unique, JSON lines
streamed."""

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


def test_stdin_plain_text_and_jsonl():
    plain = read_articles(["-"], stdin=io.BytesIO("Some text.".encode()))
    assert [(a.id, a.text) for a in plain] == [("stdin", "Some text.")]
    feed = read_articles(["-"], stdin=io.BytesIO(b'{"id": "x", "text": "t"}\n{"text": "u"}\n'))
    assert [a.id for a in feed] == ["x", "<stdin>:2"]


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
