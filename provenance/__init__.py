"""provenance: find which news articles derive from which, and how.

The public API::

    from provenance import scan, compare, read_articles, Settings

    result = scan(["seeds/"])
    for story in result.stories:
        print(story.source, story.members)
"""

from .align import Ledger, SentenceAlignment
from .articles import Article, read_articles
from .config import Settings
from .errors import ConfigError, InputError, NoArticlesError, ProvenanceError
from .judge import Relation, Scores, Story
from .scan import ScanResult, compare, scan, scan_articles
from .text import Document, Sentence, analyse

__version__ = "0.1.0"

__all__ = [
    "Article",
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
