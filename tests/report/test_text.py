"""The text report: the seeds' golden file (after an intended change,
regenerate with ``PROVENANCE_UPDATE_GOLDEN=1 python -m pytest
tests/report/test_text.py tests/report/test_json.py`` and review the diff),
and the fast word wrap, which is textwrap's to the character."""

import textwrap

import pytest

from provenance.report import text as text_report
from tests.helpers import check_golden
from tests.hypothesis_or_skip import given, settings, st


def test_seeds_text_report_golden(seed_scan):
    check_golden("seeds.txt", text_report.render_scan(seed_scan, show_all=True))


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
    from tests.helpers import SEEDS

    for seed in sorted(SEEDS.glob("00[02]_*.txt")):
        shutil.copy(seed, tmp_path)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "empty.txt").write_text("")
    report = text_report.render_scan(scan([str(tmp_path)], on_error=lambda problem: None))
    first = report.splitlines()[0]
    assert first.startswith("Scanned 2 article(s):") and first.endswith("; 2 input(s) skipped, listed at the end.")
    assert "Skipped 2 unreadable input(s):" in report and "gone.txt" in report and "empty.txt" in report
