"""Hostile inputs met by the readers: nothing hangs, nothing raises
past the reader, nothing is skipped silently, and the good article beside
the bad entry is still read.

Every bad entry must come back as one InputError whose message is one line.
The runs are under an alarm: a FIFO that got opened would block for ever.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from provenance.errors import InputError, UnreadableInputsError
from provenance.gate import check
from provenance.readers import read_articles

GOOD = "The council approved the new budget on Tuesday after a long debate."

FIFO_MESSAGE = "not a regular file (a FIFO); give article files, or - for standard input"


@pytest.fixture(autouse=True)
def no_hang():
    """Fail instead of blocking for ever, should a FIFO ever be opened."""
    def hung(signum, frame):
        raise AssertionError("the read blocked (a FIFO was opened?)")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def folder(tmp_path):
    """A folder holding one good article."""
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    return tmp_path


def read(inputs):
    problems: list[InputError] = []
    articles = read_articles(inputs, on_error=problems.append)
    for problem in problems:
        assert "\n" not in str(problem)
    return [a.id for a in articles], [(Path(p.origin).name, p.reason) for p in problems]


def test_a_fifo_given_as_an_input_is_skipped_not_opened(folder):
    os.mkfifo(folder / "feed.jsonl")  # no writer: opening it would block
    assert read([folder / "feed.jsonl", folder / "good.txt"]) == (["good"], [("feed.jsonl", FIFO_MESSAGE)])


def test_a_fifo_in_a_folder_is_reported(folder):
    os.mkfifo(folder / "pipe.txt")
    assert read([folder]) == (["good"], [("pipe.txt", FIFO_MESSAGE)])


def test_a_socket_in_a_folder_is_reported(folder, monkeypatch):
    monkeypatch.chdir(folder)  # a relative name: socket paths are short
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("wire.txt")
        ids, problems = read([folder])
    assert ids == ["good"]
    assert problems == [("wire.txt", "not a regular file (a socket); give article files, or - for standard input")]


def test_a_link_to_a_device_in_a_folder_is_reported(folder):
    (folder / "zero.txt").symlink_to("/dev/zero")
    reason = "not a regular file (a character device); give article files, or - for standard input"
    assert read([folder]) == (["good"], [("zero.txt", reason)])


def test_a_dangling_link_in_a_folder_is_reported(folder):
    (folder / "gone.txt").symlink_to(folder / "missing.txt")
    reason = f"dangling symlink: its target {folder / 'missing.txt'} does not exist"
    assert read([folder]) == (["good"], [("gone.txt", reason)])


def test_a_dangling_link_without_an_article_suffix_is_reported_too(folder):
    # It might have pointed to a folder of articles: it cannot be told, so it is said.
    (folder / "archive").symlink_to(folder / "missing")
    assert read([folder])[1] == [("archive", f"dangling symlink: its target {folder / 'missing'} does not exist")]


def test_a_link_loop_in_a_folder_is_reported(folder):
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    loop = "symlink loop: it never leads to a file"
    assert read([folder]) == (["good"], [("a.txt", loop), ("b.txt", loop)])


def test_a_link_loop_given_as_an_input_is_one_message(folder):
    (folder / "self.txt").symlink_to(folder / "self.txt")
    assert read([folder / "self.txt", folder / "good.txt"]) == (
        ["good"], [("self.txt", "symlink loop: it never leads to a file")])


def test_a_symlinked_folder_is_reported_not_followed(folder):
    (folder / "up").symlink_to(folder)  # followed, it would walk in circles
    reason = "a symlink to a folder, not followed; give the folder itself to read it"
    assert read([folder]) == (["good"], [("up", reason)])


def test_hidden_entries_stay_out_of_the_walk(folder):
    os.mkfifo(folder / ".pipe.txt")
    (folder / ".gone.txt").symlink_to(folder / "missing.txt")
    assert read([folder]) == (["good"], [])


def test_an_empty_folder_still_says_it_holds_no_articles(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    from provenance.readers import known_suffixes

    articles, problems = read([tmp_path / "empty", tmp_path / "good.txt"])
    assert articles == ["good"] and [name for name, _ in problems] == ["empty"]
    # The kinds named are the ones the registered readers take.
    assert problems[0][1].startswith("folder holds no files of the kinds read (")
    assert all(suffix in problems[0][1] for suffix in known_suffixes())


@pytest.mark.parametrize("published", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_a_date_out_of_range_in_utc_refuses_the_record(tmp_path, published):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "bad", "text": GOOD, "published": published}) + "\n"
                    + json.dumps({"id": "good", "text": GOOD, "published": "2024-03-01"}) + "\n",
                    encoding="utf-8")
    problems: list[InputError] = []
    articles = read_articles([feed], on_error=problems.append)
    assert [(a.id, a.published) for a in articles] == [("good", "2024-03-01")]
    assert [str(p) for p in problems] == [
        f"{feed}:1: 'published' is out of range: {published!r} (in UTC it falls before year 1 or after 9999)"]


# Unreadable folders. Root reads through any permission, so as root the
# same walk runs in a child process as the unprivileged user "nobody".

_CHILD = """
import sys
from provenance.readers import read_articles
problems = []
articles = read_articles(sys.argv[1:], on_error=problems.append)
print([a.id for a in articles])
for p in problems:
    print(p)
