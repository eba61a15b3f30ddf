"""The reader door: the registry, a third-party reader end to end (library
and CLI), entry-point plug-ins, and the built-ins as they always were."""

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import provenance
from provenance import InputError, ProvenanceError
from provenance.cli import cli
from provenance.model import Article
from provenance.readers import (
    KNOWN_SUFFIXES,
    Reader,
    base,
    decode,
    known_suffixes,
    read_articles,
    read_bytes,
    reader_for,
    readers,
    register_reader,
    unregister_reader,
)
from tests.helpers import SEEDS


class ToyReader(Reader):
    """``.toy``: each line ``id|text`` is an article; ``#`` lines are comments."""

    name = "toy"
    suffixes = (".toy",)

    def sniff(self, head):
        return head.startswith(b"#toy\n")

    def read(self, source, origin, report, *, stem):
        data = read_bytes(source, origin, report)
        text = None if data is None else decode(data, origin, report)
        if text is None:
            return
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            article_id, bar, body = line.partition("|")
            if not bar or not body.strip():
                report(InputError(origin, "expected 'id|text'", line=number))
                continue
            yield Article(id=article_id.strip(), text=body, origin=self.origin(origin, number))


@pytest.fixture
def toy():
    reader = register_reader(ToyReader())
    yield reader
    unregister_reader("toy")


