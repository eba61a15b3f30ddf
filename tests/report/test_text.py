"""The text report: the golden files of the seeds' and of a 300-article
synthetic feed's report (after an intended change, regenerate with
``PROVENANCE_UPDATE_GOLDEN=1 python -m pytest tests/report/test_text.py
tests/report/test_json.py`` and review the diff); its layout (the summary
table first, what each article took beside the source's sentences, then
what it added, capped), plain reasons with the model's terms only under
``explain``; and the fast word wrap, which is textwrap's to the character."""

import re
import textwrap

import pytest

from provenance import Article
from provenance.model import ADDED, INDEPENDENT
from provenance.pipeline.scan import scan_articles
from provenance.report import text as text_report
from tests.helpers import SEEDS, check_golden, invoke, seed, seed_id
from tests.hypothesis_or_skip import given, settings, st

#: What only the verdict model and the aligner speak of: never in the default report.
JARGON = re.compile(r"copy model|weighed most|\(mean |\bp 0\.|contribution|similarity|trigram|\bbar \d")


@pytest.fixture(scope="module")
def feed_scan():
    """A METER-like feed of 300 generated articles: wire stories and outlets'
    versions of them, about a third wholly derived (copies and rewrites),
    nearly half partly derived, the rest the outlets' own stories."""
    from benchmarks.generate import NewsGenerator, corpus

    made = corpus(NewsGenerator(seed=16, words=(150, 300)), 300,
                  mix={"copy": 0.2, "rewrite": 0.12, "partial": 0.46, "unrelated": 0.22})
    articles = [Article(id=a.id, text=a.text, title=a.title, outlet=a.outlet, published=a.published)
                for a in made.articles]
    return scan_articles(articles, executor="inprocess")


def test_seeds_text_report_golden(seed_scan):
    check_golden("seeds.txt", text_report.render_scan(seed_scan))


def test_feed_text_report_golden(feed_scan):
    assert len(feed_scan.documents) == 300
    check_golden("feed300.txt", text_report.render_scan(feed_scan))


def _table(report: str) -> list[list[str]]:
    """The summary table's rows, split into cells (two spaces or more part them)."""
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("article "))
    assert re.split(r"\s{2,}", lines[start]) == ["article", "outlet", "date", "verdict", "credited", "copied",
                                                  "source"]
    end = lines.index("", start)
    return [re.split(r"\s{2,}", line) for line in lines[start + 1:end]]


def _derived(result) -> list:
    return [result.relation(m) for story in result.stories for m in story.members]


@pytest.mark.parametrize("which", ["seed_scan", "feed_scan"])
def test_the_report_opens_with_one_row_per_derived_article(which, request):
    result = request.getfixturevalue(which)
    report = text_report.render_scan(result)
    rows = _table(report)
    # Derived: reusing the source's text. A story member that reuses none
    # (independent) has no row, only a count, and its place in its story.
    relations = [r for r in _derived(result) if r.reuses_text]
    assert [row[0] for row in rows] == [r.derived for r in relations]
    for row, relation in zip(rows, relations):
        assert row[-1] == relation.source and row[-2] == f"{relation.scores.run_coverage_3:.0%}"
        verdict = 3
        assert row[verdict] == relation.verdict
        assert row[verdict + 1] == ("yes" if relation.credited else "no")
    others = len(_derived(result)) - len(relations)
    if others:
        assert f"{others} more share a story with a source but reuse none of its text" in " ".join(report.split())
    # The table comes before the first story.
    assert report.index("article ") < report.index("\nstory-")


def test_the_seeds_table_says_who_copied_and_who_credited(seed_scan):
    rows = {row[0][:3]: row for row in _table(text_report.render_scan(seed_scan))}
    assert rows["000"][3:6] == ["copy", "no", "85%"]
    assert rows["003"][3:5] == ["partial", "yes"]
    assert all(row[-1] == seed_id("002") for row in rows.values())


