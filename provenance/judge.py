"""Verdicts, direction, credit and story clusters.

The judge reads two documents and the ledger between them and decides:
which one is the source (and says why), what the derived one did with it
(``copy``, ``rewrite``, ``partial`` or ``independent``), and whether it
credits its source in its own words.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._arrays import shared_count
from .align import ADDED, REWRITE, VERBATIM, Ledger, Vectoriser, align
from .attribution import aliases_of, credit_phrases, may_mention, mentions
from .config import DEFAULT_SETTINGS, Settings
from .text import Document, content_terms, word_shingles
from .verdict import (
    INDEPENDENT as MODEL_INDEPENDENT,
    MODEL_CLASSES,
    PARTIAL as MODEL_PARTIAL,
    RUN_LENGTHS,
    WHOLE,
    Prediction,
    VerdictModel,
    builtin_model,
    describe_feature,
    run_coverage,
    run_keys,
)

COPY = "copy"
REWRITE_VERDICT = "rewrite"
PARTIAL = "partial"
INDEPENDENT = "independent"
VERDICTS = (COPY, REWRITE_VERDICT, PARTIAL, INDEPENDENT)

_CONTAINMENT_NGRAM = 3
_CONTAINMENT_MARGIN = 0.05


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
    #: (see verdict.run_coverages): what the verdict model reads.
    run_coverage_1: float
    run_coverage_3: float
    run_coverage_8: float


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


def judge_pair(
    first: Document, second: Document, settings: Settings = DEFAULT_SETTINGS, *, source_id: str | None = None,
    features: FeatureCache | None = None,
) -> Relation:
    """Judge two documents: decide the direction (unless ``source_id`` fixes
    it), align the derived one against the source and reach a verdict.
    ``features`` caches per-document word sets across many pairs."""
    features = features if features is not None else FeatureCache()
    source, derived, reasons, containment = orient(first, second, features)
    if source_id is not None and source.id != source_id:
        note = f"compared as asked: {source_id} taken as the source"
        reasons = (note, "(the evidence would point the other way: " + "; ".join(reasons) + ")")
        source, derived = derived, source
    elif source_id is not None:
        reasons = (f"compared as asked: {source_id} taken as the source",) + reasons
    return judge_oriented(source, derived, reasons, containment, settings, features)


def judge_oriented(
    source: Document, derived: Document, reasons: tuple[str, ...], containment: dict[tuple[str, str], float],
    settings: Settings, features: FeatureCache,
) -> Relation:
    """:func:`judge_pair` once the direction is settled (what :func:`orient`
    gives, or its reverse): align and reach a verdict."""
    ledger = align(source, derived, settings, vectoriser=features.vectoriser)
    derived_ids = features.token_ids(derived)
    source_ids = features.token_ids(source)
    coverage = {n: run_coverage(source_ids, derived_ids, n, lambda n=n: features.run_keys(source, n))
                for n in RUN_LENGTHS}
    scores = Scores(
        containment_derived_in_source=round(containment[(derived.id, source.id)], 4),
        containment_source_in_derived=round(containment[(source.id, derived.id)], 4),
        content_similarity=round(features.content_similarity(source, derived), 4),
        matched=round(ledger.matched_share, 4),
        verbatim=round(ledger.share(VERBATIM), 4),
        rewrite=round(ledger.share(REWRITE), 4),
        added=round(ledger.share(ADDED), 4),
        copied_words=round(ledger.verbatim_word_share, 4),
        source_used=round(ledger.source_used_share, 4),
        run_coverage_1=round(coverage[1], 4),
        run_coverage_3=round(coverage[3], 4),
        run_coverage_8=round(coverage[8], 4),
    )
    evidence = credit_evidence(source, derived, ledger)
    decided, why, prediction = decide(ledger, scores, settings)
    return Relation(
        source=source.id,
        derived=derived.id,
        verdict=decided,
        scores=scores,
        direction_reasons=reasons,
        credited=bool(evidence),
        credit_evidence=evidence,
        ledger=ledger,
        verdict_reasons=why,
        verdict_model=prediction,
    )


class FeatureCache:
    """Word trigram and content-term sets of documents, and their alignment
    features, computed once each across many pairs.

    Keyed by (id, text). With ``capacity``, only the most recently used
    documents are kept.
    """

    def __init__(self, capacity: int | None = None) -> None:
        #: Shared by the pairs judged with this cache (see align.Vectoriser).
        self.vectoriser = Vectoriser()
        self.capacity = capacity
        self._generation = self.vectoriser.generation
        self._entries: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()

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
        """Sorted hashes of the document's runs of ``n`` tokens (see verdict.run_keys)."""
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


