"""Where a report goes: a file written without destroying what is at the path, or a standard
stream that can print any report whatever its encoding."""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import stat
import sys
import tempfile

#: ``-o`` values meaning standard output (opening /dev/stdout fails where it is a socket or a test's capture).
STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})


def write_report(text: str, path: os.PathLike | str) -> None:
    """Write ``text`` (UTF-8) to ``path`` (a symlink's target) without destroying what is there.

    A regular file, or nothing yet, is replaced atomically (written beside it and renamed, so a reader
    never sees half a report); a character device or FIFO is written in place, as a rename would
    replace it with a file; a directory, socket or block device is refused with an ``OSError``.
    """
    try:
        mode = os.stat(path).st_mode  # follows symlinks: the target's kind decides
    except FileNotFoundError:
        mode = stat.S_IFREG  # nothing there, or a dangling symlink: created
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        handle = os.open(path, os.O_WRONLY | os.O_NOCTTY)  # a FIFO waits for its reader, as > does
        try:
            view = memoryview(text.encode("utf-8"))
            while view:  # a pipe may take less than asked
                view = view[os.write(handle, view):]
        finally:
            os.close(handle)
    elif not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, "not a regular file, character device or FIFO; give one, or -")
    else:
        target, temporary = os.path.realpath(path), None
        try:
            handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp",
                                                 prefix=f".{os.path.basename(target)}.")
            umask = os.umask(0)  # mkstemp creates the file private; a report gets the usual permissions
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, target)
            temporary = None
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


def tolerant_streams() -> None:
    """Under ``PYTHONIOENCODING=latin-1``, or a terminal that cannot show a curly quote or an emoji, print
    a backslash escape instead of aborting; a UTF-8 stream is left as it is (reports stay byte-identical)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # an unknown encoding, a stream without reconfigure
            if codecs.lookup(stream.encoding).name != "utf-8" and stream.errors == "strict":
                stream.reconfigure(errors="backslashreplace")
