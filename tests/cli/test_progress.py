"""The progress bar: drawn on standard error when it is a terminal, for runs
of a few hundred articles or more; never in a pipe, under --quiet, or for a
handful of files; and the report is the same with it as without."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import random
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

from provenance import scan
from provenance.cli.progress import MIN_ARTICLES

REPO = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "provenance"]


def _feed(path: Path, count: int) -> Path:
    """``count`` short articles of invented words, every tenth a near copy
    of the one before it (so that the scan has pairs to judge)."""
    rng = random.Random(7)
    vocabulary = ["".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))
                  for _ in range(3000)]
    lines, previous = [], ""
    for n in range(count):
        if n % 10 == 9:
            text = previous.replace(".", " today.", 1)
        else:
            text = " ".join(" ".join(rng.choice(vocabulary) for _ in range(14)).capitalize() + "."
                            for _ in range(5))
        previous = text
        lines.append(json.dumps({"id": f"a{n}", "text": text}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def feed(tmp_path_factory) -> Path:
    return _feed(tmp_path_factory.mktemp("progress") / "feed.jsonl", MIN_ARTICLES + 100)


def _run_on_terminal(args: list[str]) -> tuple[int, bytes, str]:
    """Run the CLI with standard error on a pseudo-terminal of 100 columns
    (standard output a pipe): exit code, standard output, what the terminal showed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(CLI + args, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, cwd=REPO)
    os.close(slave)
    shown: list[bytes] = []

    def pump() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closes with the process
                return
            if not chunk:
                return
            shown.append(chunk)

    reader = threading.Thread(target=pump)
    reader.start()
    out = proc.stdout.read()
    proc.wait(timeout=300)
    reader.join(timeout=10)
    os.close(master)
    return proc.returncode, out, b"".join(shown).decode("utf-8", "replace")


def test_a_long_scan_draws_its_stages_on_a_terminal_and_reports_the_same(feed):
    code, out, terminal = _run_on_terminal(["scan", str(feed), "--format", "json"])
    assert code == 0
    assert "reading" in terminal and "articles" in terminal
    assert "judging" in terminal and "pairs" in terminal
    # The bar clears itself: the report and any warnings read as without it.
    piped = subprocess.run(CLI + ["scan", str(feed), "--format", "json"], capture_output=True, cwd=REPO)
    assert piped.returncode == 0 and piped.stdout == out
    assert piped.stderr == b""  # not a terminal: nothing drawn


def test_quiet_and_small_runs_draw_nothing(feed):
    code, _, terminal = _run_on_terminal(["scan", str(feed), "-q"])
    assert code == 0 and "reading" not in terminal and "judging" not in terminal
    code, _, terminal = _run_on_terminal(["scan", str(REPO / "seeds")])
    assert code == 0 and terminal.strip() == ""


def test_index_add_and_check_draw_their_stages(feed, tmp_path):
    index = tmp_path / "wire.sqlite"
    code, _, terminal = _run_on_terminal(["index", "add", "--index", str(index), str(feed)])
    assert code == 0 and "indexing" in terminal
    code, _, terminal = _run_on_terminal(["check", "--index", str(index), str(feed), "--format", "json"])
    assert code in (0, 1) and "checking" in terminal


def test_the_library_reports_every_article_read_and_every_pair_judged(feed):
    calls: list[tuple[str, int, int | None]] = []
    result = scan([feed], jobs=1, progress=lambda *call: calls.append(call))
    reading = [done for stage, done, total in calls if stage == "reading"]
    judging = [(done, total) for stage, done, total in calls if stage == "judging"]
    assert reading == sorted(reading) and reading[-1] == len(result.documents)
    assert judging and judging == sorted(judging) and judging[-1][0] == judging[-1][1] > 0
    assert all(total is None for stage, _, total in calls if stage == "reading")
