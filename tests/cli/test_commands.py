"""The command line: scan, compare, index, check, info and --version; exit
codes and one-line messages."""

import json
import re
import sqlite3

import pytest
from click.testing import CliRunner

from provenance.cli import cli
from tests.helpers import SEEDS, invoke, seed, seed_id


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def test_scan_seeds_text(run):
    result = run("scan", SEEDS)
    assert result.exit_code == 0
    assert f"source {seed_id('002')} (Reuters, 2024-11-11)" in result.output
    assert "verdict: copy, NOT credited" in result.output
    assert "verdict: partial, credited" in result.output
    assert "about 70 world leaders" not in result.output  # 003's sixth added sentence: capped
    assert "(--show-all)" in result.output
    assert "about 70 world leaders" in run("scan", "--show-all", SEEDS).output


def test_scan_json_to_file(run, tmp_path):
    out = tmp_path / "report.json"
    result = run("scan", SEEDS, "--format", "json", "-o", out)
    assert result.exit_code == 0 and result.output == ""
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["clusters"][0]["source"] == seed_id("002")
    assert not list(tmp_path.glob(".*.tmp"))


def test_show_all_prints_the_full_ledger(run):
    result = run("scan", SEEDS, "--show-all")
    assert "= [" in result.output and "~ [" in result.output and "dropped from the source" in result.output


def test_compare_prints_the_ledger_of_b_against_a(run):
    wire, copy = SEEDS / f"{seed_id('002')}.txt", SEEDS / f"{seed_id('000')}.txt"
    result = run("compare", wire, copy)
    assert result.exit_code == 0
    assert result.output.startswith(f"source:  {seed_id('002')}")
    assert "dropped from the source:" in result.output
    document = json.loads(run("compare", wire, copy, "--format", "json").output)
    assert document["relation"]["derived"] == seed_id("000")
    assert document["relation"]["verdict"] == "copy"


def test_bad_file_is_reported_and_the_rest_scanned(run, tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "good.txt").write_text("A short article about the harbour.", encoding="utf-8")
    result = run("scan", tmp_path)
    # The report of the rest is written, and ends with what was skipped; the
    # exit code tells a batch job that it does not cover every input.
    assert result.exit_code == 1
    assert f"warning: skipped {tmp_path / 'binary.txt'}: binary file" in result.stderr
    assert "A short article about the harbour." not in result.stdout  # the report, not the text
    assert result.stdout.rstrip().endswith(f"{tmp_path / 'binary.txt'}: binary file (contains NUL bytes), "
                                           "not article text")
    assert "Traceback" not in result.output


def test_strict_makes_a_bad_file_fatal(run, tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "good.txt").write_text("A short article.", encoding="utf-8")
    result = run("scan", "--strict", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path / 'binary.txt'}: binary file (contains NUL bytes), not article text"


