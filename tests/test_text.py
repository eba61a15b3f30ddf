import re
import unicodedata

from hypothesis import given, settings, strategies as st

from provenance.analysis import normalise as text_module
from provenance.analysis.normalise import fold, is_furniture, normalise_display, paragraphs
from provenance.analysis.tokens import tokenize

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


def test_sentences_respect_abbreviations_and_carry_offsets(make_document):
    text = (
        "Mr. Smith met U.S. officials on Sept. 12 in Washington. "
        "“This is completely untrue. There was no call,” he said.\n\n"
        "Чистая выдумка: Путин и Трамп не общались. The Kremlin denied it."
    )
    document = make_document(text)
    sentences = [s.text for s in document.sentences]
    assert sentences == [
        "Mr. Smith met U.S. officials on Sept. 12 in Washington.",
        "“This is completely untrue. There was no call,” he said.",
        "Чистая выдумка: Путин и Трамп не общались.",
        "The Kremlin denied it.",
    ]
    for sentence in document.sentences:
        assert document.text[sentence.start : sentence.end] == sentence.text
        for token, (start, end) in zip(sentence.tokens, sentence.token_spans):
            assert fold(sentence.text[start:end]).replace("'", "") == token


def test_tokens_are_folded_words():
    tokens, spans = tokenize("It’s the U.S. President-elect's 2-1/2-year war")
    assert tokens == ("its", "the", "u", "s", "president", "elects", "2", "1", "2", "year", "war")
    assert spans[0] == (0, 4)


def test_seed_sentences_never_cut_at_titles(seed_documents):
    for document in seed_documents.values():
        for sentence in document.sentences:
            assert not sentence.text.endswith(("Mr.", "U.S.", "Sept.")), sentence.text
    russian = [s.text for s in seed_documents["004"].sentences if "Путин" in s.text]
    assert russian == ["Чистая выдумка: Путин и Трамп не общались после выборов в США, - заявили в Кремле."]


def test_seed_wrapped_article_is_unwrapped(seed_documents):
    texts = [s.text for s in seed_documents["000"].sentences]
    assert (
        "The alleged call was first reported by the Washington Post on Sunday, citing unidentified "
        "sources, and said that Trump had told Putin that he should not escalate the Ukraine war."
    ) in texts
    assert all("Comments" not in t for t in texts)


def test_line_and_paragraph_separators_split_and_never_crash(make_document):
    document = make_document("The minister spoke. B\u2029. Then he left.\u2028Next line\x85here.\x0bEnd\x0cnow.")
    assert "Then he left." in [s.text for s in document.sentences]
    assert "endnow" not in [t for s in document.sentences for t in s.tokens]


def test_invisible_format_characters_do_not_hide_words(make_document):
    marks = "\u200e\u200f\u202a\u2066\u2061\u180e\u034f\ufe0f"
    plain = make_document("The central bank raised rates.")
    hidden = make_document("".join(c + marks[i % len(marks)] for i, c in enumerate("The central bank raised rates.")))
    assert hidden.sentences[0].tokens == plain.sentences[0].tokens


def test_headlines_naming_networks_are_not_furniture():
    for line in ("Facebook to ban political ads", "LinkedIn to cut 700 jobs", "Email to all staff",
                 "Sign up for the new pension scheme opens"):
        assert not is_furniture(line), line
    for line in ("Share on Facebook", "Share this story", "Sign up", "Follow us on Twitter"):
        assert is_furniture(line), line


def test_body_paragraphs_opening_like_attributions_stay_in_the_body(make_document):
    text = (
        "Lede sentence here.\n\nSources close to the minister said it was done.\n\n"
        "Credit Suisse shares fell 5% on Monday.\n\nCopyright lawyers said the case was weak.\n\n"
        "March 3, 2020 was the day the markets crashed."
    )
    document = make_document(text)
    assert [s.text for s in document.sentences][1:] == [
        "Sources close to the minister said it was done.", "Credit Suisse shares fell 5% on Monday.",
        "Copyright lawyers said the case was weak.", "March 3, 2020 was the day the markets crashed.",
    ]
    assert document.attributions == () and document.published is None


def test_single_newlines_keep_headline_byline_and_dateline_apart(make_document):
    document = make_document(
        "Kremlin says reports of a call are fiction\nBy Anna Smith and John Doe\n"
        "MOSCOW (Reuters) - The Kremlin on Monday denied reports of a call between the two leaders.\n"
        "The company said\non Tuesday that it agreed."
    )
    assert [a.kind for a in document.attributions] == ["byline", "dateline"]
    assert document.sentences[0].text == "Kremlin says reports of a call are fiction"
    assert document.sentences[-1].text == "The company said on Tuesday that it agreed."
    assert document.outlet == "Reuters" and document.is_wire


def test_only_wire_datelines_make_wire_copy(make_document):
    assert not make_document("WASHINGTON (CNN) - The senate voted on Tuesday.").is_wire
    assert make_document("WASHINGTON (AP) - The senate voted on Tuesday.").is_wire


def test_not_every_by_line_is_a_byline(make_document):
    document = make_document("By Monday\n\nThe talks will have ended by then.")
    assert document.attributions == ()


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
