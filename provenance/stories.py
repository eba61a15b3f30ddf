"""Stories: linked articles grouped, each story's source chosen.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .config import DEFAULT_SETTINGS, Settings
from .judge.direction import wire_mark
from .model import ADDED, COPY, REWRITE_VERDICT, VERDICTS, Document, Relation


def cluster(
    documents: Iterable[Document], relations: Iterable[Relation], settings: Settings = DEFAULT_SETTINGS
) -> list[tuple[list[str], dict[str, int]]]:
    """Group articles linked by evidence of one story (:func:`story_link`).

    Stories are the groups that strong links (:func:`story_link`) join,
    each article keeping only its links within its own days when it has
    any (:func:`_nearest_links`). An
    article with none (its reuse is one sentence, a brief or a stock line;
    or it reports the same event in its own words) joins the story of its
    likeliest source alone (:func:`source_strength`) and never links two
    stories: one weak article cannot chain them.

    Returns each group's member ids (sorted) with how often each member was
    judged the source in the group's pairs (of reuse, or of a content-word
    Jaccard of ``story_similarity``).
    """
    documents = list(documents)
    relations = list(relations)
    by_id = {d.id: d for d in documents}
    links = [(r.source, r.derived) for r in relations
             if story_link(r, by_id[r.source], by_id[r.derived], settings)]
    links = _nearest_links(links, by_id, settings)
    linked = {x for pair in links for x in pair}
    best: dict[str, tuple[tuple, str]] = {}
    for relation in relations:
        if not (relation.reuses_text or _same_subject(relation, by_id, settings)):
            continue
        for one, other in ((relation.derived, relation.source), (relation.source, relation.derived)):
            if one in linked:
                continue
            key = (source_strength(relation, by_id[relation.source]), other)
            if one not in best or key < best[one][0]:
                best[one] = (key, other)
    links += [(one, other) for one, (_, other) in sorted(best.items())]
    roots = connected_roots(links, by_id)
    # A member's say as the source: every pair inside its story in which it
    # was judged the source of reused text or of the same subject.
    wins = {i: 0 for i in by_id}
    for relation in relations:
        if roots[relation.source] == roots[relation.derived] and (
                relation.reuses_text or relation.scores.content_similarity >= settings.stories.story_similarity):
            wins[relation.source] += 1
    groups: dict[str, list[str]] = {}
    for i in by_id:
        groups.setdefault(roots[i], []).append(i)
    return [(sorted(members), {m: wins[m] for m in members}) for _, members in sorted(groups.items())]


def _nearest_links(links: list[tuple[str, str]], by_id: dict[str, Document],
                   settings: Settings) -> list[tuple[str, str]]:
    """The links, less those across more than ``story_days`` into a derived
    article that has a source within them: an article that drew on its own
    days' story is explained by it, and what it shares with an older one is
    the background that story carries (a trial's last-day report repeating
    the first day's). A link across days stays for an article with no
    nearer source: a weekly that ran the wire late (and a second weekly
    that copied the first is linked to the first)."""
    days = settings.stories.story_days
    gaps = [days_apart(by_id[a].published, by_id[b].published) for a, b in links]
    # (An undated source is within no days: it places nothing, and its link stays.)
    placed = {b for (_, b), gap in zip(links, gaps) if gap is not None and gap <= days}
    return [(a, b) for (a, b), gap in zip(links, gaps) if gap is None or gap <= days or b not in placed]


def _same_subject(relation: Relation, by_id: dict[str, Document], settings: Settings) -> bool:
    """Independent reporting of one event: a content-word Jaccard of
    ``story_similarity`` between articles at most ``story_days`` apart."""
    apart = days_apart(by_id[relation.source].published, by_id[relation.derived].published)
    return (relation.scores.content_similarity >= settings.stories.story_similarity
            and (apart is None or apart <= settings.stories.story_days))


def story_link(relation: Relation, source: Document, derived: Document, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """Whether ``relation`` is strong evidence that its two articles are one story.

    Reuse, with at least ``story_min_sentences`` sentences of the derived
    text matched: prose, not one stock sentence such as "The case was
    adjourned until tomorrow.". Then whole reuse (a copy or a rewrite), and
    partial reuse of at least ``story_strong_share`` of the derived
    article's words, link whenever each appeared (a weekly that runs the
    wire a week late still ran the wire); weaker partial reuse only between
    articles published at most ``story_days`` apart when both are dated: a
    few shared sentences months apart are the stock phrasing of a beat, not
    one story. An outlet's own update (:attr:`~provenance.model.Relation.update`)
    links only within ``story_days`` too, however much it takes: the wire's
    story on a trial's last day carries the first day's background, and is
    its next story on the case, not the same one. Shared vocabulary alone is
    never a link: court reports share much of it whatever the case."""
    if not relation.reuses_text:
        return False
    matched = sum(1 for row in relation.ledger.sentences if row.label != ADDED)
    if matched < settings.stories.story_min_sentences:
        return False
    apart = days_apart(source.published, derived.published)
    within = apart is None or apart <= settings.stories.story_days
    if relation.update:
        # An outlet's own text again days later is its next story on the
        # case, carrying the first one's background: linked within the days only.
        return within
    if relation.verdict in (COPY, REWRITE_VERDICT) or relation.scores.matched >= settings.stories.story_strong_share:
        return True
    return within


def days_apart(first: str | None, second: str | None) -> int | None:
    """Calendar days between two publication dates (ISO 8601, a time allowed),
    None when either is missing or unreadable.

    >>> days_apart("1999-07-12", "1999-07-13T06:00:00Z"), days_apart("1999-07-12", None)
    (1, None)
    """
    try:
        return abs((date.fromisoformat(first[:10]) - date.fromisoformat(second[:10])).days)  # type: ignore[index]
    except (TypeError, ValueError):
        return None


def source_strength(relation: Relation, source: Document) -> tuple:
    """Sort key of the relations of one derived article, its likeliest
    source first: not a withdrawn item (:func:`taken_back`), then reuse
    before independence, then wire copy (an agency's text is written to be
    reused, and what a paper shares with another paper that carries the
    wire's is likelier the wire's), then the verdict (copy first), how much
    of the article comes from the source, how much is copied word for word,
    and the source's id."""
    scores = relation.scores
    return (taken_back(source), not relation.reuses_text, not source.is_wire, VERDICTS.index(relation.verdict),
            -scores.matched, -scores.run_coverage_3, relation.source)


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
