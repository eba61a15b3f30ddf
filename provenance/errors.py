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


class UnreadableInputsError(ProvenanceError):
    """Some inputs could not be read, so a check over them would be incomplete."""

    def __init__(self, problems: tuple[InputError, ...] | list[InputError]):
        self.problems = tuple(problems)
        more = f" (and {len(self.problems) - 1} more unreadable input(s))" if len(self.problems) > 1 else ""
        super().__init__(f"{self.problems[0]}{more}")


class PolicyError(ProvenanceError, ValueError):
    """A check policy is malformed: an unknown --fail-on token or a bad allow-list line."""


class IndexStoreError(ProvenanceError):
    """A persistent index is missing, unreadable, locked, or its backend is unavailable."""


class IncompatibleIndexError(IndexStoreError):
    """The index was built with different fingerprint or text-processing parameters
    than the query uses, so its signatures cannot be compared with the query's."""
