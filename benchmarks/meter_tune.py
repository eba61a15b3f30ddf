"""Cross-validated tuning on METER: which settings and verdict logic to ship.

    python benchmarks/meter_tune.py [--root ../shared/datasets/meter] [--domain courts]
        [--out benchmarks/meter_tune.json] [--cache FILE]

For each alignment variant in a small grid (``Settings`` overrides of the
sentence matcher), every labelled article is judged once against its story's
PA copy; then, with 5 folds of whole days (no story is split across folds):

* rules: the package's verdict thresholds (``rewrite_min_matched``,
  ``partial_min_matched``) are chosen on four folds and scored on the fifth;
* model: the package's verdict model alone (``benchmarks/train_verdict.py``:
  multinomial logistic regression over copied-run coverage and length) is
  fitted on four folds and scored on the fifth; it reads no alignment
  figure, so it is the same in every variant;
* lexical: alternative projections of the ledger onto words (copied runs
  also looked for outside matched sentences, shorter runs) are scored per fold.

"shipped" is the package's own verdict under each variant (the model with
the ledger's bars, as ``provenance.judge.decide`` combines them). It also
checks that a candidate default keeps the seeds' expected results. The
package's model itself is trained by ``benchmarks/train_verdict.py``.
Nothing here changes the package.
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
    VERDICT_TO_CLASS,
    align_tokens,
    binary,
    day_folds,
    f1_scores,
    git_commit,
    gold_token_labels,
    macro_f1,
    story_source,
)
from benchmarks.meter_corpus import CLASSES, NEW, NON, PHRASE_CLASSES, REWRITE, VERBATIM, load_corpus, sgml_phrases  # noqa: E402
from provenance import Settings, analyse, scan  # noqa: E402
from provenance.model import ADDED
from provenance.judge.pair import judge_pair
from provenance.judge.decide import model_inputs
from benchmarks.train_verdict import FEATURES as TRAIN_FEATURES, TO_METER, fit, model_levels  # noqa: E402

REPO = Path(__file__).resolve().parent.parent

#: Alignment variants: Settings overrides of the sentence matcher.
ALIGNMENT_GRID = [
    {},
    {"rewrite_threshold": 0.25},
    {"rewrite_threshold": 0.35},
    {"rewrite_threshold": 0.40},
    {"gap_threshold": 0.25},
    {"rewrite_threshold": 0.45, "gap_threshold": 0.30},
]

#: Figures the verdict model reads (from the package's Scores; see
#: benchmarks/train_verdict.py). Other sets tried are in benchmarks/README.md.
FEATURES = TRAIN_FEATURES

#: Lexical projections: (run length inside matched sentences, run length anywhere; 0 = off).
PROJECTIONS = [(3, 0), (2, 0), (3, 5), (2, 5), (2, 4), (1, 0), (3, 8)]


# --- judging (in worker processes) ---------------------------------------------------

_STATE: dict = {}


def _init(root: str, domain: str) -> None:
    corpus = load_corpus(root, domain)
    stories = corpus.pa_by_story()
    _STATE["sources"] = {story: analyse(story_source(texts)) for story, texts in stories.items()}
    _STATE["news"] = [n for n in corpus.newspapers if n.label is not None]
    _STATE["documents"] = [analyse(n.article) for n in _STATE["news"]]


def _judge_one(job: tuple[int, dict]) -> dict:
    index, overrides = job
    settings = Settings().replace(**overrides)
    news, document = _STATE["news"][index], _STATE["documents"][index]
    source = _STATE["sources"].get(news.story)
    row = {"id": news.article.id, "label": news.label, "day": news.day, "story": "/".join(news.story)}
    if source is None:
        row.update({name: 0.0 for name in FEATURES}, matched=0.0, matched_sentences=0, verdict="independent")
        row["log_words"] = float(np.log1p(document.word_count))
        row["tokens"] = _token_rows(news, document, None, None)
        return row
    relation = judge_pair(source, document, settings, source_id=source.id)
    scores = relation.scores
    row.update(
        matched=scores.matched, copied_words=scores.copied_words,
        containment_derived_in_source=scores.containment_derived_in_source,
        containment_source_in_derived=scores.containment_source_in_derived,
        source_used=scores.source_used, verbatim=scores.verbatim,
        matched_sentences=relation.ledger.matched_sentences, verdict=relation.verdict,
        **model_inputs(scores, sum(r.words for r in relation.ledger.sentences)),
    )
    row["tokens"] = _token_rows(news, document, relation.ledger, source)
    return row


def _grams(document, n: int) -> set:
    return {s.tokens[k:k + n] for s in document.sentences for k in range(len(s.tokens) - n + 1)}


def _covered(tokens: tuple[str, ...], grams: set, n: int) -> list[bool]:
    covered = [False] * len(tokens)
    for k in range(len(tokens) - n + 1):
        if tokens[k:k + n] in grams:
            covered[k:k + n] = [True] * n
    return covered


def _token_rows(news, document, ledger, source) -> dict | None:
    """Gold and predicted token labels under every projection in PROJECTIONS."""
    if news.sgml is None:
        return None
    phrases = sgml_phrases(news.sgml.read_bytes().decode("latin-1"))
    if not phrases:
        return None
    gold = gold_token_labels(phrases)
    rows = {row.index: row for row in ledger.sentences} if ledger else {}
    out = {"gold": [g for _, g in gold]}
    for within, anywhere in PROJECTIONS:
        predicted = []
        any_grams = _grams(source, anywhere) if source is not None and anywhere else set()
        for sentence in document.sentences:
            row = rows.get(sentence.index)
            matched = row is not None and row.label != ADDED
            inside = [False] * len(sentence.tokens)
            if matched:
                grams = set()
                for j in row.source_indexes:
                    tokens = source.sentences[j].tokens
                    grams |= {tokens[k:k + within] for k in range(len(tokens) - within + 1)}
                inside = _covered(sentence.tokens, grams, within)
            if any_grams:
                inside = [a or b for a, b in zip(inside, _covered(sentence.tokens, any_grams, anywhere))]
            for token, copied in zip(sentence.tokens, inside):
                predicted.append((token, VERBATIM if copied else REWRITE if matched else NEW))
        out[f"{within}/{anywhere}"] = [p or NEW for _, p in align_tokens(gold, predicted)]
    return out


def judge_all(root: Path, domain: str, grid: Sequence[dict], processes: int = 2) -> dict[str, list[dict]]:
    count = sum(1 for n in load_corpus(root, domain).newspapers if n.label is not None)
    results = {}
    with Pool(processes, initializer=_init, initargs=(str(root), domain)) as pool:
        for overrides in grid:
            key = json.dumps(overrides, sort_keys=True)
            results[key] = pool.map(_judge_one, [(i, overrides) for i in range(count)], chunksize=16)
            print(f"judged {count} articles with {key or 'defaults'}", file=sys.stderr)
    return results


# --- verdicts: rules and model -------------------------------------------------------


def rule_predict(rows: Sequence[dict], wholly_at: float, partial_at: float, min_sentences: int = 2) -> list[str]:
    """The package's verdict rule with other thresholds: copy/rewrite (wholly)
    from ``wholly_at`` matched share, partial from ``partial_at`` with at least
    ``min_sentences`` matched sentences."""
    out = []
    for r in rows:
        if r["matched"] >= wholly_at:
            out.append("wholly")
        elif r["matched"] >= partial_at and r["matched_sentences"] >= min_sentences:
            out.append("partially")
        else:
            out.append(NON)
    return out


def fit_rule(rows: Sequence[dict], caps: tuple[float, float] = (1.0, 1.0)) -> tuple[float, float]:
    """Thresholds with the best three-class macro-F1 on ``rows``, no higher
    than ``caps`` (the highest values that keep the seeds' verdicts)."""
    gold = [r["label"] for r in rows]
    grid = np.round(np.arange(0.05, 1.001, 0.025), 3)
    best = max(
        ((macro_f1(gold, rule_predict(rows, a, b), CLASSES), -abs(a - 0.55) - abs(b - 0.12), a, b)
         for a, b in itertools.product(grid, grid) if b < a and a <= caps[0] and b <= caps[1]),
    )
    return float(best[2]), float(best[3])


def seed_caps(settings: Settings, seeds: Path = REPO / "seeds") -> tuple[float, float]:
    """The highest rewrite_min_matched that keeps 001 a rewrite and the
    highest partial_min_matched that keeps 003 and 004 partial, under the
    alignment ``settings``."""
    result = scan([seeds], settings=settings)
    matched = {r.derived[:3]: r.scores.matched for r in result.relations}
    return matched.get("001", 0.0), min(matched.get("003", 0.0), matched.get("004", 0.0))


def fit_model(rows: Sequence[dict]):
    return fit(rows)


def model_predict(model, rows: Sequence[dict]) -> list[str]:
    """The model's class for each row, in METER's classes."""
    return [TO_METER[level] for level in model_levels(model, rows)]


def scores_of(gold: Sequence[str], predicted: Sequence[str]) -> dict:
    return {
        "three": round(macro_f1(gold, predicted, CLASSES), 4),
        "binary": round(macro_f1([binary(g) for g in gold], [binary(p) for p in predicted], BINARY_CLASSES), 4),
    }


def token_scores(rows: Sequence[dict], projection: str) -> dict:
    gold, predicted = [], []
    for r in rows:
        if r["tokens"]:
            gold += r["tokens"]["gold"]
            predicted += r["tokens"][projection]
    f1 = f1_scores(gold, predicted, PHRASE_CLASSES)
    return {"macro": round(sum(f1.values()) / 3, 4), **{k: round(v, 4) for k, v in f1.items()}}


def cross_validate(rows: list[dict], k: int = 5, caps: tuple[float, float] = (1.0, 1.0)) -> dict:
    sizes = Counter(r["day"] for r in rows)
    folds = day_folds(sizes, sizes, k)
    out: dict = {"shipped": [], "rules": [], "model": [], "rule_thresholds": [],
                 "lexical": {f"{a}/{b}": [] for a, b in PROJECTIONS},
                 "lexical_gated": {f"{a}/{b}": [] for a, b in PROJECTIONS}}
    for fold in range(k):
        train = [r for r in rows if folds[r["day"]] != fold]
        test = [r for r in rows if folds[r["day"]] == fold]
        gold = [r["label"] for r in test]
        out["shipped"].append(scores_of(gold, [VERDICT_TO_CLASS[r["verdict"]] for r in test]))
        wholly_at, partial_at = fit_rule(train, caps)
        out["rule_thresholds"].append((wholly_at, partial_at))
        out["rules"].append(scores_of(gold, rule_predict(test, wholly_at, partial_at)))
        predicted = model_predict(fit_model(train), test)
        out["model"].append(scores_of(gold, predicted))
        gated = [_gated(r, p) for r, p in zip(test, predicted)]
        for a, b in PROJECTIONS:
            out["lexical"][f"{a}/{b}"].append(token_scores(test, f"{a}/{b}"))
            out["lexical_gated"][f"{a}/{b}"].append(token_scores(gated, f"{a}/{b}"))
    return out


def _gated(row: dict, predicted: str) -> dict:
    """The row with every word New when its article is predicted non-derived:
    an article that did not use the wire copy kept, rewrote nothing from it."""
    if predicted != NON or not row["tokens"]:
        return row
    tokens = {key: ([NEW] * len(value) if key != "gold" else value) for key, value in row["tokens"].items()}
    return {**row, "tokens": tokens}


def spread(values: Sequence[float]) -> dict:
    return {"mean": round(float(np.mean(values)), 4), "min": round(float(np.min(values)), 4),
            "max": round(float(np.max(values)), 4), "sd": round(float(np.std(values)), 4)}


# --- seeds ------------------------------------------------------------------------------


def check_seeds(settings: Settings, seeds: Path = REPO / "seeds") -> dict[str, bool]:
    """The seeds' expected results (the project's acceptance examples)."""
    result = scan([seeds], settings=settings)
    by = {r.derived[:3]: r for r in result.relations}
    source = next((s.source for s in result.stories if s.source.startswith("002")), None)

    def added(prefix: str, words: str) -> bool:
        relation = by.get(prefix)
        if relation is None:
            return False
        document = result.document(relation.derived)
        return all(row.label == ADDED for row in relation.ledger.sentences
                   if words.casefold() in document.sentences[row.index].text.casefold())

    matched_001 = 0.0
    if "001" in by:
        rows = by["001"].ledger.sentences
        matched_001 = sum(r.label != ADDED for r in rows) / len(rows)
    return {
        "002 is the source": source is not None and all(k in by for k in ("000", "001", "003", "004")),
        "000 copy or rewrite": "000" in by and by["000"].verdict in ("copy", "rewrite"),
        "001 rewrite, >=80% sentences matched": "001" in by and by["001"].verdict == "rewrite" and matched_001 >= 0.8,
        "003 related": "003" in by,
        "004 related": "004" in by,
        "003 territorial sentence added": added("003", "briefly mentioned the territorial issue"),
        "004 quiet diplomacy added": added("004", "quiet diplomacy"),
        "004 ISW added": added("004", "Institute for the Study of War"),
        "004 Rubio added": added("004", "Marco Rubio"),
        "credit 000 false": "000" in by and not by["000"].credited,
        "credit 001 false": "001" in by and not by["001"].credited,
        "credit 003 true": "003" in by and by["003"].credited,
    }


# --- the run -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--domain", default="courts")
    parser.add_argument("--out", type=Path, help="write every variant's cross-validated figures here")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--cache", type=Path, help="JSON file of judged articles: read if present, else written")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.cache and args.cache.is_file():
        judged = json.loads(args.cache.read_text(encoding="utf-8"))
    else:
        judged = judge_all(args.root, args.domain, ALIGNMENT_GRID, args.processes)
        if args.cache:
            args.cache.write_text(json.dumps(judged), encoding="utf-8")
    report: dict = {"domain": args.domain, "commit": git_commit(), "features": list(FEATURES), "variants": []}
    print("alignment variant                          shipped 3c/bin   rules 3c/bin    model 3c/bin   "
          "tokens gated (best projection)  seeds")
    for key, rows in judged.items():
        overrides = json.loads(key)
        caps = seed_caps(Settings().replace(**overrides))
        cv = cross_validate(rows, caps=caps)
        wholly_at, partial_at = fit_rule(rows, caps)
        recommended = {**overrides, "rewrite_min_matched": wholly_at, "partial_min_matched": partial_at}
        seeds = check_seeds(Settings().replace(**recommended))
        entry = {"overrides": overrides, "seed_caps": caps, "rules_on_all": recommended,
                 "seeds_ok": all(seeds.values()), "seeds_failed": [k for k, ok in seeds.items() if not ok]}
        for name in ("shipped", "rules", "model"):
            entry[name] = {m: spread([f[m] for f in cv[name]]) for m in ("three", "binary")}
        entry["rule_thresholds"] = cv["rule_thresholds"]
        for name in ("lexical", "lexical_gated"):
            entry[name] = {p: {m: spread([f[m] for f in folds]) for m in ("macro", *PHRASE_CLASSES)}
                           for p, folds in cv[name].items()}
        best_projection = max(entry["lexical"], key=lambda p: entry["lexical"][p]["macro"]["mean"])
        report["variants"].append(entry)
        cell = lambda name: f"{entry[name]['three']['mean']:.3f}/{entry[name]['binary']['mean']:.3f}"  # noqa: E731
        lex = entry["lexical_gated"][best_projection]
        print(f"{(key if overrides else 'defaults')[:42]:42s} {cell('shipped'):>14s} {cell('rules'):>14s} "
              f"{cell('model'):>14s}   {best_projection:>4s} {lex['macro']['mean']:.3f} (R {lex[REWRITE]['mean']:.3f})"
              f"   {'ok' if entry['seeds_ok'] else 'FAIL ' + ','.join(entry['seeds_failed'])}")
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"{report['seconds']:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
