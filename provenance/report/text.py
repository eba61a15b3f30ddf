"""The terminal report, the editor's questions first.

A scan's report opens with a table, one row per derived article: its
verdict, whether it credits its source (only where it reuses text), how
much of it is copied word for word, and the source. Then, per story, the
source and why; per derived article, why the verdict and the direction in
figures a person can check, the credit, what it took (each passage beside
the source sentences it came from, longest first) and what it added. The
lists are capped; ``show_all`` prints them whole and the source sentences
left out. The verdict model's terms (probabilities, weights, training
means) and the alignment's similarities show only with ``explain``; the
JSON report always holds them.

"Copied" is the one measure of copying every format names: the share of
the article's words in passages of three or more words copied word for
word from the source (``Scores.run_coverage_3``). "From the source" is the
share in sentences taken from it, word for word or rewritten.
"""

from __future__ import annotations

import difflib
import re
import textwrap

from ..model import (ADDED, COPY, INDEPENDENT, PARTIAL, QUOTED, REWRITE_VERDICT, VERBATIM, Document, Relation,
                     ScanResult)
from . import clip
from .regions import is_evidence
from .wording import plain_credit, plain_direction, plain_story_reason, plain_verdict_reason

_WIDTH = 100
#: How many passages taken (the longest), and sentences added (the first),
#: an article shows unless ``show_all``: a copy's first screen shows both.
TAKEN_CAP, ADDED_CAP = 3, 5
_TEXT_INDENT = " " * 10


def render_scan(result: ScanResult, *, show_all: bool = False, explain: bool = False) -> str:
    """The text report of a scan: the summary table, then each story.

    ``show_all`` lists every passage taken, every sentence added and the
    source sentences left out; ``explain`` adds the verdict model's
    reasoning and the alignment's similarities."""
    documents = {d.id: d for d in result.documents}
    related = [s for s in result.stories if s.members]
    alone = [s.source for s in result.stories if not s.members]
    skipped = f"; {len(result.problems)} input(s) skipped, listed at the end" if result.problems else ""
    lines = [
        f"Scanned {len(result.documents)} article(s): {len(related)} story cluster(s) with reuse or "
        f"shared subject, {len(alone)} article(s) on their own{skipped}."
    ]
    relations = [r for r in (result.relation(m) for story in related for m in story.members) if r is not None]
    if relations:
        lines += ["", *_summary(relations, documents)]
    for story in related:
        source = documents[story.source]
        head = f"{story.id}: source "
        lines += ["", head + _describe(source, len(head)),
                  _wrapped("  why it is the source: ", "; ".join(plain_story_reason(r) for r in story.source_reasons))]
        for member in story.members:
            relation = result.relation(member)
            if relation is not None:
                lines += ["", "  " + _describe(documents[member], 2)]
                lines += _relation_lines(relation, documents, show_all=show_all, explain=explain)
    if alone:
        lines += ["", _wrapped("On their own (no related article found): ", ", ".join(alone))]
    if result.problems:
        lines += ["", f"Skipped {len(result.problems)}, and why:"]
        lines += [f"  {problem}" for problem in result.problems]
    return "\n".join(lines) + "\n"


def render_compare(relation: Relation, source: Document, derived: Document, *, explain: bool = False) -> str:
    """The text report of a compare: everything ``derived`` took, added and left out."""
    documents = {source.id: source, derived.id: derived}
    lines = [f"source:  {_describe(source, 9)}", f"derived: {_describe(derived, 9)}"]
    lines += _relation_lines(relation, documents, show_all=True, explain=explain, indent="")
    return "\n".join(lines) + "\n"


# --- the summary --------------------------------------------------------------------------


_COLUMNS = ("article", "outlet", "date", "verdict", "credited", "copied", "source")


