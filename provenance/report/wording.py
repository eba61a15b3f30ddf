"""The reasons of a verdict, a direction, a story's source and a credit,
told in plain words with figures a person can check in the articles: what
every report shows (the text report prints them, the JSON report carries
them as each relation's ``explanation``, the HTML report shows those).

The judge's own reasons (``Relation.direction_reasons``, a story's
``source_reasons``) stay as they are in the JSON report; these are their
readings for a person, every figure saying whose it is.

>>> plain_direction("published 2024-11-11, before b (2024-11-12)", "a", "b")
'the source came out a day earlier (2024-11-11)'
>>> plain_story_reason("wire copy (dateline 'MOSCOW (Reuters) -')")
"carries the wire's dateline 'MOSCOW (Reuters) -'"
"""

from __future__ import annotations

import re
from datetime import date

from ..analysis.attribution import credit_phrases, may_mention, mentions
from ..judge.credit import credit_names
from ..model import ADDED, COPY, PARTIAL, REWRITE_VERDICT, DocumentView, Relation
from . import clip

def plain_verdict_reason(relation: Relation) -> str:
    """Why the verdict, in figures the reader can count in the article."""
    scores, ledger = relation.scores, relation.ledger
    copied = (f"{scores.run_coverage_3:.0%} of its words sit in passages of 3 or more words copied word for "
              "word from the source")
    total = len(ledger.sentences)
    taken = ledger.own_prose_sentences
    share = f"{taken} of its {total} sentences ({ledger.own_prose_share:.0%} of its words)"
    quoted = ledger.quoted_sentences
    shared = (f"; {quoted} more share{'s' if quoted == 1 else ''} a quotation with it, which is evidence of the "
              "same story, not of reuse" if quoted else "")
    if relation.verdict == COPY:
        return copied
    if relation.verdict == REWRITE_VERDICT:
        return (f"{share} are taken from the source, but only {scores.run_coverage_3:.0%} of its words sit in "
                f"passages of 3 or more words copied word for word: it tells the source's story in other words"
                + shared)
    if relation.verdict == PARTIAL:
        return f"{share} are taken from the source's own prose, the rest is its own; {copied}{shared}"
    if quoted:
        return (f"it is on the same story and shares {quoted} quotation{'s' if quoted != 1 else ''} with the "
                f"source, but only {share} resemble the source's own prose")
    return f"it is on the same story, but only {share} resemble the source's"


_DATE_REASON = re.compile(r"^published (?P<early>.+), before (?P<id>.+) \((?P<late>.+)\)$")
_WIRE_REASON = re.compile(r"^wire copy \((?P<mark>.+)\); (?P<id>.+) is not$")
_CREDIT_REASON = re.compile(r"^(?P<id>.+) credits (?P<name>.+)$")
_CONTAINS_REASON = re.compile(
    r"^contains (?P<full>\d+%) of (?P<id>.+)'s word trigrams, while (?P=id) contains (?P<part>\d+%) of its$")
_LONGER_REASON = "no date, dateline or credit decides; taking the longer text as the source"


def plain_direction(reason: str, source_id: str, derived_id: str) -> str:
    """A direction reason of the judge (provenance.judge.direction), told from
    the derived article's side, every figure saying whose it is; a reason
    in another form is kept as it is. A compare that takes the source as
    asked against the evidence gives that evidence in parentheses, told the
    other way round."""
    found = _OTHER_WAY.match(reason)
    if found:
        clues: list[str] = []
        for piece in found["reasons"].split("; "):
            # Two clues hold a "; " themselves.
            joined = f"{clues[-1]}; {piece}" if clues else ""
            wire = bool(clues) and clues[-1].startswith("wire copy (") and piece.endswith(" is not")
            if joined == _LONGER_REASON or wire:
                clues[-1] = joined
            else:
                clues.append(piece)
        told = [_plain_clue(each, "this article", "the source", source_id) for each in clues]
        return f"(the evidence would point the other way: {'; '.join(told)})"
    return _plain_clue(reason, "the source", "this article", derived_id)


