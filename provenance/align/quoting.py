"""Two rules the ledger applies once sentences are matched: a match whose
shared words lie in a quotation both texts carry is labelled ``quoted``,
and near-identical sentences of one text (a paragraph printed twice) get
the same match.
"""

from __future__ import annotations

import numpy as np

from ..analysis.quotes import MARKS as _ANY_MARK
from ..analysis.quotes import attribution_frames, quotations
from ..config import AlignSettings
from ..matching.tfidf import DocumentFeatures
from ..model import ADDED, QUOTED, DocumentView, SentenceAlignment, Span


def _quoted_stretches(text: str, starts: tuple[int, ...], ends: tuple[int, ...]) -> tuple[Span, ...]:
    """The document's quotations and, in each sentence that holds one, the
    frames that say who spoke (offsets in the document's text), sorted."""
    quotes = quotations(text)
    if not quotes:
        return ()
    stretches = list(quotes)
    for start, end in zip(starts, ends):
        stretches.extend(attribution_frames(text, quotes, start, end))
    return tuple(sorted(stretches))


def quoted_tokens(document: DocumentView, features: DocumentFeatures) -> np.ndarray:
    """Whether each of the document's tokens (in ``features``' order) lies in
    a quotation or the frame naming its speaker (kept with the features)."""
    found = features.memo.get("quoted")
    if found is None:
        found = features.memo["quoted"] = _quoted_tokens(document, features)
    return found


def _quoted_tokens(document: DocumentView, features: DocumentFeatures) -> np.ndarray:
    text = document.text
    if not _ANY_MARK.search(text):
        return np.zeros(len(features.tokens), dtype=bool)
    sentences = document.sentences
    starts = tuple(s.start for s in sentences)
    stretches = _quoted_stretches(document.text, starts, tuple(s.end for s in sentences))
    if not stretches:
        return np.zeros(len(features.tokens), dtype=bool)
    at = np.asarray(starts, dtype=np.int64)[features.token_rows] + features.spans[:, 0]
    bounds = np.asarray(stretches, dtype=np.int64)
    # The last stretch starting at or before each token; inside when it ends after it.
    k = np.searchsorted(bounds[:, 0], at, side="right") - 1
    ends = np.maximum.accumulate(bounds[:, 1])  # stretches may nest (a frame inside an open quote)
    return (k >= 0) & (ends[np.maximum(k, 0)] > at)


def _tokens_of(features: DocumentFeatures, sentences: tuple[int, ...]) -> np.ndarray:
    offsets = features.offsets
    if len(sentences) == 1:
        return np.arange(offsets[sentences[0]], offsets[sentences[0] + 1])
    return np.concatenate([np.arange(offsets[j], offsets[j + 1]) for j in sentences])


def _mostly_quoted(stems: np.ndarray, quoted: np.ndarray, other: np.ndarray) -> bool:
    """Whether more than half the content words among ``stems`` that the
    other side also has lie in quotations."""
    shared = (stems >= 0) & np.isin(stems, other)
    count = int(shared.sum())
    return count > 0 and 2 * int((shared & quoted).sum()) > count


def label_quoted(rows: list[SentenceAlignment], mine: DocumentFeatures, theirs: DocumentFeatures,
                 mine_quoted: np.ndarray, theirs_quoted: np.ndarray) -> list[SentenceAlignment]:
    """``rows`` with each match whose shared content words lie mostly in
    quotations (with their speakers' frames) on both sides labelled
    :data:`~provenance.model.QUOTED`."""
    if not mine_quoted.any() or not theirs_quoted.any():
        return rows
    out = list(rows)
    for n, row in enumerate(rows):
        if row.label == ADDED:
            continue
        at_mine = _tokens_of(mine, (row.index,))
        if not mine_quoted[at_mine].any():
            continue
        at_theirs = _tokens_of(theirs, row.source_indexes)
        stems_mine, stems_theirs = mine.stems[at_mine], theirs.stems[at_theirs]
        if (_mostly_quoted(stems_mine, mine_quoted[at_mine], stems_theirs)
                and _mostly_quoted(stems_theirs, theirs_quoted[at_theirs], stems_mine)):
            out[n] = SentenceAlignment(row.index, QUOTED, row.source_indexes, row.score, row.verbatim_spans,
                                       row.verbatim_share, row.words)
    return out


