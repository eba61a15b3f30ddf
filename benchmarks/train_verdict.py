"""Train the package's verdict model on METER and cross-validate the verdict.

    python benchmarks/train_verdict.py [--root ../shared/datasets/meter] [--domain courts]
        [--out provenance/data/verdict_model.json] [--cache FILE] [--report FILE] [--processes 2]
        [--matcher NAME]

Every labelled newspaper article is judged by the package against its story's
PA copy (all files joined, as ``benchmarks/meter.py`` does), and the figures
the verdict model reads (``provenance.judge.model_inputs``: copied-run
coverage at 1, 3 and 8 words, log word count) are taken from the package's
own ``Scores``, so training and use compute them the same way. Then:

* 5 folds of whole days (``benchmarks.meter.day_folds``): on four folds a
  multinomial logistic regression (balanced classes, C=1) is fitted and the
  ledger bars that may raise its verdict (``rewrite_min_matched``,
  ``partial_min_matched``, which counts the source's own prose only, not
  shared quotations; ``partial_min_sentences`` stays 2) are chosen by
  three-class macro-F1 on a grid, no higher than the seeds allow; the fifth
  fold is scored with the model alone and with the bars;
* the model fitted on all articles is written as JSON (``--out``) with its
  feature names, standardisation, training range, class order, the commit
  and settings it was trained with, and the cross-validated figures; and the
  bars chosen on all articles are printed, to be set as the defaults in
  ``provenance/config.py``.

The seeds' caps: the paraphrase 001 must stay whole reuse even without its
weakest matched sentence, and 003 and 004 must stay partial. Everything is
deterministic (lbfgs, folds by sorted days, judged in a fixed order).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from multiprocessing import Pool
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.meter import (  # noqa: E402
    BINARY_CLASSES,
    DEFAULT_ROOT,
    binary,
    day_folds,
    git_commit,
    macro_f1,
    story_source,
)
from benchmarks.meter_corpus import CLASSES, NON, PARTIALLY, WHOLLY, load_corpus  # noqa: E402
from provenance import Settings, analyse, read_articles, scan  # noqa: E402
from provenance.model import ADDED
from provenance.judge.pair import judge_pair
from provenance.judge.decide import has_evidence, model_inputs
from provenance.judge.verdict_model import INDEPENDENT, MODEL_FORMAT, PARTIAL, WHOLE, VerdictModel

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "provenance" / "data" / "verdict_model.json"

#: What the model reads, in order (see provenance/judge/verdict_model.py).
FEATURES = ("run_coverage_1", "run_coverage_3", "run_coverage_8", "log_words")
#: METER's classes as the model's.
TO_MODEL = {WHOLLY: WHOLE, PARTIALLY: PARTIAL, NON: INDEPENDENT}
TO_METER = {v: k for k, v in TO_MODEL.items()}
C = 1.0
#: Decimal places kept in the JSON (stable bytes, no spurious precision).
DIGITS = 6

#: Grids for the ledger's bars.
REWRITE_GRID = tuple(np.round(np.arange(0.5, 1.0001, 0.025), 3))
PARTIAL_GRID = tuple(np.round(np.arange(0.05, 0.5001, 0.025), 3))
#: Matched sentences for partial reuse: fixed at two, the smallest reuse of
#: more than one quotation (tests/judge/test_decide.py judges two copied sentences
#: in a six-sentence article partial). Searching 1-5 too: one fold picks 1
#: and the cross-validated three-class figure falls (benchmarks/README.md).
SENTENCE_GRID = (2,)


# --- judging ------------------------------------------------------------------------------

_STATE: dict = {}


def _init(root: str, domain: str, matcher: str) -> None:
    _STATE["settings"] = Settings(verdict_method="rules", matcher=matcher)
    corpus = load_corpus(root, domain)
    _STATE["sources"] = {story: analyse(story_source(texts)) for story, texts in corpus.pa_by_story().items()}
    _STATE["news"] = [n for n in corpus.newspapers if n.label is not None]


def _judge_one(index: int) -> dict:
    news = _STATE["news"][index]
    document = analyse(news.article)
    source = _STATE["sources"].get(news.story)
    row = {"id": news.article.id, "label": news.label, "day": news.day}
    if source is None:  # no PA copy: judged against nothing
        words = sum(len(s.tokens) for s in document.sentences)
        row.update({f: 0.0 for f in FEATURES}, log_words=float(np.log1p(words)), matched=0.0,
                   matched_sentences=0, own=0.0, own_sentences=0, evidence=False)
        return row
    # The features do not depend on the verdict method; "rules" needs no model.
    relation = judge_pair(source, document, _STATE["settings"], source_id=source.id)
    ledger = relation.ledger
    words = sum(r.words for r in ledger.sentences)
    row.update(model_inputs(relation.scores, words))
    row.update(matched=ledger.matched_share, matched_sentences=ledger.matched_sentences,
               own=ledger.own_prose_share, own_sentences=ledger.own_prose_sentences,
               evidence=has_evidence(ledger, relation.scores))
    return row


def judge_all(root: Path, domain: str, processes: int, matcher: str) -> list[dict]:
    count = sum(1 for n in load_corpus(root, domain).newspapers if n.label is not None)
    with Pool(processes, initializer=_init, initargs=(str(root), domain, matcher)) as pool:
        return pool.map(_judge_one, range(count), chunksize=16)


# --- the model and the bars -----------------------------------------------------------------


def matrix(rows: Sequence[dict]) -> np.ndarray:
    return np.array([[float(r[f]) for f in FEATURES] for r in rows])


def fit(rows: Sequence[dict], about: dict | None = None) -> VerdictModel:
    from sklearn.linear_model import LogisticRegression

    x = matrix(rows)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    model.fit((x - mean) / scale, [TO_MODEL[r["label"]] for r in rows])
    r = lambda values: [round(float(v), DIGITS) for v in values]  # noqa: E731
    return VerdictModel.from_dict({
        "format": MODEL_FORMAT, "features": list(FEATURES), "classes": [str(c) for c in model.classes_],
        "mean": r(mean), "scale": r(scale), "low": r(x.min(axis=0)), "high": r(x.max(axis=0)),
        "coef": [r(row) for row in model.coef_], "intercept": r(model.intercept_), **(about or {}),
    })


def model_levels(model: VerdictModel, rows: Sequence[dict]) -> list[str]:
    return [model.predict({f: r[f] for f in FEATURES}).label for r in rows]


_RANK = {INDEPENDENT: 0, PARTIAL: 1, WHOLE: 2}


def with_bars(rows: Sequence[dict], levels: Sequence[str], bars: tuple[float, float, int]) -> list[str]:
    """The model's levels raised by the ledger's bars, as judge.decide does,
    in METER's classes: whole reuse on every matched sentence, partial on the
    source's own prose, and no reuse without own prose to show."""
    rewrite_at, partial_at, sentences = bars
    out = []
    for r, level in zip(rows, levels):
        if not r["evidence"]:
            out.append(TO_METER[INDEPENDENT])
            continue
        if r["matched"] >= rewrite_at:
            aligned = WHOLE
        elif r["own"] >= partial_at and r["own_sentences"] >= sentences:
            aligned = PARTIAL
        else:
            aligned = INDEPENDENT
        out.append(TO_METER[aligned if _RANK[aligned] > _RANK[level] else level])
    return out


