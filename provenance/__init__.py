"""provenance: find which news articles derive from which, and how.

The public API::

    from provenance import scan, compare, read_articles, Settings

    result = scan(["seeds/"])
    for story in result.stories:
        print(story.source, story.members)
"""

# Defined before the imports: modules below read it while the package loads.
__version__ = "0.1.0"

from .align import Ledger, SentenceAlignment  # noqa: E402
from .articles import Article, read_articles
from .config import Settings
from .errors import (
    ConfigError,
    IncompatibleIndexError,
    IndexStoreError,
    InputError,
    NoArticlesError,
    PolicyError,
    ProvenanceError,
    UnreadableInputsError,
)
from .judge import Relation, Scores, Story
from .scan import ScanResult, compare, scan, scan_articles
from .text import Document, Sentence, analyse
from .check import ArticleCheck, Policy, check, check_articles  # noqa: E402
from .index import open_index  # noqa: E402

__all__ = [
    "Article",
    "ArticleCheck",
    "IncompatibleIndexError",
    "IndexStoreError",
    "Policy",
    "PolicyError",
    "UnreadableInputsError",
    "check",
    "check_articles",
    "open_index",
    "ConfigError",
    "Document",
    "InputError",
    "Ledger",
    "NoArticlesError",
    "ProvenanceError",
    "Relation",
    "ScanResult",
    "Scores",
    "Sentence",
    "SentenceAlignment",
    "Settings",
    "Story",
    "analyse",
    "compare",
    "read_articles",
    "scan",
    "scan_articles",
]