def test_independent_articles_say_nothing_about_credit(feed_scan):
    report = text_report.render_scan(feed_scan)
    independent = [r for r in feed_scan.relations if r.verdict == INDEPENDENT]
    assert independent, "the feed should hold an independent article"
    for section in _sections(report, [r.derived for r in independent]):
        # No credit line and no credit in the verdict; a direction reason may
        # still say that the article credits an agency (why the other is the source).
        verdict = next(line for line in section.splitlines() if "verdict:" in line)
        assert "credit:" not in section and "credit" not in verdict and "verdict: independent;" in section


def _sections(report: str, ids: list[str]) -> list[str]:
    """The article sections of ``ids`` (from its heading to the next blank line)."""
    found = []
    for key in ids:
        start = re.search(rf"\n  {re.escape(key)}[ \n]", report).start()
        end = report.find("\n\n", start + 1)
        found.append(report[start:end if end >= 0 else len(report)])
    return found


def test_each_article_shows_what_it_took_beside_the_source_sentences(seed_scan):
    report = text_report.render_scan(seed_scan)
    source = seed_scan.document(seed_id("002"))
    (rewrite,) = _sections(report, [seed_id("001")])
    # 001's longest passage is its sentences 16 and 17, retold from the source's 19.
    took = rewrite.split("took from the source", 1)[1]
    first = took.splitlines()[1]
    assert first.lstrip().startswith("~ [16-17] ")
    assert " ".join(source.sentence_text(19).split()[:8]) in " ".join(took.split())
    assert rewrite.index("took from the source") < rewrite.index("\n    added") < rewrite.index("direction:")
    # Longest first: the passages' word counts never grow.
    relation = seed_scan.relation(seed_id("001"))
    shown = [int(n) for n in re.findall(r"^\s+[=~] \[(\d+)", took, re.M)]
    words = {row.index: row.words for row in relation.ledger.sentences}
    assert len(shown) == text_report.TAKEN_CAP
    assert words[shown[0]] + words[shown[0] + 1] >= words[shown[1]] >= words[shown[2]]


def test_a_copied_passage_is_told_as_the_source_sentence_with_its_changes(seed_scan):
    (copy,) = _sections(text_report.render_scan(seed_scan, show_all=True), [seed_id("000")])
    assert "<- [13] the same words but 'September' for 'Sept'" in copy
    assert "<- [12] the same words but adds 'According to Mail Online'; 'US' for 'United States'" in copy
    # 000's sentences 17 to 19 are the source's sentence 18, quote marks aside: one passage.
    assert "= [17-19] <- [18] the same words: 'The dynamic of the SMO" in copy


def test_the_lists_are_capped_and_say_how_many_more(seed_scan):
    report = text_report.render_scan(seed_scan)
    for relation in _derived(seed_scan):
        (section,) = _sections(report, [relation.derived])
        added = sum(1 for row in relation.ledger.sentences if row.label == ADDED)
        more = added - text_report.ADDED_CAP
        assert (f"and {more} more sentence(s) added (--show-all)" in section) == (more > 0)
        assert len(re.findall(r"^\s+\+ \[", section, re.M)) == min(added, text_report.ADDED_CAP)
        if relation.ledger.dropped:
            assert f"dropped from the source: {len(relation.ledger.dropped)} of its " in section
            assert "(--show-all lists them)" in section and not re.search(r"^\s+- \[", section, re.M)
    assert "and 15 more sentence(s) added (--show-all)" in report  # 004 adds 20 sentences


def test_show_all_lists_every_sentence_once_and_what_was_dropped(seed_scan):
    report = text_report.render_scan(seed_scan, show_all=True)
    assert "more passage(s)" not in report and "more sentence(s)" not in report
    for relation in _derived(seed_scan):
        (section,) = _sections(report, [relation.derived])
        listed = []
        for first, last in re.findall(r"^\s+[=~+\"] \[(\d+)(?:-(\d+))?\]", section, re.M):
            listed += range(int(first), int(last or first) + 1)
        assert sorted(listed) == [row.index for row in relation.ledger.sentences]
        dropped = [int(j) for j in re.findall(r"^\s+- \[(\d+)\]", section, re.M)]
        assert dropped == list(relation.ledger.dropped)