"""


def _walk_unreadable(make):
    """Run ``make(root)`` in a fresh world-searchable folder, then read it as
    a user permissions apply to; the printed ids and problems."""
    root = Path(tempfile.mkdtemp(prefix="prov-faults-", dir="/tmp" if os.path.isdir("/tmp") else None))
    try:
        root.chmod(0o755)
        inputs = make(root)
        done = _run_unprivileged([sys.executable, "-c", _CHILD, *map(str, inputs)])
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()
    finally:
        for path in [root, *root.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(root)


def _run_unprivileged(command):
    """``command`` run as a user permissions apply to: as itself, or as root
    as "nobody" (by this interpreter, or by the system's python3 of the same
    version when this one lives where nobody may not go, e.g. under /root)."""
    if os.geteuid() != 0:
        return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd="/")
    import site

    import provenance
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    path = os.pathsep.join([str(Path(provenance.__file__).parents[1]), *site.getsitepackages()])
    for python in dict.fromkeys([sys.executable, shutil.which(f"python{version}", path="/usr/bin:/usr/local/bin")]):
        if python is None:
            continue
        try:
            done = subprocess.run([python, *command[1:]], capture_output=True, text=True, timeout=60, cwd="/",
                                  user="nobody", env={**os.environ, "PYTHONPATH": path})
        except PermissionError:
            continue
        if "ModuleNotFoundError" not in done.stderr and "ImportError" not in done.stderr:
            return done
    pytest.skip("as root, and the user 'nobody' has no Python that can import this checkout "
                "(test_a_folder_too_deep_to_open_is_reported covers a folder root cannot read)")


def _can_drop_privileges() -> bool:
    if os.geteuid() != 0:
        return True
    try:
        import pwd
        pwd.getpwnam("nobody")
    except (ImportError, KeyError):
        return False
    return True


needs_permissions = pytest.mark.skipif(not _can_drop_privileges(),
                                       reason="running as root with no 'nobody' user to drop to")


@needs_permissions
def test_a_subfolder_without_permission_is_reported():
    def make(root):
        (root / "good.txt").write_text(GOOD, encoding="utf-8")
        (root / "locked").mkdir()
        (root / "locked" / "copy.txt").write_text(GOOD, encoding="utf-8")
        (root / "locked").chmod(0)
        return [root]

    lines = _walk_unreadable(make)
    assert lines[0] == "['good']"
    assert len(lines) == 2 and lines[1].endswith("/locked: cannot read folder: Permission denied")


@needs_permissions
def test_a_folder_of_mode_000_says_it_cannot_be_read():
    def make(root):
        (root / "good.txt").write_text(GOOD, encoding="utf-8")
        (root / "locked").mkdir()
        (root / "locked").chmod(0)
        return [root / "locked", root / "good.txt"]

    lines = _walk_unreadable(make)
    assert lines[0] == "['good']"
    assert len(lines) == 2 and lines[1].endswith("/locked: cannot read folder: Permission denied")


@needs_permissions
def test_entries_that_cannot_be_looked_at_are_reported():
    # Readable but not searchable: the names are listed, but nothing in it can be stat'ed or opened.
    def make(root):
        (root / "good.txt").write_text(GOOD, encoding="utf-8")
        (root / "shut").mkdir()
        (root / "shut" / "copy.txt").write_text(GOOD, encoding="utf-8")
        (root / "shut" / "link.txt").symlink_to("copy.txt")
        (root / "shut").chmod(0o444)
        return [root]

    lines = _walk_unreadable(make)
    assert lines[0] == "['good']"
    assert len(lines) == 3 and all("Permission denied" in line and "/shut/" in line for line in lines[1:])


def test_a_folder_too_deep_to_open_is_reported(tmp_path):
    # One way to make a folder that even root cannot list: a path longer
    # than PATH_MAX (the walk opens folders by their full path).
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    name = "d" * 200
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(25):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        with open(os.open("copy.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w") as out:
            out.write(GOOD)
    finally:
        os.close(fd)
    problems: list[InputError] = []
    ids = [a.id for a in read_articles([tmp_path], on_error=problems.append)]
    assert ids == ["good"]
    assert len(problems) == 1 and problems[0].reason == "cannot read folder: File name too long"
    assert "\n" not in str(problems[0])


def test_the_gate_fails_on_an_unreadable_entry_of_a_folder(folder):
    (folder / "copy.txt").write_text(GOOD, encoding="utf-8")
    (folder / "gone.txt").symlink_to(folder / "missing.txt")
    with pytest.raises(UnreadableInputsError) as raised:
        check([folder], within=True)
    assert [Path(p.origin).name for p in raised.value.problems] == ["gone.txt"]
    assert "dangling symlink" in str(raised.value)
