"""From an article's raw text to a :class:`Document`: cleaned display text,
attribution lines set apart, sentences with offsets, tokens and shingles.

Two strings matter here. The *display* text is what a reader sees: Unicode
NFC, hard wraps joined and page furniture removed, but quotes, dashes and
case kept. *Matching* tokens are folded (NFKC, case, quotes, dashes) and
always carry offsets back into the display text, so reports can highlight
the original.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import numpy as np
import sentencex
import snowballstemmer

from .articles import Article
from .attribution import Attribution, is_wire, read_paragraph_head, starts_attribution
from .config import DEFAULT_SETTINGS, Settings

Span = tuple[int, int]


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document's body."""

    #: Its place among the document's sentences (ledgers and reports read
    #: sentence ``i`` as ``sentences[i]``).
    index: int
    text: str
    #: Offsets of ``text`` in :attr:`Document.text`.
    start: int
    end: int
    #: Folded word tokens used for matching, with their offsets in ``text``.
    tokens: tuple[str, ...]
    token_spans: tuple[Span, ...]


@dataclass(frozen=True)
class Document:
    """An article ready for matching: display text, sentences and metadata."""

    id: str
    text: str
    sentences: tuple[Sentence, ...]
    attributions: tuple[Attribution, ...]
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    origin: str
    #: Metadata fields that were sniffed from the text rather than given.
    sniffed: tuple[str, ...] = ()

    @property
    def word_count(self) -> int:
        return sum(len(s.tokens) for s in self.sentences)

    @property
    def is_wire(self) -> bool:
        """Carries a wire dateline or is published by a wire agency."""
        return is_wire(self.outlet) or any(
            a.kind == "dateline" and any(is_wire(n) for n in a.names) for a in self.attributions
        )

    def author_names(self) -> tuple[str, ...]:
        return tuple(n for a in self.attributions if a.kind == "byline" for n in a.names)

    def sentence_text(self, index: int) -> str:
        """``sentences[index].text`` (a stored document answers without
        rebuilding every sentence)."""
        return self.sentences[index].text

    @property
    def sentence_count(self) -> int:
        return len(self.sentences)

    def sentence_texts(self) -> list[str]:
        """Every sentence's text (a stored or loaded document answers
        without making sentence objects)."""
        return [s.text for s in self.sentences]


# --- normalisation -------------------------------------------------------------

# Control characters, C1 controls, and every format character (Unicode
# category Cf: zero-width spaces and joiners, direction marks and isolates,
# invisible operators, tags), the combining grapheme joiner and variation
# selectors. Inserted
# into words they would hide a verbatim copy from matching.
# (Format characters live in the first two planes and among the tags of
# plane 14; planes 2-13 hold none. Scanning only those keeps start-up quick;
# a test checks the whole range gives the same.)
_FORMAT_RANGES = (range(0xA0, 0x20000), range(0xE0000, 0xE0080))
_INVISIBLE = dict.fromkeys(
    c for c in range(0x20) if chr(c) not in "\n\t\v\f"
) | dict.fromkeys(range(0x7F, 0xA0)) | dict.fromkeys(
    c for codes in _FORMAT_RANGES for c in codes if unicodedata.category(chr(c)) == "Cf"
) | {0x34F: None} | dict.fromkeys(range(0xFE00, 0xFE10)) | dict.fromkeys(range(0xE0100, 0xE01F0))
# Line and paragraph separators of every kind become newlines (after CRLF
# pairs become one). U+2028 and U+2029 also crash the sentence segmenter.
_LINE_BREAKS = dict.fromkeys(map(ord, "\r\v\f\x85\u2028\u2029"), "\n")
# Tabs and every other space become plain spaces; invisible characters go.
_SPACES = dict.fromkeys(map(ord, "\t\u00a0\u1680\u202f\u205f\u3000"), " ") | dict.fromkeys(range(0x2000, 0x200B), " ")
_AFTER_NFC = _INVISIBLE | _SPACES
_QUOTES = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"', "‹": "'", "›": "'",
    "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "‐": "-", "‑": "-",
})


def normalise_display(raw: str) -> str:
    """NFC, unified newlines and spaces, control and zero-width characters removed."""
    # Tables, not regular expressions: a translation is one pass, and an
    # alternation or character class costs more than the rest together.
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").translate(_LINE_BREAKS))
    return text.translate(_AFTER_NFC)


