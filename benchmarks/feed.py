"""A METER domain given to the tool as one feed, the two ways a user would.

    python benchmarks/feed.py [--root ../shared/datasets/meter] [--domain NAME] [--json FILE]
                              [--dates corpus|next-day|none] [--merge-days 2] [--compare-cli 10] [--keep DIR]

The domain's wire copy (PA) and newspaper articles, read and cleaned by
``benchmarks/meter_corpus.py``, are written as JSONL (``id``, ``text``,
``outlet``, ``published``, ``title`` where the wire gives a headline) and
given to the command line in a subprocess, as a user would give them:

* ``provenance scan feed.jsonl --format json``: every article in one feed;
* ``provenance index add --index idx.sqlite wire.jsonl``, then
  ``provenance check --index idx.sqlite news.jsonl --format json``;
* ``provenance compare`` of every (newspaper article, source) pair the scan
  or the check named, through the Python API (``provenance.compare`` on the
  articles ``provenance.read_articles`` reads from the feed: what the command
  does, without a process per pair); ``--compare-cli N`` runs N of the pairs
  through the command as well and counts any difference.

Only the JSON reports are read (``docs/json-schema.md``,
``docs/check-output.md``). The figures (``benchmarks/README.md``, Feed):

* ``story_ari``: adjusted Rand index of the scan's clusters (singletons
  included) against the story folders (day, catchline), over every article;
  ``story_ari_merged`` against stories in which folders of one catchline
  whose days are at most ``--merge-days`` calendar days apart (chained) are
  one story. ``clusters_mixing_stories``: clusters holding articles of more
  than one story; ``largest_mixed_cluster``: the size of the largest.
* ``source_p_at_1``: derived (wholly or partially) articles whose relation
  (the scan's, or the check's best source) names a wire text of their own
  story folder, whatever its verdict; ``source_p_at_1_reuse`` asks for a
  reuse verdict too.
* ``gate_recall_wholly``: wholly derived articles called copy or rewrite of
  a wire text of their story; ``gate_recall_wholly_any`` and
  ``gate_recall_partially``: wholly / partially derived articles called any
  reuse (copy, rewrite, partial) of a wire text of their story.
* ``false_alarm_non``: non-derived articles called copy or rewrite of
  anything.
* ``verdict_disagreement``: the share of (article, source) pairs named by the
  scan or the check whose verdicts (scan's, check's where each named the pair,
  and compare's) are not all the same.
* ``wire_versions``: the scan's relations in which a wire text reuses
  another (one agency's takes, updates and corrections of a story), with
  how many are reported as the same outlet's update
  (``wire_versions_update``) and how many as not credited
  (``wire_versions_uncredited``).
* ``zero_evidence_verdicts``: relations with a reuse verdict whose ledger
  matches no sentence (0% of the words in matched sentences).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import comb
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.meter import DEFAULT_ROOT, git_commit  # noqa: E402
from benchmarks.meter_corpus import (  # noqa: E402
    CLASSES,
    NON,
    PARTIALLY,
    WHOLLY,
    MeterCorpus,
    discover_domains,
    load_corpus,
)

COPY, REWRITE, PARTIAL, INDEPENDENT = "copy", "rewrite", "partial", "independent"
REUSE = (COPY, REWRITE, PARTIAL)
WHOLE = (COPY, REWRITE)
DATE_MODES = ("corpus", "next-day", "none")
#: The issue's targets: (figure, comparison, bound).
TARGETS = (("story_ari", ">=", 0.90), ("largest_mixed_cluster", "<=", 5), ("source_p_at_1", ">=", 0.95),
           ("gate_recall_wholly", ">=", 0.85), ("gate_recall_wholly_any", ">=", 0.97),
           ("gate_recall_partially", ">=", 0.80), ("false_alarm_non", "<=", 0.05),
           ("verdict_disagreement", "<=", 0.0), ("zero_evidence_verdicts", "<=", 0))


# --- the gold standard --------------------------------------------------------------


def folder_day(day: str) -> date:
    """METER's ``DD.MM.YY`` day folder as a date."""
    return datetime.strptime(day, "%d.%m.%y").date()