def _seed_texts():
    return [p.read_text(encoding="utf-8").replace("\n", " ") for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture
def toy_folder(tmp_path):
    """A folder with two seeds as a .toy file, the others as .txt, and a stray .csv."""
    texts = _seed_texts()
    (tmp_path / "wire.toy").write_text(f"#toy\nw0|{texts[0]}\nw1|{texts[1]}\n", encoding="utf-8")
    for number, text in enumerate(texts[2:], start=2):
        (tmp_path / f"seed{number}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "notes.pdf").write_text("not an article", encoding="utf-8")
    return tmp_path


def test_the_built_ins_are_registered():
    names = {reader.name: reader for reader in readers()}
    assert {"text", "jsonl", "json"} <= set(names)
    assert names["text"].suffixes == (".txt", ".md", ".text", ".markdown")
    assert names["jsonl"].suffixes == (".jsonl", ".ndjson")
    assert names["json"].suffixes == (".json",)
    assert set(KNOWN_SUFFIXES) <= set(known_suffixes())
    assert reader_for("a/B.MD") is names["text"] and reader_for("x.ndjson") is names["jsonl"]
    assert reader_for("x.json") is names["json"] and reader_for("x.pdf") is None


def test_the_built_in_origins_are_unchanged():
    json_reader, jsonl_reader, text_reader = reader_for("a.json"), reader_for("a.jsonl"), reader_for("a.txt")
    assert jsonl_reader.origin("f.jsonl", 7) == "f.jsonl:7"
    assert json_reader.origin("f.json", 2) == "f.json item 2" and json_reader.origin("f.json") == "f.json"
    assert text_reader.origin("f.txt") == "f.txt"


def test_a_registered_reader_is_found_in_folder_walks(toy, toy_folder):
    articles = read_articles([toy_folder])
    assert [a.id for a in articles] == ["seed2", "seed3", "seed4", "w0", "w1"]
    assert articles[3].origin == f"{toy_folder / 'wire.toy'}:2"
    assert ".toy" in known_suffixes() and reader_for(toy_folder / "wire.toy") is toy


def test_without_the_reader_its_files_are_not_walked_but_read_as_text_when_named(toy_folder):
    assert "w0" not in [a.id for a in read_articles([toy_folder])]
    # An unknown suffix given explicitly is plain text (as it always was).
    [article] = read_articles([toy_folder / "wire.toy"])
    assert article.id == "wire" and article.origin == str(toy_folder / "wire.toy")


def test_a_registered_reader_reports_problems_with_their_line(toy, tmp_path):
    (tmp_path / "x.toy").write_text("a|Some text.\nno bar here\n", encoding="utf-8")
    problems = []
    assert [a.id for a in read_articles([tmp_path / "x.toy"], on_error=problems.append)] == ["a"]
    assert [str(p) for p in problems] == [f"{tmp_path / 'x.toy'}:2: expected 'id|text'"]


def test_scan_reads_a_registered_reader_end_to_end(toy, toy_folder):
    result = provenance.scan([toy_folder])
    by_id = {d.id: d for d in result.documents}
    assert {"w0", "w1"} <= set(by_id)
    assert by_id["w1"].origin == f"{toy_folder / 'wire.toy'}:3"
    # The same texts as .txt files named after the toy ids give the same scan.
    plain = toy_folder / "plain"
    plain.mkdir()
    for article in read_articles([toy_folder]):
        (plain / f"{article.id}.txt").write_text(article.text, encoding="utf-8")
    reference = provenance.scan([plain])
    assert [d.text for d in result.documents] == [d.text for d in reference.documents]
    relations = [(r.source, r.derived, r.verdict) for r in result.relations]
    assert relations and relations == [(r.source, r.derived, r.verdict) for r in reference.relations]


def test_the_cli_scans_a_registered_reader(toy, toy_folder):
    result = CliRunner().invoke(cli, ["scan", str(toy_folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    origins = {a["id"]: a["origin"] for a in report["articles"]}
    assert origins["w0"] == f"{toy_folder / 'wire.toy'}:2"
    assert {"w1", "seed2", "seed3", "seed4"} <= set(origins)


def test_standard_input_is_offered_to_a_registered_reader(toy):
    articles = read_articles(["-"], stdin=io.BytesIO(b"#toy\nq|Queued text.\n"))
    assert [(a.id, a.origin) for a in articles] == [("q", "<stdin>:2")]
    # The built-ins still take what they always took.
    [article] = read_articles(["-"], stdin=io.BytesIO(b'[{"text": "from json"}]'))
    assert (article.id, article.origin) == ("stdin:1", "<stdin> item 1")
    lines = read_articles(["-"], stdin=io.BytesIO(b'{"text": "a"}\n{"text": "b"}\n'))
    assert [a.origin for a in lines] == ["<stdin>:1", "<stdin>:2"]
    [text] = read_articles(["-"], stdin=io.BytesIO(b"plain text"))
    assert (text.id, text.origin) == ("stdin", "<stdin>")


def test_registering_a_name_again_replaces_the_reader(toy):
    again = register_reader(ToyReader())
    assert [r.name for r in readers()].count("toy") == 1 and reader_for("a.toy") is again


def test_a_reader_must_name_plain_suffixes():
    class Bad(ToyReader):
        name = "bad"
        suffixes = (".tar.gz",)

    with pytest.raises(ValueError, match="one lower-case '.ext'"):
        register_reader(Bad())
    assert "bad" not in [r.name for r in readers()]
    with pytest.raises(TypeError):
        register_reader(object())


class _EntryPoint:
    def __init__(self, name, value, target):
        self.name, self.value, self.group = name, value, base.ENTRY_POINT_GROUP
        self._target = target

    def load(self):
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


@pytest.fixture
def plugins(monkeypatch):
    """Entry points to be found: set ``found[:]``; the registry is loaded anew."""
    found = []
    asked = []

    def entry_points(*, group):
        asked.append(group)
        return [point for point in found if point.group == group]

    monkeypatch.setattr(base, "entry_points", entry_points)
    monkeypatch.setattr(base, "_PLUGINS_LOADED", False)
    yield found, asked
    unregister_reader("toy")


def test_an_entry_point_reader_is_picked_up_once(plugins, tmp_path):
    found, asked = plugins
    found.append(_EntryPoint("toy", "tests.readers.test_base:ToyReader", ToyReader))
    (tmp_path / "a.toy").write_text("x|Text from a plug-in.\n", encoding="utf-8")
    assert [a.id for a in read_articles([tmp_path])] == ["x"]
    assert isinstance(reader_for("b.toy"), ToyReader)
    readers(), known_suffixes()
    assert asked == [base.ENTRY_POINT_GROUP]


def test_an_entry_point_may_name_an_instance(plugins):
    found, _ = plugins
    found.append(_EntryPoint("toy", "somewhere:TOY", ToyReader()))
    assert "toy" in [r.name for r in readers()]


@pytest.mark.parametrize("target, message", [
    (ImportError("No module named 'nowhere'"), r"reader plug-in 'toy' \(nowhere:Toy\) cannot be loaded: ImportError"),
    (Path, r"reader plug-in 'toy' \(nowhere:Toy\) is not a provenance.readers.Reader"),
])
def test_a_broken_entry_point_is_named(plugins, target, message):
    found, _ = plugins
    found.append(_EntryPoint("toy", "nowhere:Toy", target))
    with pytest.raises(ProvenanceError, match=message):
        reader_for("a.txt")