def fold(text: str) -> str:
    """The matching form of a string: compatibility-normalised, casefolded,
    quotes and dashes unified."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()


# --- page furniture and hard wraps -----------------------------------------------

_FURNITURE = re.compile(
    r"""^(?:
        \d+\s+comments?|comments?|no\s+comments?|leave\s+a\s+comment
      | related(?:\s+(?:articles?|stories|news|posts|content|coverage|topics))?:?
      | share(?:\s+(?:this|the))?(?:\s+(?:article|story|page|post))?
      | share\s+(?:on|via)\s+(?:facebook|twitter|x|linkedin|whatsapp|telegram|email|reddit)
      | (?:tweet|email|print|save|copy\s+link|whatsapp|facebook|twitter|linkedin|telegram|reddit)
      | advertisement|advert|sponsored(?:\s+content)?|read\s+more|see\s+also|more\s+from\s+\w+
      | subscribe(?:\s+now)?|sign\s+up(?:\s+(?:now|here|today))?
      | sign\s+up\s+(?:for|to)\s+(?:our|the)\s+\w+\s+newsletter|follow\s+us(?:\s+on\s+\w+)?
      | \d+\s+min(?:ute)?s?(?:\s+read)?|\d+\s+(?:hours?|minutes?|days?)\s+ago
      | [a-z]+(?:_[a-z]+)+                      # template or widget identifiers
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_SENTENCE_END = re.compile(r"""[.!?:;]['"’”»)\]]*\s*$""")
# A line shorter than this never wraps onto the next: dates, site names,
# headings. Scaled down for texts wrapped narrower than 80 columns.
_MIN_WRAPPED_LINE = 40


def is_furniture(line: str) -> bool:
    """A whole line of page chrome: share widgets, comment counters, 'Related'."""
    return bool(_FURNITURE.match(line.strip()))


class _Paragraph(NamedTuple):
    text: str
    #: The paragraph ended at a blank line (rather than a single newline).
    blank_after: bool


def paragraphs(text: str) -> list[_Paragraph]:
    """Split display text into paragraphs, joining hard-wrapped lines.

    A line break is a soft wrap when the line is long enough to have been
    wrapped and does not end a sentence, or when the next line starts in
    lower case; short lines (dates, site names, headings) stay on their own.
    """
    out: list[_Paragraph] = []
    current: list[str] = []

    def close(blank_after: bool) -> None:
        if current:
            out.append(_Paragraph(" ".join(current), blank_after))
            current.clear()

    lines = [line.strip() for line in text.split("\n")]
    # Blank lines and page furniture break paragraphs (each line is asked once).
    breaks = [not line or is_furniture(line) for line in lines]
    widest = max(map(len, lines), default=0)
    min_wrapped = max(20, min(_MIN_WRAPPED_LINE, widest // 2))
    last = len(lines) - 1
    for i, line in enumerate(lines):
        if breaks[i]:
            close(blank_after=True)
            continue
        current.append(line)
        if i == last or breaks[i + 1]:
            continue  # closed on the next iteration
        if not _soft_wrap(line, lines[i + 1], min_wrapped):
            close(blank_after=False)
    close(blank_after=True)
    return [p for p in out if p.text.strip()]


def _soft_wrap(line: str, following: str, min_wrapped: int) -> bool:
    if starts_attribution(following) or starts_attribution(line):
        return False  # datelines, bylines, credit and site lines stand alone
    if following[:1].islower():
        return True
    return len(line) >= min_wrapped and not _SENTENCE_END.search(line)


# --- tokens, stems, shingles ------------------------------------------------------

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
        tokens = tuple(_fold_token(t) for t in raw)
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
    return [_fold_token(t) for t in _TOKEN.findall(text)]


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
def _fold_token(raw: str) -> str:
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
        "words": word_shingles(words, settings.word_shingle_size),
        "content": word_shingles(content, settings.content_shingle_size),
    }


# --- the document ---------------------------------------------------------------

_TOP_PARAGRAPHS = 4
_TITLE_MAX_CHARS = 200


def analyse(article: Article, settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Normalise, separate attribution from body, segment and tokenise one article."""
    display, attributions, published, bodies = _read(article)
    return _document(article, display, attributions, published, bodies, _segment(bodies, settings.language))


def _read(article: Article) -> tuple[str, list[Attribution], str | None, list[tuple[int, str, bool]]]:
    """Display text, attribution lines, sniffed date and body paragraphs."""
    paras = paragraphs(normalise_display(article.text))
    pieces: list[str] = []
    attributions: list[Attribution] = []
    bodies: list[tuple[int, str, bool]] = []  # (offset in display text, body, blank_after)
    published = None
    offset = 0
    for number, para in enumerate(paras):
        head = read_paragraph_head(para.text, near_top=number < _TOP_PARAGRAPHS and published is None)
        attributions.extend(head.attributions)
        published = published or head.published
        body = para.text[head.body_start :]
        if body.strip():
            bodies.append((offset + head.body_start, body, para.blank_after))
        pieces.append(para.text)
        offset += len(para.text) + 2
    return "\n\n".join(pieces), attributions, published, bodies


@dataclass(frozen=True)
class ReadArticle:
    """An article read as far as its sentences' places, before any
    sentence object is made: what :func:`analyse_lazily` builds on, and all
    that a scan keeps of each article (see ``scan.StoredDocument``)."""

    article: Article
    display: str
    attributions: tuple[Attribution, ...]
    #: (start in ``display``, text) of each sentence.
    sentences: tuple[tuple[int, str], ...]
    title: str | None
    outlet: str | None
    published: str | None
    #: The metadata fields sniffed from the text rather than given.
    sniffed: tuple[str, ...]

    def document_fields(self) -> dict[str, Any]:
        """The document's fields but its text and sentences."""
        article = self.article
        return {"id": article.id, "attributions": self.attributions, "title": self.title, "outlet": self.outlet,
                "published": self.published, "url": article.url, "origin": article.origin, "sniffed": self.sniffed}

    def matching_text(self) -> str:
        """The sentences' text, one a line: ``tokenize`` of it gives the
        document's tokens in order (no token crosses a line)."""
        return "\n".join(text for _, text in self.sentences)


def read_sentences(article: Article, settings: Settings = DEFAULT_SETTINGS) -> ReadArticle:
    """The article's display text, metadata and sentences' places."""
    display, attributions, published, bodies = _read(article)
    kept = [(start, piece) for start, piece in sentence_pieces(bodies, settings.language) if _TOKEN.search(piece)]
    first = (kept[0][0], kept[0][0] + len(kept[0][1])) if kept else None
    return ReadArticle(article, display, tuple(attributions), tuple(kept),
                       *_metadata(article, attributions, published, bodies, first))


def _metadata(article: Article, attributions: list[Attribution], published: str | None,
              bodies: list[tuple[int, str, bool]], first: Span | None) -> tuple[str | None, str | None, str | None, tuple[str, ...]]:
    """Title, outlet and date (given, else sniffed), and which were sniffed."""
    title = article.title or _sniff_title(bodies, first)
    outlet = article.outlet or _sniff_outlet(attributions)
    published_final = article.published or published
    sniffed = tuple(
        name
        for name, given, value in (
            ("title", article.title, title),
            ("outlet", article.outlet, outlet),
            ("published", article.published, published_final),
        )
        if not given and value
    )
    return title, outlet, published_final, sniffed


def _document(
    article: Article, display: str, attributions: list[Attribution], published: str | None,
    bodies: list[tuple[int, str, bool]], sentences: tuple[Sentence, ...],
) -> Document:
    first = (sentences[0].start, sentences[0].end) if sentences else None
    title, outlet, published_final, sniffed = _metadata(article, attributions, published, bodies, first)
    return Document(
        id=article.id,
        text=display,
        sentences=sentences,
        attributions=tuple(attributions),
        title=title,
        outlet=outlet,
        published=published_final,
        url=article.url,
        origin=article.origin,
        sniffed=sniffed,
    )


def analyse_lazily(article: Article, settings: Settings = DEFAULT_SETTINGS) -> Document:
    """:func:`analyse` without tokenising: the sentences find their tokens
    when first asked (equal to ``analyse(article)`` in every field)."""
    read = read_sentences(article, settings)
    sentences = tuple(LazySentence(i, piece, start, start + len(piece)) for i, (start, piece) in enumerate(read.sentences))
    return Document(text=read.display, sentences=sentences, **read.document_fields())


_FIELDS = ("index", "text", "start", "end", "tokens", "token_spans")


class LazySentence(Sentence):
    """A :class:`Sentence` whose tokens are found when first needed, and
    their offsets only when asked for (matching reads the tokens of every
    sentence, but offsets only of sentences with copied runs); equal to
    (and hashing like) the eager one."""

    def __init__(self, index: int, text: str, start: int, end: int,
                 tokens: tuple[str, ...] | None = None, token_spans: tuple[Span, ...] | None = None):
        # One dict update rather than six frozen-dataclass assignments: a
        # scan makes one of these per sentence each time a document is read.
        vars(self).update(index=index, text=text, start=start, end=end, _tokens=tokens,
                          _spans=token_spans if tokens is not None else None)

    @property
    def tokens(self) -> tuple[str, ...]:  # type: ignore[override]
        if self._tokens is None:
            object.__setattr__(self, "_tokens", tuple(fast_tokens(self.text)))
        return self._tokens

    @property
    def token_spans(self) -> tuple[Span, ...]:  # type: ignore[override]
        if self._spans is None:
            object.__setattr__(self, "_spans", token_offsets(self.text))
        return self._spans

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sentence):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _FIELDS)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f) for f in _FIELDS))


