"""Articles from files, folders, JSON, JSONL and standard input.
"""

from __future__ import annotations

import json
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, BinaryIO

from ..dates import parse_date_prefix
from ..errors import InputError, NoArticlesError
from ..model import Article

TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")


JSONL_SUFFIXES = (".jsonl", ".ndjson")


JSON_SUFFIXES = (".json",)


KNOWN_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES


METADATA_FIELDS = ("title", "outlet", "published", "url")


STDIN = "-"


#: A larger input is refused rather than read into memory (a device such as
#: /dev/zero would otherwise be read until memory runs out).
MAX_FILE_BYTES = 512 * 1024 * 1024


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
    for article in unique_ids(_iter_inputs(inputs, report, stdin)):
        count += 1
        yield article
    if not count:
        detail = f" ({len(problems)} input problem(s) reported)" if problems else ""
        raise NoArticlesError(
            "no articles found in the inputs" + detail
            + "; give .txt/.md files, folders of them, or JSON/JSONL with a 'text' field"
        )


def _iter_inputs(
    inputs: Iterable[str | Path], report: ErrorHandler, stdin: BinaryIO | None
) -> Iterator[Article]:
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    seen: set[str] = set()
    for item in inputs:
        key = STDIN if str(item) == STDIN else str(Path(item).resolve())
        if key in seen:
            # The same input twice would be reported as a copy of itself.
            report(InputError(_printable(str(item)), "given more than once; read once"))
            continue
        seen.add(key)
        if str(item) == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_stream(stream.read(MAX_FILE_BYTES + 1), "<stdin>", report)
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(_walk(path))
            if not files:
                report(InputError(_printable(str(path)), "folder holds no .txt, .md, .json or .jsonl files"))
            for file in files:
                if str(file.resolve()) not in seen:
                    seen.add(str(file.resolve()))
                    yield from read_file(file, report)
        elif path.exists():
            yield from read_file(path, report)
        else:
            report(InputError(_printable(str(path)), "no such file or folder"))


def _walk(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if not hidden and path.is_file() and path.suffix.lower() in KNOWN_SUFFIXES:
            yield path


def read_file(path: Path, report: ErrorHandler) -> Iterator[Article]:
    """Articles from one file, chosen by its suffix (anything unknown is plain text)."""
    origin = _printable(str(path))
    problem = _unreadable_kind(path)
    if problem:
        report(InputError(origin, problem))
        return
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
        yield from _read_json(data, origin, _printable(path.stem), report)
    else:
        text = _decode(data, origin, report)
        if text is not None:
            yield Article(id=_printable(path.stem), text=text, origin=origin)


def _unreadable_kind(path: Path) -> str | None:
    """Why ``path`` is not a file to read whole, or None. FIFOs and pipes
    (``<(cmd)``) are read; devices are not."""
    try:
        info = path.stat()
    except OSError as exc:
        return f"cannot read file: {exc.strerror or exc}"
    if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) or stat.S_ISSOCK(info.st_mode):
        return "not a regular file (a device or socket); give article files"
    if info.st_size > MAX_FILE_BYTES:
        return f"larger than {MAX_FILE_BYTES // 2**20} MiB; split it (JSONL files are read a line at a time)"
    return None


def _printable(name: str) -> str:
    """A file name as text: undecodable bytes shown as U+FFFD and control
    characters as escapes, so messages stay one line and JSON stays UTF-8."""
    if name.isprintable():  # nearly always: nothing to replace or escape
        return name
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _read_stream(data: bytes, origin: str, report: ErrorHandler) -> Iterator[Article]:
    """Standard input: one JSON document, JSON lines, or plain text."""
    if len(data) > MAX_FILE_BYTES:
        report(InputError(origin, f"larger than {MAX_FILE_BYTES // 2**20} MiB; split the input"))
        return
    start = data.lstrip()[:1]
    if start in (b"{", b"["):
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except (ValueError, RecursionError):
            document = None
        if isinstance(document, (list, dict)):
            yield from _records(document, origin, "stdin", report)
            return
        if start == b"{" and b"\n{" in data.strip():
            yield from _read_jsonl(data, origin, report)
            return
    text = _decode(data, origin, report)
    if text is not None:
        yield Article(id="stdin", text=text, origin=origin)


