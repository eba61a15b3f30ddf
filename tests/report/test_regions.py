"""Where in the original file an article's copied text is."""

from provenance.report.regions import locate


def test_regions_span_hard_wrapped_lines(seed_result):
    # 000 is hard-wrapped: "the Washington\nPost on Sunday, citing ..." is one copied run.
    outcome = seed_result.articles[0]
    location = locate(outcome.article, outcome.document, outcome.relation)
    wrapped = [r for r in location.regions if r.start_line != r.end_line]
    assert wrapped
    raw = outcome.article.text.splitlines(keepends=True)
    for region in wrapped:
        start = sum(len(line) for line in raw[: region.start_line - 1]) + region.start_column - 1
        assert outcome.article.text[start : start + len(region.text)] == region.text
        assert "\n" in region.text
