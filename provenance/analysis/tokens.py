"""Matching tokens: folded words with offsets, stems, stop words, shingles.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import numpy as np
import snowballstemmer

from ..config import DEFAULT_SETTINGS, Settings
from ..model import CONTENT, WORDS, Document, Span
from .normalise import fold

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")


_STEMMER = snowballstemmer.stemmer("english")


def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop words (the Glasgow IR group's list).
    Read as a literal from the module that holds them: importing scikit-learn
    would cost every scan half a second for this one list. Its own import
    is the fallback should the module's shape change."""
    try:
        spec = importlib.util.find_spec("sklearn")
        folder = Path(next(iter(spec.submodule_search_locations)))  # type: ignore[union-attr]
        tree = ast.parse((folder / "feature_extraction" / "_stop_words.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if (isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["ENGLISH_STOP_WORDS"]
                    and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", None) == "frozenset"):
                words = ast.literal_eval(node.value.args[0])
                if words and all(isinstance(w, str) for w in words):
                    return frozenset(words)
    except (AttributeError, ImportError, OSError, SyntaxError, StopIteration, TypeError, ValueError, IndexError):
        pass
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


STOP_WORDS = english_stop_words() | {"s", "t", "mr", "mrs", "ms", "said", "says"}


def tokenize(text: str) -> tuple[tuple[str, ...], tuple[Span, ...]]:
    """Folded word tokens of ``text`` and their offsets in it."""
    # Splitting on the token pattern gives separators and tokens in turn;
    # their running lengths are the offsets (cheaper than a match object
    # per token). ASCII folds to lower case and lower-casing keeps every
    # offset (NFKC and the quote table change nothing a token can hold).
    ascii_only = text.isascii()
    parts = _TOKEN_SPLIT.split(text.lower() if ascii_only else text)
    ends = list(accumulate(map(len, parts)))
    spans = tuple(zip(ends[0::2], ends[1::2]))
    raw = parts[1::2]
    if ascii_only:
        tokens = tuple(t.replace("'", "") for t in raw) if "'" in text else tuple(raw)
    else:
        tokens = tuple(fold_token(t) for t in raw)
    return tokens, spans


def token_offsets(text: str) -> tuple[Span, ...]:
    """``tokenize(text)[1]`` without the tokens."""
    ends = list(accumulate(map(len, _TOKEN_SPLIT.split(text.lower() if text.isascii() else text))))
    return tuple(zip(ends[0::2], ends[1::2]))


def fast_tokens(text: str) -> list[str]:
    """``list(tokenize(text)[0])`` without the offsets."""
    if text.isascii():
        lowered = text.lower()
        tokens = _TOKEN.findall(lowered)
        return [t.replace("'", "") for t in tokens] if "'" in lowered else tokens
    return [fold_token(t) for t in _TOKEN.findall(text)]


def sentence_tokens(texts: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The tokens of several sentences in one pass: all of them in order
    (``fast_tokens`` of each text, concatenated), the sentence of each, and
    each token's (start, end) within its sentence (``token_offsets``).

    The texts are joined by newlines, which no token crosses, and tokenised
    once: a document's sentences cost one regular-expression call, not one
    each."""
    tokens, offsets = tokenize("\n".join(texts))
    positions = np.array(offsets, dtype=np.int64).reshape(-1, 2)
    widths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    line_starts = np.cumsum(widths) - widths
    rows = np.searchsorted(line_starts, positions[:, 0], side="right") - 1
    return list(tokens), rows, positions - line_starts[rows][:, None]


@lru_cache(maxsize=65_536)
def fold_token(raw: str) -> str:
    return raw.lower().replace("'", "") if raw.isascii() else fold(raw).replace("'", "")


@lru_cache(maxsize=262_144)
def stem(token: str) -> str:
    return _STEMMER.stemWord(token)


def content_terms(tokens: tuple[str, ...] | list[str]) -> list[str]:
    """Stemmed content words: stop words and one-letter tokens removed."""
    return [stem(t) for t in tokens if len(t) > 1 and t not in STOP_WORDS]


def content_stem(token: str) -> str | None:
    """The stem of a folded token when it is a content word, else None
    (``content_terms`` token by token)."""
    return stem(token) if len(token) > 1 and token not in STOP_WORDS else None


def content_stems(tokens: Sequence[str]) -> list[str | None]:
    """``content_stem`` of each token, the stems found in one call (new
    tokens come by the thousand in a scan)."""
    content = [t for t in tokens if len(t) > 1 and t not in STOP_WORDS]
    stems = iter(_STEMMER.stemWords(content))
    return [next(stems) if len(t) > 1 and t not in STOP_WORDS else None for t in tokens]


def word_shingles(tokens: list[str], size: int) -> set[str]:
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def document_shingles(document: Document, settings: Settings = DEFAULT_SETTINGS) -> dict[str, set[str]]:
    """The shingle sets behind each fingerprint granularity."""
    words = [t for s in document.sentences for t in s.tokens]
    content = content_terms(words)
    return {
        WORDS: word_shingles(words, settings.fingerprint.word_shingle_size),
        CONTENT: word_shingles(content, settings.fingerprint.content_shingle_size),
    }
