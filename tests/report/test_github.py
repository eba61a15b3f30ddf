"""GitHub workflow commands: data and properties escaped."""

import pytest

from provenance.report import github
from tests.helpers import check_golden, seed_id


def test_seeds_github_golden(within_seeds):
    check_golden("check_seeds_github.txt", github.render(within_seeds))


def test_annotations_sit_on_the_longest_copied_passage(within_seeds):
    lines = github.render(within_seeds).splitlines()
    rewrite = next(line for line in lines if line.startswith(f"::error file=seeds/{seed_id('001')}.txt"))
    # Not on "Dmitry Peskov" (line 1, column 1), nor on Putin's words that both
    # texts quote ("the direct involvement of NATO countries, ...", line 8): on
    # the longest passage of the source's own prose it copies.
    assert rewrite.startswith(f"::error file=seeds/{seed_id('001')}.txt,line=12,col=33,endLine=12,endColumn=81,")
    assert "title=provenance%3A rewrite%2C not credited::" in rewrite
    assert "30%25 copied word for word, 90%25 of its words from the source, 2 shared quotations; not credited" in rewrite
    # A passage over several lines (000 is hard-wrapped) has no columns: GitHub
    # takes them on one line only.
    copy = next(line for line in lines if line.startswith(f"::error file=seeds/{seed_id('000')}.txt"))
    assert ",line=25,endLine=29,title=" in copy and ",col=" not in copy


def test_github_commands_escape_data_and_properties(hostile_result):
    text = github.render(hostile_result)
    assert len(text.splitlines()) == 4  # two errors, one notice, one summary: no stray line breaks
    lines = text.split("\n")[:-1]
    error = lines[0]
    assert error.startswith("::error file=") and ",line=1," in error
    header, message = error[2:].split("::", 1)
    assert "\r" not in error and "\n" not in error
    assert "%250A" in message  # "%" escaped first
    assert "evil\\r\\n" in message  # the id's CR LF reached here as visible escapes
    assert "::error::" in message  # data keeps ':' ...
    title = header.split("title=", 1)[1]
    assert title == "provenance%3A copy%2C not credited"  # ... properties escape ':' and ','
    assert lines[2].startswith("::notice ") and "(licensed)" in lines[2]


@pytest.mark.parametrize(("raw", "data", "prop"), [
    ("50% off", "50%25 off", "50%25 off"),
    ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
    ("x: y, z", "x: y, z", "x%3A y%2C z"),
    ("a\x0bb\u2028c", "a b c", "a b c"),
])
def test_github_escaping(raw, data, prop):
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop
