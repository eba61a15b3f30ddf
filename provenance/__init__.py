"""provenance: find which news articles derive from which, and how.

The public API::

    from provenance import scan, compare, read_articles, Settings

    result = scan(["seeds/"])
    for story in result.stories:
        print(story.source, story.members)

Names are imported from their stage when first used, so that importing the
package (and so every command line, ``--version`` included) loads no stage
it does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__

#: Each public name and the module that defines it.
_EXPORTS = {
    "analyse": "analysis",
    "Settings": "config",
    **dict.fromkeys(("ConfigError", "IncompatibleIndexError", "IndexStoreError", "InputError", "NoArticlesError",
                     "PolicyError", "ProvenanceError", "UnreadableInputsError"), "errors"),
    **dict.fromkeys(("ArticleCheck", "Policy", "check", "check_articles"), "gate"),
    "open_index": "index",
    **dict.fromkeys(("Article", "Document", "Ledger", "Relation", "ScanResult", "Scores", "Sentence",
                     "SentenceAlignment", "Story"), "model"),
    **dict.fromkeys(("compare", "scan", "scan_articles"), "pipeline"),
    "read_articles": "readers",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'provenance' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once: later reads are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # for type checkers and editors: the same names, eagerly
    from .analysis import analyse  # noqa: F401 - the names of _EXPORTS, for type checkers
    from .config import Settings  # noqa: F401
    from .errors import (  # noqa: F401
        ConfigError,
        IncompatibleIndexError,
        IndexStoreError,
        InputError,
        NoArticlesError,
        PolicyError,  # noqa: F401
        ProvenanceError,
        UnreadableInputsError,
    )
    from .gate import ArticleCheck, Policy, check, check_articles  # noqa: F401
    from .index import open_index  # noqa: F401
    from .model import (  # noqa: F401
        Article,
        Document,
        Ledger,
        Relation,
        ScanResult,
        Scores,
        Sentence,
        SentenceAlignment,
        Story,
    )
    from .pipeline import compare, scan, scan_articles  # noqa: F401
    from .readers import read_articles  # noqa: F401