def choose_bars(rows: Sequence[dict], levels: Sequence[str], caps: tuple[float, float, int]) -> tuple[float, float, int]:
    """The bars with the best three-class macro-F1 on ``rows``, within the
    seeds' ``caps``; ties go to the higher (more conservative) bars."""
    gold = [r["label"] for r in rows]
    candidates = [
        (a, b, k) for a, b, k in itertools.product(REWRITE_GRID, PARTIAL_GRID, SENTENCE_GRID)
        if b < a and a <= caps[0] and b <= caps[1] and k <= caps[2]
    ]
    return max(candidates, key=lambda bars: (round(macro_f1(gold, with_bars(rows, levels, bars), CLASSES), 6), bars))


def seed_caps(seeds: Path = REPO / "seeds", matcher: str = "tfidf") -> dict:
    """The highest bars that keep the seeds' verdicts, with a margin for the
    paraphrase: 001 stays whole reuse without its weakest matched sentence."""
    result = scan([seeds], settings=Settings(verdict_method="rules", matcher=matcher))
    by = {r.derived[:3]: r for r in result.relations}
    by_id = {a.id[:3]: analyse(a) for a in read_articles([seeds])}
    rows = by["001"].ledger.sentences
    total = sum(r.words for r in rows)
    matched = [r for r in rows if r.label != ADDED]
    weakest = min(matched, key=lambda r: (r.score, r.index))
    rewrite_cap = (sum(r.words for r in matched) - weakest.words) / total
    # Judged against the wire (a story's other members are not asked).
    against = {k: judge_pair(by_id["002"], by_id[k], Settings(verdict_method="rules", matcher=matcher),
                             source_id=by_id["002"].id).ledger for k in ("003", "004")}
    partial_cap = min(ledger.own_prose_share for ledger in against.values())
    sentences_cap = min(ledger.own_prose_sentences for ledger in against.values())
    return {"rewrite_min_matched": rewrite_cap, "partial_min_matched": partial_cap,
            "partial_min_sentences": sentences_cap,
            "001_matched": by["001"].ledger.matched_share}


