"""Where a scan's stage functions run: in this process or in a pool of
worker processes.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

from .stages import _WorkerState


def _one_blas_thread():
    """Small matrix products run faster on one BLAS thread, and a scan
    already keeps every core busy with processes."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - comes with scikit-learn
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=1)


def _start_worker() -> None:
    global _STATE
    _STATE = _WorkerState()
    _one_blas_thread()
    # Everything imported so far lives as long as the worker: out of the
    # collector's sight, with the scan's own pace (see _collect_less).
    gc.freeze()
    gc.set_threshold(*_SCAN_GC_THRESHOLDS)


#: A scan makes millions of small objects that mostly live until its end;
#: at Python's default pace (700, 10, 10) the collector traverses them over
#: and over, about a tenth of a worker's time.
_SCAN_GC_THRESHOLDS = (10_000, 20, 20)


_PACE_LOCK = threading.Lock()


_pace = {"scans": 0, "before": gc.get_threshold()}


@contextmanager
def _collect_less() -> Iterator[None]:
    """The scan's collector pace in this process while any scan runs (scans
    may overlap in threads), the caller's restored after the last."""
    with _PACE_LOCK:
        if _pace["scans"] == 0:
            _pace["before"] = gc.get_threshold()
            gc.set_threshold(*_SCAN_GC_THRESHOLDS)
        _pace["scans"] += 1
    try:
        yield
    finally:
        with _PACE_LOCK:
            _pace["scans"] -= 1
            if _pace["scans"] == 0:
                gc.set_threshold(*_pace["before"])


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class _InProcess(Executor):
    """Runs each call at once, in this process."""

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any):  # type: ignore[override]
        from concurrent.futures import Future

        future: Future = Future()
        future.set_result(fn(*args, **kwargs))
        return future
