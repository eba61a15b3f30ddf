"""Where an article came from (:class:`Origin`): a path, a line of a JSON
lines file, an item of a feed or archive, or standard input; what every
report prints and the readers make. Its own module so that the plain data
of :mod:`provenance.model` stays one screenful per kind.
"""

from __future__ import annotations

import re


class Origin(str):
    """Where an article came from, as every report prints it: ``path``,
    ``path:line`` (a JSON line), ``path item N`` (an element of a JSON array),
    ``<stdin>``. It is that text (it prints, compares and serialises as a
    plain string), and it knows where in the file the article is, for the
    reports that point into files (SARIF, GitHub annotations): each reader
    makes the origins of its articles (``Reader.origin``).

    >>> origin = Origin("feed.jsonl:3", path="feed.jsonl", line=3)
    >>> origin, origin.path, origin.line, origin.whole_file
    ('feed.jsonl:3', 'feed.jsonl', 3, False)
    >>> Origin.of("notes.txt").whole_file
    True
    """

    #: The file, as given (None for standard input).
    path: str | None
    #: The 1-based line of the article's record in the file (JSON lines).
    line: int | None
    #: The article's text is the file's whole text, so places in the text
    #: are places in the file.
    whole_file: bool

    def __new__(cls, text: str, *, path: str | None = None, line: int | None = None,
                whole_file: bool = False) -> Origin:
        made = super().__new__(cls, text)
        made.path, made.line, made.whole_file = path, line, whole_file
        return made

    def __reduce__(self) -> tuple:
        return (_origin, (str(self), self.path, self.line, self.whole_file))

    @classmethod
    def of(cls, text: str) -> Origin:
        """The origin a plain string names, read as the built-in readers
        write theirs (for articles made by hand or stored without one)."""
        if isinstance(text, Origin):
            return text
        if not text or text.startswith("<stdin>"):
            return cls(text)
        match = _LINE_ORIGIN.match(text)
        if match and _inner_suffix(match["path"]) in _LINE_SUFFIXES:
            return cls(text, path=match["path"], line=int(match["line"]))
        match = _ITEM_ORIGIN.match(text)
        if match:
            return cls(text, path=match["path"])
        # Only a text file's article is the file's text; a page's, a feed's
        # or an agency item's was taken out of markup, a compressed file's
        # out of its stream.
        whole = _inner_suffix(text) not in _STRUCTURED_SUFFIXES and not text.lower().endswith(_COMPRESSED)
        return cls(text, path=text, whole_file=whole)


def _inner_suffix(path: str) -> str:
    """The suffix of ``path`` under any compression suffix (``x.jsonl.gz`` -> ``.jsonl``)."""
    name = path.lower()
    for compressed in _COMPRESSED:
        name = name.removesuffix(compressed)
    dot = name.rfind(".")
    return name[dot:] if dot > name.rfind("/") else ""


_COMPRESSED = (".gz", ".bz2", ".xz", ".zst")
#: The suffixes whose origins point at a line (``path:LINE``), and those whose
#: articles are not the file's text (as the built-in readers write them).
_LINE_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".tsv", ".tab")
_STRUCTURED_SUFFIXES = _LINE_SUFFIXES + (".json", ".html", ".htm", ".xhtml", ".xml", ".rss", ".atom", ".rdf",
                                         ".warc", ".parquet")


def _origin(text: str, path: str | None, line: int | None, whole_file: bool) -> Origin:
    return Origin(text, path=path, line=line, whole_file=whole_file)


_LINE_ORIGIN = re.compile(r"^(?P<path>.+):(?P<line>\d+)$")
_ITEM_ORIGIN = re.compile(r"^(?P<path>.+) (?:item|record) \d+$")
