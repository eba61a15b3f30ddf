"""The scan: every stage from reading to stories, run by an executor."""

from ..executors import (
    Executor,
    InProcess,
    Processes,
    default_jobs,
    executor_names,
    make_executor,
    one_blas_thread,
    register_executor,
)
from .scan import ScanStats, compare, scan, scan_articles
from .stages import WorkerState

__all__ = [
    "Executor",
    "InProcess",
    "Processes",
    "ScanStats",
    "WorkerState",
    "compare",
    "default_jobs",
    "executor_names",
    "make_executor",
    "one_blas_thread",
    "register_executor",
    "scan",
    "scan_articles",
]
