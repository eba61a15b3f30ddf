"""The engine finder (provenance.engine): which kernels a stage is given, how
the numpy engine is forced, and what ``provenance --version`` says about it.
Each stage's tests hold the two engines' answers equal."""

import os

import pytest

from provenance import engine
from tests.helpers import SEEDS

KERNELS = "provenance.fingerprint.kernels"


def test_forcing_numpy_hides_the_kernels_of_every_stage():
    with engine.forced("numpy"):
        assert engine.kernels(KERNELS) is None and engine.kernels("provenance.align.kernels") is None
        assert engine.name() == "numpy" and not engine.kernels_enabled()
        assert engine.describe().startswith("engine: numpy")


def test_forced_engines_nest_and_are_restored():
    before = engine.name()
    with engine.forced("numpy"):
        with engine.forced("numba"):
            # numba where it loads: forcing it never conjures kernels that cannot load.
            assert engine.name() == ("numba" if engine.compiled_available() else "numpy")
        assert engine.name() == "numpy"
    assert engine.name() == before
    with pytest.raises(ValueError, match="engine must be one of numba, numpy, not 'cuda'"):
        with engine.forced("cuda"):
            pass
    assert engine.name() == before


def test_a_stage_is_given_its_compiled_module_once():
    if not engine.compiled_available():
        pytest.skip("compiled engine not in use (numba missing or PROVENANCE_ENGINE=numpy)")
    native = engine.kernels(KERNELS)
    assert native is not None and native.__name__ == KERNELS
    assert engine.kernels(KERNELS) is native
    assert engine.describe().startswith("engine: numba ")


def test_provenance_engine_numpy_refuses_the_compiled_engine(monkeypatch):
    monkeypatch.setenv("PROVENANCE_ENGINE", "numpy")
    engine.compiled_available.cache_clear()  # the choice is made once a process
    try:
        assert not engine.compiled_available() and engine.kernels(KERNELS) is None
        assert engine.describe() == "engine: numpy (PROVENANCE_ENGINE=numpy)"
    finally:
        monkeypatch.undo()
        engine.compiled_available.cache_clear()


def test_without_numba_the_numpy_engine_is_used_and_said_once(tmp_path):
    """Where numba cannot load, the numpy engine answers (the same report)
    and one line on stderr says so, however often the engine is asked."""
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['numba'] = None\n"  # as if numba could not be imported
        "from provenance import engine, scan\n"
        "from provenance.report import SCAN, renderer\n"
        "print(engine.name(), engine.name(), engine.kernels('provenance.fingerprint.kernels'))\n"
        f"sys.stdout.write(renderer('text', SCAN).render(scan([{str(SEEDS)!r}])))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PROVENANCE_ENGINE": ""})
    assert done.returncode == 0, done.stderr
    first, report = done.stdout.split("\n", 1)
    assert first == "numpy numpy None"
    notices = [line for line in done.stderr.splitlines() if "compiled engine is unavailable" in line]
    assert len(notices) == 1 and "using the numpy engine" in notices[0]
    from provenance import scan
    from provenance.report import SCAN, renderer

    assert report == renderer("text", SCAN).render(scan([SEEDS]))
