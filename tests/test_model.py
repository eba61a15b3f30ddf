"""The plain data between stages."""

import dataclasses

import pytest

from provenance import model as model_module


def test_sentence_alignment_pickles_every_field():
    fields = [f.name for f in dataclasses.fields(model_module.SentenceAlignment)]
    row = model_module.SentenceAlignment(*range(len(fields)))
    constructor, arguments = row.__reduce__()
    assert constructor is model_module.SentenceAlignment and list(arguments) == list(range(len(fields)))


def test_a_filtered_scan_keeps_the_relations_asked_for_and_their_stories(seed_scan):
    verdicts = {r.derived[:3]: r.verdict for r in seed_scan.relations}
    assert verdicts == {"000": "copy", "001": "rewrite", "003": "partial", "004": "partial"}
    strong = seed_scan.filtered(min_verdict="rewrite")
    assert sorted(r.derived[:3] for r in strong.relations) == ["000", "001"]
    assert [sorted(m[:3] for m in s.members) for s in strong.stories] == [["000", "001"]]
    assert strong.documents == seed_scan.documents and strong.problems == seed_scan.problems
    uncredited = seed_scan.filtered(uncredited=True)  # 003 credits Reuters in a Source: line
    assert sorted(r.derived[:3] for r in uncredited.relations) == ["000", "001", "004"]
    assert seed_scan.filtered(min_verdict="copy", uncredited=True).relations == tuple(
        r for r in seed_scan.relations if r.derived.startswith("000"))
    assert seed_scan.filtered().relations == seed_scan.relations
    with pytest.raises(ValueError, match="min_verdict is one of copy"):
        seed_scan.filtered(min_verdict="plagiarism")