def _summary(relations: list[Relation], documents: dict[str, Document]) -> list[str]:
    """A count line, the table (one row per derived article: one that reuses
    its source's text) and what "copied" means."""
    derived_ones = [r for r in relations if r.reuses_text]
    counts = {verdict: sum(1 for r in derived_ones if r.verdict == verdict)
              for verdict in (COPY, REWRITE_VERDICT, PARTIAL)}
    uncredited = sum(1 for r in derived_ones if not r.credited)
    updates = sum(1 for r in derived_ones if r.update)
    head = (f"{len(derived_ones)} derived article(s): "
            + ", ".join(f"{n} {verdict}" for verdict, n in counts.items() if n)
            + (f"; {updates} an update by the same outlet" if updates else "")
            + f"; {uncredited} not credited.")
    unrelated = len(relations) - len(derived_ones)
    if unrelated:
        head += (f" {unrelated} more share a story with a source but reuse none of its text "
                 f"({INDEPENDENT}): in the stories below.")
    rows = [_COLUMNS]
    for relation in derived_ones:
        derived = documents[relation.derived]
        rows.append((
            relation.derived,
            clip(derived.outlet, 20) or "-",
            derived.published or "-",
            relation.verdict,
            "update" if relation.update else "yes" if relation.credited else "no",
            f"{relation.scores.run_coverage_3:.0%}",
            relation.source,
        ))
    widths = [max(len(row[column]) for row in rows) for column in range(len(_COLUMNS))]
    copied = _COLUMNS.index("copied")
    table = ["  ".join(cell.rjust(width) if column == copied else cell.ljust(width)
                       for column, (cell, width) in enumerate(zip(row, widths))).rstrip()
             for row in rows]
    legend = ["copied: the share of its words in passages of 3 or more words copied word for word from the source.",
              "Below, [n] numbers sentences from 0: = taken word for word, ~ rewritten, <- the source's, "
              "+ its own,",
              "\" a quotation both carry (the same speaker's words: evidence of the same story, not of reuse)."]
    return [_wrapped("", head), "", *table, "", *legend]


# --- one derived article ------------------------------------------------------------------


def _relation_lines(
    relation: Relation, documents: dict[str, Document], *, show_all: bool, explain: bool, indent: str = "  "
) -> list[str]:
    derived = documents[relation.derived]
    source = documents[relation.source]
    scores = relation.scores
    credit = ((", an update by the same outlet" if relation.update else ", credited" if relation.credited
               else ", NOT credited") if relation.reuses_text else "")
    own = relation.ledger.own_prose_share
    quoted = relation.ledger.quoted_sentences
    summary = (f"{relation.verdict}{credit}; {scores.run_coverage_3:.0%} copied word for word, "
               f"{own:.0%} of its words from the source"
               + (f", {quoted} shared quotation{'s' if quoted != 1 else ''}" if quoted else ""))
    # The editor's order: the verdict and the credit, what it took and
    # added, then why this source is the source.
    lines = [
        _wrapped(f"{indent}  verdict: ", summary),
        _wrapped(f"{indent}  because: ", plain_verdict_reason(relation)),
    ]
    if explain:
        if relation.verdict_reasons:
            lines.append(_wrapped(f"{indent}  model: ", "; ".join(relation.verdict_reasons)))
        lines.append(_wrapped(f"{indent}  sentences: ", (
            f"{scores.verbatim:.0%} of its words in sentences labelled verbatim, {scores.rewrite:.0%} rewrite, "
            f"{scores.quoted:.0%} quoted, {scores.added:.0%} added; uses {scores.source_used:.0%} of the source's sentences")))
    if relation.reuses_text:
        lines.append(_wrapped(f"{indent}  credit: ", plain_credit(relation, source, derived)))
    lines += _took_lines(relation, source, derived, show_all=show_all, explain=explain, indent=indent)
    lines += _took_lines(relation, source, derived, show_all=show_all, explain=explain, indent=indent, quoted=True)
    lines += _added_lines(relation, derived, show_all=show_all, explain=explain, indent=indent)
    lines += _dropped_lines(relation, source, show_all=show_all, indent=indent)
    lines.append(_wrapped(f"{indent}  direction: ", "; ".join(
        plain_direction(reason, source.id, derived.id) for reason in relation.direction_reasons)))
    return lines


