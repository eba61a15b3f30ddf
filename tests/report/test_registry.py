"""The renderer door: formats registered by name (in code or through an
entry point) are --format choices of the CLI, end to end."""

from __future__ import annotations

import importlib.metadata
import json

import pytest

import provenance.plugins
from provenance.errors import ProvenanceError
from provenance.model import ScanResult
from provenance.report import (
    CHECK,
    COMPARE,
    SCAN,
    Comparison,
    Renderer,
    register_renderer,
    registry,
    renderer,
    renderer_names,
    renderers,
    unregister_renderer,
)
from tests.helpers import SEEDS, SHARED, invoke

SHARED_SEEDS = SHARED / "seeds"


SEED_FOLDER = SHARED_SEEDS if SHARED_SEEDS.is_dir() else SEEDS


class Toy(Renderer):
    """One line per article: how many the scan read, then the ids."""

    name = "toy"
    kinds = (SCAN, COMPARE)

    def render(self, result, **options):
        if isinstance(result, ScanResult):
            ids = [d.id for d in result.documents]
            return f"toy scan {len(ids)} show_all={options.get('show_all')}\n" + "\n".join(ids) + "\n"
        relation, source, derived = result
        return f"toy compare {source.id} -> {derived.id}: {relation.verdict}\n"


class EntryPointToy(Renderer):
    """Declared through a (fake) entry point: the registry makes it from the class."""

    name = "eptoy"
    kinds = (CHECK,)

    def render(self, result, **options):
        return f"eptoy {len(result.articles)} failed={result.failed}\n"


class Clash(Toy):
    """Takes a built-in's name: a plug-in may not."""

    name = "json"


@pytest.fixture(autouse=True)
def clean_registry(monkeypatch):
    """Each test sees the built-ins only, and may load the plug-ins afresh."""
    monkeypatch.setattr(registry, "_RENDERERS", dict(registry._RENDERERS))
    monkeypatch.setattr(registry, "_PLUGINS_LOADED", False)
    monkeypatch.setattr(provenance.plugins, "entry_points", lambda group: [])


def _fake_entry_points(monkeypatch, *points: tuple[str, str]):
    declared = [importlib.metadata.EntryPoint(name, value, registry.ENTRY_POINT_GROUP) for name, value in points]
    monkeypatch.setattr(provenance.plugins, "entry_points",
                        lambda group: declared if group == registry.ENTRY_POINT_GROUP else [])


def test_builtins_keep_the_cli_order():
    assert renderer_names(SCAN) == ("text", "json", "html", "csv", "jsonl")
    assert renderer_names(COMPARE) == ("text", "json", "html")
    assert renderer_names(CHECK) == ("text", "json", "jsonl", "sarif", "junit", "github")
    assert all(isinstance(each, Renderer) for kind in (SCAN, COMPARE, CHECK) for each in renderers(kind))


def test_builtin_renders_the_same_as_its_module(seed_scan):
    from provenance.report import json as json_report
    from provenance.report import text as text_report

    assert renderer("json", SCAN).render(seed_scan) == json_report.dumps(json_report.scan_document(seed_scan))
    assert renderer("text", SCAN).render(seed_scan, show_all=True, unknown=1) == \
        text_report.render_scan(seed_scan, show_all=True)


def test_register_renderer_makes_a_format_choice():
    register_renderer(Toy())
    assert renderer_names(SCAN)[-1] == "toy" and renderer_names(COMPARE)[-1] == "toy"
    assert "toy" not in renderer_names(CHECK)
    result = invoke("scan", SEED_FOLDER, "--format", "toy", "--show-all")
    assert result.exit_code == 0, result.output
    head, *ids = result.output.splitlines()
    assert head == f"toy scan {len(ids)} show_all=True" and len(ids) > 1
    assert "[text|json|html|csv|jsonl|toy]" in invoke("scan", "--help").output


def test_toy_compare_renders_the_triple():
    register_renderer(Toy())
    first, second = sorted(SEED_FOLDER.glob("*.txt"))[:2]
    result = invoke("compare", first, second, "--format", "toy")
    assert result.exit_code == 0 and result.output.startswith(f"toy compare {first.stem} -> {second.stem}: ")


