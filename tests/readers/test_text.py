"""Plain text: binary, empty and undecodable files reported, byte-order marks read."""

import pytest

from provenance import read_articles


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01\x02binary", "binary file"),
        (b"", "empty file"),
        (b"   \n\t\n", "empty file"),
        (b"caf\xe9", "not valid UTF-8 (byte 0xe9 at offset 3)"),
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


def test_utf16_and_utf32_files_with_a_bom_are_read(tmp_path):
    (tmp_path / "a.txt").write_bytes("Überschrift und Text.".encode("utf-16"))
    (tmp_path / "b.txt").write_bytes("Text in UTF-32.".encode("utf-32"))
    assert [a.text for a in read_articles([tmp_path])] == ["Überschrift und Text.", "Text in UTF-32."]
