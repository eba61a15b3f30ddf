"""The shipped CI examples run: every provenance command in the example
GitHub workflow and the pre-commit hook, on the seeds, with the exit codes
the files expect."""

from __future__ import annotations

import json
import re
import shlex
import shutil

import pytest
from click.testing import CliRunner
from conftest import REPO, SEEDS

from provenance.cli import cli

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
