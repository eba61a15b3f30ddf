"""Reading articles from files, folders, JSON/JSONL and standard input.

Readers never raise on one bad file or line: they report an
:class:`~provenance.errors.InputError` to the caller's ``on_error`` and go on,
so a scan over many inputs loses only what it cannot read. ``strict=True``
in :func:`read_articles` turns the first problem into an exception.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .errors import InputError, NoArticlesError

TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
KNOWN_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES
METADATA_FIELDS = ("title", "outlet", "published", "url")
STDIN = "-"


@dataclass(frozen=True)
class Article:
    """One article as given: its text untouched and whatever metadata came with it."""

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    #: Where it came from: a path, ``path:line`` for JSONL, or ``<stdin>``.
    origin: str = ""


ErrorHandler = Callable[[InputError], None]


def read_articles(
    inputs: Iterable[str | Path],
    *,
    strict: bool = False,
    on_error: ErrorHandler | None = None,
    stdin: BinaryIO | None = None,
) -> list[Article]:
    """Read every article from ``inputs`` (paths, folders, or ``-`` for stdin).

    Problems go to ``on_error`` (or raise when ``strict``). Ids are unique:
    a clash gets the later article's origin appended. Raises
    :class:`NoArticlesError` when nothing readable was found.
    """
    return list(iter_articles(inputs, strict=strict, on_error=on_error, stdin=stdin))


def iter_articles(
    inputs: Iterable[str | Path],
    *,
    strict: bool = False,
    on_error: ErrorHandler | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Article]:
    """:func:`read_articles` one article at a time: JSONL files are read a
    line at a time, so a scan holds no more text than it is working on.
    Raises :class:`NoArticlesError` at the end when nothing was found."""

    problems: list[InputError] = []

    def report(problem: InputError) -> None:
        if strict:
            raise problem
        problems.append(problem)
        if on_error is not None:
            on_error(problem)

    count = 0
    for article in _unique_ids(_iter_inputs(inputs, report, stdin)):
        count += 1
        yield article
    if not count:
        detail = f" ({len(problems)} input problem(s) reported)" if problems else ""
        raise NoArticlesError(
            "no articles found in the inputs" + detail
            + f"; give .txt/.md files, folders of them, or JSON/JSONL with a 'text' field"
        )


def _iter_inputs(
    inputs: Iterable[str | Path], report: ErrorHandler, stdin: BinaryIO | None
) -> Iterator[Article]:
    for item in inputs:
        if str(item) == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_stream(stream.read(), "<stdin>", report)
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(_walk(path))
            if not files:
                report(InputError(str(path), "folder holds no .txt, .md, .json or .jsonl files"))
            for file in files:
                yield from read_file(file, report)
        elif path.exists():
            yield from read_file(path, report)
        else:
            report(InputError(str(path), "no such file or folder"))


def _walk(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if not hidden and path.is_file() and path.suffix.lower() in KNOWN_SUFFIXES:
            yield path


def read_file(path: Path, report: ErrorHandler) -> Iterator[Article]:
    """Articles from one file, chosen by its suffix (anything unknown is plain text)."""
    origin = str(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl_file(path, origin, report)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        report(InputError(origin, f"cannot read file: {exc.strerror or exc}"))
        return
    if suffix in JSON_SUFFIXES:
        yield from _read_json(data, origin, path.stem, report)
    else:
        text = _decode(data, origin, report)
        if text is not None:
            yield Article(id=path.stem, text=text, origin=origin)


def _read_stream(data: bytes, origin: str, report: ErrorHandler) -> Iterator[Article]:
    if data.lstrip()[:1] == b"{":
        yield from _read_jsonl(data, origin, report)
        return
    text = _decode(data, origin, report)
    if text is not None:
        yield Article(id="stdin", text=text, origin=origin)


def _decode(data: bytes, origin: str, report: ErrorHandler, line: int | None = None) -> str | None:
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
    if not text.strip():
        report(InputError(origin, "empty file: no article text", line=line))
        return None
    return text


def _read_jsonl(data: bytes, origin: str, report: ErrorHandler) -> Iterator[Article]:
    yield from _read_jsonl_lines(data[:8192], data.split(b"\n"), origin, report)


def _read_jsonl_file(path: Path, origin: str, report: ErrorHandler) -> Iterator[Article]:
    """A JSONL file a line at a time (the same answers as reading it whole)."""
    try:
        stream = path.open("rb")
    except OSError as exc:
        report(InputError(origin, f"cannot read file: {exc.strerror or exc}"))
        return
    with stream:
        try:
            head = stream.read(8192)
            stream.seek(0)
        except OSError as exc:
            report(InputError(origin, f"cannot read file: {exc.strerror or exc}"))
            return
        lines = (line[:-1] if line.endswith(b"\n") else line for line in stream)
        yield from _read_jsonl_lines(head, lines, origin, report)


def _read_jsonl_lines(head: bytes, lines: Iterable[bytes], origin: str, report: ErrorHandler) -> Iterator[Article]:
    if b"\x00" in head:
        report(InputError(origin, "binary file (contains NUL bytes), not JSON lines"))
        return
    found = False
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        found = True
        try:
            record = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError as exc:
            report(InputError(origin, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line=number))
            continue
        except json.JSONDecodeError as exc:
            report(InputError(origin, f"malformed JSON: {exc.msg} at column {exc.colno}", line=number))
            continue
        article = _from_record(record, f"{origin}:{number}", report, line=number, origin=origin)
        if article is not None:
            yield article
    if not found:
        report(InputError(origin, "empty file: no JSON lines"))


def _read_json(data: bytes, origin: str, stem: str, report: ErrorHandler) -> Iterator[Article]:
    text = _decode(data, origin, report)
    if text is None:
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        report(InputError(origin, f"malformed JSON: {exc.msg}", line=exc.lineno))
        return
    if isinstance(document, dict) and isinstance(document.get("articles"), list):
        document = document["articles"]
    records = document if isinstance(document, list) else [document]
    for number, record in enumerate(records, start=1):
        default_id = f"{stem}:{number}" if isinstance(document, list) else stem
        article = _from_record(record, default_id, report, line=None, origin=origin,
                               item=number if isinstance(document, list) else None)
        if article is not None:
            yield article


def _from_record(
    record: Any, default_id: str, report: ErrorHandler, *, line: int | None, origin: str,
    item: int | None = None,
) -> Article | None:
    where = origin if item is None else f"{origin} item {item}"
    if not isinstance(record, dict):
        report(InputError(where, "expected a JSON object with a 'text' field", line=line))
        return None
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        problem = "missing 'text' field" if text is None else "'text' must be a non-empty string"
        report(InputError(where, problem, line=line))
        return None
    for name, value in record.items():
        if isinstance(value, str) and _has_lone_surrogate(value):
            report(InputError(where, f"'{name}' holds an unpaired surrogate escape (such as \\ud800): "
                                     "not valid Unicode text", line=line))
            return None
    metadata: dict[str, str | None] = {}
    for name in METADATA_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, (str, int, float)):
            report(InputError(where, f"'{name}' must be a string", line=line))
            return None
        metadata[name] = str(value).strip() or None if value is not None else None
    raw_id = record.get("id")
    article_id = str(raw_id).strip() if raw_id is not None and str(raw_id).strip() else default_id
    location = f"{origin}:{line}" if line is not None else where
    return Article(id=article_id, text=text, origin=location, **metadata)


def _has_lone_surrogate(value: str) -> bool:
    # JSON may escape half of a UTF-16 pair; such a string cannot be encoded
    # or written anywhere, so it is refused here with the line it came from.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _unique_ids(articles: Iterable[Article]) -> Iterator[Article]:
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            new_id = f"{article.id}@{article.origin}"
            article = Article(**{**article.__dict__, "id": new_id})
        seen.add(article.id)
        yield article
