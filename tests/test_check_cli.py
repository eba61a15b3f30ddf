"""provenance index ... and provenance check on the command line: exit codes and messages."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner
from conftest import SEEDS, seed_id

from provenance.cli import cli


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


def seed(prefix: str):
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def test_index_add_then_check_the_other_seeds(run, tmp_path):
    index = tmp_path / "wire.db"
    added = run("index", "add", "--index", index, seed("002"))
    assert added.exit_code == 0
    assert added.output == f"added 1, replaced 0, unchanged 0; 1 article(s) in {index}\n"
    result = run("check", "--index", index, seed("000"), seed("001"), seed("003"), seed("004"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"FAIL    {seed_id('000')}: uncredited copy of {seed_id('002')}")
    assert any(line.startswith(f"FAIL    {seed_id('001')}: uncredited rewrite of") for line in lines)
    assert any(line.startswith(f"pass    {seed_id('003')}: credited partial reuse") for line in lines)
    assert any(line.startswith(f"pass    {seed_id('004')}:") for line in lines)
    assert lines[-1].startswith("Checked 4 article(s) against 1 indexed article(s)")
    assert "2 violation(s), 0 allowed, 2 passed" in lines[-1]
    # the copied spans point into the file
    assert f"{seed('000')}:1:" in result.stdout


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
    assert result.stderr == f"error: {binary}: binary file (contains NUL bytes), not article text\n"


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
def test_usage_mistakes_exit_2(run, wire_index, args, message):
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
    assert f"allowed {seed_id('000')}: uncredited copy" in result.stdout
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
    assert f"FAIL    {seed_id('004')}: uncredited partial reuse" in result.stdout
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
    bad.write_bytes(b"caf\xe9 not utf-8")
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
