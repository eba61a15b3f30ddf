"""The meaning-aware sentence matcher: the TF-IDF score, raised where a
sentence embedding says two sentences mean the same in other words.

The embedding is WordLlama's 256-dimension static token embedding (the
``l2_supercat`` model, 32,000 tokens, shipped inside the ``wordllama``
wheel): a sentence is the mean of its tokens' vectors, as WordLlama
computes it, read here straight from the package's files with the
``tokenizers`` and ``safetensors`` it depends on -- no network, no
download, no model hub. It is cheap (about 20,000 sentences a second on
one core) and English only.

For a derived sentence its words leave unmatched (best TF-IDF score under
:data:`SETTLED`, the shipped ``rewrite_threshold``), the blend::

    blend[i, j] = WEIGHT * tfidf[i, j] + (1 - WEIGHT) * cosine[i, j]

is computed against every source sentence, and each score is raised to
``blend * SETTLED / BOUNDARY`` when that is higher: a blend at
:data:`BOUNDARY` scores as the ledger's threshold. ``WEIGHT`` and
``BOUNDARY`` come from one logistic regression over the two scores, fitted
on the MSR paraphrase train split (coefficients 3.58 and 2.86, intercept
-3.16: the TF-IDF share of the weights is 0.556, and a pair is a paraphrase
when the blend reaches 3.16 / 6.44 = 0.49). The lexical scores go with
the raised ones (``Match.lexical``): the ledger merges neighbouring source
sentences on words alone, so no merge rests on the embedding, and a
sentence matched by its words keeps the TF-IDF answer.

>>> from provenance.matching.tfidf import Vectoriser
>>> matcher = MeaningMatcher(Vectoriser())    # doctest: +SKIP
"""

from __future__ import annotations

import importlib.util
import itertools
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..model import DocumentView
from .matcher import Match, SentenceMatch, SentenceMatcher
from .tfidf import Vectoriser

#: The TF-IDF share of the blend, and the blend at which MSR's train split
#: turns from "different" to "paraphrase" (see the module's notes).
WEIGHT = 0.556
BOUNDARY = 0.49

#: Derived sentences whose best TF-IDF score is under this (the shipped
#: ``rewrite_threshold``) are the ones the embedding may match.
SETTLED = 0.40

#: The package that ships the model, and its files inside it.
MODEL_PACKAGE = "wordllama"
_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")