def test_malformed_jsonl_line_names_file_and_line(run, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "fine text"}\n{oops\n', encoding="utf-8")
    result = run("scan", feed)
    assert result.exit_code == 1
    assert f"{feed}:2: malformed JSON" in result.stderr


@pytest.mark.parametrize(
    "content, expected",
    [(b"", "empty file"), (b"\x00\x01\x02", "binary file"), ("café ".encode() + b"caf\xe9", "not valid UTF-8"),
     (b"\xff\xfe\x00", "UTF-16 byte-order mark but is not valid UTF-16")],
)
def test_no_readable_article_exits_1_with_one_line(run, tmp_path, content, expected):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = run("scan", bad)
    assert result.exit_code == 1
    assert expected in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: no articles found")


def test_empty_folder_exits_1(run, tmp_path):
    result = run("scan", tmp_path)
    assert result.exit_code == 1
    assert "no articles found" in result.stderr


def test_usage_mistakes_exit_2(run):
    assert run("scan").exit_code == 2
    assert run("scan", SEEDS, "--format", "xml").exit_code == 2
    assert run("compare", SEEDS / f"{seed_id('002')}.txt").exit_code == 2


def test_compare_rejects_a_multi_article_input(run, tmp_path):
    feed = tmp_path / "two.jsonl"
    feed.write_text('{"text": "one"}\n{"text": "two"}\n', encoding="utf-8")
    result = run("compare", feed, SEEDS / f"{seed_id('000')}.txt")
    assert result.exit_code == 1
    assert "holds 2 articles" in result.stderr


def test_stdin(run):
    text = (SEEDS / f"{seed_id('000')}.txt").read_text(encoding="utf-8")
    result = run("scan", "-", SEEDS / f"{seed_id('002')}.txt", input=text)
    assert result.exit_code == 0
    assert "stdin" in result.output


def test_help_documents_exit_codes(run):
    result = run("scan", "--help")
    assert "Exit codes:" in result.output and "usage mistake" in result.output


def test_python_dash_m_entry_point():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "provenance", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and "provenance" in done.stdout


def test_compare_files_with_the_same_name_in_two_folders(run, tmp_path):
    for folder, key in (("a", "002"), ("b", "001")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text((SEEDS / f"{seed_id(key)}.txt").read_text(encoding="utf-8"),
                                                     encoding="utf-8")
    result = run("compare", tmp_path / "a" / "story.txt", tmp_path / "b" / "story.txt", "--format", "json")
    assert result.exit_code == 0
    relation = json.loads(result.output)["relation"]
    assert relation["source"] != relation["derived"]
    assert relation["verdict"] == "rewrite"
    assert relation["scores"]["containment_derived_in_source"] < 0.5
    assert run("compare", tmp_path / "a" / "story.txt", tmp_path / "b" / "story.txt").exit_code == 0


def test_report_file_gets_ordinary_permissions(run, tmp_path):
    import os

    out = tmp_path / "r.json"
    old = os.umask(0o022)
    try:
        assert run("scan", SEEDS, "--format", "json", "-o", out).exit_code == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_cli_writes_html_for_scan_and_compare(tmp_path):
    runner = CliRunner()
    report = tmp_path / "report.html"
    result = runner.invoke(cli, ["scan", str(SEEDS), "--format", "html", "-o", str(report)])
    assert result.exit_code == 0, result.output
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    pair = tmp_path / "pair.html"
    source, derived = SEEDS / f"{seed_id('002')}.txt", SEEDS / f"{seed_id('001')}.txt"
    result = runner.invoke(cli, ["compare", str(source), str(derived), "--format", "html", "-o", str(pair)])
    assert result.exit_code == 0, result.output
    page = pair.read_text(encoding="utf-8")
    assert page.count('<details class="relation"') == 1
    assert f'data-derived="{seed_id("001")}" open>' in page
    assert "given as the source on the command line" in page


def test_version_names_the_engine():
    from provenance.engine import describe
    from provenance.version import __version__

    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output == f"provenance {__version__}\n{describe()}\n"
    assert result.output.splitlines()[1].startswith("engine: ")


def test_index_add_then_check_the_other_seeds(run, tmp_path):
    index = tmp_path / "wire.db"
    added = run("index", "add", "--index", index, seed("002"))
    assert added.exit_code == 0
    assert added.output == f"added 1, replaced 0, unchanged 0; 1 article(s) in {index}\n"
    result = run("check", "--index", index, seed("000"), seed("001"), seed("003"), seed("004"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"FAIL    {seed_id('000')}: copy of {seed_id('002')}") and lines[0].endswith("; not credited")
    assert any(line.startswith(f"FAIL    {seed_id('001')}: rewrite of") for line in lines)
    assert any(line.startswith(f"pass    {seed_id('003')}: partial reuse of") and "; credited: Source:" in line
               for line in lines)
    assert any(line.startswith(f"pass    {seed_id('004')}:") for line in lines)
    assert lines[-1].startswith("Checked 4 article(s) against 1 indexed article(s)")
    assert "2 violation(s), 0 allowed, 2 passed" in lines[-1]
    # the copied passages point into the file, longest first (000 is hard-wrapped: no passage starts on line 1)
    assert re.search(rf"^ +{re.escape(str(seed('000')))}:\d+:\d+: copied: ", result.stdout, re.M)


def test_check_of_the_credited_and_the_partial_seed_passes(run, wire_index):
    result = run("check", "--index", wire_index, seed("003"), seed("004"))
    assert result.exit_code == 0
    assert "0 violation(s)" in result.stdout


def test_a_binary_input_exits_3_with_one_line(run, tmp_path, wire_index):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"GIF89a\x00\x01\x02")
    result = run("check", "--index", wire_index, binary, seed("000"))
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == f"error: {binary}: a GIF image, not article text\n"


@pytest.mark.parametrize(("setup", "message"), [
    ("missing", "error: no index at"),
    ("not-an-index", "is not a provenance index"),
    ("old-version", "different fingerprint parameters: text_version"),
])
def test_index_problems_exit_3(run, tmp_path, wire_index, setup, message):
    path = tmp_path / "index.db"
    if setup == "not-an-index":
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    elif setup == "old-version":
        path.write_bytes(wire_index.read_bytes())
        connection = sqlite3.connect(path)
        parameters = json.loads(connection.execute("SELECT value FROM meta WHERE key='parameters'").fetchone()[0])
        connection.execute("UPDATE meta SET value = ? WHERE key = 'parameters'",
                           (json.dumps({**parameters, "text_version": 0}),))
        connection.commit()
        connection.close()
    result = run("check", "--index", path, seed("000"))
    assert result.exit_code == 3
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    if setup == "missing":
        assert not path.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--fail-on", "copy,plagiarism"], "unknown --fail-on token 'plagiarism'"),
    (["--fail-on", ""], "--fail-on needs at least one of"),
    (["--format", "xml"], "Invalid value for '--format'"),
    (["--max-candidates", "0"], "Invalid value for '--max-candidates'"),
])
def test_check_usage_mistakes_exit_2(run, wire_index, args, message):
    result = run("check", "--index", wire_index, *args, seed("000"))
    assert result.exit_code == 2
    assert message in result.output


