"""What judging keeps of each document between pairs.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from ..matching.matcher import SentenceMatcher, make_matcher
from ..matching.tfidf import Vectoriser
from ..model import Document
from .coverage import run_keys, shared_count


class FeatureCache:
    """Word trigram and content-term sets of documents, and their alignment
    features, computed once each across many pairs.

    Keyed by (id, text). With ``capacity``, only the most recently used
    documents are kept.
    """

    def __init__(self, capacity: int | None = None) -> None:
        #: Shared by the pairs judged with this cache (see provenance.matching.tfidf.Vectoriser).
        self.vectoriser = Vectoriser()
        self.capacity = capacity
        self._generation = self.vectoriser.generation
        self._entries: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        self._matchers: dict[Any, SentenceMatcher] = {}

    def matcher(self, spec: Any) -> SentenceMatcher | None:
        """The sentence matcher ``spec`` (a name or a factory) names, made
        once per cache and sharing its vocabulary; None for the built-in
        TF-IDF matcher, which the ledger calls directly."""
        if spec == "tfidf":
            return None
        found = self._matchers.get(spec)
        if found is None:
            found = self._matchers[spec] = make_matcher(spec, self.vectoriser)
        return found

    def _entry(self, document: Document) -> dict[str, Any]:
        if self._generation != self.vectoriser.generation:
            self._entries.clear()  # the vectoriser's ids started afresh
            self._generation = self.vectoriser.generation
        key = (document.id, document.text)
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = {"document": document}
            if self.capacity is not None and len(self._entries) > self.capacity:
                _, old = self._entries.popitem(last=False)
                self.vectoriser.forget(old["document"])
                for matcher in self._matchers.values():
                    matcher.forget(old["document"])
        else:
            self._entries.move_to_end(key)
        return entry

    def trigrams(self, document: Document) -> np.ndarray:
        """The document's distinct word trigrams, as sorted integers."""
        entry = self._entry(document)
        if "trigrams" not in entry:
            entry["trigrams"] = self.vectoriser.features_of(document).trigrams()
        return entry["trigrams"]

    def terms(self, document: Document) -> np.ndarray:
        """The document's distinct content-word stems, as sorted integers."""
        entry = self._entry(document)
        if "terms" not in entry:
            entry["terms"] = self.vectoriser.features_of(document).terms()
        return entry["terms"]

    def token_ids(self, document: Document) -> np.ndarray:
        """The document's body tokens as ids (the vectoriser's, cached)."""
        return self.vectoriser.features_of(document).tokens

    def run_keys(self, document: Document, n: int) -> np.ndarray:
        """Sorted hashes of the document's runs of ``n`` tokens (see coverage.run_keys)."""
        entry = self._entry(document)
        key = f"runs{n}"
        if key not in entry:
            entry[key] = run_keys(self.token_ids(document), n)
        return entry[key]

    def content_similarity(self, a: Document, b: Document) -> float:
        terms_a, terms_b = self.terms(a), self.terms(b)
        shared = shared_count(terms_a, terms_b)
        union = len(terms_a) + len(terms_b) - shared
        return shared / union if union else 0.0
