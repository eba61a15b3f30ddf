"""Every door at once: a toy reader, a toy sentence matcher and a toy
renderer, each added through its registry, carry a scan end to end through
the command line, and leave the built-ins' answers alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import provenance.plugins
from provenance import Settings, scan
from provenance.cli import cli
from provenance.errors import ConfigError, ProvenanceError
from provenance.matching.matcher import (
    Match,
    SentenceMatcher,
    register_matcher,
    unregister_matcher,
)
from provenance.model import Article, ScanResult
from provenance.plugins import Registry
from provenance.readers import Reader, register_reader, unregister_reader
from provenance.report import SCAN, Renderer, register_renderer, unregister_renderer

WIRE = (
    "MOSCOW (Reuters) - The Kremlin said on Monday that talks on the grain deal had stalled again. "
    "Officials in Ankara said they expected a new round of meetings within weeks. "
    "Shipping companies said insurance costs had doubled since the summer."
)
COPY = (
    "The Kremlin said on Monday that talks on the grain deal had stalled again. "
    "Officials in Ankara said they expected a new round of meetings within weeks. "
    "Local farmers told our reporter that prices were already falling."
)
OTHER = "The city council approved a new budget for parks and libraries after a long evening debate."


class PipeReader(Reader):
    """``.pipe`` files: one article a line, ``id|text``."""

    name = "pipe"
    suffixes = (".pipe",)

    def read(self, source, origin, report, *, stem) -> Iterator[Article]:
        data = source.read_bytes() if isinstance(source, Path) else source
        for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
            key, _, text = line.partition("|")
            yield Article(id=key, text=text, origin=self.origin(origin, number))


class SameWords(SentenceMatcher):
    """Similarity = Jaccard of the two sentences' lower-cased word sets (no merging)."""

    name = "samewords"

    def __init__(self, vocabulary):
        self.vocabulary = vocabulary
        self.calls = 0

    def match(self, derived, source):
        self.calls += 1
        mine = [set(t.lower().split()) for t in derived.sentence_texts()]
        theirs = [set(t.lower().split()) for t in source.sentence_texts()]
        return Match(np.array([[len(a & b) / len(a | b) for b in theirs] for a in mine]))


class Verdicts(Renderer):
    """One line a relation: source, derived, verdict."""

    name = "verdicts"
    kinds = (SCAN,)

    def render(self, result: ScanResult, **options) -> str:
        return "".join(f"{r.source} -> {r.derived}: {r.verdict}\n" for r in result.relations)


@pytest.fixture
def doors():
    register_reader(PipeReader())
    register_matcher("samewords", SameWords)
    register_renderer(Verdicts())
    yield
    unregister_reader("pipe")
    unregister_matcher("samewords")
    unregister_renderer("verdicts")


@pytest.fixture
def feed(tmp_path):
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "day.pipe").write_text(f"wire|{WIRE}\ncopy|{COPY}\nother|{OTHER}\n", encoding="utf-8")
    return folder


def test_toy_reader_matcher_and_renderer_run_a_scan_end_to_end(doors, feed):
    done = CliRunner().invoke(cli, ["scan", str(feed), "--matcher", "samewords", "--format", "verdicts"])
    assert done.exit_code == 0, done.output
    # The wire (dateline) is the source; the copy took two of its three
    # sentences word for word (two thirds of its words in copied runs: a
    # copy), which the toy matcher scores 1.0; the council story is apart.
    assert done.output == "wire -> copy: copy\n"
    relation = scan([feed], settings=Settings(matcher="samewords")).relation("copy")
    assert relation is not None and relation.source == "wire"
    matched = [row for row in relation.ledger.sentences if row.source_indexes]
    assert [row.source_indexes for row in matched] == [(0,), (1,)]
    assert [row.score for row in matched] == [1.0, 1.0]


def test_the_toy_matcher_is_what_scores_the_sentences(doors, feed):
    tfidf = scan([feed]).relation("copy")
    toy = scan([feed], settings=Settings(matcher="samewords")).relation("copy")
    # The added sentence shares a few words ("said", "that") with the wire:
    # TF-IDF gives it a small score, word-set Jaccard another.
    assert tfidf.ledger.sentences[2].score != toy.ledger.sentences[2].score


def test_toy_doors_leave_the_built_ins_alone(doors, feed, tmp_path):
    as_jsonl = tmp_path / "day.jsonl"
    as_jsonl.write_text("".join(json.dumps({"id": k, "text": t}) + "\n"
                                for k, t in (("wire", WIRE), ("copy", COPY), ("other", OTHER))), encoding="utf-8")
    runner = CliRunner()
    through_plugin = runner.invoke(cli, ["scan", str(feed), "--format", "json"])
    built_in = runner.invoke(cli, ["scan", str(as_jsonl), "--format", "json"])
    assert through_plugin.exit_code == built_in.exit_code == 0
    strip = lambda report: [(r["source"], r["derived"], r["verdict"]) for r in json.loads(report)["relations"]]  # noqa: E731
    assert strip(through_plugin.output) == strip(built_in.output)


def test_unknown_matcher_is_a_usage_error(feed):
    done = CliRunner().invoke(cli, ["scan", str(feed), "--matcher", "nope"])
    assert done.exit_code == 2 and "no sentence matcher named 'nope'" in done.output


def test_a_built_in_matcher_cannot_be_replaced_and_a_matcher_must_be_one():
    with pytest.raises(ConfigError, match="'tfidf' is built in"):
        register_matcher("tfidf", SameWords, replace=True)
    register_matcher("duck", lambda vocabulary: object())
    try:
        with pytest.raises(ConfigError, match="made object, not a SentenceMatcher"):
            scan([Path(__file__).parent.parent / "seeds"], settings=Settings(matcher="duck"))
    finally:
        unregister_matcher("duck")


def test_a_scan_refuses_an_unknown_matcher_before_it_reads(tmp_path):
    with pytest.raises(ConfigError, match="no sentence matcher named 'nope'"):
        scan([tmp_path / "not read"], settings=Settings(matcher="nope"))


def test_registry_loads_its_entry_points_all_or_nothing(monkeypatch):
    """A broken plug-in is named every time its group is asked for, and a
    good one beside it is not half-registered in the meantime."""
    calls = []

    def points(group):
        calls.append(group)
        yield "good", int
        raise ProvenanceError(f"plug-in 'bad' of {group} cannot be loaded")

    monkeypatch.setattr(provenance.plugins, "entry_point_factories", points)
    registry = Registry("provenance.tests", "a test plug-in", {"built": float})
    for _ in range(2):
        with pytest.raises(ProvenanceError, match="'bad'"):
            registry.get("good")
    assert registry.get("built") is float and calls == ["provenance.tests", "provenance.tests"]
    monkeypatch.setattr(provenance.plugins, "entry_point_factories", lambda group: iter([("good", int)]))
    assert registry.get("good") is int and registry.names() == ("built", "good")
