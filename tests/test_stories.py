"""Linked articles grouped into stories, each with its source."""

from tests.helpers import seed_id


def test_wire_is_the_source_of_one_story_holding_every_seed(seed_scan):
    related = [s for s in seed_scan.stories if s.members]
    assert len(related) == 1
    story = related[0]
    assert story.source == seed_id("002")
    assert set(story.members) == {seed_id(k) for k in ("000", "001", "003", "004")}
