"""The terminal report: per story, the source and why, then each derived
article's verdict, credit and what it added."""

from __future__ import annotations

import textwrap

from ..model import ADDED, Document, Relation, ScanResult

_WIDTH = 100
_LABEL_MARK = {"verbatim": "=", "rewrite": "~", "added": "+"}
# The figure on each ledger line is the cosine similarity with the matched
# source sentences (for an added sentence, the closest it came to any).
_LEDGER_HEADING = "ledger ([sentence] label, similarity <- source sentences)"
_ADDED_HEADING = "added ([sentence], similarity of the closest source sentence)"


def render_scan(result: ScanResult, *, show_all: bool = False) -> str:
    """The text report of a scan; ``show_all`` lists every sentence's label, not only the added ones."""
    documents = {d.id: d for d in result.documents}
    lines: list[str] = []
    related = [s for s in result.stories if s.members]
    alone = [s.source for s in result.stories if not s.members]
    skipped = f"; {len(result.problems)} input(s) skipped, listed at the end" if result.problems else ""
    lines.append(
        f"Scanned {len(result.documents)} article(s): {len(related)} story cluster(s) with reuse or "
        f"shared subject, {len(alone)} article(s) on their own{skipped}."
    )
    for story in related:
        source = documents[story.source]
        lines += ["", f"{story.id}: source {_describe(source)}", _wrapped("  why: ", "; ".join(story.source_reasons))]
        for member in story.members:
            relation = result.relation(member)
            if relation is not None:
                lines += _relation_lines(relation, documents, show_all=show_all)
    if alone:
        lines += ["", "On their own (no related article found): " + ", ".join(alone)]
    if result.problems:
        lines += ["", f"Skipped {len(result.problems)} unreadable input(s):"]
        lines += [f"  {problem}" for problem in result.problems]
    return "\n".join(lines) + "\n"


def render_compare(relation: Relation, source: Document, derived: Document) -> str:
    """The text report of a compare: the whole ledger of ``derived``."""
    documents = {source.id: source, derived.id: derived}
    lines = [f"source:  {_describe(source)}", f"derived: {_describe(derived)}"]
    lines += _relation_lines(relation, documents, show_all=True, indent="")
    return "\n".join(lines) + "\n"


def _describe(document: Document) -> str:
    details = [x for x in (document.outlet, document.published) if x]
    title = f' "{_clip(document.title, 70)}"' if document.title else ""
    return f"{document.id}" + (f" ({', '.join(details)})" if details else "") + title


def _relation_lines(
    relation: Relation, documents: dict[str, Document], *, show_all: bool, indent: str = "  "
) -> list[str]:
    derived = documents[relation.derived]
    source = documents[relation.source]
    scores = relation.scores
    credit = "credited" if relation.credited else "NOT credited"
    summary = (
        f"{relation.verdict}, {credit}; {scores.matched:.0%} of its words from the source "
        f"(verbatim {scores.verbatim:.0%}, rewrite {scores.rewrite:.0%}, added {scores.added:.0%}); "
        f"uses {scores.source_used:.0%} of the source's sentences"
    )
    lines = [
        "",
        f"{indent}{_describe(derived)}",
        _wrapped(f"{indent}  verdict: ", summary),
        *([_wrapped(f"{indent}  because: ", "; ".join(relation.verdict_reasons))] if relation.verdict_reasons else []),
        _wrapped(f"{indent}  direction: ", "; ".join(relation.direction_reasons)),
    ]
    if relation.credit_evidence:
        lines.append(_wrapped(f"{indent}  credit: ", " | ".join(_clip(e, 90) for e in relation.credit_evidence)))
    rows = relation.ledger.sentences if show_all else [r for r in relation.ledger.sentences if r.label == ADDED]
    if rows:
        lines.append(f"{indent}  {_LEDGER_HEADING if show_all else _ADDED_HEADING}:")
    for row in rows:
        text = derived.sentence_text(row.index)
        origin = f" <- {','.join(str(j) for j in row.source_indexes)}" if row.source_indexes else ""
        head = f"{indent}    {_LABEL_MARK[row.label]} [{row.index}] {row.label} {row.score:.2f}{origin}: "
        lines.append(_wrapped(head, text))
    if show_all and relation.ledger.dropped:
        lines.append(f"{indent}  dropped from the source:")
        for j in relation.ledger.dropped:
            lines.append(_wrapped(f"{indent}    - [{j}] ", source.sentence_text(j)))
    return lines


def _wrapped(head: str, text: str) -> str:
    hanging = len(head) - len(head.lstrip()) + 4
    indent = " " * min(len(head), hanging + 8)
    return _fill_words(text, head, indent) or textwrap.fill(
        text, width=_WIDTH, initial_indent=head, subsequent_indent=indent, break_on_hyphens=False,
    )


def _fill_words(text: str, head: str, indent: str) -> str | None:
    """``textwrap.fill`` for the usual text -- words parted by single spaces,
    none too long for its line -- which it wraps greedily in the same way,
    several times faster (a large scan's report wraps a line per sentence);
    None for anything else, which textwrap then handles."""
    # Any whitespace but the space is not printable: textwrap would turn it
    # into a space, or drop it at a line's end.
    if not text or text[0] == " " or text[-1] == " " or "  " in text or not text.isprintable():
        return None
    # Greedy: each line ends at the last space that lets it fit.
    lines, start, width = [], 0, _WIDTH - len(head)
    while len(text) - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        after = text.find(" ", cut + 1)
        if cut < 0 or (after if after >= 0 else len(text)) - cut - 1 > width:
            return None  # a word longer than this line: textwrap breaks it into the line
        lines.append(text[start:cut])
        start, width = cut + 1, _WIDTH - len(indent)
    lines.append(text[start:])
    return head + ("\n" + indent).join(lines)


def _clip(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"
