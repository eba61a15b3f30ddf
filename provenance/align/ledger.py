"""The sentence ledger of a derived text against its source: each derived
sentence matched to the source sentences it came from (merging neighbours),
labelled verbatim, rewrite or added.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

from ..config import DEFAULT_SETTINGS, AlignSettings, Settings
from ..engine import kernels
from ..matching.matcher import SentenceMatch, SentenceMatcher, make_matcher
from ..matching.tfidf import DocumentFeatures, Vectoriser
from ..model import ADDED, REWRITE, VERBATIM, Document, Ledger, SentenceAlignment, Span
from .quoting import label_quoted, quotations_carried, quoted_tokens, twin_matches, twins
from .runs import CopiedRuns


def _native():
    """The alignment's compiled kernels, or None (the numpy engine)."""
    return kernels("provenance.align.kernels")


def align(source: Document, derived: Document, settings: Settings = DEFAULT_SETTINGS, *,
          vectoriser: Vectoriser | None = None, matcher: SentenceMatcher | None = None) -> Ledger:
    """The ledger of ``derived`` against ``source``. Pass one
    :class:`Vectoriser` to align many pairs of the same documents: each
    document's sentence features are then extracted once. Tokens are read
    from each sentence's text, as :func:`provenance.analysis.tokenize` gives
    them (what a sentence's ``tokens`` hold). Sentences are scored by
    ``matcher``, else by the one ``settings.align.matcher`` names."""
    if not derived.sentence_count or not source.sentence_count:
        return Ledger(source.id, derived.id, tuple(
            SentenceAlignment(s.index, ADDED, (), 0.0, (), 0.0, len(s.tokens)) for s in derived.sentences
        ), tuple(range(len(source.sentences))), len(source.sentences))
    knobs = settings.align
    vectoriser = vectoriser if vectoriser is not None else Vectoriser()
    if matcher is None and knobs.matcher == "tfidf":
        vectors = vectoriser.pair(derived, source)  # what the TF-IDF matcher answers, without the indirection
    else:
        vectors = (matcher or make_matcher(knobs.matcher, vectoriser)).match(derived, source)
    similarity = vectors.similarity
    mine, theirs = vectoriser.features_of(derived), vectoriser.features_of(source)
    n = knobs.min_verbatim_words
    match_n = max(n, knobs.match_run)
    lexical = getattr(vectors, "lexical", None)
    best = _best_groups(similarity if lexical is None else lexical, vectors, knobs)
    if lexical is not None:
        best = _raised_matches(best, vectors, knobs)
    groups = [group for group, _ in best]
    copied = CopiedRuns(theirs, mine, groups, n)
    evidence = copied if match_n == n else CopiedRuns(theirs, mine, groups, match_n)
    # (A sentence's index is its place in the document.)
    rows = [
        _labelled(i, copied.words(i), group, score, copied.spans(i), copied.share(i), evidence.share(i), settings)
        for i, (group, score) in enumerate(best)
    ]
    rows = _fill_gaps(rows, similarity, theirs, mine, settings, lexical)
    if lexical is not None:
        # The first pass's matches are anchors too: a sentence between one and
        # a main match is then in a gap with an anchor on each side.
        rows = _fill_gaps(rows, similarity, theirs, mine, settings, lexical)
    rows = _match_twins(rows, similarity, theirs, mine, settings)
    used = {j for row in rows for j in row.source_indexes}
    if knobs.label_quotations:
        mine_quoted, theirs_quoted = quoted_tokens(derived, mine), quoted_tokens(source, theirs)
        rows = label_quoted(rows, mine, theirs, mine_quoted, theirs_quoted)
        # A source sentence whose quotation the derived text carries is not dropped.
        used |= quotations_carried(mine, theirs, mine_quoted, theirs_quoted,
                                   [j for j in range(source.sentence_count) if j not in used])
    dropped = tuple(j for j in range(source.sentence_count) if j not in used)
    return Ledger(source.id, derived.id, tuple(rows), dropped, source.sentence_count)


