"""Progress of a Spark scan on standard error: the phase the scan is in and
the tasks of Spark's running stages, on one line redrawn in place.

As the command line's other progress (:mod:`provenance.cli.progress`), it
is drawn only on a terminal (a pipe, a file or CI logs get nothing) and
never under ``--quiet``; the line is cleared when the scan ends, so the
report and the warnings read as without it. A daemon thread polls
``SparkContext.statusTracker()`` (Spark's own console bar is off: see
:func:`provenance.spark.start_session`).

>>> line = StageLine(None, None)
>>> line("read_analyse_fingerprint", 20, 20)
>>> line.phase
'finding candidates'
>>> line.text([(3, 7, 10)])
'spark scan: finding candidates - stage 3: 7/10 tasks'
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any

#: Each phase the scan reports as finished (provenance.spark.scan_spark's
#: ``progress``), and what the scan does next.
NEXT_PHASE = {"reading": "reading, analysing, fingerprinting",
              "read_analyse_fingerprint": "finding candidates", "candidates": "grouping candidates",
              "component_round": "grouping candidates", "components": "judging and numbering stories",
              "judge": "collecting the answers", "tables": "writing the tables", "collect": "reporting"}

#: Seconds between two looks at Spark's stages.
INTERVAL = 0.25

_CLEAR = "\r\x1b[K"


class StageLine:
    """The line: a :data:`~provenance.model.Progress` for the scan's phases,
    and a thread drawing the running stages' tasks on ``stream``."""

    def __init__(self, context: Any, stream: Any, interval: float = INTERVAL):
        self.context, self.stream, self.interval = context, stream, interval
        self.phase = "reading inputs"
        self.drawn = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        self.phase = NEXT_PHASE.get(stage, stage)

    def text(self, stages: list[tuple[int, int, int]]) -> str:
        """The line for ``stages`` (stage id, tasks done, tasks), the phase alone when none runs."""
        running = " ".join(f"- stage {stage}: {done}/{total} tasks" for stage, done, total in stages)
        return f"spark scan: {self.phase}" + (f" {running}" if running else "")

    def stages(self) -> list[tuple[int, int, int]]:
        """The running stages' (id, tasks done, tasks), from Spark's status tracker."""
        tracker = self.context.statusTracker()
        found = []
        for stage in sorted(tracker.getActiveStageIds()):
            info = tracker.getStageInfo(stage)
            if info is not None:
                found.append((stage, info.numCompletedTasks, info.numTasks))
        return found

    def start(self) -> None:
        self._thread = threading.Thread(target=self._poll, name="provenance-spark-progress", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop drawing and clear the line."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.clear()

    def clear(self) -> None:
        with self._lock:
            if self.drawn:
                self._write(_CLEAR)
                self.drawn = False

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Around a line written to standard error: the progress line is cleared first and drawn after."""
        with self._lock:
            if self.drawn:
                self._write(_CLEAR)
                self.drawn = False
            yield

    def _poll(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                stages = self.stages()
            except Exception:  # noqa: BLE001 - the session is stopping: nothing more to draw
                return
            if not stages:
                continue  # the driver's own work: no line to flicker
            with self._lock:
                if self._stop.is_set():
                    return
                self._write(_CLEAR + self.text(stages)[: self._width()])
                self.drawn = True

    def _width(self) -> int:
        import shutil

        return max(20, shutil.get_terminal_size((100, 24)).columns - 1)

    def _write(self, text: str) -> None:
        with contextlib.suppress(Exception):  # standard error may be gone
            self.stream.write(text)
            self.stream.flush()


#: The line being drawn, if any: a warning clears it first (see :func:`writing`).
_ACTIVE: list[StageLine] = []


@contextlib.contextmanager
def spark_progress(context: Any, quiet: bool = False, stream: Any = None) -> Iterator[StageLine | None]:
    """A :class:`StageLine` drawing on ``stream`` (standard error) while the
    block runs, when it is a terminal and not ``quiet``; None otherwise."""
    stream = sys.stderr if stream is None else stream
    if quiet or not getattr(stream, "isatty", lambda: False)():
        yield None
        return
    line = StageLine(context, stream)
    _ACTIVE.append(line)
    line.start()
    try:
        yield line
    finally:
        _ACTIVE.remove(line)
        line.stop()


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Around a line written to standard error while a Spark scan's line may be drawn."""
    if not _ACTIVE:
        yield
        return
    with _ACTIVE[-1].paused():
        yield
