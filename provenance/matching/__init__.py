"""Sentence matchers: how alike each derived sentence is to each source
sentence. The TF-IDF matcher (:mod:`provenance.matching.tfidf`) is the first."""

from .tfidf import Vectoriser

__all__ = ["Vectoriser"]
