"""The scan: every stage from reading to stories, run by an executor."""

from .executors import default_jobs
from .scan import compare, scan, scan_articles

__all__ = ["compare", "default_jobs", "scan", "scan_articles"]
