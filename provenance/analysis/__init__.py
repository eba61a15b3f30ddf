"""Analysis: from an article's raw text to a document ready for matching:
display text normalised, attribution lines set apart, metadata sniffed,
sentences segmented and tokenised."""

from .document import LazySentence, ReadArticle, analyse, analyse_lazily, read_sentences
from .tokens import (
    STOP_WORDS,
    content_stem,
    content_stems,
    content_terms,
    fast_tokens,
    tokenize,
)

__all__ = ["LazySentence", "ReadArticle", "STOP_WORDS", "analyse", "analyse_lazily", "content_stem", "content_stems",
           "content_terms", "fast_tokens", "read_sentences", "tokenize"]