def named_bars(bars: tuple[float, float, int]) -> dict:
    """(rewrite, partial, sentences) bars by their Settings names."""
    return {"rewrite_min_matched": bars[0], "partial_min_matched": bars[1], "partial_min_sentences": bars[2]}


def scores_of(gold: Sequence[str], predicted: Sequence[str]) -> dict:
    return {
        "three_class": macro_f1(gold, predicted, CLASSES),
        "binary": macro_f1([binary(g) for g in gold], [binary(p) for p in predicted], BINARY_CLASSES),
    }


def spread(values: Sequence[float]) -> dict:
    return {"mean": round(float(np.mean(values)), 4), "min": round(float(np.min(values)), 4),
            "max": round(float(np.max(values)), 4), "sd": round(float(np.std(values)), 4)}


def fixed_bars_cv(rows: list[dict], bars: tuple[float, float, int], k: int = 5) -> dict:
    """Three-class and binary macro-F1 over the folds with the model fitted
    on four folds and the ledger's bars fixed at ``bars``."""
    sizes = Counter(r["day"] for r in rows)
    folds = day_folds(sizes, sizes, k)
    runs = []
    for fold in range(k):
        train = [r for r in rows if folds[r["day"]] != fold]
        test = [r for r in rows if folds[r["day"]] == fold]
        levels = model_levels(fit(train), test)
        runs.append(scores_of([r["label"] for r in test], with_bars(test, levels, bars)))
    return {m: spread([f[m] for f in runs]) for m in ("three_class", "binary")}


def lowest_rewrite_bar(rows: list[dict], bars: tuple[float, float, int]) -> tuple[float, list[dict]]:
    """The lowest rewrite bar whose cross-validated three-class figure is
    within one fold standard deviation of the chosen bars' (the partial bars
    kept): METER's wholly derived articles are copies, so courts cannot say
    how much of a paraphrase must match for it to be a rewrite; among bars
    it cannot tell apart, the one that asks least of a paraphrase. Returns
    it and the curve."""
    best = fixed_bars_cv(rows, bars)["three_class"]
    curve = []
    for bar in REWRITE_GRID:
        if bar <= bars[1] or bar > bars[0]:
            continue
        figures = fixed_bars_cv(rows, (float(bar), bars[1], bars[2]))
        curve.append({"rewrite_min_matched": float(bar), **figures})
    within = [c["rewrite_min_matched"] for c in curve if c["three_class"]["mean"] >= best["mean"] - best["sd"]]
    return min(within), curve


def cross_validate(rows: list[dict], caps: tuple[float, float, int], k: int = 5) -> dict:
    sizes = Counter(r["day"] for r in rows)
    folds = day_folds(sizes, sizes, k)
    model_only, hybrid, chosen = [], [], []
    for fold in range(k):
        train = [r for r in rows if folds[r["day"]] != fold]
        test = [r for r in rows if folds[r["day"]] == fold]
        model = fit(train)
        bars = choose_bars(train, model_levels(model, train), caps)
        chosen.append([float(bars[0]), float(bars[1]), int(bars[2])])
        gold = [r["label"] for r in test]
        levels = model_levels(model, test)
        model_only.append(scores_of(gold, [TO_METER[level] for level in levels]))
        hybrid.append(scores_of(gold, with_bars(test, levels, bars)))
    summary = lambda runs: {m: spread([f[m] for f in runs]) for m in ("three_class", "binary")}  # noqa: E731
    return {"folds": k, "split": "whole days", "model_alone": summary(model_only),
            "model_with_ledger_bars": summary(hybrid), "bars_chosen_per_fold": chosen,
            "per_fold": [{"model_alone": {m: round(v, 4) for m, v in a.items()},
                          "model_with_ledger_bars": {m: round(v, 4) for m, v in b.items()}}
                         for a, b in zip(model_only, hybrid)]}


