"""Display normalisation, folding, paragraphs and page furniture."""

import re
import unicodedata

from provenance.analysis import normalise as text_module
from provenance.analysis.normalise import (
    fold,
    is_furniture,
    normalise_display,
    paragraphs,
)
from tests.hypothesis_or_skip import given, settings, st

WRAPPED = """Tuesday, November 12, 2024 - The minister denied the reports on Monday.
The alleged call was first reported by the Washington
Post on Sunday, citing unidentified sources, and said that the two had
spoken about the war. Another agency also reported on the call.
Short line
Next paragraph starts here and is a full sentence.
0 Comments"""


def test_fold_unifies_quotes_dashes_case_and_compatibility_forms():
    assert fold("“Pure fiction” – it’s ＦＵＬＬ") == '"pure fiction" - it\'s full'


def test_display_keeps_original_quotes_but_drops_invisible_characters():
    text = normalise_display("a\u200bb\r\nc\u00a0d “q”\x07")
    assert text == "ab\nc d “q”"


def test_hard_wrapped_lines_are_joined_and_short_lines_kept():
    paras = [p.text for p in paragraphs(WRAPPED)]
    assert paras[1] == (
        "The alleged call was first reported by the Washington Post on Sunday, citing "
        "unidentified sources, and said that the two had spoken about the war. "
        "Another agency also reported on the call."
    )
    assert "Short line" in paras
    assert paras[-1] == "Next paragraph starts here and is a full sentence."


def test_page_furniture_is_dropped():
    for line in ("0 Comments", "Related", "Share this article", "4 minutes", "reuters_tickers", "Advertisement"):
        assert is_furniture(line), line
    for line in ("Related talks continue.", "Share prices fell 4% on Monday.", "Comments from the minister"):
        assert not is_furniture(line), line
    assert all("Comments" not in p.text for p in paragraphs(WRAPPED))


def test_headlines_naming_networks_are_not_furniture():
    for line in ("Facebook to ban political ads", "LinkedIn to cut 700 jobs", "Email to all staff",
                 "Sign up for the new pension scheme opens"):
        assert not is_furniture(line), line
    for line in ("Share on Facebook", "Share this story", "Sign up", "Follow us on Twitter"):
        assert is_furniture(line), line


def _normalise_display_with_expressions(raw):
    """normalise_display as first written, with regular expressions."""
    breaks = re.compile("\r\n|[\r\v\f\x85\u2028\u2029]")
    spaces = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
    text = unicodedata.normalize("NFC", breaks.sub("\n", raw)).translate(text_module._INVISIBLE)
    return spaces.sub(" ", text)


@given(st.text(alphabet=st.sampled_from(list("ab é\u0301e\u0301\r\n\v\f\x85\t\x00\x7f\u00a0\u1680\u2000\u2001\u2005"
                                            "\u200a\u200b\u200d\u202f\u205f\u3000\u2028\u2029\u034f\ufe0f\u00ad")),
               max_size=40))
@settings(max_examples=500, deadline=None)
def test_display_normalisation_equals_the_expressions_it_replaced(raw):
    assert normalise_display(raw) == _normalise_display_with_expressions(raw)


def test_every_format_character_is_invisible():
    everywhere = {c for c in range(0xA0, 0x110000) if unicodedata.category(chr(c)) == "Cf"}
    assert everywhere <= set(text_module._INVISIBLE)
