"""provenance: find which news articles derive from which, and how.

The public API::

    from provenance import scan, compare, read_articles, Settings

    result = scan(["seeds/"])
    for story in result.stories:
        print(story.source, story.members)
"""

from .analysis import analyse
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
from .gate import ArticleCheck, Policy, check, check_articles
from .index import open_index
from .model import Article, Document, Ledger, Relation, ScanResult, Scores, Sentence, SentenceAlignment, Story
from .pipeline import compare, scan, scan_articles
from .readers import read_articles
from .version import __version__

__all__ = [
    "__version__",
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