class StaticEmbedder:
    """Mean-pooled token embeddings, unit length (WordLlama's ``embed`` with
    ``norm=True``), from the files of the installed package.

    The tokenizer (SentencePiece BPE: a space becomes ``▁`` and no piece
    spans one) splits a text into the pieces of its space-separated words,
    so each word's pieces are asked once and kept (up to :attr:`WORDS`
    words, then afresh): the same ids as tokenizing the whole text, at a
    fraction of the cost (``tests/matching/test_meaning.py`` checks).
    """

    #: Words whose token ids are kept (about 100 bytes each), and sentences
    #: whose rows are (1 KB each).
    WORDS = 500_000
    SENTENCES = 50_000

    def __init__(self, folder: Path):
        # The words asked at a time are a document's new ones, a few dozen:
        # the tokenizer's thread pool costs more than it saves on those, and
        # a scan's worker processes already keep every core busy.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights = load_file(str(folder.joinpath(*_WEIGHTS)))
        self.table = next(iter(weights.values())).astype(np.float32)
        self.tokenizer = Tokenizer.from_file(str(folder.joinpath(*_TOKENIZER)))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        # Two spaces in a row: the second is a piece of its own.
        self._words: dict[str, tuple[int, ...]] = {}
        self._sentences: dict[str, np.ndarray] = {}

    def token_ids(self, text: str) -> list[int]:
        """The text's token ids, as the tokenizer gives them for the whole text."""
        return self._ids([text])[0]

    def _ids(self, texts: list[str]) -> list[list[int]]:
        if any("  " in text for text in texts):  # a run of spaces may merge into one piece: asked whole
            return [list(self.tokenizer.encode(text, add_special_tokens=False).ids) if "  " in text
                    else self._ids([text])[0] for text in texts]
        split = [text.split(" ") if text else [] for text in texts]
        known = self._words
        new = [w for w in dict.fromkeys(itertools.chain.from_iterable(split)) if w not in known]
        if new:  # one call for every new word of the batch
            if len(known) + len(new) > self.WORDS:
                known.clear()
            # The tokenizer's normaliser only puts "▁" before the text and for
            # each space: a word's pieces are its model's for "▁" + word.
            tokenize = self.tokenizer.model.tokenize
            for word in new:
                known[word] = tuple(piece.id for piece in tokenize("▁" + word))
        return [[i for w in words for i in known[w]] for words in split]

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit row per text (zeros for a text with no tokens). Rows of
        texts seen lately are kept (up to :attr:`SENTENCES`): in a feed the
        wire's sentences recur in every copy of it."""
        kept = self._sentences
        out = np.empty((len(texts), self.table.shape[1]), dtype=np.float32)
        new = []
        for k, text in enumerate(texts):
            row = kept.get(text)
            if row is None:
                new.append(k)
            else:
                out[k] = row
        if new:
            rows = self._embed([texts[k] for k in new])
            out[new] = rows
            if len(kept) + len(new) > self.SENTENCES:
                kept.clear()  # (the rows asked for are in ``out`` already)
            for k, row in zip(new, rows):
                kept[texts[k]] = row
        return out

    def _embed(self, texts: list[str]) -> np.ndarray:
        from scipy import sparse  # (scikit-learn's dependency)

        ids = self._ids(texts)
        counts = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64, count=int(counts.sum()))
        # Each text's token counts times the table: the sums of its tokens'
        # rows, whose direction is the mean's (a sparse product: one pass).
        counted = sparse.csr_matrix((np.ones(len(flat), dtype=np.float32), flat,
                                     np.concatenate([[0], np.cumsum(counts)])), shape=(len(texts), len(self.table)))
        out = np.asarray(counted @ self.table, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


@lru_cache(maxsize=1)
def embedder() -> StaticEmbedder:
    """The model, loaded once; a clear error when its package is missing."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ConfigError("the 'meaning' sentence matcher needs the wordllama package: "
                          "pip install 'provenance-news[meaning]'")
    folder = Path(spec.origin).parent
    if not folder.joinpath(*_WEIGHTS).is_file() or not folder.joinpath(*_TOKENIZER).is_file():
        raise ConfigError(f"the installed wordllama package holds no {'/'.join(_WEIGHTS)}: reinstall it")
    return StaticEmbedder(folder)


class MeaningMatcher(SentenceMatcher):
    """TF-IDF, raised by sentence embeddings where the words leave a
    sentence unmatched (see the module's notes)."""

    name = "meaning"

    def __init__(self, vocabulary: Vectoriser, weight: float = WEIGHT, settled: float = SETTLED):
        self.vectoriser = vocabulary
        self.weight, self.settled = weight, settled
        self.model = embedder()
        self._vectors: dict[tuple[str, str], np.ndarray] = {}

    def vectors_of(self, document: DocumentView) -> np.ndarray:
        """The document's sentence embeddings (kept until :meth:`forget`)."""
        key = (document.id, document.text)
        found = self._vectors.get(key)
        if found is None:
            found = self._vectors[key] = self.model.embed(document.sentence_texts())
        return found

    def match(self, derived: DocumentView, source: DocumentView) -> SentenceMatch:
        lexical = self.vectoriser.pair(derived, source)
        similarity = lexical.similarity
        if not similarity.size:
            return lexical
        open_rows = np.flatnonzero(similarity.max(axis=1) < self.settled)
        if not len(open_rows):
            return lexical
        theirs = self.vectors_of(source)
        cosine = self.vectors_of(derived)[open_rows] @ theirs.T
        meaning = np.zeros_like(similarity)
        meaning[open_rows] = self.weight * similarity[open_rows] + (1.0 - self.weight) * np.clip(cosine, 0.0, 1.0)
        scale = self.settled / BOUNDARY
        # The blend is the product of rows that join each sentence's TF-IDF
        # row (times sqrt(WEIGHT)) and its embedding (times sqrt(1 - WEIGHT)):
        # its source rows' products are the same mix of the two grams.
        gram = lexical.gram
        meaning_gram = self.weight * gram + (1.0 - self.weight) * (theirs @ theirs.T)
        raised = np.maximum(similarity, meaning * scale)
        return Match(raised, gram, compiled=getattr(lexical, "compiled", False), lexical=similarity,
                     meaning=meaning, meaning_gram=meaning_gram, meaning_scale=scale)

    def forget(self, document: DocumentView) -> None:
        self.vectoriser.forget(document)
        self._vectors.pop((document.id, document.text), None)