def test_nothing_to_check_against_is_a_usage_mistake(run):
    result = run("check", seed("000"))
    assert result.exit_code == 2 and "give --index LOCATION, --within, or both" in result.output


def test_allow_file(run, tmp_path, wire_index):
    allow = tmp_path / "allow.txt"
    allow.write_text("# licensed syndication\n* -> Reuters\n", encoding="utf-8")
    result = run("check", "--index", wire_index, "--allow", allow, seed("000"), seed("001"))
    assert result.exit_code == 0
    assert f"allowed {seed_id('000')}: copy of" in result.stdout
    assert f"licensed: '* -> Reuters' ({allow}:2)" in result.stdout
    bad = tmp_path / "bad.txt"
    bad.write_text("Reuters\n", encoding="utf-8")
    result = run("check", "--index", wire_index, "--allow", bad, seed("000"))
    assert result.exit_code == 2 and f"{bad}:1: expected 'OUTLET -> SOURCE'" in result.output
    result = run("check", "--index", wire_index, "--allow", tmp_path / "none.txt", seed("000"))
    assert result.exit_code == 2 and "cannot read the allow list" in result.output


def test_fail_on_partial_fails_the_partial_seed(run, wire_index):
    result = run("check", "--index", wire_index, "--fail-on", "partial,uncredited", seed("003"), seed("004"))
    assert result.exit_code == 1
    assert f"FAIL    {seed_id('004')}: partial reuse of" in result.stdout
    assert f"pass    {seed_id('003')}" in result.stdout


def test_within_without_an_index(run):
    result = run("check", "--within", SEEDS)
    assert result.exit_code == 1
    assert "against each other" in result.stdout


def test_json_and_jsonl(run, wire_index, tmp_path):
    out = tmp_path / "report.json"
    result = run("check", "--index", wire_index, "--format", "json", "-o", out, seed("000"), seed("003"))
    assert result.exit_code == 1 and result.stdout == ""
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["kind"] == "check" and document["summary"]["failed"] == 1
    lines = run("check", "--index", wire_index, "--format", "jsonl", seed("000"), seed("003")).stdout.splitlines()
    assert [json.loads(line)["status"] for line in lines] == ["fail", "pass"]
    assert json.loads(lines[0]) == document["articles"][0]


def test_an_unwritable_report_exits_3(run, wire_index, tmp_path):
    result = run("check", "--index", wire_index, "-o", tmp_path / "no" / "such" / "dir.json", seed("000"))
    assert result.exit_code == 3 and "cannot write report" in result.stderr


def test_index_info_list_remove(run, tmp_path):
    index = tmp_path / "i.db"
    assert run("index", "add", "--index", index, SEEDS).exit_code == 0
    again = run("index", "add", "--index", index, SEEDS)
    assert again.output == f"added 0, replaced 0, unchanged 5; 5 article(s) in {index}\n"
    info = run("index", "info", "--index", index)
    assert info.exit_code == 0 and "articles:   5" in info.output and "text_version=" in info.output
    data = json.loads(run("index", "info", "--index", index, "--json").output)
    assert data["articles"] == 5 and data["backend"] == "sqlite" and data["size_bytes"] > 0
    listed = run("index", "list", "--index", index).output.splitlines()
    assert [line.split("\t")[0] for line in listed] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert listed[2].split("\t")[1:3] == ["2024-11-11", "Reuters"]
    removed = run("index", "remove", "--index", index, seed_id("000"), "nope")
    assert removed.exit_code == 0 and removed.stdout == f"removed 1; 4 article(s) in {index}\n"
    assert "not in the index: nope" in removed.stderr


