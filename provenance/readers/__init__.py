"""Readers: articles from files, folders, feeds and standard input, each
with the origin it came from."""

from .inputs import (
    JSON_SUFFIXES, JSONL_SUFFIXES, KNOWN_SUFFIXES, METADATA_FIELDS, STDIN, TEXT_SUFFIXES, ErrorHandler, iter_articles,
    normalise_published, read_articles, read_file, unique_ids,
)

__all__ = ["ErrorHandler", "JSONL_SUFFIXES", "JSON_SUFFIXES", "KNOWN_SUFFIXES", "METADATA_FIELDS", "STDIN",
           "TEXT_SUFFIXES", "iter_articles", "normalise_published", "read_articles", "read_file", "unique_ids"]
