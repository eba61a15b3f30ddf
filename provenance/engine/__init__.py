"""The engine finder: each stage's compiled (numba) kernels where they load,
the numpy engine where they cannot.

A stage asks for its own kernels module by name::

    from ..engine import kernels
    native = kernels("provenance.fingerprint.kernels")   # the module, or None

and falls back to its numpy code when the answer is None. Every engine gives
the same results (the tests compare them). ``PROVENANCE_ENGINE=numpy``
refuses the compiled engine; otherwise it is used whenever numba imports,
and when it does not, a one-line notice says so on stderr, once a process.

>>> name() in ("numba", "numpy")
True
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from types import ModuleType

#: ``PROVENANCE_ENGINE`` values: ``numba`` (the default; numpy where numba
#: cannot load) or ``numpy`` (never the compiled kernels).
ENGINES = ("numba", "numpy")


@lru_cache(maxsize=1)
def compiled_available() -> bool:
    """Whether the compiled kernels are to be used in this process."""
    if os.environ.get("PROVENANCE_ENGINE", "").strip().lower() == "numpy":
        return False
    try:
        import numba  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - any failure to load means the numpy engine
        print(f"provenance: the compiled engine is unavailable ({type(exc).__name__}: {exc}); "
              "using the numpy engine, same results but slower", file=sys.stderr)
        return False
    return True


#: Set by :func:`forced` (tests compare the engines in one process).
_FORCED: list[str] = []


def kernels(module: str) -> ModuleType | None:
    """The compiled kernels module named ``module``, or None when the numpy
    engine is in use."""
    if _FORCED and _FORCED[-1] == "numpy" or not compiled_available():
        return None
    return _load(module)


@lru_cache(maxsize=None)
def _load(module: str) -> ModuleType:
    return importlib.import_module(module)


@contextmanager
def forced(engine: str) -> Iterator[None]:
    """Use ``engine`` (one of :data:`ENGINES`) within the block, in this
    process: how the tests hold the engines' answers equal."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    _FORCED.append(engine)
    try:
        yield
    finally:
        _FORCED.pop()


def name() -> str:
    """``numba`` when the compiled kernels are in use, else ``numpy``."""
    return "numba" if kernels_enabled() else "numpy"


def kernels_enabled() -> bool:
    """Whether :func:`kernels` answers with compiled modules right now."""
    return not (_FORCED and _FORCED[-1] == "numpy") and compiled_available()


def describe() -> str:
    """One line for ``provenance --version``: the engine and why."""
    if kernels_enabled():
        import numba

        return f"engine: numba {numba.__version__} (compiled kernels)"
    forced = os.environ.get("PROVENANCE_ENGINE", "").strip().lower() == "numpy"
    return "engine: numpy (PROVENANCE_ENGINE=numpy)" if forced else "engine: numpy (numba could not be loaded)"
