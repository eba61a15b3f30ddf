"""Progress on standard error for long scans, checks and index adds: drawn
only on a terminal (a pipe, a file or CI logs get nothing), never under
``--quiet``, and only once the work is large enough to make waiting felt.

The library reports ``progress(stage, done, total)``
(:data:`provenance.model.Progress`); this draws each stage as a tqdm bar
(a count and a rate while the total is unknown), on one line that is
cleared when the stage ends, so the report on standard output and the
warnings on standard error read as without it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from ..model import Progress

#: Below this many articles a run takes a second or two: no bar.
MIN_ARTICLES = 300

#: The bars being drawn, if any: a warning clears them first (see :func:`writing`).
_ACTIVE: list[_Bars] = []

#: What each stage counts, for the bar's unit.
_UNITS = {"reading": "articles", "analysing": "articles", "checking": "articles",
          "indexing": "articles", "judging": "pairs"}


class _Bars:
    """The bar of the stage being drawn, made when the run proves large."""

    def __init__(self, stream):
        self.stream = stream
        self.bar = None
        self.stage: str | None = None
        self.articles = 0  # the largest article count seen: whether the run is large

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        unit = _UNITS.get(stage, "items")
        if unit == "articles":
            self.articles = max(self.articles, done, total or 0)
        if self.articles < MIN_ARTICLES:
            return
        if stage != self.stage:
            self.close()
            from tqdm import tqdm

            self.stage = stage
            self.bar = tqdm(total=total, desc=stage, unit=f" {unit}", file=self.stream, leave=False,
                            dynamic_ncols=True, mininterval=0.2, initial=done)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar, self.stage = None, None


@contextlib.contextmanager
def terminal_progress(quiet: bool = False) -> Iterator[Progress | None]:
    """A :data:`~provenance.model.Progress` drawing on standard error when it
    is a terminal (and not ``quiet``); None otherwise, so the library skips
    the calls."""
    stream = sys.stderr
    if quiet or not getattr(stream, "isatty", lambda: False)():
        yield None
        return
    bars = _Bars(stream)
    _ACTIVE.append(bars)
    try:
        yield bars
    finally:
        _ACTIVE.remove(bars)
        bars.close()


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Around a line written to standard error: a bar being drawn is
    cleared first and drawn again after, so the line stands on its own."""
    bar = next((each.bar for each in _ACTIVE if each.bar is not None), None)
    if bar is None:
        yield
        return
    with bar.external_write_mode(file=bar.fp):
        yield
