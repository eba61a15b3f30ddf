"""Command line: parse options, call the library, render, map errors to exit codes.

Exit codes: OVERVIEW_EXIT_CODES in :mod:`.base` (``provenance --help``),
each command's epilog, and the README's table. The stages and the report
formats are imported inside the commands that use them, so that the command
line adds nothing heavy to --version and --help.
"""

from __future__ import annotations

import atexit
import gc
import sys

from . import commands, gate  # noqa: F401 - registers the commands on the group
from .base import EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, _unexpected, cli, tolerant_streams

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "cli", "main"]


def main() -> None:
    # The process ends with the command: nothing it leaves (a scan's
    # documents, numba's compiled code) needs collecting on the way out, and
    # the interpreter's last collections would traverse all of it (0.13 s
    # after a 20,000-article scan).
    atexit.register(gc.freeze)
    tolerant_streams()
    try:
        cli(prog_name="provenance")
    except Exception as exc:  # noqa: BLE001 - the guard's guard: an error while parsing the options
        sys.exit(_unexpected(exc))
