"""From an article's raw text to a :class:`~provenance.model.Document`:
attribution lines set apart, metadata sniffed, sentences with offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sentencex

from ..config import (
    DEFAULT_SETTINGS,
    SOURCE_NAME_MAX_CHARS,
    SOURCE_NAME_MAX_WORDS,
    TITLE_MAX_CHARS,
    TOP_PARAGRAPHS,
    Settings,
)
from ..model import ITEM_FIELDS, Article, Attribution, Document, Sentence, Span
from ..outlets import is_wire
from .attribution import read_paragraph_head
from .limits import cut_text, limit_sentences, plural, warn_cut
from .normalise import normalise_display, paragraphs
from .tokens import _TOKEN, fast_tokens, token_offsets, tokenize


def analyse(article: Article, settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Normalise, separate attribution from body, segment and tokenise one
    article (cut, with a warning, past the limits of ``settings.fingerprint``:
    see :mod:`provenance.analysis.limits`)."""
    read = read_sentences(article, settings)
    sentences = tuple(Sentence(i, piece, start, start + len(piece), *tokenize(piece))
                      for i, (start, piece) in enumerate(read.sentences))
    return Document(text=read.display, sentences=sentences, **read.document_fields())


#: One paragraph's attribution lines and sniffed date, by the paragraph's offset in the display text.
_Head = tuple[int, tuple[Attribution, ...], "str | None"]


def _read(text: str) -> tuple[str, list[_Head], list[tuple[int, str, bool]]]:
    """Display text, each paragraph's attribution lines and date, and the body paragraphs."""
    paras = paragraphs(normalise_display(text))
    pieces: list[str] = []
    heads: list[_Head] = []
    bodies: list[tuple[int, str, bool]] = []  # (offset in display text, body, blank_after)
    published = None
    offset = 0
    for number, para in enumerate(paras):
        head = read_paragraph_head(para.text, near_top=number < TOP_PARAGRAPHS and published is None)
        published = published or head.published
        heads.append((offset, tuple(head.attributions), head.published))
        body = para.text[head.body_start :]
        if body.strip():
            bodies.append((offset + head.body_start, body, para.blank_after))
        pieces.append(para.text)
        offset += len(para.text) + 2
    return "\n\n".join(pieces), heads, bodies


@dataclass(frozen=True)
class ReadArticle:
    """An article read as far as its sentences' places, before any
    sentence object is made: what :func:`analyse_lazily` builds on, and all
    that a scan keeps of each article (see ``provenance.pipeline.store.StoredDocument``)."""

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
                "published": self.published, "url": article.url, "origin": article.origin, "sniffed": self.sniffed,
                **{name: getattr(article, name) for name in ITEM_FIELDS}}

    def matching_text(self) -> str:
        """The sentences' text, one a line: ``tokenize`` of it gives the
        document's tokens in order (no token crosses a line)."""
        return "\n".join(text for _, text in self.sentences)


def read_sentences(article: Article, settings: Settings = DEFAULT_SETTINGS) -> ReadArticle:
    """The article's display text, metadata and sentences' places, cut to
    the limits of ``settings.fingerprint`` (with an :class:`~provenance.analysis.limits.ArticleCut`
    warning naming the article when it is)."""
    knobs = settings.fingerprint
    cuts: list[str] = []
    text = article.text
    if len(text) > knobs.max_article_chars:
        text = cut_text(text, knobs.max_article_chars)
        cuts.append(f"cut to the first {knobs.max_article_chars:,} characters (of {len(article.text):,})")
    display, heads, bodies = _read(text)
    pieces = ((start, piece) for start, piece in sentence_pieces(bodies, knobs.language) if _TOKEN.search(piece))
    kept, total, split = limit_sentences(pieces, knobs.max_sentences, knobs.max_sentence_words)
    if split:
        cuts.append(f"{plural(split, 'sentence')} of more than {knobs.max_sentence_words:,} words split "
                    f"into pieces of at most {knobs.max_sentence_words:,}")
    if total > len(kept):
        # What is kept ends with the last sentence kept: the text after it,
        # and the attribution lines of paragraphs past it, go too.
        display, heads, bodies = _cut_at(kept[-1][0] + len(kept[-1][1]), display, heads, bodies)
        cuts.append(f"cut to the first {plural(len(kept), 'sentence')} (of {total:,})")
    if cuts:
        warn_cut(article.origin or article.id, cuts)
    attributions = [a for _, found, _ in heads for a in found]
    published = next((date for _, _, date in heads if date), None)
    first = (kept[0][0], kept[0][0] + len(kept[0][1])) if kept else None
    return ReadArticle(article, display, tuple(attributions), tuple(kept),
                       *_metadata(article, attributions, published, bodies, first))


def _cut_at(stop: int, display: str, heads: list[_Head], bodies: list[tuple[int, str, bool]]
            ) -> tuple[str, list[_Head], list[tuple[int, str, bool]]]:
    """The display text, paragraph heads and bodies before offset ``stop``."""
    kept_bodies = [(at, body[: stop - at], blank) for at, body, blank in bodies if at < stop]
    return display[:stop], [head for head in heads if head[0] < stop], kept_bodies


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


def analyse_lazily(article: Article, settings: Settings = DEFAULT_SETTINGS) -> Document:
    """:func:`analyse` without tokenising: the sentences find their tokens
    when first asked (equal to ``analyse(article)`` in every field)."""
    read = read_sentences(article, settings)
    sentences = tuple(LazySentence(i, piece, start, start + len(piece)) for i, (start, piece) in enumerate(read.sentences))
    return Document(text=read.display, sentences=sentences, **read.document_fields())


_FIELDS = ("index", "text", "start", "end", "tokens", "token_spans")


class LazySentence:
    """A sentence whose tokens are found when first needed, and their
    offsets only when asked for (matching reads the tokens of every
    sentence, but offsets only of sentences with copied runs): it answers
    what a :class:`~provenance.model.Sentence` holds, and is equal to (and
    hashes like) the eager one."""

    __slots__ = ("index", "text", "start", "end", "_tokens", "_spans")

    def __init__(self, index: int, text: str, start: int, end: int,
                 tokens: tuple[str, ...] | None = None, token_spans: tuple[Span, ...] | None = None):
        # A scan makes one of these per sentence each time a document is read.
        self.index, self.text, self.start, self.end = index, text, start, end
        self._tokens, self._spans = tokens, (token_spans if tokens is not None else None)

    @property
    def tokens(self) -> tuple[str, ...]:
        if self._tokens is None:
            self._tokens = tuple(fast_tokens(self.text))
        return self._tokens

    @property
    def token_spans(self) -> tuple[Span, ...]:
        if self._spans is None:
            self._spans = token_offsets(self.text)
        return self._spans

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (Sentence, LazySentence)):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _FIELDS)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f) for f in _FIELDS))

    def __repr__(self) -> str:
        return f"LazySentence(index={self.index}, text={self.text!r}, start={self.start}, end={self.end})"

    def __reduce__(self) -> tuple:
        return (LazySentence, (self.index, self.text, self.start, self.end, self._tokens, self._spans))


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
    if blank_after and one_sentence and len(body.strip()) <= TITLE_MAX_CHARS:
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
    return name if name and len(name) <= SOURCE_NAME_MAX_CHARS and len(name.split()) <= SOURCE_NAME_MAX_WORDS else None
