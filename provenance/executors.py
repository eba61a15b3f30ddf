"""The executor door: where work units run -- a scan's stages, an index
add's analysis.

A work unit is a stage function (those of :mod:`provenance.pipeline.stages`,
say) with its arguments, all plain picklable data; an :class:`Executor` runs them
in this process (``inprocess``), in a pool of worker processes
(``processes``), or -- a plug-in -- anywhere else, such as a cluster. A
scan chooses one by name or takes one ready-made, like scikit-learn's
``analyzer``::

    scan(["seeds/"], executor="inprocess")
    with MyExecutor() as executor:
        scan(["seeds/"], executor=executor)

Executors register by name with :func:`register_executor`, or through the
entry-point group ``provenance.executors`` (a factory taking the number of
workers), loaded the first time a name is not known.

What a worker keeps between the units of one scan travels as a
:class:`~provenance.pipeline.stages.WorkerState` argument: an executor does
nothing about it (see there).

>>> with make_executor("inprocess", 4) as executor:
...     list(executor.map_ordered(divmod, [(7, 2), (9, 4)])), executor.workers
([(3, 1), (2, 1)], 1)
>>> executor_names()[:2]
('inprocess', 'processes')
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from typing import Any

from .config import SCAN_GC_THRESHOLDS
from .engine import kernels
from .errors import ConfigError
from .plugins import Registry

#: The entry-point group third-party executors register in.
ENTRY_POINT_GROUP = "provenance.executors"


class Executor(ABC):
    """Runs a scan's work units: ``submit`` one, or ``map_ordered`` many.

    A subclass implements :meth:`submit` (and :meth:`close` if it holds
    workers); ``map_ordered`` is built on ``submit``. The scan that makes an
    executor from a name closes it; one given ready-made is the caller's to close.
    """

    #: How many units it runs at once: what keeps it busy, and the threads a
    #: unit that can use several may take.
    workers: int = 1

    @abstractmethod
    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        """Start ``fn(*args)`` in a worker; the future of its result."""

    def map_ordered(self, fn: Callable[..., Any], units: Iterable[tuple]) -> Iterator[Any]:
        """``fn(*unit)`` for each unit, in the units' order, with at most
        ``2 * workers + 1`` in flight (so results and units in memory stay bounded)."""
        pending: deque[Future] = deque()
        for unit in units:
            pending.append(self.submit(fn, *unit))
            if len(pending) >= 2 * self.workers + 1:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        """Wait for the units in flight and release the workers."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class InProcess(Executor):
    """Runs each unit at once, in the calling thread."""

    workers = 1

    def __init__(self, workers: int = 1):
        # ``workers`` is accepted like every factory's, and ignored: one thread.
        pass

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def map_ordered(self, fn: Callable[..., Any], units: Iterable[tuple]) -> Iterator[Any]:
        for unit in units:
            yield fn(*unit)


class Processes(Executor):
    """A pool of ``workers`` worker processes."""

    def __init__(self, workers: int | None = None):
        self.workers = default_jobs() if workers is None else max(1, int(workers))
        context = multiprocessing.get_context()
        if context.get_start_method() == "fork":
            # Forked workers share what this process has loaded: numba and
            # the kernels of the first round, loaded here once rather than
            # by each worker (~0.3 s and ~20 MB a worker).
            for module in _FIRST_KERNELS:
                kernels(module)
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_start_worker)

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


#: The compiled kernels every worker runs from its first unit on.
_FIRST_KERNELS = ("provenance.fingerprint.kernels", "provenance.matching.kernels")

ExecutorFactory = Callable[[int], Executor]

#: The executors by name.
EXECUTORS: Registry[ExecutorFactory] = Registry(ENTRY_POINT_GROUP, "an executor",
                                                {"inprocess": InProcess, "processes": Processes})


def register_executor(name: str, factory: ExecutorFactory, *, replace: bool = False) -> None:
    """Make ``factory`` (called with the number of workers) available as ``scan(executor=name)``."""
    EXECUTORS.register(name, factory, replace=replace)


def executor_names() -> tuple[str, ...]:
    """The registered executors' names, the built-ins first."""
    return EXECUTORS.names()


def make_executor(name: str, workers: int) -> Executor:
    """A new executor of the kind ``name`` with ``workers`` workers."""
    made = EXECUTORS.require(name)(workers)
    if not isinstance(made, Executor):
        raise ConfigError(f"executor {name!r} made {type(made).__name__}, not a provenance.executors.Executor")
    return made


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# --- the pace of a scan's processes ------------------------------------------------


def one_blas_thread():
    """Limit BLAS (and any OpenMP pool) to one thread (a context manager; the
    limit holds from the call). Alignment multiplies matrices of a few dozen rows: BLAS threads
    only add overhead, and on a busy machine their spinning cost ~15x the
    CPU time per pair (measured: 185 ms against 12 ms on a loaded 2-core
    machine); a scan already keeps every core busy with processes."""
    controller = _blas_controller()
    return nullcontext() if controller is None else controller.limit(limits=1)


@functools.lru_cache(maxsize=1)
def _blas_controller():
    # Made once: building a controller scans the loaded libraries (~7 ms).
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return None
    return ThreadpoolController()


def _start_worker() -> None:
    one_blas_thread()
    # Everything imported so far lives as long as the worker: out of the
    # collector's sight, with the scan's own pace (see collect_less).
    gc.freeze()
    gc.set_threshold(*SCAN_GC_THRESHOLDS)



_PACE_LOCK = threading.Lock()
_pace = {"scans": 0, "before": gc.get_threshold()}


@contextmanager
def collect_less() -> Iterator[None]:
    """The scan's collector pace in this process while any scan runs (scans
    may overlap in threads), the caller's restored after the last."""
    with _PACE_LOCK:
        if _pace["scans"] == 0:
            _pace["before"] = gc.get_threshold()
            gc.set_threshold(*SCAN_GC_THRESHOLDS)
        _pace["scans"] += 1
    try:
        yield
    finally:
        with _PACE_LOCK:
            _pace["scans"] -= 1
            if _pace["scans"] == 0:
                gc.set_threshold(*_pace["before"])
