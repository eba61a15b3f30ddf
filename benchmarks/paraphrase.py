"""The sentence matcher on the Microsoft Research Paraphrase corpus.

    python benchmarks/paraphrase.py [--root ../shared/datasets/msr-paraphrase] [--json FILE] [--matcher NAME]

Each pair is put through the package as two one-sentence articles: the first
string is the source, the second the derived text, and the aligner labels the
derived sentence ``verbatim``, ``rewrite`` or ``added``. The pair counts as
"same content" when its matched (verbatim or rewrite) words are at least half
of the derived text's words (a string the segmenter cuts in two is judged
sentence by sentence, as in an article).

The aligner's decision is a threshold on its sentence similarity
(``rewrite_threshold``), unless the sentence is mostly copied word for word.
To sweep that threshold in one pass, every pair is aligned once with
``rewrite_threshold=1.0``: a sentence matched then is matched at any
threshold, and any other sentence is matched at threshold ``t`` exactly when
its similarity score reaches ``t``. The threshold is chosen on the train split
(best accuracy) and only then scored on the test split, next to the shipped
``rewrite_threshold``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.meter import git_commit  # noqa: E402
from provenance import Article, Settings, analyse  # noqa: E402
from provenance.model import ADDED
from provenance.align.ledger import align

DEFAULT_ROOT = Path("..") / "shared" / "datasets" / "msr-paraphrase"
SPLITS = {"train": "msr_paraphrase_train.txt", "test": "msr_paraphrase_test.txt"}


@dataclass(frozen=True)
class Pair:
    label: int
    first_id: str
    second_id: str
    first: str
    second: str


def read_pairs(path: Path) -> list[Pair]:
    """Pairs from an MSR paraphrase TSV file (UTF-8 with BOM; columns
    Quality, #1 ID, #2 ID, #1 String, #2 String). Quote characters are text,
    not CSV quoting. Lines that are not five tab-separated fields with a 0/1
    label are skipped."""
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines()):
        fields = line.rstrip("\r").split("\t")
        if len(fields) != 5 or fields[0].strip() not in ("0", "1"):
            continue  # the header line, or a damaged one
        pairs.append(Pair(int(fields[0]), fields[1].strip(), fields[2].strip(), fields[3].strip(), fields[4].strip()))
    return pairs


@dataclass(frozen=True)
class Scored:
    """One pair after alignment at ``rewrite_threshold=1.0``: per derived
    sentence (words, matched at any threshold, similarity score)."""

    label: int
    sentences: tuple[tuple[int, bool, float], ...]

    def same_content(self, threshold: float) -> bool:
        total = sum(words for words, _, _ in self.sentences)
        matched = sum(words for words, always, score in self.sentences if always or (score > 0 and score >= threshold))
        return total > 0 and matched * 2 >= total


def score_pairs(pairs: Sequence[Pair], settings: Settings | None = None) -> list[Scored]:
    settings = (settings or Settings()).replace(rewrite_threshold=1.0)
    scored = []
    for k, pair in enumerate(pairs):
        source = analyse(Article(id=f"a{k}", text=pair.first), settings)
        derived = analyse(Article(id=f"b{k}", text=pair.second), settings)
        ledger = align(source, derived, settings)
        scored.append(Scored(pair.label, tuple((row.words, row.label != ADDED, row.score) for row in ledger.sentences)))
    return scored


def evaluate(scored: Sequence[Scored], threshold: float) -> dict:
    tp = fp = fn = tn = 0
    for item in scored:
        predicted = item.same_content(threshold)
        tp += predicted and item.label == 1
        fp += predicted and item.label == 0
        fn += not predicted and item.label == 1
        tn += not predicted and item.label == 0
    total = tp + fp + fn + tn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "threshold": round(threshold, 3),
        "accuracy": round((tp + tn) / total, 4) if total else 0.0,
        "f1": round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "n": total,
    }


def choose_threshold(scored: Sequence[Scored], low: float = 0.05, high: float = 0.95, step: float = 0.01) -> float:
    """The threshold with the best accuracy (ties: the one closest to the
    middle of the tied range, so a plateau does not pick its edge)."""
    grid = [round(low + k * step, 3) for k in range(int(round((high - low) / step)) + 1)]
    accuracy = [evaluate(scored, t)["accuracy"] for t in grid]
    best = max(accuracy)
    tied = [t for t, a in zip(grid, accuracy) if a == best]
    return tied[len(tied) // 2]


def run(root: Path, settings: Settings | None = None) -> dict:
    settings = settings or Settings()
    started = time.perf_counter()
    splits = {name: read_pairs(root / file) for name, file in SPLITS.items()}
    scored = {name: score_pairs(pairs, settings) for name, pairs in splits.items()}
    chosen = choose_threshold(scored["train"])
    return {
        "commit": git_commit(),
        "n_train": len(splits["train"]),
        "n_test": len(splits["test"]),
        "test_positive_share": round(sum(p.label for p in splits["test"]) / len(splits["test"]), 4),
        "matcher": settings.align.matcher if isinstance(settings.align.matcher, str) else "custom",
        "shipped_threshold": settings.rewrite_threshold,
        "test_at_shipped": evaluate(scored["test"], settings.rewrite_threshold),
        "train_at_shipped": evaluate(scored["train"], settings.rewrite_threshold),
        "chosen_on_train": chosen,
        "train_at_chosen": evaluate(scored["train"], chosen),
        "test_at_chosen": evaluate(scored["test"], chosen),
        "test_curve": [evaluate(scored["test"], t / 20) for t in range(2, 18)],
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="MSR paraphrase folder (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--matcher", default=Settings().align.matcher, help="sentence matcher (default: %(default)s)")
    args = parser.parse_args(argv)
    if not all((args.root / f).is_file() for f in SPLITS.values()):
        parser.error(f"no MSR paraphrase train/test files under {args.root}")
    result = run(args.root, Settings(matcher=args.matcher))
    base = result["test_at_shipped"]
    chosen = result["test_at_chosen"]
    print(f"MSR paraphrase, test split ({result['n_test']} pairs, {result['test_positive_share']:.0%} paraphrases); "
          f"matcher {result['matcher']}; commit {result['commit'][:12]}")
    print(f"  shipped rewrite_threshold {base['threshold']:.2f}: accuracy {base['accuracy']:.3f}  F1 {base['f1']:.3f}"
          f"  (precision {base['precision']:.3f}, recall {base['recall']:.3f})")
    print(f"  threshold chosen on train {chosen['threshold']:.2f}: accuracy {chosen['accuracy']:.3f}  F1 {chosen['f1']:.3f}"
          f"  (precision {chosen['precision']:.3f}, recall {chosen['recall']:.3f})")
    print(f"  (all-paraphrase baseline: accuracy {result['test_positive_share']:.3f})")
    print(f"{result['seconds']:.0f}s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
