"""Reference implementations the tests hold the package's fast paths against
(kept here, not in the package, since nothing else uses them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from provenance.config import DEFAULT_SETTINGS, Settings
from provenance.index.memory import MemoryIndex
from provenance.model import Document, Signature


def candidate_pairs(signatures: list[Signature], settings: Settings = DEFAULT_SETTINGS) -> Iterator[tuple[str, str]]:
    """Every unordered pair of ``signatures`` the datasketch-style LSH index
    proposes, each once, in a deterministic order."""
    index = MemoryIndex(settings)
    index.add_all(signatures)
    seen: set[tuple[str, str]] = set()
    for sig in signatures:
        for other, _ in index.query(sig):
            if other == sig.id:
                continue
            pair = (sig.id, other) if sig.id < other else (other, sig.id)
            if pair not in seen:
                seen.add(pair)
                yield pair


def content_similarity(a, b) -> float:
    """Content-word Jaccard of two documents from their tokens: the
    definition FeatureCache.content_similarity computes from sorted ids."""
    from provenance.analysis.tokens import content_terms

    def words(document):
        return [t for s in document.sentences for t in s.tokens]

    terms_a, terms_b = set(content_terms(words(a))), set(content_terms(words(b)))
    union = terms_a | terms_b
    return len(terms_a & terms_b) / len(union) if union else 0.0


def scan_candidates(matrices, settings: Settings = DEFAULT_SETTINGS, stats: dict | None = None):
    """Candidate pairs of a corpus as an ``(m, 2)`` array of row numbers
    (low, high), sorted, both granularities searched one after the other in
    this thread (what a scan does in two processes)."""
    from provenance.candidates import granularity_candidates, merge_candidates
    from provenance.model import GRANULARITIES

    found = {g: granularity_candidates(matrices[g], g, settings) for g in GRANULARITIES}
    return merge_candidates(found, len(next(iter(matrices.values()))), stats)


def sklearn_vectors(derived, source):
    """The alignment vectoriser as first written, on scikit-learn's
    TfidfVectorizer (which provenance.matching.tfidf replaced)."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer


    sentences = derived.sentences + source.sentences
    words = TfidfVectorizer(analyzer=lambda f: f, sublinear_tf=True, norm="l2")
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, norm="l2", lowercase=False)
    word_matrix = words.fit_transform([_features(s) for s in sentences])
    char_matrix = chars.fit_transform([" ".join(s.tokens) for s in sentences])
    matrix = (sparse.hstack([word_matrix, char_matrix], format="csr") * np.sqrt(0.5)).toarray()
    return matrix[: len(derived.sentences)], matrix[len(derived.sentences) :]


def old_encode_document(document: Document) -> bytes:
    """``encode_document`` of index format 1 (provenance 0.x), verbatim:
    zlib-compressed JSON."""
    import json
    import zlib

    sentences = []
    for sentence in document.sentences:
        entry: list[Any] = [sentence.start, sentence.end]
        if document.text[sentence.start : sentence.end] != sentence.text:
            entry.append(sentence.text)
        sentences.append(entry)
    record = {
        "v": 1,
        "id": document.id,
        "text": document.text,
        "sentences": sentences,
        "attributions": [[a.kind, a.text, list(a.names)] for a in document.attributions],
        "title": document.title,
        "outlet": document.outlet,
        "published": document.published,
        "url": document.url,
        "origin": document.origin,
        "sniffed": list(document.sniffed),
    }
    payload = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return zlib.compress(payload, 6)


def body_tokens(document) -> list[str]:
    """The folded word tokens of the document's body, in order."""
    return [t for s in document.sentences for t in s.tokens]


def run_coverages(source, derived, lengths=(1, 3, 8)) -> dict[int, float]:
    """For each ``n`` in ``lengths``: the share of ``derived``'s tokens inside
    a run of ``n`` or more consecutive tokens that also occurs in ``source``
    (0 when ``derived`` is empty): the definition, from token strings."""
    import numpy as np

    from provenance.judge.coverage import run_coverage

    vocabulary: dict[str, int] = {}
    source_ids = np.array([vocabulary.setdefault(t, len(vocabulary)) for t in source], dtype=np.int64)
    unknown = len(vocabulary)  # no run holding a word the source lacks can match
    derived_ids = np.array([vocabulary.get(t, unknown) for t in derived], dtype=np.int64)
    return {n: run_coverage(source_ids, derived_ids, n) for n in lengths}


def matrices_of(signatures, settings: Settings = DEFAULT_SETTINGS):
    """granularity -> (documents x num_perm) matrix of ``signatures``' values:
    what a scan's candidate search is given."""
    import numpy as np

    from provenance.fingerprint.hashing import scheme_width
    from provenance.model import GRANULARITIES

    signatures = list(signatures)
    dtype = np.uint64 if scheme_width(settings.fingerprint.minhash_scheme) == 64 else np.uint32
    return {
        g: (np.stack([s.values[g] for s in signatures]) if signatures
            else np.zeros((0, settings.fingerprint.num_perm), dtype))
        for g in GRANULARITIES
    }


def _features(sentence) -> list[str]:
    """A sentence's word features as the TF-IDF matcher numbers them: its
    content terms and their bigrams."""
    from provenance.analysis.tokens import content_terms

    terms = content_terms(sentence.tokens)
    return terms + [f"{a}_{b}" for a, b in zip(terms, terms[1:])]


def as_first_format(document):
    """``document`` as the first index format keeps it: without the item
    fields (author, encoding, guid, version, status), which it had no place for."""
    from dataclasses import replace

    from provenance.model import ITEM_FIELDS

    return replace(document, **dict.fromkeys(ITEM_FIELDS))