def merged_stories(stories: Iterable[tuple[str, str]], merge_days: int) -> dict[tuple[str, str], tuple[str, str]]:
    """Each (day, catchline) folder mapped to its merged story: folders of one
    catchline whose days are at most ``merge_days`` apart, chained, are one
    story, named by its first folder (0 keeps every folder its own story).

    >>> merged = merged_stories([("12.07.99", "trial"), ("14.07.99", "trial"), ("20.07.99", "trial")], 2)
    >>> sorted(set(merged.values()))
    [('12.07.99', 'trial'), ('20.07.99', 'trial')]
    """
    by_catchline: dict[str, list[str]] = defaultdict(list)
    for day, catchline in set(stories):
        by_catchline[catchline].append(day)
    merged = {}
    for catchline, days in by_catchline.items():
        days.sort(key=folder_day)
        first = previous = days[0]
        for day in days:
            if (folder_day(day) - folder_day(previous)).days > merge_days:
                first = day
            merged[(day, catchline)] = (first, catchline)
            previous = day
    return merged


@dataclass(frozen=True)
class Gold:
    """What the corpus says about each article of the feed."""

    story: Mapping[str, str]  # article id -> story folder, "day/catchline"
    merged: Mapping[str, str]  # article id -> merged story
    label: Mapping[str, str | None]  # newspaper article id -> wholly / partially / non (None: unlabelled)
    wire: frozenset[str]  # ids of the wire texts

    @classmethod
    def of(cls, corpus: MeterCorpus, merge_days: int) -> Gold:
        texts = [*corpus.pa, *corpus.newspapers]
        merged = merged_stories((t.story for t in texts), merge_days)
        return cls(story={t.article.id: "/".join(t.story) for t in texts},
                   merged={t.article.id: "/".join(merged[t.story]) for t in texts},
                   label={n.article.id: n.label for n in corpus.newspapers},
                   wire=frozenset(t.article.id for t in corpus.pa))