# --- the run ----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--domain", default="courts")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the model (default: %(default)s)")
    parser.add_argument("--cache", type=Path, help="JSON of judged articles: read if present, else written")
    parser.add_argument("--report", type=Path, help="write the cross-validation figures here as JSON")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--matcher", default=Settings().align.matcher, help="sentence matcher (default: %(default)s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.cache and args.cache.is_file():
        rows = json.loads(args.cache.read_text(encoding="utf-8"))
    else:
        if not args.root.is_dir():
            parser.error(f"no METER corpus at {args.root}")
        rows = judge_all(args.root, args.domain, args.processes, args.matcher)
        if args.cache:
            args.cache.write_text(json.dumps(rows), encoding="utf-8")
    print(f"{len(rows)} articles judged ({time.perf_counter() - started:.0f}s)", file=sys.stderr)
    seeds = seed_caps(matcher=args.matcher)
    caps = (seeds["rewrite_min_matched"], seeds["partial_min_matched"], seeds["partial_min_sentences"])
    cv = cross_validate(rows, caps)
    model = fit(rows)
    bars = choose_bars(rows, model_levels(model, rows), caps)
    lowest, curve = lowest_rewrite_bar(rows, bars)
    suggested = (float(lowest), float(bars[1]), int(bars[2]))
    recommended = named_bars(suggested)
    cv["rewrite_bar_curve"] = curve
    cv["lowest_within_one_sd"] = {**recommended, **fixed_bars_cv(rows, suggested)}
    # What the package ships (provenance/config/sections.py says why), scored the same way.
    knobs = Settings().verdict
    shipped = (knobs.rewrite_min_matched, knobs.partial_min_matched, knobs.partial_min_sentences)
    cv["shipped_bars"] = {**named_bars(shipped), **fixed_bars_cv(rows, shipped)}
    counts = Counter(r["label"] for r in rows)
    about = {
        "note": ("multinomial logistic regression: class = argmax(coef . z + intercept), "
                 "z = (clip(x, low, high) - mean) / scale; classes are the reuse the copying points to"),
        "trained": {
            "corpus": f"METER {args.domain}", "n_docs": len(rows),
            "n_docs_by_class": {TO_MODEL[c]: counts[c] for c in CLASSES},
            "source": "each story's PA copy, all files joined", "commit": git_commit(),
            "script": "benchmarks/train_verdict.py", "C": C, "class_weight": "balanced",
            "alignment_settings": {k: v for k, v in Settings().to_dict().items()
                                   if k in ("rewrite_threshold", "gap_threshold", "min_verbatim_words")}
                                  | {"matcher": args.matcher},
        },
        "cross_validation": {k: v for k, v in cv.items() if k not in ("per_fold", "rewrite_bar_curve")},
        "ledger_bars": {"shipped": named_bars(shipped), "lowest_within_one_sd": recommended,
                        "chosen_on_all": named_bars((float(bars[0]), float(bars[1]), int(bars[2]))),
                        "seed_caps": {k: round(v, 4) for k, v in seeds.items()}},
    }
    model = fit(rows, about)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
    for name in ("model_alone", "model_with_ledger_bars"):
        figures = cv[name]
        print(f"{name:24s} three-class {figures['three_class']['mean']:.3f} "
              f"({figures['three_class']['min']:.3f}-{figures['three_class']['max']:.3f}, sd {figures['three_class']['sd']:.3f})"
              f"  binary {figures['binary']['mean']:.3f} "
              f"({figures['binary']['min']:.3f}-{figures['binary']['max']:.3f}, sd {figures['binary']['sd']:.3f})")
    print("bars chosen per fold:", cv["bars_chosen_per_fold"])
    for point in curve:
        print(f"  rewrite bar {point['rewrite_min_matched']:.3f}: three-class {point['three_class']['mean']:.3f}"
              f" (sd {point['three_class']['sd']:.3f})  binary {point['binary']['mean']:.3f}")
    for name, title in (("lowest_within_one_sd", "lowest rewrite bar within one sd"), ("shipped_bars", "shipped bars")):
        figures = cv[name]
        print(f"{title} ({figures['rewrite_min_matched']:.3f} / {figures['partial_min_matched']:.3f} / "
              f"{figures['partial_min_sentences']}): three-class {figures['three_class']['mean']:.3f} "
              f"({figures['three_class']['min']:.3f}-{figures['three_class']['max']:.3f}, sd {figures['three_class']['sd']:.3f})"
              f"  binary {figures['binary']['mean']:.3f} ({figures['binary']['min']:.3f}-{figures['binary']['max']:.3f},"
              f" sd {figures['binary']['sd']:.3f})")
    print("seed caps:", {k: round(v, 4) for k, v in seeds.items()})
    print("bars suggested (the lowest rewrite bar within one sd; provenance/config/sections.py sets them):",
          recommended)
    if args.report:
        args.report.write_text(json.dumps({"commit": git_commit(), **cv, "recommended": recommended,
                                           "seed_caps": seeds}, indent=1) + "\n", encoding="utf-8")
    print(f"model written to {args.out} ({time.perf_counter() - started:.0f}s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