_UNICODE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)


def _decode(data: bytes, origin: str, report: ErrorHandler, line: int | None = None) -> str | None:
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
        except (ValueError, RecursionError) as exc:
            report(InputError(origin, f"malformed JSON: {_json_limit(exc)}", line=number))
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
    except (ValueError, RecursionError) as exc:
        report(InputError(origin, f"malformed JSON: {_json_limit(exc)}"))
        return
    yield from _records(document, origin, stem, report)


def _records(document: Any, origin: str, stem: str, report: ErrorHandler) -> Iterator[Article]:
    """Articles from one parsed JSON document: an object, an array of them,
    or ``{"articles": [...]}``."""
    if isinstance(document, dict) and isinstance(document.get("articles"), list):
        document = document["articles"]
    if isinstance(document, list) and not document:
        report(InputError(origin, "no articles: the JSON array is empty"))
        return
    records = document if isinstance(document, list) else [document]
    for number, record in enumerate(records, start=1):
        default_id = f"{stem}:{number}" if isinstance(document, list) else stem
        article = _from_record(record, default_id, report, line=None, origin=origin,
                               item=number if isinstance(document, list) else None)
        if article is not None:
            yield article


def _json_limit(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split(";")[0]


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
        surrogate = _lone_surrogate(value) if isinstance(value, str) else None
        if surrogate is not None:
            report(InputError(where, f"'{name}' holds a lone surrogate U+{surrogate:04X} "
                                     "(an invalid \\u escape in JSON): not valid Unicode text", line=line))
            return None
    metadata: dict[str, str | None] = {}
    for name in METADATA_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            report(InputError(where, f"'{name}' must be a string", line=line))
            return None
        metadata[name] = _printable(value.strip()) or None if value is not None else None
    if metadata["published"] is not None:
        published = normalise_published(metadata["published"])
        if published is None:
            report(InputError(where, f"'published' is not a date: {metadata['published']!r} "
                                     "(use YYYY-MM-DD, ISO 8601 or an RFC 2822 date)", line=line))
            return None
        metadata["published"] = published
    raw_id = record.get("id")
    if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int))):
        report(InputError(where, "'id' must be a string or an integer", line=line))
        return None
    article_id = _printable(str(raw_id).strip()) if raw_id is not None and str(raw_id).strip() else default_id
    location = f"{origin}:{line}" if line is not None else where
    return Article(id=article_id, text=text, origin=location, **metadata)


def _lone_surrogate(value: str) -> int | None:
    # JSON may escape half of a UTF-16 pair; such a string cannot be encoded
    # or written anywhere, so it is refused here with the line it came from.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return ord(value[exc.start])
    return None


def normalise_published(value: str) -> str | None:
    """A publication date as ``YYYY-MM-DD`` (UTC for times with an offset),
    from ISO 8601, RFC 2822 or a written date; None if it is none of these."""
    value = value.strip()
    for parse in (datetime.fromisoformat, parsedate_to_datetime):
        try:
            moment = parse(value)
        except (ValueError, TypeError, IndexError):
            continue
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc)
        return moment.date().isoformat()
    written = parse_date_prefix(value)
    if written is not None and not value[written[1]:].strip():
        return written[0]
    return None


def unique_ids(articles: Iterable[Article]) -> Iterator[Article]:
    """The articles with every id unique: a repeated id gets ``@origin``
    appended (and a counter, should that too be taken)."""
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            base = f"{article.id}@{article.origin}"
            new_id, counter = base, 1
            while new_id in seen:
                counter += 1
                new_id = f"{base}#{counter}"
            article = Article(**{**article.__dict__, "id": new_id})
        seen.add(article.id)
        yield article
