"""Issue 17, the CLI's side: ``-o`` never destroys what is at the path, a
report that cannot be written is one line and exit 3 from every command, and
no traceback reaches the user (an unexpected exception is one line, exit 4)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from provenance import cli as cli_module
from provenance.cli import base as cli_base
from provenance.cli import EXIT_INTERNAL, cli
from tests.helpers import REPO, SEEDS

WIRE = sorted(SEEDS.glob("002_*.txt"))[0]
COPY = sorted(SEEDS.glob("000_*.txt"))[0]
#: One run of each command that takes -o.
COMMANDS = {"scan": ["scan", str(WIRE)], "compare": ["compare", str(WIRE), str(COPY)],
            "check": ["check", "--within", str(WIRE)]}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def expected(command: str) -> str:
    return run(*COMMANDS[command]).stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_a_character_device_is_written_in_place_not_replaced(tmp_path):
    device = tmp_path / "mynull"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = run("scan", WIRE, "--format", "json", "-o", device)
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(device).st_mode) and os.stat(device).st_rdev == os.makedev(1, 3)


def test_dev_null_stays_a_device():
    assert run("scan", WIRE, "-o", os.devnull).exit_code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_fifo_is_written_to_its_reader(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run(*COMMANDS["scan"], "-o", fifo)
    reader.join(30)
    assert result.exit_code == 0, result.output
    assert received == [expected("scan").encode("utf-8")]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_symlink_s_target_is_written_and_the_link_kept(tmp_path):
    target, link = tmp_path / "report.txt", tmp_path / "link.txt"
    target.write_text("old\n")
    link.symlink_to(target)
    assert run(*COMMANDS["scan"], "-o", link).exit_code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") == expected("scan")
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "new.txt")
    assert run(*COMMANDS["scan"], "-o", dangling).exit_code == 0
    assert dangling.is_symlink() and (tmp_path / "new.txt").read_text(encoding="utf-8") == expected("scan")


def test_a_regular_file_is_replaced_whole_with_no_temporary_left(tmp_path):
    out = tmp_path / "report.txt"
    out.write_text("x" * 100_000)
    assert run(*COMMANDS["scan"], "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == expected("scan")
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_dash_and_dev_stdout_write_to_standard_output(name):
    result = run(*COMMANDS["scan"], "-o", name)
    assert result.exit_code == 0 and result.stdout == expected("scan")


def test_dev_stdout_in_a_real_process_is_standard_output():
    done = subprocess.run([sys.executable, "-m", "provenance", *COMMANDS["scan"], "-o", "/dev/stdout"],
                          capture_output=True, cwd=REPO)
    assert done.returncode == 0 and done.stdout.decode("utf-8") == expected("scan")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_full_device_is_one_line_and_exit_3_from_every_command(command):
    result = run(*COMMANDS[command], "-o", "/dev/full")
    assert result.exit_code == 3, result.output
    assert result.stderr == "error: /dev/full: cannot write report: No space left on device\n"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_unwritable_folder_is_one_line_and_exit_3_from_every_command(command, tmp_path):
    result = run(*COMMANDS[command], "-o", tmp_path / "no" / "such" / "report.txt")
    assert result.exit_code == 3 and result.stderr.count("\n") == 1
    assert "cannot write report: No such file or directory" in result.stderr


def test_a_socket_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        result = run(*COMMANDS["scan"], "-o", path)
    assert result.exit_code == 3 and "cannot write report: not a regular file" in result.stderr
    assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_a_full_standard_output_is_one_line_and_exit_3():
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "provenance", *COMMANDS["scan"]], stdout=full,
                              stderr=subprocess.PIPE, cwd=REPO)
    assert done.returncode == 3
    assert done.stderr.decode() == "error: standard output: cannot write report: No space left on device\n"


def test_an_unexpected_exception_is_one_line_and_exit_4(monkeypatch):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr("provenance.pipeline.scan", broken)
    result = run(*COMMANDS["scan"])
    assert result.exit_code == EXIT_INTERNAL == 4
    assert result.stderr == ("provenance: internal error: ZeroDivisionError: division by zero second line "
                             "(please report it)\n")


def test_an_interrupt_exits_130(monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("provenance.pipeline.scan", interrupted)
    result = run(*COMMANDS["scan"])
    assert result.exit_code == 130 and "Traceback" not in result.output


def test_click_s_own_errors_are_unchanged():
    result = run("scan", "--no-such-option", WIRE)
    assert result.exit_code == 2 and "No such option" in result.stderr


def test_the_exit_codes_are_in_the_help():
    for args in ([], ["scan"], ["check"], ["index", "add"]):
        assert "4  internal error" in run(*args, "--help").output


def test_a_latin_1_terminal_prints_the_report_with_escapes(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    done = subprocess.run([sys.executable, "-m", "provenance", "scan", str(SEEDS)], capture_output=True,
                          env=env, cwd=REPO)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    utf8 = run("scan", SEEDS).stdout
    assert any(ord(c) > 255 for c in utf8)  # the seeds hold curly quotes: the case is exercised
    assert done.stdout.decode("latin-1") == utf8.encode("latin-1", "backslashreplace").decode("latin-1")


def test_a_utf_8_terminal_is_left_as_it_is():
    done = subprocess.run([sys.executable, "-m", "provenance", "scan", str(SEEDS)], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, cwd=REPO)
    assert done.returncode == 0 and done.stdout.decode("utf-8") == run("scan", SEEDS).stdout


def test_main_guards_errors_outside_the_commands(monkeypatch, capsys):
    monkeypatch.setattr(cli_base, "_version_lines", lambda: 1 / 0)
    monkeypatch.setattr(sys, "argv", ["provenance", "--version"])
    with pytest.raises(SystemExit) as exited:
        cli_module.main()
    assert exited.value.code == 4 and "internal error: ZeroDivisionError" in capsys.readouterr().err


def test_dash_h_is_help_for_the_group_and_every_command():
    from click.testing import CliRunner

    for args in ([], ["scan"], ["index", "add"], ["check"]):
        result = CliRunner().invoke(cli, [*args, "-h"])
        assert result.exit_code == 0 and result.output.startswith("Usage: "), (args, result.output)


def test_quiet_drops_warnings_but_not_errors_or_the_report(tmp_path):
    from click.testing import CliRunner

    wire = min(SEEDS.glob("002_*.txt"))
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    loud = CliRunner().invoke(cli, ["scan", str(wire), str(tmp_path)])
    # A dangling symlink is an input that could not be read: exit 1, report written.
    assert loud.exit_code == 1 and "warning: skipped" in loud.stderr
    for args in (["-q", "scan"], ["--quiet", "scan"]):
        quiet = CliRunner().invoke(cli, [*args, str(wire), str(tmp_path)])
        assert quiet.exit_code == 1 and quiet.stderr == "" and quiet.stdout == loud.stdout
    gate = CliRunner().invoke(cli, ["check", "-q", "--within", str(wire), str(tmp_path)])
    assert gate.exit_code == 3 and "error: " in gate.stderr and "gone.txt" in gate.stderr
