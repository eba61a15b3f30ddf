"""Stories: linked articles grouped, each story's source chosen.
"""

from __future__ import annotations

from collections.abc import Iterable

from .config import DEFAULT_SETTINGS, Settings
from .judge.direction import wire_mark
from .model import Document, Relation


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
        linked = relation.reuses_text or relation.scores.content_similarity >= settings.stories.story_similarity
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


#: The publishing statuses of an agency item its provider has taken back
#: (NewsML-G2 and ninjs ``withheld`` and ``canceled``, and ``withdrawn``):
#: such an item is never a story's source while another member is not.
TAKEN_BACK = frozenset({"withdrawn", "withheld", "canceled", "cancelled"})


def taken_back(document: Document) -> bool:
    """Whether ``document`` is an item its provider withdrew, withheld or canceled."""
    return document.status in TAKEN_BACK


def source_rank(document: Document) -> tuple:
    """How likely a source ``document`` is before any pair is judged (lowest
    first): not taken back (:func:`taken_back`), the earliest dated, then
    wire copy, then the longest, then by id."""
    return (taken_back(document), document.published or "9999", not document.is_wire, -document.word_count,
            document.id)


def choose_source(members: list[str], wins: dict[str, int], documents: dict[str, Document]) -> tuple[str, tuple[str, ...]]:
    """The story's source: never a withdrawn or canceled item while another
    member is not (:func:`taken_back`), then the member judged the source
    most often, then the likeliest by :func:`source_rank`."""

    def likelier(i: str) -> tuple:
        rank = source_rank(documents[i])
        return (rank[0], -wins[i], *rank[1:])

    best = min(members, key=likelier)
    # Who it would have been without the rule: said, so that a report shows why it is not.
    passed_over = min(members, key=lambda i: likelier(i)[1:])
    document = documents[best]
    reasons = [f"judged the source in {wins[best]} of its pairs" if wins[best] else "no pair decided the direction"]
    if passed_over != best:
        reasons.append(f"not {passed_over}, which its provider marked {documents[passed_over].status}")
    elif taken_back(document):
        every = ", as is every member" if len(members) > 1 else ""
        reasons.append(f"marked {document.status} by its provider{every}")
    if document.published:
        reasons.append(f"published {document.published}")
    if document.is_wire:
        reasons.append(f"wire copy ({wire_mark(document)})")
    return best, tuple(reasons)
