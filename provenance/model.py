"""The plain data that flows between stages: what a reader gives (Article,
and its Origin), what analysis makes (Attribution, Sentence, Document),
what fingerprinting makes (Signature), what alignment and judging make
(SentenceAlignment, Ledger, Scores, Prediction, Relation) and what a scan
returns (Story, ScanResult). Frozen dataclasses and the read interface
every shape of a document shares (DocumentView); no stage logic. (What a
check returns is the gate's own: provenance.gate.result.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .config import Settings
from .errors import InputError
from .origin import Origin
from .outlets import is_wire

if TYPE_CHECKING:  # importing datasketch costs a scan half a second (scipy): only where its objects are made
    from datasketch import LeanMinHash


@dataclass(frozen=True)
class Article:
    """One article as given: its text untouched and whatever metadata came with it."""

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    #: Where it came from: a path, ``path:line`` for JSONL, or ``<stdin>``
    #: (an :class:`Origin` when a reader made it).
    origin: str = ""
    #: The byline, as the input gives it (a feed's author, an agency item's by-line).
    author: str | None = None
    #: The character encoding its bytes were decoded from (``utf-8``,
    #: ``cp1252``...), for inputs read from bytes; None otherwise.
    encoding: str | None = None
    #: An agency item's own identifier and version (ninjs ``uri``/``version``,
    #: NewsML-G2 ``guid``/``version``): later versions of one item are updates of it.
    guid: str | None = None
    version: str | None = None
    #: The publishing status an agency item declares (``usable``,
    #: ``withdrawn``, ``canceled``); a withdrawn item is never a source.
    status: str | None = None


#: How far a long stage has come: ``progress(stage, done, total)`` with
#: ``total`` None while it is not known (a scan still reading its inputs).
#: Scans, checks and index adds call it; the command line draws it on a terminal.
Progress = Callable[[str, int, "int | None"], None]


#: The metadata of :class:`Article` beyond title, outlet, published and url
#: that readers may give and documents carry through to every report.
ITEM_FIELDS = ("author", "encoding", "guid", "version", "status")


@dataclass(frozen=True, slots=True)
class Attribution:
    """An attribution element found in an article's own text."""

    kind: str  # "date" | "dateline" | "byline" | "credit" | "site"
    text: str
    #: Outlet, agency or person names the element mentions.
    names: tuple[str, ...] = ()


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


class DocumentView:
    """What every shape of a document answers, from its fields: a
    :class:`Document`, and the compact forms a scan keeps
    (``provenance.pipeline.store``), which hold the same fields packed and
    answer the same questions without unpacking more than they must."""

    __slots__ = ()

    id: str
    text: str
    sentences: tuple[Sentence, ...]
    attributions: tuple[Attribution, ...]
    outlet: str | None

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


@dataclass(frozen=True)
class Document(DocumentView):
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
    #: As on :class:`Article` (``ITEM_FIELDS``).
    author: str | None = None
    encoding: str | None = None
    guid: str | None = None
    version: str | None = None
    status: str | None = None


#: A document's fields, and those of them that are metadata (all but its
#: text and sentences): every shape and the codec keep these, named once here.
DOCUMENT_FIELDS = tuple(f.name for f in fields(Document))
DOCUMENT_METADATA = tuple(name for name in DOCUMENT_FIELDS if name not in ("text", "sentences"))


#: The two shingle granularities: word n-grams of folded tokens (near-copies
#: share them) and n-grams of stemmed content words (paraphrases keep them).
WORDS = "words"
CONTENT = "content"
GRANULARITIES = (WORDS, CONTENT)


@dataclass(frozen=True)
class Signature:
    """MinHash values of one document per granularity, and what made them."""

    id: str
    #: granularity -> array of ``num_perm`` hash values (uint32 for the
    #: ``affine32`` scheme, uint64 for ``affine64``)
    values: dict[str, np.ndarray]
    num_perm: int
    seed: int
    scheme: str

    def minhash(self, granularity: str) -> LeanMinHash:
        """The values as a datasketch object, for LSH and Jaccard estimates."""
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.seed, hashvalues=self.values[granularity], scheme=self.scheme)

    def jaccard(self, other: Signature, granularity: str) -> float:
        mine, theirs = self.values[granularity], other.values[granularity]
        return float(np.count_nonzero(mine == theirs)) / len(mine)


