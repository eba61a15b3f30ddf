"""hypothesis when it is installed (the test extra), else stand-ins that skip
each property-based test with the reason, so the rest of its file still runs.

Test files import ``given``, ``settings``, ``example``, ``HealthCheck`` and
``st`` from here instead of from hypothesis.
"""

from __future__ import annotations

import inspect

import pytest

try:
    from hypothesis import HealthCheck, example, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - exercised only without the test extra
    REASON = "hypothesis not installed: pip install -e '.[test]'"

    class _Anything:
        """Takes any strategy-building call, attribute, decorator or ``|`` at import time."""

        def __getattr__(self, name: str) -> _Anything:
            return self

        def __call__(self, *args, **kwargs) -> _Anything:
            return self

        def __or__(self, other) -> _Anything:
            return self

        __ror__ = __or__

    st = HealthCheck = _Anything()

    def given(*args, **kwargs):
        def skipped(test):
            def stand_in(*_, **__):
                pytest.skip(REASON)

            # The arguments hypothesis would draw (the last positional ones,
            # and those named) leave the signature; fixtures and parametrize
            # arguments stay, so pytest collects the test as before.
            signature = inspect.signature(test)
            kept = [p for p in signature.parameters.values() if p.name not in kwargs]
            stand_in.__signature__ = signature.replace(parameters=kept[: len(kept) - len(args)])
            stand_in.__name__, stand_in.__qualname__ = test.__name__, test.__qualname__
            stand_in.__module__, stand_in.__doc__ = test.__module__, test.__doc__
            stand_in.pytestmark = list(getattr(test, "pytestmark", []))
            return stand_in

        return skipped

    def _unchanged(*args, **kwargs):
        return lambda test: test

    settings = example = _unchanged

__all__ = ["HealthCheck", "example", "given", "settings", "st"]
