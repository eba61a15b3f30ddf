"""The docs tell the truth: every command and option of the CLI is in the
README, and the shipped CI examples run (every provenance command in the
example GitHub workflow and the pre-commit hook, on the seeds, with the exit
codes the files expect)."""

from __future__ import annotations

import json
import re
import shlex
import shutil

import click
import pytest
from click.testing import CliRunner

from provenance.cli import cli
from tests.helpers import REPO, SEEDS

README = (REPO / "README.md").read_text(encoding="utf-8")


def _cli_commands(command: click.Command = cli, path: tuple[str, ...] = ("provenance",)):
    """(words, command) of the CLI and of every command under it, the
    subcommands of groups (``index add``, ...) included; hidden ones left out."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        if not sub.hidden:
            yield from _cli_commands(sub, (*path, name))


COMMANDS = list(_cli_commands())
OPTIONS = [(path, opt) for path, command in COMMANDS for param in command.params
           if isinstance(param, click.Option) and not param.hidden for opt in (*param.opts, *param.secondary_opts)]


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS[1:]], ids=" ".join)
def test_every_command_has_a_usage_line_in_the_readme(path):
    command = " ".join(path)
    assert re.search(rf"^{re.escape(command)}(?:\s|$)", README, re.M), f"no usage line for {command!r} in README.md"


@pytest.mark.parametrize(("path", "option"), [pytest.param(path, option, id=f"{' '.join(path)} {option}")
                                              for path, option in OPTIONS])
def test_every_option_of_every_command_is_in_the_readme(path, option):
    assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", README), \
        f"{' '.join(path)} {option} is not mentioned in README.md"


def test_the_walk_finds_the_commands_and_options():
    # A change in click's introspection must not leave the two tests above with nothing to check.
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"provenance scan", "provenance compare", "provenance info", "provenance check",
            "provenance index add", "provenance index info", "provenance index list", "provenance index remove"} <= names
    assert (("provenance", "check"), "--fail-on") in OPTIONS and (("provenance",), "--version") in OPTIONS


# --- the shipped CI examples ---------------------------------------------------------------


WORKFLOW = REPO / "docs" / "examples" / "github-workflow.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"


def _commands(text: str) -> list[list[str]]:
    """Each ``provenance ...`` command of a workflow's run steps, continuation
    lines joined, shell suffixes (``|| ...``) dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.split("run:", 1)[-1].strip()
        if line.startswith("provenance ") and not line.startswith("provenance-"):
            found.append(shlex.split(line.split("||")[0])[1:])
    return found


@pytest.fixture
def newsroom(tmp_path, monkeypatch):
    """A repository laid out as the examples assume: wire/, incoming/, an allow list."""
    (tmp_path / "wire").mkdir()
    (tmp_path / "incoming").mkdir()
    shutil.copy(next(SEEDS.glob("002_*.txt")), tmp_path / "wire")
    for prefix in ("000", "003"):
        shutil.copy(next(SEEDS.glob(f"{prefix}_*.txt")), tmp_path / "incoming")
    (tmp_path / "provenance-allow.txt").write_text("# nothing licensed yet\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_example_workflow_runs(newsroom):
    commands = _commands(WORKFLOW.read_text(encoding="utf-8"))
    assert [c[:2] for c in commands] == [["index", "add"], ["check", "--index"], ["check", "--index"]]
    runner = CliRunner()
    add, sarif, gate = (runner.invoke(cli, c) for c in commands)
    assert add.exit_code == 0, add.output
    assert sarif.exit_code == 1  # a violation: tolerated by the step's "|| [ $? -eq 1 ]"
    assert json.loads((newsroom / "provenance.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert gate.exit_code == 1 and gate.stdout.startswith("::error file=incoming/")


def test_the_pre_commit_hook_runs(newsroom):
    text = HOOKS.read_text(encoding="utf-8")
    entry = shlex.split(re.search(r"^\s*entry:\s*(.+)$", text, re.M).group(1))
    args = [a.strip() for a in re.search(r"^\s*args:\s*\[(.+)\]", text, re.M).group(1).split(",")]
    assert entry[0] == "provenance"
    runner = CliRunner()
    index = args[args.index("--index") + 1]
    assert runner.invoke(cli, ["index", "add", "--index", index, "wire"]).exit_code == 0
    staged = sorted(str(p.relative_to(newsroom)) for p in (newsroom / "incoming").iterdir())
    result = runner.invoke(cli, [*entry[1:], *args, *staged])
    assert result.exit_code == 1 and "FAIL    000_" in result.stdout
    files = re.search(r"^\s*files:\s*(.+)$", text, re.M).group(1)
    assert all(re.search(files, name) for name in staged)
