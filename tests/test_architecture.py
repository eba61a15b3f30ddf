"""The layout's rules, checked against the code: data flows one way through
the stages (no module imports from a later stage, so no import circle), no
private name crosses a package, no module grows past 500 lines, and
docs/architecture.md draws the tree as it is."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "provenance"

#: Each part of the package, in the order data flows: a part may import
#: only from parts before it (and from itself).
LAYERS = [
    "version", "errors", "config", "plugins", "engine", "executors", "arrays", "outlets", "dates",
    "origin", "model",
    "readers", "analysis", "fingerprint", "candidates", "matching", "align", "judge", "stories",
    "codec", "index", "pipeline", "spark", "gate", "report",
    "cli", "__init__", "__main__",
]


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _part(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module as a dotted name under provenance, names, line) of
    every import of the package's own modules, lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["provenance", *path.relative_to(PACKAGE).parent.parts]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "provenance" or module.startswith("provenance."):
                found.append((module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("provenance"):
                    found.append((alias.name, [], node.lineno))
    return found


def _target_part(module: str, names: list[str]) -> list[str]:
    parts = module.split(".")[1:]
    if parts:
        return [parts[0]]
    return names  # ``from provenance import x``: x is the part


def test_every_part_has_a_layer():
    parts = {_part(p) for p in _modules()}
    assert parts <= set(LAYERS), f"parts without a place in LAYERS: {sorted(parts - set(LAYERS))}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_data_flows_one_way(path):
    mine = _part(path)
    for module, names, line in _imports(path):
        for target in _target_part(module, names):
            if target == mine or target not in LAYERS:
                continue
            assert LAYERS.index(target) < LAYERS.index(mine), (
                f"{path.relative_to(ROOT)}:{line} imports {module} ({target}), a later part than {mine}"
            )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_crosses_a_package(path):
    mine = _part(path)
    for module, names, line in _imports(path):
        target = _target_part(module, names)[0]
        if target == mine:
            continue
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, f"{path.relative_to(ROOT)}:{line} imports private {private} from {module}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_over_500_lines(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 500, f"{path.relative_to(ROOT)} has {lines} lines"


def test_architecture_doc_draws_the_tree():
    """Every module in the tree of docs/architecture.md exists, and every
    module of the package is in it."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n(provenance/\n.*?)```", doc, re.S)
    assert block, "docs/architecture.md has no ```text tree starting at provenance/"
    drawn: set[str] = set()
    stack: list[str] = []
    for raw in block.group(1).splitlines()[1:]:
        match = re.match(r"^((?:│   |    )*)(?:├── |└── )(\S+)", raw)
        if not match:
            continue
        depth = len(match.group(1)) // 4
        name = match.group(2)
        stack[depth:] = [name]
        if name.endswith(".py"):
            drawn.add("/".join(s.rstrip("/") for s in stack))
    actual = {str(p.relative_to(PACKAGE)) for p in _modules()}
    assert drawn == actual, f"missing from the doc: {sorted(actual - drawn)}; not in the code: {sorted(drawn - actual)}"