def _best_group(i: int, similarity: np.ndarray, gram: np.ndarray | None,
                knobs: AlignSettings = DEFAULT_SETTINGS.align) -> tuple[tuple[int, ...], float]:
    row = similarity[i]
    # Among equally good source sentences (repeated text), take the one
    # nearest the position this sentence's place in the text implies.
    n_derived, n_source = similarity.shape
    expected = i * (n_source - 1) / max(n_derived - 1, 1)
    top = row.max()
    if top <= 0.0:
        return (), 0.0
    ties = np.flatnonzero(row >= top - 1e-9)
    # argmin keeps the first of equal distances: the lower index.
    best = int(ties[np.argmin(np.abs(ties - expected))])
    group = [best]
    score = float(row[best])
    if score <= 0.0:  # the best was within 1e-9 of a zero
        return (), 0.0
    if gram is None:  # the matcher gives no vectors to merge
        return (best,), min(score, 1.0)
    # The merged cosine is the derived row's product with the sum of the
    # group's source rows over that sum's norm: sums of similarities and
    # of the source rows' products, no vectors needed.
    product, square = score, float(gram[best, best])
    for j in np.argsort(-row, kind="stable")[1 : knobs.max_merge + 4]:
        if len(group) >= knobs.max_merge or row[j] < knobs.merge_floor:
            break
        candidate_product = product + float(row[j])
        candidate_square = square + 2.0 * float(gram[group, j].sum()) + float(gram[j, j])
        norm = math.sqrt(candidate_square) if candidate_square > 0 else 0.0
        merged = candidate_product / norm if norm else 0.0
        if merged >= score + knobs.merge_gain:
            group.append(int(j))
            product, square, score = candidate_product, candidate_square, merged
    return tuple(sorted(group)), min(score, 1.0)


def _best_groups(similarity: np.ndarray, vectors: SentenceMatch,
                 knobs: AlignSettings = DEFAULT_SETTINGS.align) -> list[tuple[tuple[int, ...], float]]:
    """:func:`_best_group` of every derived sentence: compiled (the same
    arithmetic) for the compiled engine's pairs; otherwise a sentence like no
    source sentence, or with one best source sentence and no runner-up
    similar enough to merge (most of them), is settled here for the whole
    matrix at once."""
    n_derived, n_source = similarity.shape
    native = _native() if getattr(vectors, "compiled", False) else None
    if native is not None:
        groups = np.empty((n_derived, knobs.max_merge), dtype=np.int64)
        sizes = np.empty(n_derived, dtype=np.int64)
        scores = np.empty(n_derived)
        native.best_groups(similarity, vectors.gram, knobs.merge_floor, knobs.merge_gain, knobs.max_merge, groups, sizes,
                           scores)
        return [(tuple(g[:k]), s) for g, k, s in zip(groups.tolist(), sizes.tolist(), scores.tolist())]
    top = similarity.max(axis=1)
    best = similarity.argmax(axis=1)
    ties = (similarity >= (top - 1e-9)[:, None]).sum(axis=1)
    second = np.partition(similarity, -2, axis=1)[:, -2] if n_source > 1 else np.full(n_derived, -np.inf)
    settled = (top <= 0.0) | ((ties == 1) & (second < knobs.merge_floor))
    out = []
    for i, (done, value, j) in enumerate(zip(settled.tolist(), top.tolist(), best.tolist())):
        if not done:
            out.append(_best_group(i, similarity, vectors.gram, knobs))
        elif value <= 0.0:
            out.append(((), 0.0))
        else:
            out.append(((j,), min(value, 1.0)))
    return out