def test_index_add_is_all_or_nothing_on_a_bad_source(run, tmp_path):
    index = tmp_path / "i.db"
    bad = tmp_path / "bad.txt"
    bad.write_bytes("café ".encode() + b"caf\xe9 not utf-8")
    result = run("index", "add", "--index", index, seed("002"), bad)
    assert result.exit_code == 3 and "not valid UTF-8" in result.stderr
    assert run("index", "info", "--index", index).exit_code == 3  # nothing was created


def test_index_commands_need_an_existing_index(run, tmp_path):
    for command in (["info"], ["list"], ["remove", "x"]):
        result = run("index", *command, "--index", tmp_path / "none.db")
        assert result.exit_code == 3 and "no index at" in result.stderr


def test_help_documents_the_exit_codes(run):
    text = run("check", "--help").output
    for line in ("0  every article passed", "1  policy violation", "2  usage mistake", "3  input, index or output error"):
        assert line in text


def test_a_lone_surrogate_in_json_is_an_input_error(tmp_path, wire_index):
    from click.testing import CliRunner

    from provenance.cli import cli

    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "Kremlin denies it. \\ud800 Really."}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--index", str(wire_index), str(feed)])
    assert result.exit_code == 3
    assert result.stderr == f"error: {feed}:1: 'text' holds a lone surrogate U+D800 (an invalid \\u escape in JSON): not valid Unicode text\n"
    result = CliRunner().invoke(cli, ["index", "add", "--index", str(tmp_path / "i.db"), str(feed)])
    assert result.exit_code == 3 and "lone surrogate" in result.stderr


def test_scan_filters_report_only_what_was_asked_for(run):
    result = run("scan", "--only", "uncredited", "--min-verdict", "rewrite", SEEDS)
    assert result.exit_code == 0
    assert "2 derived article(s): 1 copy, 1 rewrite; 2 not credited." in result.output
    assert seed_id("003") not in result.output and seed_id("004") not in result.output
    table = run("scan", "--format", "csv", "--only", "uncredited", SEEDS).output.splitlines()
    assert [line.split(",")[0] for line in table[1:]] == [seed_id(n) for n in ("000", "001", "002", "004")]
    assert run("scan", "--min-verdict", "plagiarism", SEEDS).exit_code == 2


@pytest.fixture(scope="module")
def huge_article(tmp_path_factory):
    """A one-line text of 2.1 million characters, without punctuation."""
    import random

    rng = random.Random(4)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(5000)]
    path = tmp_path_factory.mktemp("huge") / "huge.txt"
    text = " ".join(rng.choice(words) for _ in range(330_000))[:2_100_000]
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["scan", "compare", "check --within", "check --index", "index add"])
def test_every_command_warns_in_one_line_of_an_article_it_cut(command, huge_article, wire_index, tmp_path):
    wire = seed("002")
    argv = {"scan": ["scan", wire, huge_article], "compare": ["compare", wire, huge_article],
            "check --within": ["check", "--within", wire, huge_article],
            "check --index": ["check", "--index", wire_index, huge_article],
            "index add": ["index", "add", "--index", tmp_path / "new.db", huge_article]}[command]
    result = CliRunner().invoke(cli, [str(a) for a in argv])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"warning: {huge_article}: cut to the first 2,000,000 characters (of 2,100,000); "
        "1 sentence of more than 1,000 words split into pieces of at most 1,000"]


def test_quiet_drops_the_warning_of_a_cut_article(huge_article):
    result = CliRunner().invoke(cli, ["-q", "scan", str(seed("002")), str(huge_article)])
    assert result.exit_code == 0 and result.stderr == ""


def test_index_add_stores_the_cut_text_and_recognises_the_file_again(huge_article, tmp_path):
    from provenance.index import open_index

    location = tmp_path / "big.db"
    CliRunner().invoke(cli, ["index", "add", "--index", str(location), str(huge_article)])
    with open_index(str(location)) as index:
        stored = index.documents(["huge"])["huge"]
    assert len(stored.text) <= 2_000_000 and huge_article.read_text(encoding="utf-8").startswith(stored.text)
    again = CliRunner().invoke(cli, ["index", "add", "--index", str(location), str(huge_article)])
    # Known by the digest of the file's text: not analysed, so not cut again.
    assert "unchanged 1" in again.output and again.stderr == ""


def test_what_is_passed_over_by_design_leaves_the_exit_code_0(run):
    # An input given twice is read once: nothing meant to be read went unread.
    copy = next(SEEDS.glob("000_*.txt"))
    result = run("scan", copy, copy)
    assert result.exit_code == 0
    assert "given more than once; read once" in result.stderr
    assert result.stdout.rstrip().endswith("given more than once; read once")
