"""Readers: articles from files, folders, feeds and standard input, each
with the origin it came from.

The door is :class:`Reader` and its registry (:func:`register_reader`,
:func:`readers`, :func:`reader_for`); the built-in readers are plain text
(:mod:`.text`), JSON lines and JSON (:mod:`.json`), and :mod:`.inputs` walks
the inputs and hands each file to its reader.
"""

from .base import (
    COLUMN_FIELDS,
    DEFAULT_READ_OPTIONS,
    ENTRY_POINT_GROUP,
    MAX_FILE_BYTES,
    ErrorHandler,
    ReadOptions,
    Reader,
    RepeatedInput,
    Skipped,
    has_words,
    known_suffixes,
    read_bytes,
    reader_for,
    readers,
    register_reader,
    unregister_reader,
)
from .inputs import (
    JSON_SUFFIXES,
    JSONL_SUFFIXES,
    KNOWN_SUFFIXES,
    METADATA_FIELDS,
    STDIN,
    TEXT_SUFFIXES,
    iter_articles,
    normalise_published,
    read_articles,
    read_file,
    unique_ids,
)
from .text import decode
from . import newsml, ninjs, xml  # noqa: F401  (they register their readers)
from . import feed, html, warc  # noqa: F401  (they register their readers)
from . import parquet, table  # noqa: F401  (they register their readers)

__all__ = [
    "COLUMN_FIELDS",
    "DEFAULT_READ_OPTIONS",
    "ENTRY_POINT_GROUP",
    "JSONL_SUFFIXES",
    "JSON_SUFFIXES",
    "KNOWN_SUFFIXES",
    "MAX_FILE_BYTES",
    "METADATA_FIELDS",
    "STDIN",
    "TEXT_SUFFIXES",
    "ErrorHandler",
    "ReadOptions",
    "Reader",
    "RepeatedInput",
    "Skipped",
    "decode",
    "has_words",
    "iter_articles",
    "known_suffixes",
    "normalise_published",
    "read_articles",
    "read_bytes",
    "read_file",
    "reader_for",
    "readers",
    "register_reader",
    "unique_ids",
    "unregister_reader",
]
