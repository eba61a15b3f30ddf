"""Plain text, and the decoding every reader shares: binary and empty files
reported, byte-order marks read, other encodings detected (cp1252 for
Latin-script 8-bit text), --encoding obeyed, and the seeds read the same
from cp1252 and cp1251 files as from UTF-8."""

import codecs
import io

import pytest

from provenance import read_articles, scan
from provenance.readers import ReadOptions
from provenance.readers.text import SAMPLE_BYTES, check_encoding, decode, decode_text, detect_encoding

from .conftest import outcome

BRITISH = "The fine was £200 and he said “no” – it’s over, the magistrate’s clerk added… €5 more."


def _decoded(data, **kwargs):
    problems = []
    found = decode_text(data, "in.txt", problems.append, **kwargs)
    return found, [p.reason for p in problems]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01\x02binary", "binary file"),
        (b"", "empty file"),
        (b"   \n\t\n", "empty file"),
        ("café ".encode() + b"caf\xe9", "not valid UTF-8 (byte 0xe9 at offset 9), though UTF-8 before it"),
        (bytes(range(0x80, 0x100)) * 3, "not valid UTF-8 (byte 0x80 at offset 0), and no other encoding"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document, not text"),
    ],
)
def test_bad_files_are_reported_and_skipped(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("A readable article.", encoding="utf-8")
    problems = []
    articles = read_articles([bad, good], on_error=problems.append)
    assert [a.id for a in articles] == ["good"]
    assert len(problems) == 1 and message in str(problems[0]) and str(bad) in str(problems[0])
    assert "\n" not in str(problems[0])


def test_utf16_and_utf32_files_with_a_bom_are_read(tmp_path):
    (tmp_path / "a.txt").write_bytes("Überschrift und Text.".encode("utf-16"))
    (tmp_path / "b.txt").write_bytes("Text in UTF-32.".encode("utf-32"))
    (tmp_path / "c.txt").write_bytes(codecs.BOM_UTF8 + "Text mit BOM.".encode())
    articles = read_articles([tmp_path])
    assert [a.text for a in articles] == ["Überschrift und Text.", "Text in UTF-32.", "Text mit BOM."]
    assert [a.encoding for a in articles] == ["utf-16", "utf-32", "utf-8"]


def test_a_british_cp1252_file_is_read_as_cp1252(tmp_path):
    (tmp_path / "court.txt").write_bytes(BRITISH.encode("cp1252"))
    [article] = read_articles([tmp_path / "court.txt"])
    assert (article.text, article.encoding) == (BRITISH, "cp1252")


def test_latin1_text_is_read_as_cp1252_which_reads_it_the_same():
    text = "Le café coûte 3 francs, à côté de la façade; ½ prix pour les naïfs. Ærøskøbing, Ñandú."
    assert _decoded(text.encode("latin-1")) == ((text, "cp1252"), [])


def test_cp1252_is_not_taken_for_other_scripts():
    russian = "Кремль заявил, что сообщения о разговоре Трампа и Путина — чистый вымысел."
    greek = "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την οικονομία της χώρας."
    assert _decoded(russian.encode("cp1251")) == ((russian, "cp1251"), [])
    assert _decoded(russian[:56].encode("koi8-r")) == ((russian[:56], "koi8-r"), [])
    assert _decoded(greek.encode("cp1253")) == ((greek, "cp1253"), [])
    polish = "Zażółć gęślą jaźń. Łódź i Kraków są w Polsce, a Wrocław leży nad Odrą."
    assert _decoded(polish.encode("cp1250")) == ((polish, "cp1250"), [])
    japanese = "日本語のテキストです。東京で会議が開かれた。"
    assert _decoded(japanese.encode("shift_jis"))[0][0] == japanese


@pytest.mark.parametrize("text", ["caf\xe9", "£200", "“no”", "€5", "a – b", "Straße"])
def test_a_few_latin_bytes_are_cp1252(text):
    # Too few bytes for statistics: Windows' Western code page, never
    # latin-1 (whose 0x80-0x9F are control characters) or a Cyrillic or
    # Japanese reading of the same bytes.
    assert detect_encoding(text.encode("cp1252")) == "cp1252"
    assert _decoded(text.encode("cp1252")) == ((text, "cp1252"), [])


def test_a_few_cyrillic_bytes_are_not_read_as_latin():
    text = "Москва заявила"
    assert detect_encoding(text.encode("cp1251")) == "cp1251"


def test_detection_is_deterministic_and_sees_non_ascii_text_past_the_start():
    # The £ is 3 MB in: what is detected is that line, not the ASCII before it.
    data = b"The council met on Tuesday.\n" * 100_000 + "Fines rose to £200.\n".encode("cp1252")
    assert {detect_encoding(data) for _ in range(3)} == {"cp1252"}
    assert _decoded(data)[0][1] == "cp1252"


def test_detection_reads_a_sample_of_bounded_size():
    from provenance.readers.text import _sample

    data = ("“We will not pay,” said Mr Smith. “Never,” he added. The fine — £200 — stands. "
            "‘No,’ she said… " * 20_000).encode("cp1252")
    assert len(_sample(data, 0)) <= SAMPLE_BYTES + 1024
    assert detect_encoding(data) == "cp1252"


def test_utf16_without_a_bom_is_refused_naming_the_encoding_that_reads_it(tmp_path):
    data = "Text in UTF-16 with no byte-order mark.".encode("utf-16-le")
    found, problems = _decoded(data)
    assert found is None and problems == [
        "UTF-16 text without a byte-order mark (utf-16-le?): give --encoding utf-16-le to read it, "
        "or re-encode it as UTF-8"]
    assert _decoded(data, forced="utf-16-le") == (("Text in UTF-16 with no byte-order mark.", "utf-16-le"), [])


def test_a_forced_encoding_is_obeyed_and_its_failure_names_the_offset(tmp_path):
    (tmp_path / "a.txt").write_bytes("Grüße aus Köln".encode("latin-1"))
    (tmp_path / "b.txt").write_bytes(b"caf\xc3\xa9 \x81")
    problems = []
    articles = read_articles([tmp_path], on_error=problems.append, options=ReadOptions(encoding="cp1252"))
    assert [(a.id, a.text, a.encoding) for a in articles] == [("a", "Grüße aus Köln", "cp1252")]
    assert [str(p) for p in problems] == [f"{tmp_path / 'b.txt'}: not valid cp1252 (--encoding cp1252): "
                                          "byte 0x81 at offset 6"]
    # Forced, even UTF-8 is not detected past.
    assert _decoded(b"caf\xc3\xa9 \x81", forced="utf-8") == (
        None, ["not valid UTF-8 (--encoding utf-8): byte 0x81 at offset 6"])
    assert _decoded("Grüße".encode("cp1252"), forced="UTF8")[1] == [
        "not valid UTF-8 (--encoding UTF8): byte 0xfc at offset 2"]


def test_a_forced_encoding_still_refuses_binary():
    assert _decoded(b"\x89PNG\r\n\x1a\n\x00\x00", forced="cp1252")[1] == ["a PNG image, not article text"]
    assert _decoded(b"text\x00\x01", forced="latin-1")[1] == [
        "binary file (NUL characters read as iso8859-1), not article text"]


def test_decode_keeps_its_old_signature_for_existing_callers():
    problems = []
    assert decode(BRITISH.encode("cp1252"), "x", problems.append) == BRITISH
    assert decode(b"\x00\x00", "x", problems.append, line=4) is None
    assert problems[0].line == 4 and problems[0].reason.startswith("binary file")


def test_check_encoding_checks_the_whole_input_without_decoding_it_whole():
    data = b"A line of text.\n" * 200_000 + "£".encode("cp1252")  # 3 MB: a chunk boundary passed
    problems = []
    assert check_encoding(data, "t.csv", problems.append) == "cp1252" and problems == []
    assert check_encoding("€".encode() * 500_000, "t.csv", problems.append) == "utf-8"
    # A UTF-8 character cut by a megabyte chunk boundary is still whole.
    assert check_encoding(b"x" * (2**20 - 1) + "é".encode(), "t.csv", problems.append) == "utf-8"
    assert check_encoding(b"x" * 10 + b"\x81", "t.csv", problems.append, forced="cp1252") is None
    assert problems[-1].reason == "not valid cp1252 (--encoding cp1252): byte 0x81 at offset 10"
    assert check_encoding(codecs.BOM_UTF8 + b"id,text\n", "t.csv", problems.append) == "utf-8-sig"


def test_standard_input_in_cp1252():
    [article] = read_articles(["-"], stdin=io.BytesIO(BRITISH.encode("cp1252")))
    assert (article.id, article.text, article.encoding) == ("stdin", BRITISH, "cp1252")


def test_the_seeds_in_cp1252_and_cp1251_scan_as_the_utf8_seeds(tmp_path, seed_articles, seeds_outcome):
    # Seeds 000-003 hold only characters cp1252 has (curly quotes, dashes);
    # 004 has Russian words, which cp1252 cannot encode: it is cp1251, and
    # detection must tell. Each text must come back exactly.
    expected = {}
    for article in seed_articles:
        encoding = "cp1251" if article.id.startswith("004") else "cp1252"
        (tmp_path / f"{article.id}.txt").write_bytes(article.text.encode(encoding))
        expected[article.id] = (article.text, encoding)
    read = {a.id: (a.text, a.encoding) for a in read_articles([tmp_path])}
    # 000 is ASCII, so it is (also) valid UTF-8, which articles leave unsaid.
    assert read == {**expected, "000_69367191860a6389": (expected["000_69367191860a6389"][0], "utf-8")}
    assert outcome(scan([tmp_path], jobs=1)) == seeds_outcome