def _raised_matches(best: list[tuple[tuple[int, ...], float]], vectors: SentenceMatch,
                    knobs: AlignSettings) -> list[tuple[tuple[int, ...], float]]:
    """The words' groups (``best``), except where a matcher's raising scores
    (``vectors.meaning``, merged in their own space and put on the ledger's
    scale) give a sentence a better group."""
    meaning = getattr(vectors, "meaning", None)
    if meaning is None:
        return best
    scale = getattr(vectors, "meaning_scale", 1.0)
    gram = getattr(vectors, "meaning_gram", None)
    out = list(best)
    scores = np.fromiter((s for _, s in best), dtype=float, count=len(best))
    for i in np.flatnonzero(meaning.max(axis=1) * scale > scores + 1e-9).tolist():
        group, score = _passage_group(i, meaning, gram, knobs)
        if group and score * scale > scores[i] + 1e-9:
            out[i] = (group, min(score * scale, 1.0))
    return out


def _passage_group(i: int, similarity: np.ndarray, gram: np.ndarray | None,
                   knobs: AlignSettings) -> tuple[tuple[int, ...], float]:
    """Derived sentence ``i``'s best source sentence, grown into a passage of
    neighbouring sentences while each one added raises the merged cosine by
    ``merge_gain`` (at most ``max_merge``). Meaning is near for every
    sentence of one story, so a merge on it must keep to one passage of the
    source: what a sentence that condenses several draws on."""
    row = similarity[i]
    n_derived, n_source = similarity.shape
    top = row.max()
    if top <= 0.0:
        return (), 0.0
    ties = np.flatnonzero(row >= top - 1e-9)
    expected = i * (n_source - 1) / max(n_derived - 1, 1)
    first = last = int(ties[np.argmin(np.abs(ties - expected))])
    score = float(row[first])
    if gram is None:
        return (first,), score
    product, square = score, float(gram[first, first])
    while last - first + 1 < knobs.max_merge:
        best = None
        for j in (first - 1, last + 1):
            if 0 <= j < n_source and row[j] >= knobs.merge_floor:
                p = product + float(row[j])
                q = square + 2.0 * float(gram[first : last + 1, j].sum()) + float(gram[j, j])
                merged = p / math.sqrt(q) if q > 0 else 0.0
                if merged >= score + knobs.merge_gain and (best is None or merged > best[0]):
                    best = (merged, j, p, q)
        if best is None:
            break
        score, j, product, square = best
        first, last = min(first, j), max(last, j)
    return tuple(range(first, last + 1)), score


def _fill_gaps(
    rows: list[SentenceAlignment],
    similarity: np.ndarray,
    source: DocumentFeatures,
    derived: DocumentFeatures,
    settings: Settings,
    lexical: np.ndarray | None = None,
) -> list[SentenceAlignment]:
    """Match added sentences that sit where the anchors around them say their
    source should be, at the lower gap threshold. A matcher's raised scores
    count only in a slot: a gap with an anchor on each side (the order of the
    text around it vouches for the place) whose source side holds no more
    sentences than its derived side. Elsewhere -- before the first anchor or
    after the last, where a writer's own sentences usually sit, or over
    source text the writer skipped -- the words' own (``lexical``) scores
    decide: on METER courts, raised scores in every two-sided gap matched
    many sentences of independent reports (``benchmarks/README.md``)."""
    anchors = [(r.index, min(r.source_indexes), max(r.source_indexes)) for r in rows if r.label != ADDED]
    if not anchors:
        return rows
    last_source = similarity.shape[1] - 1
    band = settings.align.gap_band
    # The anchors in sentence order: those before an added sentence and
    # those after it are found by bisection (two long texts have thousands).
    places = [a[0] for a in anchors]
    found: dict[int, tuple[int, float]] = {}
    for row in rows:
        if row.label != ADDED:
            continue
        i = row.index
        at = bisect.bisect_left(places, i)  # an added sentence is no anchor: anchors[at:] come after it
        before, after = anchors[max(at - 1, 0) : at], anchors[at : at + 1]
        if before and after:
            (ia, _, ja), (ib, jb, _) = before[-1], after[0]
            if jb < ja:
                continue  # the anchors cross: no order to follow here
            expected = ja + (i - ia) * (jb - ja) / (ib - ia)
            low, high = ja, jb
        elif before:
            ia, _, ja = before[-1]
            expected, low, high = ja + (i - ia), ja, last_source
        else:
            ib, jb, _ = after[0]
            expected, low, high = jb - (ib - i), 0, jb
        window = _window(expected, low, high, band)
        if not window:
            continue
        # A raised score fills a slot, not a stretch: the order vouches for a
        # sentence's place only where the source has no more sentences
        # between the anchors than the derived text (a paraphrase, sentence
        # by sentence); where the writer skipped source text, meaning is near
        # for every sentence of the story, and the words decide.
        slot = bool(before and after) and (jb - ja - 1) <= (ib - ia - 1)
        scores = similarity if lexical is None or slot else lexical
        j = max(window, key=lambda k: (scores[i, k], -k))
        score = float(scores[i, j])
        if score >= settings.align.gap_threshold:
            found[i] = (j, score)
    if not found:
        return rows
    groups = [(found[i][0],) if i in found else () for i in range(len(rows))]
    copied = CopiedRuns(source, derived, groups, settings.align.min_verbatim_words)
    filled = list(rows)
    for i, (j, score) in found.items():
        share = copied.share(i)
        label = VERBATIM if share >= settings.align.verbatim_share else REWRITE
        filled[i] = SentenceAlignment(i, label, (j,), round(score, 4), copied.spans(i), round(share, 4),
                                      rows[i].words)
    return filled


