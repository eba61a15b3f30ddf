"""Linked articles grouped into stories, each with its source."""

import dataclasses

from provenance import scan_articles
from provenance.readers import read_articles
from provenance.stories import choose_source
from tests.helpers import SEEDS, seed_id


def test_wire_is_the_source_of_one_story_holding_every_seed(seed_scan):
    related = [s for s in seed_scan.stories if s.members]
    assert len(related) == 1
    story = related[0]
    assert story.source == seed_id("002")
    assert set(story.members) == {seed_id(k) for k in ("000", "001", "003", "004")}


def test_a_withdrawn_wire_is_never_the_source_and_the_reasons_say_why(seed_scan):
    articles = [dataclasses.replace(a, status="withdrawn") if a.id == seed_id("002") else a
                for a in read_articles([SEEDS])]
    result = scan_articles(articles, jobs=1)
    [story] = [s for s in result.stories if s.members]
    assert story.source != seed_id("002") and seed_id("002") in story.members
    assert f"not {seed_id('002')}, which its provider marked withdrawn" in story.source_reasons
    # The same texts, nothing withdrawn: the wire again, for the reasons it always had.
    [plain] = [s for s in seed_scan.stories if s.members]
    assert plain.source == seed_id("002") and not any("marked" in r for r in plain.source_reasons)


def test_when_every_member_is_withdrawn_the_likeliest_is_still_the_source(seed_documents):
    documents = {d.id: dataclasses.replace(d, status="canceled") for d in seed_documents.values()}
    members = sorted(documents)
    source, reasons = choose_source(members, dict.fromkeys(members, 0), documents)
    assert source == seed_id("002")  # the earliest dated, as without the rule
    assert "marked canceled by its provider, as is every member" in reasons
    usable = {**documents, seed_id("000"): dataclasses.replace(documents[seed_id("000")], status="usable")}
    assert choose_source(members, dict.fromkeys(members, 0), usable)[0] == seed_id("000")