def _took_lines(relation: Relation, source: Document, derived: Document, *, show_all: bool, explain: bool,
                indent: str, quoted: bool = False) -> list[str]:
    """The passages taken from the source's own prose, or (``quoted``) the
    quotations both texts carry."""
    passages = _passages(relation, derived, quoted)
    if not passages:
        return []
    if quoted:
        share = relation.ledger.share(QUOTED)
        lines = [_wrapped(f"{indent}  ", f"quotations it shares with the source ({share:.0%} of its words; the "
                                      "same speaker's words, evidence of the same story, not of reuse):")]
    else:
        lines = [f"{indent}  took from the source ({relation.ledger.own_prose_share:.0%} of its words), "
                 "longest first:"]
    shown = passages if show_all else passages[:TAKEN_CAP]
    for rows, text in shown:
        first, last = rows[0].index, rows[-1].index
        mark = '"' if quoted else "=" if all(row.label == VERBATIM for row in rows) else "~"
        number = f"[{first}]" if first == last else f"[{first}-{last}]"
        origins = rows[0].source_indexes
        # Source sentences apart in the source are shown apart.
        taken_from = "".join(("" if k == 0 else " " if j == origins[k - 1] + 1 else " … ")
                             + source.sentence_text(j) for k, j in enumerate(origins))
        similarity = f" (similarity {max(row.score for row in rows):.2f})" if explain else ""
        arrow = f"<- [{','.join(str(j) for j in origins)}]"
        # Under half its words in copied runs, it differs in more than a few
        # words: no need to count them.
        copied = sum(row.verbatim_share * row.words for row in rows) / max(1, sum(row.words for row in rows))
        changes = _changes(taken_from, text) if copied >= 0.5 else None
        if changes == "":
            lines.append(_block(f"{indent}    {mark} {number} {arrow} the same words{similarity}: ", text, indent))
        else:
            lines.append(_block(f"{indent}    {mark} {number}{similarity} ", text, indent))
            if changes is None:
                lines.append(_block(f"{indent}      {arrow} ", taken_from, indent))
            else:
                lines.append(_block(f"{indent}      {arrow} ", f"the same words but {changes}", indent))
    if len(passages) > len(shown):
        what = "quotation(s) shared" if quoted else "passage(s) taken"
        lines.append(f"{indent}    and {len(passages) - len(shown)} more {what} (--show-all)")
    return lines


def _added_lines(relation: Relation, derived: Document, *, show_all: bool, explain: bool, indent: str) -> list[str]:
    added = [row for row in relation.ledger.sentences if row.label == ADDED]
    if not added:
        return [f"{indent}  added: nothing of its own"]
    lines = [f"{indent}  added ({relation.scores.added:.0%} of its words):"]
    shown = added if show_all else added[:ADDED_CAP]
    for row in shown:
        closest = f" (closest source sentence {row.score:.2f})" if explain else ""
        head = f"{indent}    + [{row.index}]{closest} "
        text = derived.sentence_text(row.index)
        # A glance at each, one line apiece; --show-all gives them whole.
        lines.append(_block(head, text, indent) if show_all else head + clip(text, _WIDTH - len(head)))
    if len(added) > len(shown):
        lines.append(f"{indent}    and {len(added) - len(shown)} more sentence(s) added (--show-all)")
    return lines


def _dropped_lines(relation: Relation, source: Document, *, show_all: bool, indent: str) -> list[str]:
    dropped = relation.ledger.dropped
    if not dropped:
        return []
    total = relation.ledger.source_sentence_count
    counted = f"{indent}  dropped from the source: {len(dropped)} of its {total} sentences"
    if not show_all:
        return [counted + " (--show-all lists them)"]
    lines = [counted + ":"]
    lines += [_block(f"{indent}    - [{j}] ", source.sentence_text(j), indent) for j in dropped]
    return lines