def test_a_taken_name_is_refused_unless_replaced():
    with pytest.raises(ValueError, match="registered already"):
        register_renderer(type("Text", (Toy,), {"name": "text"})())
    replacement = register_renderer(type("Text", (Toy,), {"name": "text"})(), replace=True)
    assert renderer("text", SCAN) is replacement and renderer_names(SCAN)[0] == "text"
    unregister_renderer("text", SCAN)
    assert "text" not in renderer_names(SCAN) and "text" in renderer_names(CHECK)


@pytest.mark.parametrize("bad", [
    type("NoKinds", (Toy,), {"kinds": ()}),
    type("BadKind", (Toy,), {"kinds": ("pdf",)}),
    type("NoName", (Toy,), {"name": ""}),
])
def test_a_malformed_renderer_is_refused(bad):
    with pytest.raises(ValueError):
        register_renderer(bad())
    with pytest.raises(TypeError):
        register_renderer(object())


def test_entry_point_renderer_is_loaded_once_and_used_by_check(monkeypatch):
    _fake_entry_points(monkeypatch, ("eptoy", f"{__name__}:EntryPointToy"))
    assert renderer_names(CHECK)[-1] == "eptoy"
    loaded = renderer("eptoy", CHECK)
    assert isinstance(loaded, EntryPointToy)
    assert renderer_names(CHECK).count("eptoy") == 1 and renderer("eptoy", CHECK) is loaded
    result = invoke("check", "--within", SEED_FOLDER, "--format", "eptoy")
    assert result.exit_code == 1 and result.output.startswith("eptoy ") and "failed=True" in result.output


def test_a_builtin_format_does_not_load_the_plug_ins(monkeypatch):
    _fake_entry_points(monkeypatch, ("eptoy", f"{__name__}:EntryPointToy"))
    renderer("json", CHECK)
    assert not registry._PLUGINS_LOADED
    with pytest.raises(LookupError, match="eptoy"):
        renderer("nope", CHECK)
    assert registry._PLUGINS_LOADED


@pytest.mark.parametrize("value, message", [
    ("no_such_module_xyz:Thing", "cannot be loaded"),
    (f"{__name__}:Clash", "named 'json' is registered already"),
    ("json:dumps", "is not a provenance.report.Renderer"),
])
def test_a_broken_plug_in_is_named_not_skipped(monkeypatch, value, message):
    _fake_entry_points(monkeypatch, ("broken", value), ("eptoy", f"{__name__}:EntryPointToy"))
    for _ in range(2):  # asking again gives the same error, with nothing half registered
        with pytest.raises(ProvenanceError, match=f"'broken'.*{message}"):
            renderer_names(SCAN)
        assert "eptoy" not in [name for _, name in registry._RENDERERS]
    # The built-in formats still work; asking for another one names the plug-in.
    assert invoke("scan", SEED_FOLDER, "--format", "json").exit_code == 0
    for command, code in ((["scan", SEED_FOLDER, "--format", "eptoy"], 1),
                          (["check", "--within", SEED_FOLDER, "--format", "eptoy"], 3),
                          (["check", "--help"], 3)):
        result = invoke(*command)
        assert result.exit_code == code and "'broken'" in result.output, (command, result.output)


def test_an_unknown_format_is_a_usage_error():
    result = invoke("scan", SEED_FOLDER, "--format", "nope")
    assert result.exit_code == 2
    assert "'nope' is not one of 'text', 'json', 'html'" in result.output


def test_info_lists_extras_and_formats():
    register_renderer(Toy())
    result = invoke("info")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("provenance ") and lines[1].startswith("engine: ")
    assert any(line.startswith("extra redis: ") for line in lines)
    assert "scan formats: text, json, html, csv, jsonl, toy" in lines


def test_comparison_renders_like_the_plain_triple(seed_scan):
    documents = {d.id: d for d in seed_scan.documents}
    relation = seed_scan.relations[0]
    triple = (relation, documents[relation.source], documents[relation.derived])
    as_json = renderer("json", COMPARE)
    assert as_json.render(Comparison(*triple)) == as_json.render(triple)
    assert json.loads(as_json.render(triple))["relation"]["source"] == relation.source
