"""Every error the library raises derives from :class:`ProvenanceError`.

Messages are written for the person running the tool: each says what went
wrong and, where it can, what to do about it.
"""

from __future__ import annotations


class ProvenanceError(Exception):
    """Base class of all errors raised by provenance."""


class ConfigError(ProvenanceError, ValueError):
    """A setting has a value outside its allowed range."""


class InputError(ProvenanceError):
    """An input file or line could not be read as an article."""

    def __init__(self, origin: str, message: str, *, line: int | None = None):
        self.origin = origin
        self.line = line
        self.reason = message
        where = f"{origin}:{line}" if line is not None else origin
        super().__init__(f"{where}: {message}")


class NoArticlesError(ProvenanceError):
    """The inputs held no readable article."""