# --- the feed ------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    """The domain as JSONL records: the wire, the newspapers, and both as one
    feed in time order (day by day; each day's wire, in the order of its
    headers, then that day's newspapers)."""

    wire: tuple[dict, ...]
    news: tuple[dict, ...]
    feed: tuple[dict, ...]


def feed_records(corpus: MeterCorpus, dates: str = "corpus") -> Feed:
    """The records of ``corpus``: ``id``, ``text``, ``outlet`` (``PA``, or the
    paper named in the file name), ``published`` and the wire's ``title``.

    ``dates``: ``corpus`` gives every article its day folder (the PA header's
    date, and the newspapers' SGML ``date``); ``next-day`` gives newspapers
    the day after (the papers of the next morning, which say "yesterday");
    ``none`` gives no date.
    """
    if dates not in DATE_MODES:
        raise ValueError(f"unknown dates mode {dates!r}: expected one of {', '.join(DATE_MODES)}")

    def published(day: str, newspaper: bool) -> dict:
        if dates == "none":
            return {}
        return {"published": (folder_day(day) + timedelta(days=newspaper and dates == "next-day")).isoformat()}

    wire = [((folder_day(t.day), 0, t.order, t.article.id),
             {"id": t.article.id, "text": t.article.text, "outlet": "PA", **published(t.day, False),
              **({"title": t.article.title} if t.article.title else {})}) for t in corpus.pa]
    news = [((folder_day(n.day), 1, ("", 0), n.article.id),
             {"id": n.article.id, "text": n.article.text, "outlet": n.paper, **published(n.day, True)})
            for n in corpus.newspapers]
    wire.sort(key=lambda x: x[0])
    news.sort(key=lambda x: x[0])
    return Feed(tuple(r for _, r in wire), tuple(r for _, r in news),
                tuple(r for _, r in sorted([*wire, *news], key=lambda x: x[0])))


def write_jsonl(records: Iterable[dict], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


# --- the command line ----------------------------------------------------------------


def cli_command() -> list[str]:
    """The ``provenance`` command installed beside this interpreter, else
    ``python -m provenance``."""
    script = Path(sys.executable).parent / "provenance"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "provenance"]


def run_cli(args: Sequence[str], cwd: Path, ok: Sequence[int] = (0,)) -> subprocess.CompletedProcess:
    """Run one command as a user would; an unexpected exit code is an error
    naming the command and the last line it wrote on standard error."""
    done = subprocess.run([*cli_command(), "-q", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode not in ok:
        last = (done.stderr.strip().splitlines() or ["(nothing on standard error)"])[-1]
        raise RuntimeError(f"provenance {' '.join(args)} exited {done.returncode}: {last}")
    return done


# --- reading the reports -------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """What one way said about one article: the source it named and how."""

    source: str | None
    verdict: str | None
    copied: float | None
    matched_sentences: int  # sentences the ledger labels verbatim or rewrite

    @classmethod
    def of(cls, relation: Mapping | None) -> Call:
        if relation is None:
            return cls(None, None, None, 0)
        matched = sum(1 for s in relation.get("sentences", ()) if s["label"] != "added")
        return cls(relation["source"], relation["verdict"], relation.get("copied"), matched)

    @property
    def reuses(self) -> bool:
        return self.verdict in REUSE

    @property
    def zero_evidence(self) -> bool:
        return self.reuses and self.matched_sentences == 0


def scan_clusters(report: Mapping) -> dict[str, str]:
    """Article id -> cluster id, from a scan's JSON report."""
    return {member: cluster["id"] for cluster in report["clusters"]
            for member in (cluster["source"], *cluster["members"])}


def scan_calls(report: Mapping) -> dict[str, Call]:
    """Derived article id -> its relation, from a scan's JSON report (one
    relation per cluster member, against the cluster's source)."""
    return {relation["derived"]: Call.of(relation) for relation in report["relations"]}


def check_calls(report: Mapping) -> dict[str, Call]:
    """Article id -> its best source's relation, from a check's JSON report."""
    return {entry["id"]: Call.of(entry["relation"]) for entry in report["articles"]}


# --- figures -------------------------------------------------------------------------


def adjusted_rand(truth: Sequence, predicted: Sequence) -> float:
    """Adjusted Rand index of two labellings of the same items (Hubert and
    Arabie 1985); 1.0 when both are trivial, as scikit-learn has it.

    >>> adjusted_rand(["a", "a", "b", "b"], [1, 1, 2, 2])
    1.0
    >>> round(adjusted_rand(["a", "a", "b", "b"], [1, 2, 1, 2]), 4)
    -0.5
    """
    if len(truth) != len(predicted):
        raise ValueError("the two labellings must cover the same items")
    pairs = sum(comb(n, 2) for n in Counter(zip(truth, predicted)).values())
    rows = sum(comb(n, 2) for n in Counter(truth).values())
    columns = sum(comb(n, 2) for n in Counter(predicted).values())
    expected = rows * columns / comb(len(truth), 2) if len(truth) > 1 else 0.0
    top = (rows + columns) / 2
    return 1.0 if top == expected else (pairs - expected) / (top - expected)


def _share(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 0.0


def cluster_figures(clusters: Mapping[str, str], story: Mapping[str, str], suffix: str = "") -> dict:
    """ARI and the clusters that mix stories, over the articles ``story`` knows."""
    ids = sorted(i for i in clusters if i in story)
    members: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        members[clusters[i]].append(i)
    mixed = sorted(((len(m), len({story[i] for i in m}), c) for c, m in members.items()
                    if len({story[i] for i in m}) > 1), key=lambda x: (-x[0], -x[1], x[2]))
    return {f"story_ari{suffix}": round(adjusted_rand([story[i] for i in ids], [clusters[i] for i in ids]), 4),
            f"clusters_mixing_stories{suffix}": len(mixed),
            f"largest_mixed_cluster{suffix}": mixed[0][0] if mixed else 0,
            f"mixed_clusters{suffix}": [{"cluster": c, "articles": n, "stories": s} for n, s, c in mixed]}


def source_kind(call: Call, article: str, gold: Gold) -> str:
    """Where the source a call names lies: ``own_story_wire``,
    ``merged_story_wire`` (wire of another folder of its merged story),
    ``other_story_wire``, ``newspaper``, or ``none`` when it names none."""
    if call.source is None:
        return "none"
    if call.source not in gold.wire:
        return "newspaper"
    if gold.story.get(call.source) == gold.story[article]:
        return "own_story_wire"
    return "merged_story_wire" if gold.merged.get(call.source) == gold.merged[article] else "other_story_wire"


def call_figures(calls: Mapping[str, Call], gold: Gold) -> dict:
    """Source precision, the gate's recall and false alarms, with their
    counts per class, for one way's calls on the labelled newspaper articles."""
    by_class: dict[str, list[tuple[str, Call, str]]] = {c: [] for c in CLASSES}
    for article, label in sorted(gold.label.items()):
        if label in by_class:
            call = calls.get(article, Call.of(None))
            by_class[label].append((article, call, source_kind(call, article, gold)))
    own, merged, anywhere = ("own_story_wire",), ("own_story_wire", "merged_story_wire"), (
        "own_story_wire", "merged_story_wire", "other_story_wire", "newspaper")

    def count(labels: Sequence[str], verdicts: Sequence[str | None], kinds: Sequence[str]) -> int:
        return sum(1 for label in labels for _, call, kind in by_class[label]
                   if call.verdict in verdicts and kind in kinds)

    derived, any_verdict = (WHOLLY, PARTIALLY), (*REUSE, INDEPENDENT)
    n = {c: len(by_class[c]) for c in CLASSES}
    counts = {"derived": n[WHOLLY] + n[PARTIALLY], **n,
              "source_hits": count(derived, any_verdict, own), "source_hits_merged": count(derived, any_verdict, merged),
              "source_hits_reuse": count(derived, REUSE, own),
              "wholly_copy_or_rewrite": count((WHOLLY,), WHOLE, own), "wholly_any_reuse": count((WHOLLY,), REUSE, own),
              "partially_any_reuse": count((PARTIALLY,), REUSE, own),
              "non_copy_or_rewrite": count((NON,), WHOLE, anywhere), "non_any_reuse": count((NON,), REUSE, anywhere)}
    return {
        "source_p_at_1": _share(counts["source_hits"], counts["derived"]),
        "source_p_at_1_merged": _share(counts["source_hits_merged"], counts["derived"]),
        "source_p_at_1_reuse": _share(counts["source_hits_reuse"], counts["derived"]),
        "gate_recall_wholly": _share(counts["wholly_copy_or_rewrite"], n[WHOLLY]),
        "gate_recall_wholly_any": _share(counts["wholly_any_reuse"], n[WHOLLY]),
        "gate_recall_partially": _share(counts["partially_any_reuse"], n[PARTIALLY]),
        "false_alarm_non": _share(counts["non_copy_or_rewrite"], n[NON]),
        "false_alarm_non_any": _share(counts["non_any_reuse"], n[NON]),
        "counts": counts,
        "verdicts": {c: dict(sorted(Counter(call.verdict or "none" for _, call, _ in by_class[c]).items()))
                     for c in CLASSES},
        "sources": {c: dict(sorted(Counter(kind for _, _, kind in by_class[c]).items())) for c in CLASSES},
    }


def zero_evidence(calls: Iterable[tuple[str, Call]]) -> dict:
    """Of (derived article, call) items: the reuse verdicts whose ledger
    matches no sentence, and how many reuse verdicts have nothing copied
    (``copied`` 0)."""
    calls = sorted(calls, key=lambda item: (item[0], item[1].source or ""))
    found = [{"derived": a, "source": c.source, "verdict": c.verdict, "copied": c.copied}
             for a, c in calls if c.zero_evidence]
    return {"zero_evidence_verdicts": len(found), "zero_evidence": found,
            "reuse_copied_zero": sum(1 for _, c in calls if c.reuses and not c.copied)}


def wire_versions(relations: Iterable[Mapping], wire: Iterable[str]) -> dict:
    """Of a scan's relations between two wire texts with a reuse verdict
    (one agency's takes, updates and corrections of a story): how many, how
    many are reported as the same outlet's update, and how many as not
    credited."""
    wire = set(wire)
    found = [r for r in relations if r["source"] in wire and r["derived"] in wire and r["verdict"] in REUSE]
    return {"wire_versions": len(found), "wire_versions_update": sum(1 for r in found if r.get("update")),
            "wire_versions_uncredited": sum(1 for r in found if not r["credited"])}


def named_pairs(*ways: Mapping[str, Call], articles: Iterable[str]) -> list[tuple[str, str]]:
    """Every (article, source) pair one of ``ways`` named for one of ``articles``."""
    wanted = set(articles)
    return sorted({(a, c.source) for way in ways for a, c in way.items() if a in wanted and c.source})


def disagreement(pairs: Sequence[tuple[str, str]], compared: Mapping[tuple[str, str], str],
                 scan: Mapping[str, Call], check: Mapping[str, Call]) -> dict:
    """The share of pairs whose verdicts (compare's, and the scan's and the
    check's where each named that pair) are not all the same."""
    rows, between = [], Counter()
    for article, source in pairs:
        verdicts = {"compare": compared[(article, source)]}
        for name, way in (("scan", scan), ("check", check)):
            call = way.get(article)
            if call is not None and call.source == source:
                verdicts[name] = call.verdict
        for one, other in (("scan", "compare"), ("check", "compare"), ("scan", "check")):
            if one in verdicts and other in verdicts and verdicts[one] != verdicts[other]:
                between[f"{one}_vs_{other}"] += 1
        if len(set(verdicts.values())) > 1:
            rows.append({"derived": article, "source": source, **verdicts})
    return {"verdict_disagreement": _share(len(rows), len(pairs)), "verdict_pairs": len(pairs),
            "verdict_pairs_disagreeing": len(rows),
            "disagreeing_between": {k: between[k] for k in ("scan_vs_compare", "check_vs_compare", "scan_vs_check")},
            "disagreeing_pairs": rows}


# --- the run ---------------------------------------------------------------------------


def compare_pairs(feed: Path, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Call]:
    """Each pair through ``provenance.compare``, on the articles as the
    command line reads them from the feed."""
    from provenance import compare, read_articles

    articles = {a.id: a for a in read_articles([feed])}
    out = {}
    for article, source in pairs:
        relation = compare(articles[source], articles[article])[0]
        matched = sum(1 for row in relation.ledger.sentences if row.label != "added")
        out[(article, source)] = Call(source, relation.verdict, relation.scores.run_coverage_3, matched)
    return out


def compare_with_cli(records: Mapping[str, dict], pairs: Sequence[tuple[str, str]],
                     compared: Mapping[tuple[str, str], Call], workdir: Path) -> dict:
    """Run ``pairs`` through ``provenance compare`` too; pairs whose verdict
    differs from the API's."""
    folder = workdir / "pairs"
    folder.mkdir(exist_ok=True)
    mismatches = []
    for number, (article, source) in enumerate(pairs):
        first = write_jsonl([records[source]], folder / f"{number}-source.jsonl")
        second = write_jsonl([records[article]], folder / f"{number}-derived.jsonl")
        done = run_cli(["compare", str(first), str(second), "--format", "json"], workdir)
        verdict = json.loads(done.stdout)["relation"]["verdict"]
        if verdict != compared[(article, source)].verdict:
            mismatches.append({"derived": article, "source": source, "cli": verdict,
                               "api": compared[(article, source)].verdict})
    return {"compare_cli_pairs": len(pairs), "compare_cli_mismatches": mismatches}


def spread(items: Sequence, count: int) -> list:
    """``count`` items spread evenly over ``items`` (deterministic)."""
    if count <= 0 or not items:
        return []
    step = max(1, len(items) // count)
    return list(items[::step][:count])


def run(root: Path, domain: str, *, dates: str = "corpus", merge_days: int = 2, compare_cli: int = 10,
        workdir: Path | None = None, log: Callable[[str], None] = lambda _: None) -> dict:
    """Every figure for ``domain`` under ``root``; the feed, index and
    reports are written to ``workdir`` (a temporary folder, removed, when None)."""
    started = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        seconds[name] = round(now - since, 1)
        return now

    corpus = load_corpus(root, domain)
    gold = Gold.of(corpus, merge_days)
    temporary = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="provenance-feed-")) if temporary else workdir
    try:
        records = feed_records(corpus, dates)
        wire, news = records.wire, records.news
        feed = write_jsonl(records.feed, workdir / "feed.jsonl")
        write_jsonl(wire, workdir / "wire.jsonl")
        write_jsonl(news, workdir / "news.jsonl")
        clock = lap("feed", started)
        log(f"wrote {len(wire)} wire texts and {len(news)} newspaper articles ({domain})")
        run_cli(["scan", "feed.jsonl", "--format", "json", "-o", "scan.json"], workdir)
        clock = lap("scan", clock)
        log(f"scan done ({seconds['scan']} s)")
        run_cli(["index", "add", "--index", "idx.sqlite", "wire.jsonl"], workdir)
        clock = lap("index_add", clock)
        run_cli(["check", "--index", "idx.sqlite", "news.jsonl", "--format", "json", "-o", "check.json"], workdir,
                ok=(0, 1))
        clock = lap("check", clock)
        log(f"index add and check done ({seconds['index_add']} + {seconds['check']} s)")
        scan_report = json.loads((workdir / "scan.json").read_text(encoding="utf-8"))
        check_report = json.loads((workdir / "check.json").read_text(encoding="utf-8"))
        scan, check = scan_calls(scan_report), check_calls(check_report)
        pairs = named_pairs(scan, check, articles=gold.label)
        compared = compare_pairs(feed, pairs)
        clock = lap("compare", clock)
        log(f"compared {len(pairs)} pairs ({seconds['compare']} s)")
        cli_check = compare_with_cli({r["id"]: r for r in records.feed}, spread(pairs, compare_cli), compared, workdir)
        lap("compare_cli", clock)
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)
    clusters = scan_clusters(scan_report)
    result = {
        "domain": domain, "commit": git_commit(), "tool": scan_report["tool"], "dates": dates,
        "merge_days": merge_days,
        "n_articles": len(wire) + len(news), "n_wire": len(wire), "n_newspapers": len(news),
        "n_by_class": {c: sum(1 for v in gold.label.values() if v == c) for c in CLASSES},
        "n_unlabelled": sum(1 for v in gold.label.values() if v is None),
        "n_stories": len(set(gold.story.values())), "n_stories_merged": len(set(gold.merged.values())),
        "scan": {"clusters": len(set(clusters.values())),
                 "largest_cluster": max(Counter(clusters.values()).values(), default=0),
                 **cluster_figures(clusters, gold.story), **cluster_figures(clusters, gold.merged, "_merged"),
                 **call_figures(scan, gold), **zero_evidence(scan.items()),
                 **wire_versions(scan_report["relations"], gold.wire), "problems": len(scan_report["problems"])},
        "check": {"summary": check_report["summary"], **call_figures(check, gold), **zero_evidence(check.items())},
        "compare": zero_evidence((article, c) for (article, _), c in compared.items()),
        **disagreement(pairs, {k: c.verdict for k, c in compared.items()}, scan, check),
        **cli_check,
    }
    result["targets"] = targets(result)
    seconds["total"] = round(time.perf_counter() - started, 1)
    result["seconds"] = seconds
    return result


# --- printing ---------------------------------------------------------------------------


def targets(result: Mapping) -> dict:
    """Each target, and whether the scan and the check meet it (None where a
    figure does not apply to that way; the disagreement is over all three)."""
    out = {}
    for name, comparison, bound in TARGETS:
        met = {}
        for way in ("scan", "check"):
            value = result[name] if name == "verdict_disagreement" else result[way].get(name)
            met[way] = None if value is None else (value >= bound if comparison == ">=" else value <= bound)
        out[name] = {"target": f"{comparison} {bound:g}", **met}
    return out


#: Figures printed with their counts: (hits, total) keys of ``counts``.
_COUNTED = {"source_p_at_1": ("source_hits", "derived"), "source_p_at_1_reuse": ("source_hits_reuse", "derived"),
            "gate_recall_wholly": ("wholly_copy_or_rewrite", WHOLLY), "gate_recall_wholly_any": ("wholly_any_reuse", WHOLLY),
            "gate_recall_partially": ("partially_any_reuse", PARTIALLY),
            "false_alarm_non": ("non_copy_or_rewrite", NON), "false_alarm_non_any": ("non_any_reuse", NON)}


def _cell(way: Mapping, name: str) -> str:
    if name not in way:
        return "-"
    value = way[name]
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    if name in _COUNTED:
        hits, total = _COUNTED[name]
        text += f" ({way['counts'][hits]}/{way['counts'][total]})"
    merged = way.get(f"{name}_merged")
    if merged is not None:
        text += f", merged {merged:.3f}" if isinstance(merged, float) else f", merged {merged}"
    return text


def summary(result: dict) -> str:
    """The figures as a readable table: target, scan, check, met."""
    n = result["n_by_class"]
    lines = [f"METER {result['domain']} as one feed: {result['n_articles']} articles ({result['n_wire']} wire, "
             f"{result['n_newspapers']} newspaper: {n[WHOLLY]} wholly, {n[PARTIALLY]} partially, {n[NON]} non "
             f"derived), {result['n_stories']} story folders ({result['n_stories_merged']} stories with folders of "
             f"one catchline within {result['merge_days']} days merged); dates {result['dates']}; "
             f"commit {result['commit'][:12]}"]
    scan, check, met = result["scan"], result["check"], result["targets"]
    yes = {True: "yes", False: "no", None: "-"}
    rows = [("figure", "target", "scan", "check", "met (scan / check)")]
    for name in ("story_ari", "clusters_mixing_stories", "largest_mixed_cluster", "source_p_at_1", "source_p_at_1_reuse",
                 "gate_recall_wholly", "gate_recall_wholly_any", "gate_recall_partially", "false_alarm_non",
                 "false_alarm_non_any", "verdict_disagreement", "zero_evidence_verdicts"):
        target = met.get(name, {"target": "", "scan": None, "check": None})
        if name == "verdict_disagreement":
            value = (f"{result[name]:.3f} ({result['verdict_pairs_disagreeing']}/{result['verdict_pairs']} pairs, "
                     "scan, check and compare)")
            rows.append((name, target["target"], value, "", yes[target["scan"]]))
            continue
        rows.append((name, target["target"], _cell(scan, name), _cell(check, name),
                     f"{yes[target['scan']]} / {yes[target['check']]}" if target["target"] else ""))
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    lines += ["  " + "  ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip() for row in rows]
    for name, way in (("scan", scan), ("check", check)):
        lines.append(f"{name} verdicts per class: " + "; ".join(
            f"{c} " + ", ".join(f"{k} {v}" for k, v in way["verdicts"][c].items()) for c in CLASSES))
    scanned = result["scan"]
    lines.append(f"wire texts reusing another wire text (takes, updates): {scanned['wire_versions']}, "
                 f"{scanned['wire_versions_update']} reported as the same outlet's update, "
                 f"{scanned['wire_versions_uncredited']} as not credited")
    lines.append(f"compare: {result['compare']['zero_evidence_verdicts']} zero-evidence verdicts; the command "
                 f"on {result['compare_cli_pairs']} of the pairs: {len(result['compare_cli_mismatches'])} differ "
                 "from the API")
    lines.append("seconds: " + ", ".join(f"{k} {v}" for k, v in result["seconds"].items()))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="METER corpus root (default: %(default)s)")
    parser.add_argument("--domain", help="a domain present under the root (default: the only one there)")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument("--dates", choices=DATE_MODES, default="corpus",
                        help="published: each article's day folder (corpus), newspapers the day after (next-day), "
                             "or none (default: %(default)s)")
    parser.add_argument("--merge-days", type=int, default=2, metavar="N",
                        help="for the *_merged figures, folders of one catchline whose days are at most N calendar "
                             "days apart (chained) are one story (default: %(default)s)")
    parser.add_argument("--compare-cli", type=int, default=10, metavar="N",
                        help="also run N of the compared pairs through the provenance compare command "
                             "(default: %(default)s)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="write the feed, index and reports to this new or empty folder and keep them")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        parser.error(f"no METER corpus at {args.root}")
    domains = discover_domains(args.root)
    domain = args.domain or (domains[0] if len(domains) == 1 else None)
    if domain is None:
        parser.error(f"choose a domain with --domain: {', '.join(domains) or 'none'} found under {args.root}")
    if args.merge_days < 0:
        parser.error("--merge-days must be 0 or more")
    if args.keep is not None:
        if args.keep.exists() and (not args.keep.is_dir() or any(args.keep.iterdir())):
            parser.error(f"--keep {args.keep}: not a new or empty folder")
        args.keep.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args.root, domain, dates=args.dates, merge_days=args.merge_days, compare_cli=args.compare_cli,
                     workdir=args.keep, log=lambda message: print(message, file=sys.stderr))
    except FileNotFoundError as exc:
        parser.error(str(exc))
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(summary(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
