"""Every option a command's --help lists does something in that command:
its value is read by the command's body (not only accepted), so no option
is shown that the command ignores (as `compare --strict` once was)."""

from __future__ import annotations

import inspect
import re

import click
import pytest

from provenance.cli import cli

#: Options a shared decorator turns into one argument: (their names, what the body reads).
_FOLDED = {("encoding", "columns"): "read_options"}


def _commands(command: click.Command = cli, path: tuple[str, ...] = ()):
    for name, sub in getattr(command, "commands", {}).items():
        if isinstance(sub, click.Group):
            yield from _commands(sub, (*path, name))
        else:
            yield (*path, name), sub


def _body(callback) -> str:
    """The source of the command's function after its signature and docstring."""
    function = inspect.unwrap(callback)
    source = inspect.getsource(function)
    docstring = function.__doc__
    if docstring:
        source = source.split('"""', 2)[-1]
    else:
        source = source.split(":\n", 1)[-1]
    return source


CASES = [(path, param.name) for path, command in _commands() for param in command.params if param.expose_value]


@pytest.mark.parametrize(("path", "name"), CASES, ids=[f"{' '.join(p)} {n}" for p, n in CASES])
def test_every_option_is_read_by_its_command(path, name):
    command = cli
    for word in path:
        command = command.commands[word]
    read = next((folded for names, folded in _FOLDED.items() if name in names), name)
    assert re.search(rf"\b{re.escape(read)}\b", _body(command.callback)), \
        f"provenance {' '.join(path)}: the option {name!r} is accepted but never used"


def test_the_walk_sees_every_command_and_the_folded_options():
    names = {" ".join(path) for path, _ in _commands()}
    assert {"scan", "compare", "check", "index add", "index info", "index list", "index remove"} <= names
    assert (("scan",), "encoding") in CASES and (("check",), "columns") in CASES


def test_encoding_and_column_reach_the_readers_of_every_reading_command(tmp_path):
    """--encoding and --column change what scan, compare, check and index add read."""
    import json

    from click.testing import CliRunner

    wire = ("LONDON (PA) - The council approved the harbour budget of £2m on Tuesday after a long debate "
            "about the new sea wall and the ferry timetable.")
    text = tmp_path / "wire.txt"
    text.write_bytes(wire.encode("cp1252"))
    table = tmp_path / "copy.csv"
    table.write_text(f'slug,story_body\nharbour,"{wire}"\n', encoding="utf-8")
    runner = CliRunner()

    # Forced as latin-1, the same bytes read as latin-1 (detection says cp1252), named as Python names it.
    scanned = runner.invoke(cli, ["scan", str(text), str(table), "--format", "json",
                                  "--encoding", "latin-1", "--column", "text=story_body"])
    assert scanned.exit_code == 0, scanned.output
    articles = {a["id"]: a for a in json.loads(scanned.stdout)["articles"]}
    assert articles["wire"]["encoding"] == "iso8859-1" and articles["copy#1"]["encoding"] == "iso8859-1"
    # Without --column the table has no text column: refused, naming the columns seen.
    plain = runner.invoke(cli, ["scan", str(table)])
    assert plain.exit_code == 1 and "columns: slug, story_body" in plain.stderr
    compared = runner.invoke(cli, ["compare", str(text), str(table), "--column", "text=story_body"])
    assert compared.exit_code == 0 and "copy" in compared.stdout
    index = tmp_path / "wire.sqlite"
    added = runner.invoke(cli, ["index", "add", "--index", str(index), str(text), "--encoding", "cp1252"])
    assert added.exit_code == 0, added.output
    checked = runner.invoke(cli, ["check", "--index", str(index), str(table), "--column", "text=story_body",
                                  "--fail-on", "copy"])
    assert checked.exit_code == 1 and "FAIL    copy#1: copy of wire" in checked.stdout