@pytest.mark.parametrize("which", ["seed_scan", "feed_scan"])
def test_no_model_terms_without_explain(which, request):
    result = request.getfixturevalue(which)
    for show_all in (False, True):
        report = text_report.render_scan(result, show_all=show_all)
        assert not JARGON.search(report), JARGON.search(report)


def test_explain_adds_the_models_reasoning(seed_scan):
    plain = text_report.render_scan(seed_scan)
    explained = text_report.render_scan(seed_scan, explain=True)
    assert "model: copy model: whole reuse (p 0.78" in explained and "weighed most" in explained
    assert "(similarity " in explained and "(closest source sentence " in explained
    # The plain reasons stay as they are.
    for label in ("verdict:", "because:", "credit:"):
        assert [line for line in plain.splitlines() if label in line] == \
            [line for line in explained.splitlines() if label in line]


def test_scan_and_compare_take_explain_on_the_command_line():
    scanned = invoke("scan", SEEDS, "--explain")
    assert scanned.exit_code == 0 and "copy model" in scanned.output
    assert "copy model" not in invoke("scan", SEEDS).output
    compared = invoke("compare", seed("002"), seed("000"), "--explain")
    assert compared.exit_code == 0 and compared.output.startswith(f"source:  {seed_id('002')}")
    assert "model: copy model" in compared.output
    plain = invoke("compare", seed("002"), seed("000")).output
    assert not JARGON.search(plain) and "dropped from the source: 6 of its 21 sentences" in plain


def test_plain_reasons_a_reader_can_check(seed_scan):
    report = text_report.render_scan(seed_scan)
    copy, rewrite, credited, partial = _sections(report, [seed_id(k) for k in ("000", "001", "003", "004")])
    assert ("because: 85% of its words sit in passages of 3 or more words copied word for word from the"
            in copy)
    assert "16 of its 18 sentences (90% of its words) are taken from the source" in " ".join(rewrite.split())
    assert "2 more share a quotation with it" in " ".join(rewrite.split())
    # The direction says whose figure each is.
    direction = " ".join(copy.split("direction:", 1)[1].split())
    assert direction.startswith("the source came out a day earlier (2024-11-11)")
    assert "the source holds 77% of this article's three-word sequences, this article only 58% of the source's" \
        in direction
    assert "25 days earlier" in partial


def test_credit_is_told_plainly(seed_scan):
    report = text_report.render_scan(seed_scan)
    copy, rewrite, credited, partial = (" ".join(s.split()) for s in
                                        _sections(report, [seed_id(k) for k in ("000", "001", "003", "004")]))
    # 000 repeats the wire's own "News agency Reuters": a sentence taken from the wire, not a credit.
    assert ('credit: not credited: "News agency Reuters" in [2] does not count: that sentence is taken from '
            "the source's [3], which names Reuters itself") in copy
    assert "credit: not credited: [2] names Reuters, but not as a credit" in rewrite
    assert "credit: credited in its own words: Source: vnexpress.net" in credited
    assert "credit: not credited: it does not name Reuters" in partial


@pytest.mark.slow
@given(st.lists(st.text(alphabet="ab-.é’ \t\xa0\u3000\u2028\x85\x1c", min_size=0, max_size=40)
                | st.text(alphabet="ab", min_size=60, max_size=99),
                max_size=30),
       st.text(alphabet="x ", max_size=50))