def _runs(tokens: np.ndarray, quoted: np.ndarray, rows: np.ndarray) -> list[tuple[int, ...]]:
    """The runs of consecutive quoted tokens (within one sentence each)."""
    runs, current, row = [], [], -1
    for token, inside, at in zip(tokens.tolist(), quoted.tolist(), rows.tolist()):
        if inside and (not current or at == row):
            current.append(token)
        else:
            if current:
                runs.append(tuple(current))
            current = [token] if inside else []
        row = at
    if current:
        runs.append(tuple(current))
    return runs


def quotations_carried(mine: DocumentFeatures, theirs: DocumentFeatures, mine_quoted: np.ndarray,
                       theirs_quoted: np.ndarray, candidates: list[int]) -> set[int]:
    """Of the source sentences ``candidates`` (left unmatched), those whose
    quoted words -- every run of three or more -- the derived text quotes in
    the same order (a quotation taken into a sentence matched elsewhere:
    "..., Peskov said, “Nothing can be ruled out.”")."""
    if not candidates or not mine_quoted.any() or not theirs_quoted.any():
        return set()
    # Token ids joined with a separator: a run is carried when its text lies inside one of ours.
    ours = "|" + "||".join("|".join(map(str, run)) for run in _runs(mine.tokens, mine_quoted, mine.token_rows)) + "|"
    carried = set()
    for j in candidates:
        at = _tokens_of(theirs, (j,))
        runs = [run for run in _runs(theirs.tokens[at], theirs_quoted[at], theirs.token_rows[at]) if len(run) >= 3]
        if runs and all("|" + "|".join(map(str, run)) + "|" in ours for run in runs):
            carried.add(j)
    return carried


def twins(features: DocumentFeatures, knobs: AlignSettings) -> list[tuple[int, int]]:
    """Pairs (i, k), i < k, of the text's sentences that are near-identical:
    at least ``twin_min_words`` distinct content words each, and a Dice
    overlap of their content stems of at least ``twin_overlap`` (a paragraph
    printed twice with small changes). Kept with the features."""
    key = ("twins", knobs.twin_min_words, knobs.twin_overlap)
    found = features.memo.get(key)
    if found is None:
        found = features.memo[key] = _twins(features, knobs)
    return found


def _twins(features: DocumentFeatures, knobs: AlignSettings) -> list[tuple[int, int]]:
    content = features.stems >= 0
    if not content.any():
        return []
    cells = np.unique(np.stack([features.token_rows[content].astype(np.int64), features.stems[content]]), axis=1)
    rows, stems = cells
    sizes = np.bincount(rows, minlength=features.sentence_count)
    keep = sizes[rows] >= knobs.twin_min_words
    rows, stems = rows[keep], stems[keep]
    kept, rows = np.unique(rows, return_inverse=True)
    if len(kept) < 2:
        return []
    _, columns = np.unique(stems, return_inverse=True)
    rows, columns = rows.reshape(-1), columns.reshape(-1)
    width = int(columns.max()) + 1
    if len(kept) * width <= _DENSE_CELLS:  # an article's few dozen sentences: a small dense product
        incidence = np.zeros((len(kept), width), dtype=np.float32)
        incidence[rows, columns] = 1.0
        shared = np.triu(incidence @ incidence.T, k=1)
        first, second = np.nonzero(shared)
        both = shared[first, second]
    else:
        from scipy import sparse  # (scikit-learn's dependency) for texts of thousands of sentences

        incidence = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(kept), width))
        product = sparse.triu(incidence @ incidence.T, k=1).tocoo()
        first, second, both = product.row, product.col, product.data
    i, k = kept[first], kept[second]
    twin = 2 * both >= knobs.twin_overlap * (sizes[i] + sizes[k])
    return sorted(zip(i[twin].tolist(), k[twin].tolist()))


#: Cells of the largest dense sentences-by-stems matrix :func:`twins` builds.
_DENSE_CELLS = 1 << 22


def twin_matches(rows: list[SentenceAlignment], similarity: np.ndarray,
                 pairs: list[tuple[int, int]]) -> dict[int, tuple[tuple[int, ...], float]]:
    """For each added sentence whose twin is matched: the twin's source
    sentences and this sentence's own similarity with them (the better
    matched twin speaks for both)."""
    found: dict[int, tuple[tuple[int, ...], float]] = {}
    for i, k in pairs:
        for added, matched in ((i, k), (k, i)):
            if rows[added].label == ADDED and rows[matched].label != ADDED and added not in found:
                group = rows[matched].source_indexes
                found[added] = (group, float(similarity[added, list(group)].max()))
    return found