VERBATIM = "verbatim"


REWRITE = "rewrite"


ADDED = "added"


#: A matched sentence whose shared words lie inside a quotation both texts
#: attribute to a speaker (with the frame that names the speaker): evidence
#: of the same story, not of reuse of the source's own prose.
QUOTED = "quoted"


LABELS = (VERBATIM, REWRITE, QUOTED, ADDED)

#: The labels of sentences that reuse the source's own prose.
OWN_PROSE = (VERBATIM, REWRITE)


@dataclass(frozen=True, slots=True)
class SentenceAlignment:
    """One derived sentence and where it came from. (Slotted, as are the
    relation's other parts: a large scan holds one per derived sentence.)"""

    index: int
    label: str
    #: Indexes of the source sentences it was matched to (empty when added).
    source_indexes: tuple[int, ...]
    #: Cosine similarity with the matched source sentence(s), 0..1.
    score: float
    #: Character spans of ``text`` copied word for word from the source.
    verbatim_spans: tuple[Span, ...]
    #: Share of the sentence's words inside copied runs.
    verbatim_share: float
    #: Number of word tokens (the weight of this sentence in shares).
    words: int

    def __reduce__(self) -> tuple:
        # Pickled as the constructor's arguments, which is twice as quick to
        # write as the slots' state: a scan's workers send one per derived sentence.
        return (SentenceAlignment, (self.index, self.label, self.source_indexes, self.score, self.verbatim_spans,
                                    self.verbatim_share, self.words))


@dataclass(frozen=True, slots=True)
class Ledger:
    """The derived text's sentences, labelled, and the source sentences it dropped."""

    source: str
    derived: str
    sentences: tuple[SentenceAlignment, ...]
    dropped: tuple[int, ...]
    source_sentence_count: int

    def share(self, label: str) -> float:
        """Share of the derived text's words in sentences with ``label``."""
        total = sum(s.words for s in self.sentences)
        return sum(s.words for s in self.sentences if s.label == label) / total if total else 0.0

    @property
    def matched_share(self) -> float:
        return 1.0 - self.share(ADDED) if self.sentences else 0.0

    @property
    def verbatim_word_share(self) -> float:
        """Share of the derived text's words copied word for word."""
        total = sum(s.words for s in self.sentences)
        return sum(s.verbatim_share * s.words for s in self.sentences) / total if total else 0.0

    @property
    def matched_sentences(self) -> int:
        return sum(1 for s in self.sentences if s.label != ADDED)

    @property
    def own_prose_share(self) -> float:
        """Share of the derived text's words in sentences that reuse the
        source's own prose (verbatim or rewrite, not shared quotations)."""
        return self.share(VERBATIM) + self.share(REWRITE)

    @property
    def own_prose_sentences(self) -> int:
        return sum(1 for s in self.sentences if s.label in OWN_PROSE)

    @property
    def quoted_sentences(self) -> int:
        """Sentences matched to the source through a shared quotation only."""
        return sum(1 for s in self.sentences if s.label == QUOTED)

    @property
    def source_used_share(self) -> float:
        if not self.source_sentence_count:
            return 0.0
        return 1.0 - len(self.dropped) / self.source_sentence_count


COPY = "copy"


REWRITE_VERDICT = "rewrite"


PARTIAL = "partial"


INDEPENDENT = "independent"


VERDICTS = (COPY, REWRITE_VERDICT, PARTIAL, INDEPENDENT)


@dataclass(frozen=True, slots=True)
class Scores:
    """The figures behind a verdict. Shares are of the derived text's words."""

    #: Share of the derived text's word trigrams found in the source, and the reverse.
    containment_derived_in_source: float
    containment_source_in_derived: float
    #: Jaccard of the two texts' stemmed content words (topic overlap).
    content_similarity: float
    matched: float
    verbatim: float
    rewrite: float
    added: float
    #: Share of the derived text's words inside word-for-word copied runs.
    copied_words: float
    #: Share of the source's sentences the derived text uses.
    source_used: float
    #: Share of the derived text's words inside runs of at least 1, 3 and 8
    #: consecutive words found, in the same order, anywhere in the source
    #: (see provenance.judge.coverage): what the verdict model reads.
    run_coverage_1: float
    run_coverage_3: float
    run_coverage_8: float
    #: Share of the derived text's words in sentences matched through a
    #: shared quotation only (label ``quoted``), counted in ``matched``.
    quoted: float = 0.0

    @property
    def own_prose(self) -> float:
        """Share of the derived text's words in sentences taken from the
        source's own prose (``matched`` without shared quotations)."""
        return round(max(0.0, self.matched - self.quoted), 4)