def orient(
    first: Document, second: Document, features: FeatureCache | None = None
) -> tuple[Document, Document, tuple[str, ...], dict[tuple[str, str], float]]:
    """(source, derived, reasons, containment) as :func:`judge_pair` decides
    them before aligning: the cheap part of judging a pair."""
    features = features if features is not None else FeatureCache()
    grams = {d.id: features.trigrams(d) for d in (first, second)}
    shared = shared_count(grams[first.id], grams[second.id])
    containment = {
        (a.id, b.id): shared / len(grams[a.id]) if len(grams[a.id]) else 0.0
        for a, b in ((first, second), (second, first))
    }
    source, derived, reasons = _direction(first, second, containment)
    return source, derived, reasons, containment


# --- verdicts --------------------------------------------------------------------

#: The model's classes, weakest reuse first (verdict.MODEL_CLASSES).
_LEVEL = {label: rank for rank, label in enumerate(MODEL_CLASSES)}


def model_inputs(scores: Scores, words: int) -> dict[str, float]:
    """The figures a verdict model may read, from a pair's scores and the
    derived text's word count."""
    return {
        "run_coverage_1": scores.run_coverage_1,
        "run_coverage_3": scores.run_coverage_3,
        "run_coverage_8": scores.run_coverage_8,
        "log_words": math.log1p(words),
    }


def decide(
    ledger: Ledger, scores: Scores, settings: Settings = DEFAULT_SETTINGS, model: VerdictModel | None = None
) -> tuple[str, tuple[str, ...], Prediction | None]:
    """The verdict, the reasons for it, and the model's prediction.

    Under ``verdict_method="model"`` two kinds of evidence are weighed:

    * copying: the verdict model (trained on METER, where newspapers reuse
      wire copy mostly by copying it) reads how much of the text lies in
      runs copied from anywhere in the source, and its length, and names
      whole, partial or independent reuse;
    * paraphrase: the sentence ledger. A text can reuse its source while
      copying few runs (a paraphrase, a translation); the model cannot see
      that, so the ledger may raise its verdict -- to whole reuse when at
      least ``rewrite_min_matched`` of the words are in matched sentences, to
      partial when ``partial_min_matched`` of them and
      ``partial_min_sentences`` sentences are -- but never lower it.

    Whole reuse is a ``copy`` when at least ``copy_min_verbatim`` of the
    words lie in copied runs of 3+ words, else a ``rewrite``.
    ``verdict_method="rules"`` uses the ledger's shares alone (:func:`verdict`).
    """
    words = sum(row.words for row in ledger.sentences)
    if settings.verdict_method == "rules":
        decided = verdict(ledger, settings)
        return decided, _rule_reasons(decided, ledger, settings), None
    model = model if model is not None else builtin_model()
    prediction = model.predict(model_inputs(scores, words))
    level = prediction.label
    reasons = [_model_reason(prediction, model)]
    aligned = _alignment_level(ledger, settings)
    if _LEVEL[aligned] > _LEVEL[level]:
        level = aligned
        reasons.append(_alignment_reason(aligned, ledger, settings))
    if level == WHOLE:
        copied = scores.run_coverage_3
        if copied >= settings.copy_min_verbatim:
            reasons.append(f"a copy: {copied:.0%} of its words in copied runs of 3+ words "
                           f"(bar {settings.copy_min_verbatim:.0%})")
            return COPY, tuple(reasons), prediction
        reasons.append(f"a rewrite: {copied:.0%} of its words in copied runs of 3+ words "
                       f"(copy bar {settings.copy_min_verbatim:.0%})")
        return REWRITE_VERDICT, tuple(reasons), prediction
    return (PARTIAL if level == MODEL_PARTIAL else INDEPENDENT), tuple(reasons), prediction


def _alignment_level(ledger: Ledger, settings: Settings) -> str:
    matched = ledger.matched_share
    if matched >= settings.rewrite_min_matched:
        return WHOLE
    if matched >= settings.partial_min_matched and ledger.matched_sentences >= settings.partial_min_sentences:
        return MODEL_PARTIAL
    return MODEL_INDEPENDENT


_REUSE = {WHOLE: "whole reuse", MODEL_PARTIAL: "partial reuse", MODEL_INDEPENDENT: "no reuse"}


