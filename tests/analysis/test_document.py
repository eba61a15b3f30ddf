"""analyse(): sentences with offsets into the display text, and the
metadata sniffed from the text (given metadata wins)."""

from provenance.analysis.normalise import fold
from tests.helpers import ANY_TEXT, FAST, doc, seed_id
from tests.hypothesis_or_skip import given


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


@FAST
@given(ANY_TEXT)
def test_analysis_never_fails_and_offsets_point_into_the_display_text(text):
    document = doc(text)
    for sentence in document.sentences:
        assert document.text[sentence.start : sentence.end] == sentence.text
        assert sentence.tokens


def test_sniffed_metadata(seed_scan):
    wire = seed_scan.document(seed_id("002"))
    assert (wire.outlet, wire.published) == ("Reuters", "2024-11-11")
    assert seed_scan.document(seed_id("000")).published == "2024-11-12"
    assert seed_scan.document(seed_id("003")).outlet == "vnexpress.net"
    gazzeta = seed_scan.document(seed_id("004"))
    assert (gazzeta.outlet, gazzeta.published) == ("gazzeta.in.ua", "2024-12-06")
    assert set(gazzeta.sniffed) == {"outlet", "published", "title"}


def test_given_metadata_wins_over_sniffed(tmp_path):
    import json

    from provenance import scan

    feed = tmp_path / "feed.jsonl"
    text = (tmp_path.parent / "x").name  # any text; metadata is what matters
    feed.write_text(json.dumps({"id": "a", "text": "MOSCOW (Reuters) - Body text here. " + text,
                                "outlet": "Given Outlet", "published": "2020-01-01"}) + "\n", encoding="utf-8")
    document = scan([feed]).documents[0]
    assert (document.outlet, document.published, document.sniffed) == ("Given Outlet", "2020-01-01", ())
