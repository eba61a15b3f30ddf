"""Issue 17, item 8: inputs that scan, check and index treated inconsistently
or answered unclearly (a repeated input, a BOM on a later JSON line, ids
with control characters, text without a word, a long outlet in HTML)."""

import io
import json

import pytest

from provenance import read_articles
from provenance.analysis.normalise import normalise_display
from provenance.analysis.tokens import tokenize
from provenance.gate.check import check, read_all
from provenance.readers import RepeatedInput, has_words
from tests.helpers import invoke, seed

BOM = b"\xef\xbb\xbf"


def test_check_reads_a_repeated_input_once_and_warns_like_scan(tmp_path):
    article = seed("002")
    warned = []
    result = check([article, article], within=True, on_warning=warned.append)
    assert len(result.articles) == 1
    assert [type(w) for w in warned] == [RepeatedInput] and "given more than once" in str(warned[0])
    cli = invoke("check", "--within", article, article)
    assert cli.exit_code == 0, cli.output
    assert "warning: skipped" in cli.stderr and "given more than once; read once" in cli.stderr


def test_index_add_reads_a_repeated_input_once(tmp_path):
    article = seed("002")
    added = invoke("index", "add", "--index", tmp_path / "i.db", article, article)
    assert added.exit_code == 0 and "added 1," in added.stdout
    assert "given more than once" in added.stderr


def test_a_repeated_input_does_not_hide_a_real_problem(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01")
    article = seed("002")
    result = invoke("check", "--within", article, article, tmp_path / "bad.txt")
    assert result.exit_code == 3 and "binary file" in result.stderr
    with pytest.raises(Exception, match="binary"):
        read_all([article, tmp_path / "bad.txt"])


@pytest.mark.parametrize("where", ["jsonl", "stdin"])
def test_a_bom_at_the_start_of_any_jsonl_line_is_accepted(tmp_path, where):
    lines = [BOM + json.dumps({"id": f"r{i}", "text": f"Record {i} text."}).encode() for i in range(3)]
    data = b"\n".join(lines) + b"\n" + BOM + b"\n"  # a BOM alone is a blank line
    problems = []
    if where == "stdin":
        articles = read_articles(["-"], stdin=io.BytesIO(data), on_error=problems.append)
    else:
        (tmp_path / "cat.jsonl").write_bytes(data)
        articles = read_articles([tmp_path / "cat.jsonl"], on_error=problems.append)
    assert [a.id for a in articles] == ["r0", "r1", "r2"] and problems == []


def test_a_json_document_on_stdin_may_start_with_a_bom():
    data = BOM + json.dumps([{"id": "j1", "text": "Some text."}]).encode()
    assert [a.id for a in read_articles(["-"], stdin=io.BytesIO(data))] == ["j1"]


@pytest.mark.parametrize("content", [
    "   \n\t\n", "\u200b\u200c\u200d\ufeff\u2060", "\u200b \u200b\n", "-- ... !!", "\x01\x02\u00ad",
])
def test_text_without_a_word_is_refused_as_empty_like_blank_text(tmp_path, content):
    assert not tokenize(normalise_display(content))[0]  # analysis would find no token
    assert not has_words(content)
    (tmp_path / "a.txt").write_text(content, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "r", "text": content}) + "\n", encoding="utf-8")
    problems = []
    with pytest.raises(Exception, match="no articles found"):
        read_articles([tmp_path / "a.txt", tmp_path / "b.jsonl"], on_error=problems.append)
    assert [p.reason for p in problems] == ["empty file: no article text", "'text' must be a non-empty string"]


@pytest.mark.parametrize("content", ["a", "\u200bword\u200b", "日本", "x\u0301", "42", "l'été"])
def test_has_words_agrees_with_analysis(content):
    assert has_words(content) == bool(tokenize(normalise_display(content))[0]) is True


def _ids_index(tmp_path):
    records = [("ctl\u0001id", "The council met on Tuesday to discuss the budget for next year."),
               ("nl\nid", "A second article about the weather in the north of the country today."),
               ("two  spaces", "A third article about football results from the weekend games played."),
               ("del\u007fid", "A fourth article about trains running late across the network this week.")]
    feed = tmp_path / "ids.jsonl"
    feed.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in records), encoding="utf-8")
    location = tmp_path / "i.db"
    assert invoke("index", "add", "--index", location, feed).exit_code == 0
    return location


def test_index_remove_takes_each_id_as_index_list_prints_it(tmp_path):
    location = _ids_index(tmp_path)
    listed = [line.split("\t")[0] for line in invoke("index", "list", "--index", location).stdout.splitlines()]
    assert sorted(listed) == ["ctl\\x01id", "del\\x7fid", "nl\\nid", "two  spaces"]
    removed = invoke("index", "remove", "--index", location, *listed)
    assert removed.exit_code == 0 and removed.stdout.startswith("removed 4; 0 article(s)"), removed.output
    assert "not in the index" not in removed.stderr


def test_index_remove_also_takes_the_raw_id(tmp_path):
    location = _ids_index(tmp_path)
    removed = invoke("index", "remove", "--index", location, "ctl\u0001id", "nl\nid", "missing\u0002")
    assert removed.stdout.startswith("removed 2; 2 article(s)"), removed.output
    assert "warning: not in the index: missing\\x02" in removed.stderr  # printed escaped, one line
