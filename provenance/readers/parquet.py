"""Parquet tables of articles (``.parquet``), read with pyarrow, the optional
extra ``parquet`` (``pip install 'provenance-news[parquet]'``).

The columns are found as in CSV (:mod:`.table`: by name, or as
``--column`` names them). Each row is an article; its origin is
``path item N``, the Nth row of the file (1-based: Parquet has no lines),
and its id the id column's value, else ``stem#N``. The file is read a
thousand rows at a time, row group by row group and only the columns
used, so memory stays that of one batch whatever the table's size. Dates
may be strings (as for JSON), dates or timestamps (UTC when they carry a
time zone).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article, Origin
from .base import DEFAULT_READ_OPTIONS, ErrorHandler, ReadOptions, Reader, item_origin, register_reader
from .table import Rows, column_list, find_columns, no_text_column

PARQUET_SUFFIXES = (".parquet",)

#: Rows read at a time.
BATCH_ROWS = 1024

_NEEDS_PYARROW = "reading .parquet needs pyarrow: pip install 'provenance-news[parquet]'"


class ParquetReader(Reader):
    """A Parquet file: one article a row."""

    name = "parquet"
    suffixes = PARQUET_SUFFIXES

    def sniff(self, head: bytes) -> bool:
        """Parquet's magic number, ``PAR1``, first."""
        return head[:4] == b"PAR1" and len(head) > 8

    def origin(self, source: str, position: int | None = None) -> Origin:
        """``path item N`` for the Nth row."""
        return item_origin(source, position)

    def read(self, source: Path | bytes, origin: str, report: ErrorHandler, *, stem: str,
             options: ReadOptions = DEFAULT_READ_OPTIONS) -> Iterator[Article]:
        """An article for each row with text."""
        try:
            import pyarrow
            import pyarrow.parquet
        except ImportError:
            report(InputError(origin, _NEEDS_PYARROW))
            return
        try:
            table = pyarrow.parquet.ParquetFile(source if isinstance(source, Path) else pyarrow.BufferReader(source))
            names = table.schema_arrow.names
        except (pyarrow.ArrowException, OSError) as exc:
            report(InputError(origin, f"not a Parquet file pyarrow can read: {_first_line(exc)}"))
            return
        columns, missing = find_columns(names, options)
        for message in missing:
            report(InputError(origin, message))
        if "text" not in columns:
            if options.column("text") is None:
                report(InputError(origin, no_text_column(names)))
            return
        text_type = table.schema_arrow.field(columns["text"]).type
        if not _holds_text(pyarrow, text_type):
            report(InputError(origin, f"the text column {names[columns['text']]!r} holds {text_type} "
                                      f"values, not text (columns: {column_list(names)})"))
            return
        fields = {field: names[index] for field, index in columns.items()}
        rows = Rows(origin, stem, report, encoding="utf-8")  # Parquet's strings are UTF-8
        number = 0
        try:
            for batch in table.iter_batches(batch_size=BATCH_ROWS, columns=sorted(set(fields.values()))):
                data = batch.to_pydict()
                for index in range(batch.num_rows):
                    number += 1
                    where = self.origin(origin, number)
                    values = {field: data[name][index] for field, name in fields.items()}
                    article = rows.article(values, number, origin=where, where=str(where))
                    if article is not None:
                        yield article
        except (pyarrow.ArrowException, OSError) as exc:
            report(InputError(origin, f"cannot read past row {number}: {_first_line(exc)}"))
        rows.finish()
        if not number:
            report(InputError(origin, "no rows: the table is empty"))


def _holds_text(pyarrow, kind) -> bool:
    types = pyarrow.types
    if types.is_dictionary(kind):
        kind = kind.value_type
    return (types.is_string(kind) or types.is_large_string(kind) or types.is_binary(kind)
            or types.is_large_binary(kind) or getattr(types, "is_string_view", lambda _: False)(kind))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


PARQUET = register_reader(ParquetReader())