def _model_reason(prediction: Prediction, model: VerdictModel) -> str:
    """'copy model: partial reuse (p 0.62, no reuse 0.30); weighed most: ...'
    with the two figures that moved the margin over the runner-up most, each
    beside its mean in training."""
    label, other = prediction.label, prediction.runner_up
    head = (f"copy model: {_REUSE[label]} (p {prediction.probability(label):.2f}, "
            f"{_REUSE[other]} {prediction.probability(other):.2f})")
    means = dict(zip(model.features, model.mean))
    ranked = sorted(prediction.contributions, key=lambda c: (-abs(c[2]), c[0]))[:2]
    weighed = [f"{describe_feature(name, value)} (mean {_mean_text(name, means[name])}) {c:+.1f}"
               for name, value, c in ranked if abs(c) >= 0.05]
    return head + ("; weighed most: " + ", ".join(weighed) if weighed else "")


def _mean_text(name: str, mean: float) -> str:
    return f"{round(math.expm1(mean))}" if name == "log_words" else f"{mean:.0%}"


def _alignment_reason(level: str, ledger: Ledger, settings: Settings) -> str:
    matched = ledger.matched_share
    if level == WHOLE:
        return (f"sentence alignment raises it to whole reuse: {matched:.0%} of its words in matched "
                f"sentences (bar {settings.rewrite_min_matched:.0%})")
    return (f"sentence alignment raises it to partial reuse: {ledger.matched_sentences} matched sentences "
            f"with {matched:.0%} of its words (bars {settings.partial_min_sentences} and "
            f"{settings.partial_min_matched:.0%})")


def _rule_reasons(decided: str, ledger: Ledger, settings: Settings) -> tuple[str, ...]:
    return (f"rules: {ledger.matched_share:.0%} of its words in matched sentences, "
            f"{ledger.verbatim_word_share:.0%} copied word for word, {ledger.matched_sentences} sentences matched",)


def verdict(ledger: Ledger, settings: Settings = DEFAULT_SETTINGS) -> str:
    """copy / rewrite / partial / independent from the ledger's shares alone
    (``verdict_method="rules"``)."""
    matched = ledger.matched_share
    if matched >= settings.copy_min_matched and ledger.verbatim_word_share >= settings.copy_min_verbatim:
        return COPY
    if matched >= settings.rewrite_min_matched:
        return REWRITE_VERDICT
    if matched >= settings.partial_min_matched and ledger.matched_sentences >= settings.partial_min_sentences:
        return PARTIAL
    return INDEPENDENT


# --- direction ------------------------------------------------------------------


def _words(document: Document) -> list[str]:
    return [t for s in document.sentences for t in s.tokens]


def _containment(mine: set[str], theirs: set[str]) -> float:
    return len(mine & theirs) / len(mine) if mine else 0.0


def content_similarity(a: Document, b: Document) -> float:
    terms_a, terms_b = set(content_terms(_words(a))), set(content_terms(_words(b)))
    union = terms_a | terms_b
    return len(terms_a & terms_b) / len(union) if union else 0.0


def _direction(
    a: Document, b: Document, containment: dict[tuple[str, str], float]
) -> tuple[Document, Document, tuple[str, ...]]:
    """Weigh the evidence for each article being the other's source.

    Each clue adds points to one side: an earlier publication date (2), a
    wire dateline or wire outlet the other lacks (2), being credited by the
    other (2), and holding more of the other's text than the reverse (1).
    """
    points = {a.id: 0, b.id: 0}
    reasons: dict[str, list[str]] = {a.id: [], b.id: []}

    def vote(winner: Document, weight: int, reason: str) -> None:
        points[winner.id] += weight
        reasons[winner.id].append(reason)

    if a.published and b.published and a.published != b.published:
        earlier, later = (a, b) if a.published < b.published else (b, a)
        vote(earlier, 2, f"published {earlier.published}, before {later.id} ({later.published})")
    for one, other in ((a, b), (b, a)):
        if one.is_wire and not other.is_wire:
            vote(one, 2, f"wire copy ({_wire_mark(one)}); {other.id} is not")
        names = _credit_names(one)
        if names and _credits_in_attribution(other, names):
            vote(one, 2, f"{other.id} credits {one.outlet or one.id}")
    b_in_a, a_in_b = containment[(b.id, a.id)], containment[(a.id, b.id)]
    if abs(b_in_a - a_in_b) >= _CONTAINMENT_MARGIN:
        fuller, part = (a, b) if b_in_a > a_in_b else (b, a)
        vote(fuller, 1, (
            f"contains {max(b_in_a, a_in_b):.0%} of {part.id}'s word trigrams, "
            f"while {part.id} contains {min(b_in_a, a_in_b):.0%} of its"
        ))
    if points[a.id] == points[b.id]:
        longer, shorter = (a, b) if (a.word_count, b.id) >= (b.word_count, a.id) else (b, a)
        why = "no date, dateline or credit decides; taking the longer text as the source"
        return longer, shorter, tuple(reasons[longer.id]) + (why,)
    source, derived = (a, b) if points[a.id] > points[b.id] else (b, a)
    return source, derived, tuple(reasons[source.id])


