import json

import pytest
from click.testing import CliRunner
from conftest import SEEDS, seed_id

from provenance.cli import cli


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
    assert "briefly mentioned the territorial issue" in result.output


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
    assert result.exit_code == 0
    assert f"warning: skipped {tmp_path / 'binary.txt'}: binary file" in result.stderr
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
    assert result.exit_code == 0
    assert f"{feed}:2: malformed JSON" in result.stderr


@pytest.mark.parametrize(
    "content, expected",
    [(b"", "empty file"), (b"\x00\x01\x02", "binary file"), (b"caf\xe9", "not valid UTF-8"),
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