def _segment(bodies: list[tuple[int, str, bool]], language: str) -> tuple[Sentence, ...]:
    sentences: list[Sentence] = []
    for start, piece in sentence_pieces(bodies, language):
        tokens, spans = tokenize(piece)
        if not tokens:
            continue
        sentences.append(Sentence(len(sentences), piece, start, start + len(piece), tokens, spans))
    return tuple(sentences)


def sentence_pieces(bodies: list[tuple[int, str, bool]], language: str) -> Iterator[tuple[int, str]]:
    """Each segment of the body paragraphs with its offset in the display
    text; the ones holding a token are the document's sentences."""
    for base, body, _ in bodies:
        cursor = 0
        for piece in _segment_paragraph(language, body):
            piece = piece.strip()
            if not piece:
                continue
            at = body.find(piece, cursor)
            if at < 0:  # the segmenter altered the text; fall back to the remainder
                at, piece = cursor, body[cursor:].strip()
            cursor = at + len(piece)
            yield base + at, piece


def _segment_paragraph(language: str, body: str) -> list[str]:
    """sentencex's sentences, or the paragraph whole should it fail: the
    segmenter is compiled code and its failures (a Rust panic) are not
    ordinary exceptions, so they are caught broadly here and nowhere else."""
    try:
        return list(sentencex.segment(language, body))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - see the docstring
        return [body]