def _wire_mark(document: Document) -> str:
    for attribution in document.attributions:
        if attribution.kind == "dateline":
            return f"dateline '{attribution.text}'"
    return f"outlet {document.outlet}"


# --- credit ---------------------------------------------------------------------


def _credit_names(source: Document) -> tuple[str, ...]:
    names: list[str] = []
    if source.outlet:
        names.extend(aliases_of(source.outlet))
    for attribution in source.attributions:
        if attribution.kind == "dateline":
            for name in attribution.names:
                names.extend(aliases_of(name))
    if source.url:
        host = source.url.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
        if host:
            names.extend(aliases_of(host))
    return tuple(dict.fromkeys(n for n in names if n))


def _credits_in_attribution(derived: Document, names: tuple[str, ...]) -> list[str]:
    return [
        a.text for a in derived.attributions
        if a.kind in ("credit", "dateline", "byline") and mentions(a.text, names)
    ]


def credit_evidence(source: Document, derived: Document, ledger: Ledger) -> tuple[str, ...]:
    """Lines and phrases in which ``derived`` credits ``source`` in its own words.

    Attribution lines (Source:, datelines, credit trailers) are the outlet's
    own. A credit phrase in a sentence ("according to Reuters") counts only
    when the source sentences it was matched to do not already name the
    source: a sentence copied or paraphrased from the wire that mentions the
    wire is reporting, not crediting.
    """
    names = _credit_names(source)
    authors = source.author_names()
    found = _credits_in_attribution(derived, names)
    if authors:
        found += [a.text for a in derived.attributions if a.kind in ("credit", "byline")
                  and mentions(a.text, authors) and a.text not in found]
    # Most derived texts name the source in no sentence: one search decides.
    if names and may_mention("\n".join(derived.sentence_texts()), names):
        for row in ledger.sentences:
            phrases = credit_phrases(derived.sentence_text(row.index), names)
            if not phrases:
                continue
            inherited = any(mentions(source.sentence_text(j), names) for j in row.source_indexes)
            if row.label == ADDED or not inherited:
                found.extend(phrases)
    return tuple(dict.fromkeys(found))


# --- clusters -------------------------------------------------------------------


def cluster(
    documents: Iterable[Document], relations: Iterable[Relation], settings: Settings = DEFAULT_SETTINGS
) -> list[tuple[list[str], dict[str, int]]]:
    """Group articles linked by text reuse or same-story similarity.

    Returns each group's member ids (sorted) with how often each member was
    judged the source in the group's relations.
    """
    ids = [d.id for d in documents]
    wins = {i: 0 for i in ids}
    links = []
    for relation in relations:
        linked = relation.reuses_text or relation.scores.content_similarity >= settings.story_similarity
        if not linked:
            continue
        wins[relation.source] += 1
        links.append((relation.source, relation.derived))
    roots = connected_roots(links, ids)
    groups: dict[str, list[str]] = {}
    for i in ids:
        groups.setdefault(roots[i], []).append(i)
    return [(sorted(members), {m: wins[m] for m in members}) for _, members in sorted(groups.items())]


def connected_roots(links: Iterable[tuple[str, str]], ids: Iterable[str] = ()) -> dict[str, str]:
    """Each id (of ``ids`` and of the links) mapped to the smallest id of its
    group of linked ids, which names the group."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            # The larger root joins the smaller, so every root is its group's smallest id.
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


def choose_source(members: list[str], wins: dict[str, int], documents: dict[str, Document]) -> tuple[str, tuple[str, ...]]:
    """The story's source: the member judged the source most often, then the
    earliest dated, then wire copy, then the longest."""

    def rank(i: str) -> tuple:
        d = documents[i]
        return (-wins[i], d.published or "9999", not d.is_wire, -d.word_count, i)

    best = min(members, key=rank)
    document = documents[best]
    reasons = [f"judged the source in {wins[best]} of its pairs" if wins[best] else "no pair decided the direction"]
    if document.published:
        reasons.append(f"published {document.published}")
    if document.is_wire:
        reasons.append(f"wire copy ({_wire_mark(document)})")
    return best, tuple(reasons)