@settings(max_examples=1000, deadline=None)
def test_the_fast_word_wrap_is_textwraps(words, head):
    """The text report wraps most lines itself; when it does, the lines are
    textwrap's to the character."""
    text = " ".join(words)
    head = head + ": "
    hanging = len(head) - len(head.lstrip()) + 4
    indent = " " * min(len(head), hanging + 8)
    want = textwrap.fill(text, width=text_report._WIDTH, initial_indent=head, subsequent_indent=indent,
                         break_on_hyphens=False)
    assert text_report._wrapped(head, text) == want
    fast = text_report._fill_words(text, head, indent)
    assert fast is None or fast == want


@pytest.mark.parametrize("slack", [-1, 0, 1])
def test_a_line_that_fills_its_width_exactly_wraps_as_textwrap_does(slack):
    head, indent = "  verdict: ", " " * 6
    first = "a" * (text_report._WIDTH - len(head) - 5 + slack)  # with " bbbb": the width, one under, one over
    text = f"{first} bbbb " + " ".join(["c" * 9] * 30)
    want = textwrap.fill(text, width=text_report._WIDTH, initial_indent=head, subsequent_indent=indent,
                         break_on_hyphens=False)
    assert text_report._fill_words(text, head, indent) == want


def test_a_word_too_long_for_its_line_is_left_to_textwrap():
    """textwrap breaks a word longer than the line it falls on, even where
    the next line would hold it whole."""
    head = "x" * 18 + ": "
    hanging = len(head) - len(head.lstrip()) + 4
    indent = " " * min(len(head), hanging + 8)
    text = "a " + "b" * 81 + " c"
    want = textwrap.fill(text, width=text_report._WIDTH, initial_indent=head, subsequent_indent=indent,
                         break_on_hyphens=False)
    assert text_report._wrapped(head, text) == want
    assert text_report._fill_words(text, head, indent) in (None, want)


def test_the_summary_line_counts_the_skipped_inputs(tmp_path):
    import shutil

    from provenance.pipeline import scan

    for path in sorted(SEEDS.glob("00[02]_*.txt")):
        shutil.copy(path, tmp_path)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "empty.txt").write_text("")
    report = text_report.render_scan(scan([str(tmp_path)], on_error=lambda problem: None))
    first = report.splitlines()[0]
    assert first.startswith("Scanned 2 article(s):") and first.endswith("; 2 input(s) skipped, listed at the end.")
    assert "Skipped 2, and why:" in report and "gone.txt" in report and "empty.txt" in report


def test_a_compare_against_the_evidence_tells_the_evidence_the_other_way_round(seed_documents):
    from provenance.judge.pair import judge_pair

    wire, copy = seed_documents["002"], seed_documents["000"]
    relation = judge_pair(wire, copy, source_id=copy.id)  # the copy taken as the source, as asked
    report = " ".join(text_report.render_compare(relation, copy, wire).split())
    assert f"direction: compared as asked: {copy.id} taken as the source; (the evidence would point the other " \
           "way: this article came out a day earlier (2024-11-11); this article carries the wire's dateline " \
           "'MOSCOW (Reuters) -', the source does not; this article holds 77% of the source's three-word " \
           "sequences, the source only 58% of this article's)" in report


def test_a_later_take_reads_as_an_update_by_the_same_outlet():
    wire = seed("002").read_text(encoding="utf-8")
    first = Article(id="take-1", text=wire, outlet="Reuters", published="2024-11-11")
    later = Article(id="take-2", text=wire + "\n\nThe Kremlin gave no further details on Tuesday.",
                    outlet="Reuters", published="2024-11-12")
    report = text_report.render_scan(scan_articles([first, later], executor="inprocess"))
    assert "1 copy; 1 an update by the same outlet; 0 not credited." in report
    row = next(line for line in report.splitlines() if line.startswith("take-2"))
    assert row.split()[4] == "update"
    assert "verdict: copy, an update by the same outlet;" in report
    assert "credit: no credit needed: both are the same outlet's (Reuters)" in report
    assert "NOT credited" not in report