def _match_twins(rows: list[SentenceAlignment], similarity: np.ndarray, source: DocumentFeatures,
                 derived: DocumentFeatures, settings: Settings) -> list[SentenceAlignment]:
    """An added sentence whose near-identical twin in the same text is
    matched takes the twin's source sentences (labelled by its own copied
    words): a paragraph printed twice gets the same labels."""
    if all(row.label == ADDED for row in rows) or all(row.label != ADDED for row in rows):
        return rows
    found = twin_matches(rows, similarity, twins(derived, settings.align))
    if not found:
        return rows
    groups = [found[i][0] if i in found else () for i in range(len(rows))]
    copied = CopiedRuns(source, derived, groups, settings.align.min_verbatim_words)
    filled = list(rows)
    for i, (group, score) in found.items():
        share = copied.share(i)
        label = VERBATIM if share >= settings.align.verbatim_share else REWRITE
        filled[i] = SentenceAlignment(i, label, group, round(score, 4), copied.spans(i), round(share, 4),
                                      rows[i].words)
    return filled


def _window(expected: float, low: int, high: int, band: float) -> list[int]:
    """The source sentences from ``low`` to ``high`` within ``band`` of
    ``expected``: those of ``range(low, high + 1)`` asked of each, but only
    near the band (a sentence wider each side), not over the whole range."""
    near = range(max(low, math.floor(expected - band) - 1), min(high, math.ceil(expected + band) + 1) + 1)
    return [j for j in near if abs(j - expected) <= band]


def _labelled(
    index: int, words: int, group: tuple[int, ...], score: float, spans: tuple[Span, ...], copied: float,
    evidence: float, settings: Settings,
) -> SentenceAlignment:
    """Sentence ``index`` of ``words`` tokens. ``copied``: share of words in
    the spans; ``evidence``: the same in runs long enough to count as
    evidence of a match (see AlignSettings.match_run)."""
    matched = group and (
        evidence >= settings.align.verbatim_share or score >= settings.align.rewrite_threshold or evidence >= settings.align.copied_match_share
    )
    if not matched:
        return SentenceAlignment(index, ADDED, (), round(score, 4), (), 0.0, words)
    label = VERBATIM if copied >= settings.align.verbatim_share else REWRITE
    return SentenceAlignment(index, label, group, round(score, 4), spans, round(copied, 4), words)