def _sniff_title(bodies: list[tuple[int, str, bool]], first: Span | None) -> str | None:
    """The first body paragraph when it stands alone like a headline
    (``first``: where the first sentence starts and ends)."""
    if len(bodies) < 2 or first is None:
        return None
    base, body, blank_after = bodies[0]
    one_sentence = first[0] == base and first[1] >= base + len(body.rstrip())
    if blank_after and one_sentence and len(body.strip()) <= _TITLE_MAX_CHARS:
        return body.strip()
    return None


def _sniff_outlet(attributions: list[Attribution]) -> str | None:
    """Wire dateline first, then a site-name line, then a Source line, then a byline agency."""
    for kind in ("dateline", "site", "credit", "byline"):
        for attribution in attributions:
            if attribution.kind != kind:
                continue
            if kind == "credit":
                named = _credit_outlet(attribution.text)
                if named:
                    return named
            elif kind == "byline":
                wires = [n for n in attribution.names if is_wire(n)]
                if wires:
                    return wires[0]
            elif attribution.names:
                return attribution.names[0]
    return None


_SOURCE_LINE = re.compile(r"^\s*sources?\s*[:\-–—]\s*(?P<name>[^()\[\],;–—]+)", re.IGNORECASE)


def _credit_outlet(line: str) -> str | None:
    """The outlet a 'Source: X (...)' line names first."""
    match = _SOURCE_LINE.match(line)
    if not match:
        return None
    name = match["name"].strip().rstrip(".")
    # A long "Source: ..." is a sentence, not an outlet's name.
    return name if name and len(name) <= 60 and len(name.split()) <= 6 else None
