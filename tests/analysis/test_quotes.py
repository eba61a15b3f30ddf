"""Quotations: the spans in quotation marks that a speaker is said to have
spoken, in the quote styles news is written in, told apart from
apostrophes, scare quotes and titles."""

import pytest

from provenance.analysis.quotes import attribution_frames, marked_spans, quoted_mask, quotations


def quoted(text):
    return [text[a:b] for a, b in quotations(text)]


@pytest.mark.parametrize("text, expected", [
    ('"This is pure fiction," Peskov said.', '"This is pure fiction,"'),
    ("“This is pure fiction,” Peskov said.", "“This is pure fiction,”"),
    ("Песков заявил: «Это чистая выдумка от начала до конца».", "«Это чистая выдумка от начала до конца»"),
    ("Peskow sagte: „Das ist reine Erfindung“.", "„Das ist reine Erfindung“"),
    ("Peskow sagte: »Das ist reine Erfindung«.", "»Das ist reine Erfindung«"),
    ("The judge told him: 'You have shown no remorse at all.'", "'You have shown no remorse at all.'"),
    ("‘You have shown no remorse,’ the judge told him.", "‘You have shown no remorse,’"),
    ("According to the minister, ‹we will not back down now›.", "‹we will not back down now›"),
])
def test_each_quote_style_is_read(text, expected):
    assert quoted(text) == [expected]


def test_apostrophes_are_not_quotation_marks():
    text = "The players' union said it's Putin's plan, and they'd known since the '90s."
    assert marked_spans(text) == []
    # A British quotation holding apostrophes ends at its closing mark, not at one of them.
    text = "He said: 'It's the jury's decision and we won't comment on it.' Then he left."
    assert quoted(text) == ["'It's the jury's decision and we won't comment on it.'"]


def test_scare_quotes_and_unattributed_titles_are_not_quotations():
    assert quotations('Officials called it a "special operation" on Monday.') == ()  # two words
    # Marked, long enough, but nobody is said to have spoken it: a title.
    assert quotations('The film "The Road to the Sea" opens in March.') == ()
    assert quoted('Officials said it was "a special military operation".') == ['"a special military operation"']


def test_a_quotation_left_open_closes_at_its_paragraph_end():
    text = "“We will appeal the verdict, and we expect to win,\nthe lawyer told reporters."
    assert quoted(text) == ["“We will appeal the verdict, and we expect to win,"]
    # A paragraph that is all quotation runs on from the one before: still a quotation.
    assert quoted("“And we will not stop until the truth is out.”") == ["“And we will not stop until the truth is out.”"]


def test_the_frame_that_names_the_speaker():
    text = "“This is completely untrue,” Kremlin spokesman Dmitry Peskov told reporters on Monday."
    quotes = quotations(text)
    assert [text[a:b] for a, b in attribution_frames(text, quotes)] == [
        " Kremlin spokesman Dmitry Peskov told reporters on Monday."]
    # A long stretch of the writer's own is no frame, whatever verb it holds.
    long = ("“This is completely untrue,” Peskov said, adding that Europe still wanted to inflict a strategic "
            "defeat on Russia while arming Ukraine for a long war.")
    assert attribution_frames(long, quotations(long)) == []


def test_quoted_mask_marks_the_tokens_inside():
    text = 'He said "the plan will work well" today.'
    starts = [text.index(w) for w in ("He", "said", "the", "plan", "well", "today")]
    assert quoted_mask(text, starts) == [False, False, True, True, True, False]
