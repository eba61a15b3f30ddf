"""Whether a derived text credits its source in its own words.
"""

from __future__ import annotations

from ..analysis.attribution import credit_phrases, may_mention, mentions, signoff_lines
from ..model import ADDED, Document, DocumentView, Ledger
from ..outlets import aliases_of


def credit_names(source: Document) -> tuple[str, ...]:
    """The names ``source`` may be credited under: its outlet's, its dateline's and its site's, with aliases."""
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


def _credits_in_attribution(derived: DocumentView, names: tuple[str, ...]) -> list[str]:
    """The derived text's own lines that name one of ``names``: its
    attribution lines (Source:, datelines, bylines, credit trailers) and its
    sign-off or slug lines ("- Reuters", "(AFP)", "With AFP", a bare "PA"
    line at the top or bottom)."""
    if not names:
        return []
    found = [a.text for a in derived.attributions
             if a.kind in ("credit", "dateline", "byline") and mentions(a.text, names)]
    found += [a.text for a in signoff_lines(derived.text) if mentions(a.text, names) and a.text not in found]
    return found


def credit_evidence(source: Document, derived: Document, ledger: Ledger) -> tuple[str, ...]:
    """Lines and phrases in which ``derived`` credits ``source`` in its own words.

    Attribution lines (Source:, datelines, credit trailers) and sign-off
    lines at the text's top or bottom ("- Reuters", "With AFP", "PA") are
    the outlet's own. A credit phrase in a sentence ("according to Reuters") counts only
    when the source sentences it was matched to do not already name the
    source: a sentence copied or paraphrased from the wire that mentions the
    wire is reporting, not crediting.
    """
    names = credit_names(source)
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
