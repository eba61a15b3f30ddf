"""The HTML report: one self-contained file, readable offline and printable.

It renders the JSON report's document (:func:`provenance.report.json.scan_document`
and :func:`~provenance.report.json.compare_document`), never the analysis
objects, so the HTML and JSON reports cannot disagree.

Every string in that document is untrusted: article text, titles, outlets,
ids and file names come from the inputs. So the template escapes everything
(Jinja2 autoescaping), DOM ids and CSS classes are made from counters and
fixed vocabularies rather than from data, the one script reads nothing but
integer and fixed-vocabulary ``data-*`` attributes and sort keys, and a
Content-Security-Policy carrying hashes of the inline style and script
forbids any other script, style or remote load.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .json import compare_document, scan_document
from . import clip
from .graph import Graph, graph
from .regions import is_evidence

if TYPE_CHECKING:
    from ..model import Document, Relation, ScanResult

VERDICTS = ("copy", "rewrite", "partial", "independent")
LABELS = ("verbatim", "rewrite", "quoted", "added")
#: Ledgers start open only while all of them together stay this short: a
#: closed <details> is parsed but not laid out, which keeps big reports fast.
OPEN_LEDGER_ROWS = 600

# Lone surrogates cannot be encoded as UTF-8 and control characters are HTML
# parse errors. Each becomes U+FFFD, one code point for one, so the sentence
# offsets of verbatim spans stay valid.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_TEMPLATES = "templates"


# ---------------------------------------------------------------- entry points


def render_scan(result: ScanResult) -> str:
    """The HTML report of a scan (the ``html`` scan format)."""
    return render_scan_document(scan_document(result))


def render_compare(relation: Relation, source: Document, derived: Document) -> str:
    """The HTML report of a compare (the ``html`` compare format)."""
    return render_compare_document(compare_document(relation, source, derived))


def render_scan_document(document: Mapping[str, Any]) -> str:
    """The HTML page for a scan document (the JSON report's data)."""
    return _render(_scan_view(document, kind="scan"))


def render_compare_document(document: Mapping[str, Any]) -> str:
    """The HTML page for a compare document: one story with one derived article."""
    source, derived = document["articles"]
    cluster = {"id": "compare", "source": source["id"], "members": [derived["id"]],
               "source_reasons": ["given as the source on the command line"]}
    as_scan = {**document, "clusters": [cluster], "relations": [document["relation"]], "problems": []}
    return _render(_scan_view(as_scan, kind="compare"))


# ---------------------------------------------------------------- view model


@dataclass(frozen=True)
class SentenceView:
    dom_id: str
    index: int
    #: verbatim, rewrite or added (derived side); verbatim, rewrite or dropped (source side).
    label: str
    #: The text cut at copied spans: (text, copied word for word).
    pieces: tuple[tuple[str, bool], ...]
    #: Indexes of the linked sentences in the other column, space-separated.
    links: str
    #: What the label means for this sentence, for screen readers.
    note: str


@dataclass(frozen=True)
class Row:
    #: Empty for a row that shows a dropped source sentence.
    derived: tuple[SentenceView, ...]
    sources: tuple[SentenceView, ...]


@dataclass(frozen=True)
class RelationView:
    dom_id: str
    source: Mapping[str, Any]
    derived: Mapping[str, Any]
    verdict: str
    verdict_rank: int
    credited: bool
    credit_evidence: tuple[str, ...]
    #: The direction's reasons and why the verdict and the credit, in the
    #: plain words every report shows (the judge's own for older documents).
    direction_reasons: tuple[str, ...]
    verdict_told: str
    credit_told: str
    #: How the model reached the verdict (schema 1.1; empty for older documents).
    verdict_reasons: tuple[str, ...]
    scores: Mapping[str, float]
    #: Share of its words in passages of 3+ words copied word for word.
    copied: float
    #: Stacked share bar: (label, x, width) in a 100-unit-wide box.
    bar: tuple[tuple[str, float, float], ...]
    rows: tuple[Row, ...]
    derived_count: int
    source_count: int
    dropped: int
    open: bool
    #: The same outlet's later take (schema 1.4; False for older documents).
    update: bool = False

    @property
    def flagged(self) -> bool:
        """Reuses the source's text without crediting it (independent
        reporting of the same story owes no credit)."""
        return not self.credited and self.verdict != "independent"


@dataclass(frozen=True)
class StoryView:
    dom_id: str
    #: The story's id in the JSON and text reports ("story-1").
    id: str
    source: Mapping[str, Any]
    reasons: tuple[str, ...]
    relations: tuple[RelationView, ...]
    graph: Graph


@dataclass(frozen=True)
class ReportView:
    kind: str
    title: str
    tool_version: str
    article_count: int
    stories: tuple[StoryView, ...]
    lone: tuple[Mapping[str, Any], ...]
    problems: tuple[Mapping[str, Any], ...]
    settings: tuple[tuple[str, str], ...]
    #: Articles that reuse their source's text, with their stories (the summary table's rows).
    derived: tuple[tuple[StoryView, RelationView], ...]
    #: How many of them each reuse verdict has: ((verdict, count), ...), counts above 0.
    verdict_counts: tuple[tuple[str, int], ...]
    uncredited_count: int
    #: Story members that reuse none of their source's text (independent).
    unrelated_count: int


def _scan_view(document: Mapping[str, Any], *, kind: str) -> ReportView:
    articles = {a["id"]: a for a in document.get("articles", [])}
    relations = {r["derived"]: r for r in document.get("relations", [])}
    clusters = document.get("clusters", [])
    rows = sum(len(r["sentences"]) + len(r["source_sentences"]) for r in relations.values())
    open_ledgers = kind == "compare" or rows <= OPEN_LEDGER_ROWS

    stories: list[StoryView] = []
    lone: list[Mapping[str, Any]] = []
    counter = iter(range(1, len(relations) + 1))
    for cluster in clusters:
        source = _article(articles, cluster["source"])
        if not cluster["members"]:
            lone.append(source)
            continue
        views = tuple(
            # Each against the source it drew on: one story may have several.
            _relation_view(relations[m], _article(articles, relations[m]["source"]), _article(articles, m),
                           f"r{next(counter)}", open_ledgers)
            for m in cluster["members"] if m in relations
        )
        stories.append(StoryView(
            dom_id=f"c{len(stories) + 1}", id=str(cluster.get("id", "")), source=source,
            # In plain words where the document has them (schema 1.3), else as the judge gave them.
            reasons=tuple(cluster.get("source_explanation") or cluster["source_reasons"]),
            relations=views, graph=graph(source, views),
        ))
    derived = tuple((s, r) for s in stories for r in s.relations if r.verdict != "independent")
    counts = tuple((v, n) for v in VERDICTS[:3] if (n := sum(1 for _, r in derived if r.verdict == v)))
    return ReportView(
        kind=kind, title=_title(kind, document, stories),
        tool_version=str(document.get("tool", {}).get("version", "")),
        article_count=len(document.get("articles", [])), stories=tuple(stories), lone=tuple(lone),
        problems=tuple(document.get("problems", [])),
        settings=tuple((str(k), str(v)) for k, v in document.get("settings", {}).items()),
        derived=derived, verdict_counts=counts, uncredited_count=sum(1 for _, r in derived if r.flagged),
        unrelated_count=sum(len(s.relations) for s in stories) - len(derived),
    )


def _title(kind: str, document: Mapping[str, Any], stories: Sequence[StoryView]) -> str:
    if kind == "compare":
        source, derived = document["articles"]
        return f"provenance: {clip(derived['id'], 60)} against {clip(source['id'], 60)}"
    count = len(document.get("articles", []))
    return f"provenance report: {count} article{'s' if count != 1 else ''}, {len(stories)} " \
           f"stor{'ies' if len(stories) != 1 else 'y'} with reuse"


def _article(articles: Mapping[str, Mapping[str, Any]], key: str) -> Mapping[str, Any]:
    # A hand-written document may name an article it does not list.
    blank = {"id": key, "origin": "", "title": None, "outlet": None, "published": None, "url": None,
             "sniffed": [], "is_wire": False, "sentence_count": 0, "word_count": 0, "attributions": []}
    return {**blank, **articles.get(key, {})}


def _relation_view(
    relation: Mapping[str, Any], source: Mapping[str, Any], derived: Mapping[str, Any], dom_id: str, open_: bool
) -> RelationView:
    verdict = _known(relation["verdict"], VERDICTS)
    scores = {k: float(v) for k, v in relation["scores"].items() if isinstance(v, (int, float))}
    # What the article took of the source's own prose, and the quotations both carry.
    scores["own_prose"] = max(0.0, scores.get("matched", 0.0) - scores.get("quoted", 0.0))
    scores["quoted_sentences"] = float(sum(1 for s in relation["sentences"] if s.get("label") == "quoted"))
    copied = relation.get("copied", scores.get("run_coverage_3", scores.get("copied_words", 0.0)))
    told = relation.get("explanation") or {}
    return RelationView(
        dom_id=dom_id, source=source, derived=derived, verdict=verdict,
        verdict_rank=VERDICTS.index(verdict) if verdict in VERDICTS else len(VERDICTS),
        credited=bool(relation["credited"]), credit_evidence=tuple(relation["credit_evidence"]),
        update=bool(relation.get("update", False)),
        direction_reasons=tuple(told.get("direction") or relation["direction"]["reasons"]),
        verdict_told=str(told.get("verdict", "")), credit_told=str(told.get("credit", "")),
        verdict_reasons=tuple(relation.get("verdict_reasons", ())),
        scores=scores, copied=float(copied), bar=_bar(float(copied), scores["own_prose"], scores.get("quoted", 0.0)),
        rows=_rows(relation, dom_id), derived_count=len(relation["sentences"]),
        source_count=len(relation["source_sentences"]), dropped=len(relation["dropped"]), open=open_,
    )


def _rows(relation: Mapping[str, Any], dom_id: str) -> tuple[Row, ...]:
    """The ledger in the derived article's order, each sentence beside its
    source sentences: next sentences drawn from the same ones share the row,
    a later reuse shows them again (without the id). A dropped source
    sentence has a row of its own before the first derived sentence that
    draws on a later one: a faithful copy reads as its source."""
    derived = [_derived_sentence(s, dom_id) for s in relation["sentences"]]
    users: dict[int, list[int]] = {}
    for view in derived:
        for j in view.links.split():
            users.setdefault(int(j), []).append(view.index)
    source: dict[int, SentenceView] = {}
    dropped = {int(d["index"]) for d in relation.get("dropped", ())}
    for sentence in relation["source_sentences"]:
        index, used_by = int(sentence["index"]), users.get(int(sentence["index"]), [])
        # Matched by no sentence but not dropped: its quotation is carried in another sentence.
        label = "rewrite" if used_by else "dropped" if index in dropped else "quoted"
        note = (f"used in sentence{'s' if len(used_by) > 1 else ''} {_numbers(used_by)}" if used_by
                else "dropped: not used" if label == "dropped" else "quoted: its quotation is carried in the article")
        source[index] = SentenceView(
            dom_id=f"{dom_id}-s{index}", index=index, label=label,
            pieces=((sentence["text"], False),), links=" ".join(map(str, used_by)), note=note)
    pending = sorted(j for j, view in source.items() if not view.links)
    shown: set[int] = set()
    rows: list[Row] = []
    for view in derived:
        origins = [int(j) for j in view.links.split() if int(j) in source]
        while origins and pending and pending[0] < min(origins):
            rows.append(Row((), (source[pending.pop(0)],)))
        if origins and rows and rows[-1].derived and [t.index for t in rows[-1].sources] == origins:
            rows[-1] = Row(rows[-1].derived + (view,), rows[-1].sources)
            continue
        # Beside this sentence, a source sentence is labelled by this use of it.
        rows.append(Row((view,), tuple(replace(source[j], label=view.label, dom_id="" if j in shown else
                                               source[j].dom_id) for j in origins)))
        shown.update(origins)
    rows.extend(Row((), (source[j],)) for j in pending)
    return tuple(rows)


def _derived_sentence(sentence: Mapping[str, Any], dom_id: str) -> SentenceView:
    index, label = int(sentence["index"]), _known(sentence["label"], LABELS)
    origins = [] if label == "added" else [int(j) for j in sentence["source_indexes"]]
    note = f"{label} of source sentence{'s' if len(origins) > 1 else ''} {_numbers(origins)} " \
           f"(similarity {float(sentence['score']):.2f})" if origins else f"{label}: not from the source"
    return SentenceView(
        dom_id=f"{dom_id}-d{index}", index=index, label=label, links=" ".join(map(str, origins)), note=note,
        pieces=_pieces(sentence["text"], marked_spans(sentence["text"], sentence["verbatim_spans"])))


def marked_spans(text: str, spans: Iterable[Sequence[int]]) -> list[tuple[int, int]]:
    """The copied spans of a sentence that are marked as copied words.

    Only evidence of copying, by the gate's rule (:func:`.regions.is_evidence`):
    more than three words, not only names, dates, numbers, function words and
    stock phrases. Two reports of one story share "Dmitry Peskov" whether or
    not one copied the other. The copied share still counts every span."""
    found = []
    for start, end in spans:
        start, end = max(0, int(start)), min(len(text), int(end))
        if end > start and is_evidence(text[start:end]):
            found.append((start, end))
    return found


def _pieces(text: str, spans: Iterable[Sequence[int]]) -> tuple[tuple[str, bool], ...]:
    """Cut ``text`` at its copied spans, clipped to the text, overlaps merged."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, int(a)), min(len(text), int(b))) for a, b in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in merged:
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text) or not pieces:
        pieces.append((text[at:], False))
    return tuple(pieces)


def _bar(copied: float, own: float, quoted: float = 0.0) -> tuple[tuple[str, float, float], ...]:
    """Copied word for word, then the rest of its words from the source's own
    prose, then quotations both carry, then added."""
    copied = max(0.0, min(1.0, copied))
    own = max(copied, min(1.0, own))
    quoted = max(0.0, min(1.0 - own, quoted))
    parts, x = [], 0.0
    for label, share in (("verbatim", copied), ("rewrite", own - copied), ("quoted", quoted),
                         ("added", 1.0 - own - quoted)):
        width = round(share * 100, 1)
        if width > 0:
            parts.append((label, round(x, 1), width))
        x += width
    return tuple(parts)


# ---------------------------------------------------------------- helpers


def _safe_text(value: Any) -> Any:
    """Every value the template prints passes here (Jinja's ``finalize``),
    before escaping: so no string from the data can stop the page from being
    encoded or parsed. Our own Markup (style, script, CSP) passes untouched."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _UNSAFE_CHARS.sub("\ufffd", value)
    return value


def _known(value: Any, allowed: Sequence[str]) -> str:
    # Labels become CSS classes: only the fixed vocabulary may pass.
    return value if value in allowed else "unknown"


def _numbers(values: Iterable[int]) -> str:
    return ", ".join(str(v) for v in values)




# ---------------------------------------------------------------- rendering


@lru_cache(maxsize=None)
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("provenance.report", _TEMPLATES),
        autoescape=True,  # every template, whatever its name: all data is untrusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_safe_text,
    )
    environment.filters["percent"] = "{:.0%}".format
    return environment


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return resources.files("provenance.report").joinpath(_TEMPLATES, name).read_text(encoding="utf-8")


def _csp_source(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(style: str, script: str) -> str:
    """Nothing may load or run but the page's own inline style and script."""
    return (
        f"default-src 'none'; style-src {_csp_source(style)}; script-src {_csp_source(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _render(view: ReportView) -> str:
    style, script = _asset("report.css"), _asset("report.js")
    return _environment().get_template("report.html").render(
        view=view,
        style=Markup(style),
        script=Markup(script),
        csp=Markup(content_security_policy(style, script)),
    )