_OTHER_WAY = re.compile(r"^\(the evidence would point the other way: (?P<reasons>.+)\)$")


def _plain_clue(reason: str, winner: str, loser: str, loser_id: str) -> str:
    """One clue for ``winner`` being the source of ``loser`` (whose id is ``loser_id``)."""
    found = _DATE_REASON.match(reason)
    if found and found["id"] == loser_id:
        return f"{winner} came out {_earlier(found['early'], found['late'])}"
    found = _WIRE_REASON.match(reason)
    if found and found["id"] == loser_id:
        return f"{winner} {_wire_text(found['mark'])}, {loser} does not"
    found = _CREDIT_REASON.match(reason)
    if found and found["id"] == loser_id:
        return f"{loser} credits {found['name']}"
    found = _CONTAINS_REASON.match(reason)
    if found and found["id"] == loser_id:
        return (f"{winner} holds {found['full']} of {loser}'s three-word sequences, {loser} "
                f"only {found['part']} of {winner}'s")
    if reason == _LONGER_REASON:
        return "no date, dateline or credit decides: the longer text is taken as the source"
    return reason


def plain_story_reason(reason: str) -> str:
    found = re.match(r"^wire copy \((?P<mark>.+)\)$", reason)
    return _wire_text(found["mark"]) if found else reason


def _wire_text(mark: str) -> str:
    """'carries the wire's dateline ...' for a direction reason's wire mark."""
    if mark.startswith("dateline "):
        return f"carries the wire's {mark}"
    if mark.startswith("outlet "):
        return f"comes from the wire agency {mark.removeprefix('outlet ')}"
    return f"is wire copy ({mark})"


def _earlier(early: str, late: str) -> str:
    """'a day earlier (2024-11-11)': how long before the later article the earlier came out."""
    try:
        days = (date.fromisoformat(late[:10]) - date.fromisoformat(early[:10])).days
    except ValueError:
        days = 0
    when = "a day earlier" if days == 1 else f"{days} days earlier" if days > 1 else "earlier"
    return f"{when} ({early})"


def plain_credit(relation: Relation, source: DocumentView, derived: DocumentView) -> str:
    """Credited and the evidence; or not credited, and where the article
    names the source without that counting as credit."""
    if relation.update:
        outlet = f" ({source.outlet})" if source.outlet else ""
        return f"no credit needed: both are the same outlet's{outlet}, this a later take, update or correction"
    if relation.credited:
        return "credited in its own words: " + " | ".join(clip(e, 90) for e in relation.credit_evidence)
    names = credit_names(source)
    name = source.outlet or (names[0] if names else "")
    if not name:
        return "not credited (the source gives no outlet or dateline to look for)"
    if not may_mention("\n".join(derived.sentence_texts()), names):
        return f"not credited: it does not name {name}"
    notes = []
    for row in relation.ledger.sentences:
        text = derived.sentence_text(row.index)
        if not mentions(text, names):
            continue
        phrases = credit_phrases(text, names)
        inherited = [j for j in row.source_indexes if mentions(source.sentence_text(j), names)]
        if phrases and row.label != ADDED and inherited:
            notes.append(f"\"{clip(phrases[0], 50)}\" in [{row.index}] does not count: that sentence is taken "
                         f"from the source's [{inherited[0]}], which names {name} itself")
        elif not phrases:
            notes.append(f"[{row.index}] names {name}, but not as a credit "
                         f"(a credit line, 'according to {name}', '{name} reported')")
    if not notes:
        return f"not credited: no credit line or credit phrase names {name}"
    more = f"; and {len(notes) - 2} more such sentence(s)" if len(notes) > 2 else ""
    return "not credited: " + "; ".join(notes[:2]) + more
