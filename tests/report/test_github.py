"""GitHub workflow commands: data and properties escaped."""

import pytest

from provenance.report import github


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
    assert title == "provenance%3A uncredited copy"  # ... properties escape ':' and ','
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