@dataclass(frozen=True, slots=True)
class Relation:
    """How ``derived`` relates to ``source``."""

    source: str
    derived: str
    verdict: str
    scores: Scores
    #: Why ``source`` was taken to be the source, one reason per item.
    direction_reasons: tuple[str, ...]
    credited: bool
    #: The credit lines or phrases found (empty when not credited).
    credit_evidence: tuple[str, ...]
    ledger: Ledger
    #: Why this verdict: the figures that drove it, one reason per item.
    verdict_reasons: tuple[str, ...] = ()
    #: The verdict model's prediction (None when ``verdict_method`` is "rules").
    verdict_model: Prediction | None = None
    #: Both texts are one agency's, as the input names their outlets (not as
    #: read from a dateline, which a copy carries too), and the derived one
    #: reuses the source: its later take, update or correction
    #: (:func:`provenance.judge.pair.is_update`). Its own text needs no
    #: credit: it counts as credited, and no gate fails it.
    update: bool = False

    @property
    def reuses_text(self) -> bool:
        return self.verdict != INDEPENDENT


@dataclass(frozen=True)
class Story:
    """Articles on one story: its source and the articles related to it."""

    id: str
    source: str
    members: tuple[str, ...]
    source_reasons: tuple[str, ...]


@dataclass(frozen=True)
class ScanResult:
    """Everything a report needs: the documents, stories and relations found."""

    documents: tuple[Document, ...]
    stories: tuple[Story, ...]
    #: One relation per story member, against the story's source.
    relations: tuple[Relation, ...]
    problems: tuple[InputError, ...]
    settings: Settings

    @cached_property
    def _documents_by_id(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}

    @cached_property
    def _relations_by_derived(self) -> dict[str, Relation]:
        found: dict[str, Relation] = {}
        for relation in self.relations:
            found.setdefault(relation.derived, relation)
        return found

    def document(self, key: str) -> Document:
        try:
            return self._documents_by_id[key]
        except KeyError:
            raise StopIteration from None

    def relation(self, derived: str) -> Relation | None:
        return self._relations_by_derived.get(derived)

    def filtered(self, *, min_verdict: str | None = None, uncredited: bool = False) -> ScanResult:
        """What a filtered report shows: the derived articles whose verdict is
        ``min_verdict`` or stronger (in :data:`VERDICTS` order, copy first)
        and, with ``uncredited``, that reuse their source without crediting
        it; the stories left with such an article. The documents and problems
        stay, so a report still counts what was scanned."""
        if min_verdict is not None and min_verdict not in VERDICTS:
            raise ValueError(f"min_verdict is one of {', '.join(VERDICTS)}, not {min_verdict!r}")
        allowed = VERDICTS[: VERDICTS.index(min_verdict) + 1] if min_verdict is not None else VERDICTS

        def kept(relation: Relation) -> bool:
            return relation.verdict in allowed and not (uncredited and (relation.credited or not relation.reuses_text))

        relations = tuple(r for r in self.relations if kept(r))
        derived = {r.derived for r in relations}
        stories = []
        for story in self.stories:
            members = tuple(m for m in story.members if m in derived)
            if members:
                stories.append(Story(story.id, story.source, members, story.source_reasons))
        return ScanResult(self.documents, tuple(stories), relations, self.problems, self.settings)


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the model made of one pair."""

    label: str
    #: Class probabilities, in the model's class order.
    probabilities: tuple[tuple[str, float], ...]
    #: Per feature: its raw value and its share of the margin between the
    #: chosen class and the runner-up (positive: toward the chosen class).
    contributions: tuple[tuple[str, float, float], ...]
    runner_up: str

    def probability(self, label: str) -> float:
        return dict(self.probabilities).get(label, 0.0)