def _passages(relation: Relation, derived: Document, quoted: bool = False) -> list[tuple[tuple, str]]:
    """The derived sentences taken from the source's own prose (or, when
    ``quoted``, those sharing a quotation with it), consecutive ones taken
    from the same source sentences joined into one passage: (rows, text),
    passages that are evidence of copying first (``regions.is_evidence``),
    each longest first, then in the article's order."""
    groups: list[list] = []
    for row in relation.ledger.sentences:
        if row.label == ADDED or (row.label == QUOTED) != quoted:
            continue
        previous = groups[-1][-1] if groups else None
        if previous is not None and previous.index + 1 == row.index and previous.source_indexes == row.source_indexes:
            groups[-1].append(row)
        else:
            groups.append([row])
    passages = []
    for rows in groups:
        text = " ".join(derived.sentence_text(row.index) for row in rows)
        words = sum(row.words for row in rows)
        # A longer passage made only of names, dates and stock phrases is not
        # met in news prose, and asking costs as much as the rest of the report.
        shows = words > _EVIDENCE_ASKED_UP_TO or is_evidence(text)
        passages.append((not shows, -words, rows[0].index, tuple(rows), text))
    return [(rows, text) for *_, rows, text in sorted(passages, key=lambda p: p[:3])]


#: Passages this long or shorter are asked whether they are evidence of copying.
_EVIDENCE_ASKED_UP_TO = 12


_WORD = re.compile(r"\w+(?:[.'’\-]\w+)*")
#: A passage is told as its source's words with a few changes when at most
#: this many stretches of words differ and they hold at most this share of its words.
_MAX_CHANGES, _MAX_CHANGED_SHARE = 3, 0.25


#: What the comparison of passages leaves out of a word: "U.S." is "US", "Trump’s" "Trump's".
_INNER_MARKS = str.maketrans("", "", ".'’-")


def _changes(source: str, derived: str) -> str | None:
    """How ``derived`` differs from ``source`` word by word (case, quote
    marks, dashes and spacing aside): "" when not at all, a short list
    ("'US' for 'U.S'; adds 'also'") when in a few words, None when more."""
    theirs, ours = list(_WORD.finditer(source)), list(_WORD.finditer(derived))
    folded = [m[0].casefold().translate(_INNER_MARKS) for m in theirs]
    mine = [m[0].casefold().translate(_INNER_MARKS) for m in ours]
    if folded == mine:
        return ""
    matcher = difflib.SequenceMatcher(None, folded, mine, autojunk=False)
    changed = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if not changed:
        return ""
    words = sum(max(i2 - i1, j2 - j1) for _, i1, i2, j1, j2 in changed)
    if len(changed) > _MAX_CHANGES or words > _MAX_CHANGED_SHARE * max(len(theirs), len(ours), 1):
        return None

    def quoted(found: list[re.Match], start: int, end: int) -> str:
        return "'" + clip(found[start].string[found[start].start():found[end - 1].end()], 60) + "'"

    told = []
    for op, i1, i2, j1, j2 in changed:
        if op == "replace":
            told.append(f"{quoted(ours, j1, j2)} for {quoted(theirs, i1, i2)}")
        elif op == "insert":
            told.append(f"adds {quoted(ours, j1, j2)}")
        else:
            told.append(f"drops {quoted(theirs, i1, i2)}")
    return "; ".join(told)


# --- layout -------------------------------------------------------------------------------


def _describe(document: Document, used: int = 0) -> str:
    """'id (outlet, date) "title"', the title clipped to end the line (after ``used`` characters)."""
    details = [x for x in (document.outlet, document.published) if x]
    described = f"{document.id}" + (f" ({', '.join(details)})" if details else "")
    if document.title:
        described += f' "{clip(document.title, max(24, _WIDTH - used - len(described) - 3))}"'
    return described


def _block(head: str, text: str, indent: str) -> str:
    """``text`` after ``head``, its further lines under the sentence lists' text column."""
    subsequent = indent + _TEXT_INDENT
    return _fill_words(text, head, subsequent) or textwrap.fill(
        text, width=_WIDTH, initial_indent=head, subsequent_indent=subsequent, break_on_hyphens=False,
    ) or head.rstrip()


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


