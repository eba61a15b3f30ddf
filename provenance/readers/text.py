"""Plain-text articles: one file (or standard input) is one article, its id
the file's stem and its origin the path as given.

>>> from provenance.readers.text import TEXT
>>> [(a.id, a.origin) for a in TEXT.read(b"Some text.", "<stdin>", print, stem="stdin")]
[('stdin', '<stdin>')]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article
from .base import DEFAULT_READ_OPTIONS, ErrorHandler, ReadOptions, Reader, has_words, read_bytes, register_reader

TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")

_UNICODE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)


def decode(data: bytes, origin: str, report: ErrorHandler, line: int | None = None) -> str | None:
    """``data`` as text (UTF-8, or UTF-16/32 after a byte-order mark); None,
    reported, for binary, badly encoded or blank input."""
    for bom, encoding in _UNICODE_BOMS:
        if data.startswith(bom):
            try:
                return _non_empty(data.decode(encoding), origin, report, line)
            except UnicodeDecodeError:
                report(InputError(origin, f"starts with a {encoding.upper()} byte-order mark but is not "
                                          f"valid {encoding.upper()}; re-encode it as UTF-8", line=line))
                return None
    if b"\x00" in data[:8192]:
        report(InputError(origin, "binary file (contains NUL bytes), not article text", line=line))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report(InputError(
            origin,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-encode the file as UTF-8",
            line=line,
        ))
        return None
    return _non_empty(text, origin, report, line)


def _non_empty(text: str, origin: str, report: ErrorHandler, line: int | None) -> str | None:
    if not text.strip():
        report(InputError(origin, "empty file: no article text", line=line))
        return None
    return text


class TextReader(Reader):
    """A file of text is one article. It recognises no content of its own:
    standard input that no other reader claims is read as text."""

    name = "text"
    suffixes = TEXT_SUFFIXES

    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """The one article of ``source``, unless it is unreadable, binary or without a word."""
        data = read_bytes(source, origin, report)
        if data is None:
            return
        text = decode(data, origin, report)
        if text is not None and not has_words(text):
            # Zero-width characters or punctuation only: as empty as a blank file.
            report(InputError(origin, "empty file: no article text"))
        elif text is not None:
            yield Article(id=stem, text=text, origin=self.origin(origin))


#: The text reader: also the reader of files whose suffix no reader claims.
TEXT = register_reader(TextReader())
