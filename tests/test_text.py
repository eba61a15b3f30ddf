from provenance.text import fold, is_furniture, normalise_display, paragraphs, tokenize

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
