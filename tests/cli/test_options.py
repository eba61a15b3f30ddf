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
