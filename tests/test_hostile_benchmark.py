"""The hostile-input campaign's fast cases (benchmarks/hostile.py), run in
this process: every command on each case, beside one good article, judged
by the campaign's own rules. A run that takes longer than ``HANG_SECONDS``
fails as a hang. The big cases (``--big``) stay in the benchmark.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks import hostile
from provenance.cli import cli
from tests.helpers import SEEDS

HANG_SECONDS = 60
#: Cases whose inputs take seconds each (a megabyte line, 50,000 sentences,
#: 500 files): marked slow.
SLOW = {"huge-line-1mb", "huge-line-sentences", "long-word-1m", "many-sentences", "many-tiny-files",
        "binary-random-1048576", "combining-storm"}


class Hang(BaseException):
    """Raised by the alarm: not an Exception, so the command's guard lets it through."""


def _alarm(signum, frame):
    raise Hang(f"no exit within {HANG_SECONDS} s")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    good = min(SEEDS.glob("002_*.txt"))
    ref, good_index = base / "ref.sqlite", base / "good.sqlite"
    for index, sources in ((ref, [good]), (good_index, sorted(SEEDS.glob("00[01]_*.txt")))):
        result = CliRunner().invoke(cli, ["index", "add", "--index", str(index), *map(str, sources)])
        assert result.exit_code == 0, result.output
    (base / "cases").mkdir()
    cases = hostile.Builder(base / "cases", good.read_text(encoding="utf-8"), ref, big=False).build()
    yield base, [c for c in cases if not c.big], good_index
    for folder, dirs, _ in os.walk(base):  # locked folders back to readable, so the tree can go
        for name in dirs:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)


def _run(case: hostile.Case, command: str, base: Path, good_index: Path, monkeypatch) -> hostile.Run:
    where = base / "cases" / case.name
    scratch = base / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    argv = hostile.command_line("provenance", command, case, where, 1, scratch, good_index)[1:]
    monkeypatch.chdir(where)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        result = CliRunner().invoke(cli, argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    run = hostile.Run(case.name, case.group, command, result.exit_code, 0.0, 0.0)
    hostile.judge(run, case, command, result.stdout, result.stderr + ("\n" + hostile.TRACEBACK if escaped else ""))
    return run


@pytest.mark.parametrize("heavy", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["fast", "heavy"])
@pytest.mark.parametrize("command", hostile.COMMANDS)
def test_no_hostile_case_gives_a_traceback_a_silent_drop_or_a_passed_unread_input(command, heavy, corpus, monkeypatch):
    base, cases, good_index = corpus
    cases = [c for c in cases if (c.name in SLOW) == heavy]
    if command == "index-verify":
        if heavy:
            pytest.skip("every damaged index is a fast case")
        cases = [c for c in cases if c.index]
    assert len(cases) >= (len(SLOW) if heavy else 20 if command == "index-verify" else 200)
    failures = []
    for case in cases:
        run = _run(case, command, base, good_index, monkeypatch)
        kinds = [kind for kind in hostile.KINDS if getattr(run, kind)]
        if kinds:
            failures.append(f"{case.name}: {', '.join(kinds)} (exit {run.rc})")
    # One known gap, left to index verify: damage between tables (postings naming
    # an article that is not stored) is not looked for by an add (4 s at 100,000 articles).
    known = ["index-postings-bad-doc: damaged_written (exit 0)"] if command == "index-add" and not heavy else []
    assert failures == known
