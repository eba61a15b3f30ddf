"""The METER benchmark: how well provenance tells wire-derived news from
independent reporting, finds the wire story behind an article, and labels
which words were copied, rewritten or new.

    python benchmarks/meter.py [--root ../shared/datasets/meter] [--domain courts] [--json FILE]

Three tasks, all through the package's public API (``benchmarks/README.md``
documents the choices):

* document: every labelled newspaper article is judged against the PA copy of
  its story (its catchline folder) and the verdict is mapped to
  wholly / partially / non derived;
* retrieval: all PA texts of the domain go into the package's LSH candidate
  index and every newspaper article is looked up against the whole index;
* lexical: the ledger of each phrase-annotated article is projected onto its
  words and compared with the annotators' Verbatim / Rewrite / New phrases.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.meter_corpus import (  # noqa: E402
    CLASSES,
    NEW,
    NON,
    PARTIALLY,
    PHRASE_CLASSES,
    REWRITE,
    VERBATIM,
    WHOLLY,
    MeterCorpus,
    NewsText,
    PaText,
    load_corpus,
    sgml_phrases,
)
from provenance import Article, Document, Settings, analyse  # noqa: E402
from provenance.model import ADDED, Ledger
from provenance.fingerprint.minhash import signature
from provenance.index.memory import MemoryIndex
from provenance.model import COPY, INDEPENDENT, PARTIAL, REWRITE_VERDICT, Relation
from provenance.judge.pair import judge_pair
from provenance.analysis.tokens import tokenize

DEFAULT_ROOT = Path("..") / "shared" / "datasets" / "meter"
REPO = Path(__file__).resolve().parent.parent

#: How the package's verdicts map onto METER's three classes.
VERDICT_TO_CLASS = {COPY: WHOLLY, REWRITE_VERDICT: WHOLLY, PARTIAL: PARTIALLY, INDEPENDENT: NON}
#: Strength of a verdict when choosing among several PA texts.
VERDICT_STRENGTH = {COPY: 3, REWRITE_VERDICT: 2, PARTIAL: 1, INDEPENDENT: 0}
SOURCE_MODES = ("concat", "best")
#: Retrieval judges at most this many index candidates per article, best first.
RETRIEVAL_DEPTH = 10


# --- metrics -----------------------------------------------------------------------


def confusion(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> list[list[int]]:
    """Rows: gold class; columns: predicted class."""
    counts = Counter(zip(gold, predicted))
    return [[counts[(g, p)] for p in classes] for g in classes]


def f1_scores(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> dict[str, float]:
    """F1 of each class (0 when a class is neither present nor predicted)."""
    scores = {}
    for c in classes:
        tp = sum(1 for g, p in zip(gold, predicted) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, predicted) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, predicted) if g == c and p != c)
        scores[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return scores


def macro_f1(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> float:
    scores = f1_scores(gold, predicted, classes)
    return sum(scores.values()) / len(classes) if classes else 0.0


def binary(label: str) -> str:
    """Derived (wholly or partially) versus non-derived."""
    return "non" if label == NON else "derived"


BINARY_CLASSES = ("derived", "non")


def day_folds(days: Iterable[str], sizes: Counter, k: int = 5) -> dict[str, int]:
    """Assign whole days to ``k`` folds, largest day first to the smallest
    fold (deterministic), so no story is split across folds."""
    folds = [0] * k
    assignment = {}
    for day in sorted(set(days), key=lambda d: (-sizes[d], d)):
        fold = min(range(k), key=lambda f: (folds[f], f))
        assignment[day] = fold
        folds[fold] += sizes[day]
    return assignment


# --- sources ----------------------------------------------------------------------


def story_source(texts: Sequence[PaText]) -> Article:
    """All PA copy of one story as one article: the files in wire order, each
    paragraph once (later versions repeat earlier paragraphs verbatim)."""
    seen: set[str] = set()
    paragraphs = []
    for text in texts:
        for paragraph in text.article.text.split("\n\n"):
            key = " ".join(paragraph.split()).casefold()
            if key and key not in seen:
                seen.add(key)
                paragraphs.append(paragraph)
    first = texts[0]
    return Article(id=f"PA/{first.day}/{first.catchline}", text="\n\n".join(paragraphs),
                   title=next((t.article.title for t in texts if t.article.title), None), outlet="PA")


def strongest(relations: Iterable[Relation]) -> Relation | None:
    """The relation with the strongest verdict, then the most matched words."""
    return max(relations, default=None, key=lambda r: (
        VERDICT_STRENGTH[r.verdict], r.scores.matched, r.scores.copied_words, r.source))


@dataclass
class Judged:
    """One labelled newspaper article judged against its story's PA copy."""

    news: NewsText
    document: Document
    relation: Relation | None  # None when the story has no PA copy

    @property
    def predicted(self) -> str:
        return VERDICT_TO_CLASS[self.relation.verdict] if self.relation else NON


def judge_corpus(corpus: MeterCorpus, settings: Settings, mode: str = "concat") -> list[Judged]:
    """Judge every labelled newspaper article against the PA copy of its story."""
    stories = corpus.pa_by_story()
    if mode == "concat":
        sources = {story: [analyse(story_source(texts), settings)] for story, texts in stories.items()}
    elif mode == "best":
        sources = {story: [analyse(t.article, settings) for t in texts] for story, texts in stories.items()}
    else:
        raise ValueError(f"unknown source mode {mode!r}: expected one of {', '.join(SOURCE_MODES)}")
    judged = []
    for news in corpus.newspapers:
        if news.label is None:
            continue
        document = analyse(news.article, settings)
        relations = [judge_pair(s, document, settings, source_id=s.id) for s in sources.get(news.story, [])]
        judged.append(Judged(news, document, strongest(relations)))
    return judged


# --- document task --------------------------------------------------------------


def document_metrics(gold: Sequence[str], predicted: Sequence[str]) -> dict:
    gold_b, pred_b = [binary(g) for g in gold], [binary(p) for p in predicted]
    return {
        "doc_macro_f1_3class": round(macro_f1(gold, predicted, CLASSES), 4),
        "doc_f1": {c: round(v, 4) for c, v in f1_scores(gold, predicted, CLASSES).items()},
        "doc_accuracy": round(sum(g == p for g, p in zip(gold, predicted)) / len(gold), 4) if gold else 0.0,
        "doc_macro_f1_binary": round(macro_f1(gold_b, pred_b, BINARY_CLASSES), 4),
        "doc_confusion": {"classes": list(CLASSES), "rows_gold_columns_predicted": confusion(gold, predicted, CLASSES)},
    }


# --- retrieval task ---------------------------------------------------------------


def retrieval(corpus: MeterCorpus, judged: Sequence[Judged], settings: Settings,
              depth: int = RETRIEVAL_DEPTH) -> dict:
    """Look every article up in an index of all the domain's PA texts.

    The index proposes candidates (LSH, then the signature estimate); the
    ``depth`` best are judged against the article and the chosen source is
    the strongest relation (verdict, then matched share), as ``provenance
    check`` chooses an article's best source. A non-derived article counts
    as matched when its chosen source is judged to reuse text.
    """
    pa_documents = {t.article.id: (t, analyse(t.article, settings)) for t in corpus.pa}
    index = MemoryIndex(settings)
    index.add_all(signature(document, settings) for _, document in pa_documents.values())
    derived_total = derived_hits = derived_index_hits = derived_found = 0
    non_total = non_matched = non_matched_elsewhere = 0
    candidates_seen = []
    for item in judged:
        found = index.query(signature(item.document, settings))[:depth]
        candidates_seen.append(len(found))
        relations = [
            judge_pair(pa_documents[key][1], item.document, settings, source_id=key) for key, _ in found
        ]
        chosen = strongest(relations)
        chosen_story = pa_documents[chosen.source][0].story if chosen else None
        top_story = pa_documents[found[0][0]][0].story if found else None
        if item.news.label == NON:
            reuses = chosen is not None and chosen.verdict != INDEPENDENT
            non_total += 1
            non_matched += reuses
            non_matched_elsewhere += reuses and chosen_story != item.news.story
        else:
            derived_total += 1
            derived_hits += chosen_story == item.news.story
            derived_index_hits += top_story == item.news.story
            derived_found += any(pa_documents[key][0].story == item.news.story for key, _ in found)
    return {
        "retrieval_p_at_1": round(derived_hits / derived_total, 4) if derived_total else 0.0,
        "retrieval_index_p_at_1": round(derived_index_hits / derived_total, 4) if derived_total else 0.0,
        "retrieval_recall_at_depth": round(derived_found / derived_total, 4) if derived_total else 0.0,
        "retrieval_non_derived_matched": round(non_matched / non_total, 4) if non_total else 0.0,
        "retrieval_non_derived_matched_other_story": round(non_matched_elsewhere / non_total, 4) if non_total else 0.0,
        "retrieval_depth": depth,
        "retrieval_mean_candidates": round(sum(candidates_seen) / len(candidates_seen), 2) if candidates_seen else 0.0,
        "n_pa_texts": len(pa_documents),
    }


# --- lexical task ----------------------------------------------------------------


def predicted_token_labels(document: Document, ledger: Ledger | None) -> list[tuple[str, str]]:
    """(folded token, label) for every token of the derived document's body:
    words in copied runs are Verbatim, other words of matched sentences are
    Rewrite, words of added sentences are New."""
    rows = {row.index: row for row in ledger.sentences} if ledger else {}
    out = []
    for sentence in document.sentences:
        row = rows.get(sentence.index)
        matched = row is not None and row.label != ADDED
        spans = row.verbatim_spans if row is not None else ()
        for token, (start, end) in zip(sentence.tokens, sentence.token_spans):
            if any(s <= start and end <= e for s, e in spans):
                out.append((token, VERBATIM))
            else:
                out.append((token, REWRITE if matched else NEW))
    return out


def gold_token_labels(phrases: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(folded token, label) for the annotated text. The phrases are joined
    into one text first and tokenised with the package's tokenizer, so a word
    cut by a phrase boundary is one token; it takes the label of its first
    character."""
    text, owners = [], []
    for label, phrase in phrases:
        text.append(phrase)
        owners.extend([label] * len(phrase))
    tokens, spans = tokenize("".join(text))
    return [(token, owners[start]) for token, (start, _) in zip(tokens, spans)]


def align_tokens(gold: Sequence[tuple[str, str]], predicted: Sequence[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """(gold label, predicted label or None) per gold token. Token sequences
    are aligned by difflib's longest matching blocks over the folded words;
    a gold word the body does not contain (a headline or byline the package
    set apart, a word spelt differently) has no prediction."""
    matcher = difflib.SequenceMatcher(None, [t for t, _ in gold], [t for t, _ in predicted], autojunk=False)
    out: list[tuple[str, str | None]] = [(label, None) for _, label in gold]
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            out[a + k] = (gold[a + k][1], predicted[b + k][1])
    return out


def lexical(judged: Sequence[Judged]) -> dict:
    """Token-level F1 over all annotated articles' tokens pooled. A gold token
    the package's body lacks counts as predicted New (the tool claims nothing
    about it)."""
    gold_all: list[str] = []
    pred_all: list[str] = []
    unaligned = articles = 0
    for item in judged:
        if item.news.sgml is None:
            continue
        phrases = sgml_phrases(item.news.sgml.read_bytes().decode("latin-1"))
        if not phrases:
            continue
        articles += 1
        pairs = align_tokens(gold_token_labels(phrases),
                             predicted_token_labels(item.document, item.relation.ledger if item.relation else None))
        for gold, predicted in pairs:
            unaligned += predicted is None
            gold_all.append(gold)
            pred_all.append(predicted or NEW)
    scores = f1_scores(gold_all, pred_all, PHRASE_CLASSES)
    return {
        "token_macro_f1": round(sum(scores.values()) / len(scores), 4),
        "token_f1": {c: round(v, 4) for c, v in scores.items()},
        "token_confusion": {"classes": list(PHRASE_CLASSES),
                            "rows_gold_columns_predicted": confusion(gold_all, pred_all, PHRASE_CLASSES)},
        "n_annotated_docs": articles,
        "n_tokens": len(gold_all),
        "token_unaligned_share": round(unaligned / len(gold_all), 4) if gold_all else 0.0,
    }


# --- the run ----------------------------------------------------------------------


def git_commit(repo: Path = REPO) -> str:
    """HEAD (``+dirty`` when tracked files differ from it), or
    ``PROVENANCE_COMMIT`` when run from an exported tree (no git there)."""
    exported = os.environ.get("PROVENANCE_COMMIT")
    if exported and not (repo / ".git").exists():
        return exported
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def per_fold(judged: Sequence[Judged], k: int = 5) -> list[dict]:
    """The document figures on each of ``k`` folds of whole days."""
    sizes = Counter(item.news.day for item in judged)
    folds = day_folds(sizes, sizes, k)
    out = []
    for fold in range(k):
        part = [item for item in judged if folds[item.news.day] == fold]
        metrics = document_metrics([i.news.label for i in part], [i.predicted for i in part])
        out.append({"fold": fold, "n_docs": len(part),
                    "days": sorted(d for d, f in folds.items() if f == fold),
                    "doc_macro_f1_3class": metrics["doc_macro_f1_3class"],
                    "doc_macro_f1_binary": metrics["doc_macro_f1_binary"],
                    **{k2: v for k2, v in lexical(part).items() if k2 in ("token_macro_f1", "n_annotated_docs")}})
    return out


def run(root: Path, domain: str, settings: Settings, *, mode: str = "concat", tasks: Sequence[str] = ("document", "retrieval", "lexical"),
        folds: int = 5, log: Callable[[str], None] = lambda _: None) -> dict:
    started = time.perf_counter()
    corpus = load_corpus(root, domain)
    log(f"loaded {len(corpus.pa)} PA texts and {len(corpus.newspapers)} newspaper articles ({domain})")
    judged = judge_corpus(corpus, settings, mode)
    log(f"judged {len(judged)} labelled articles ({time.perf_counter() - started:.1f}s)")
    result: dict = {
        "domain": domain,
        "commit": git_commit(),
        "source_mode": mode,
        "settings": {k: v for k, v in settings.to_dict().items() if v != Settings().to_dict().get(k)},
        "n_docs": len(judged),
        "n_docs_by_class": {c: sum(1 for i in judged if i.news.label == c) for c in CLASSES},
    }
    if "document" in tasks:
        result.update(document_metrics([i.news.label for i in judged], [i.predicted for i in judged]))
        if folds > 1:
            result["folds"] = per_fold(judged, folds)
    if "lexical" in tasks:
        result.update(lexical(judged))
    if "retrieval" in tasks:
        result.update(retrieval(corpus, judged, settings))
        log(f"retrieval done ({time.perf_counter() - started:.1f}s)")
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def summary(result: dict) -> str:
    lines = [f"METER {result['domain']}: {result['n_docs']} articles "
             f"({', '.join(f'{v} {k}' for k, v in result['n_docs_by_class'].items())}), "
             f"source mode {result['source_mode']}, commit {result['commit'][:12]}"]
    if result["settings"]:
        lines.append("settings: " + ", ".join(f"{k}={v}" for k, v in result["settings"].items()))
    rows = []
    if "doc_macro_f1_3class" in result:
        rows += [("document macro-F1, 3 classes", result["doc_macro_f1_3class"]),
                 ("document macro-F1, derived vs non", result["doc_macro_f1_binary"]),
                 ("document accuracy, 3 classes", result["doc_accuracy"])]
        rows += [(f"  F1 {c}", v) for c, v in result["doc_f1"].items()]
    if "retrieval_p_at_1" in result:
        rows += [("retrieval P@1 (derived articles)", result["retrieval_p_at_1"]),
                 ("retrieval P@1, index ranking only", result["retrieval_index_p_at_1"]),
                 ("non-derived matched to some PA text", result["retrieval_non_derived_matched"]),
                 ("  ... to another story's PA text", result["retrieval_non_derived_matched_other_story"])]
    if "token_macro_f1" in result:
        rows += [(f"token macro-F1 ({result['n_annotated_docs']} articles)", result["token_macro_f1"])]
        rows += [(f"  F1 {c}", v) for c, v in result["token_f1"].items()]
    width = max(len(name) for name, _ in rows) if rows else 0
    lines += [f"  {name.ljust(width)}  {value:.3f}" for name, value in rows]
    if "doc_confusion" in result:
        lines.append("confusion (rows gold, columns predicted: " + " / ".join(CLASSES) + ")")
        for c, row in zip(CLASSES, result["doc_confusion"]["rows_gold_columns_predicted"]):
            lines.append(f"  {c.ljust(10)}" + "".join(f"{n:6d}" for n in row))
    if "folds" in result:
        lines.append("per fold (whole days): 3-class / binary / token macro-F1")
        for fold in result["folds"]:
            lines.append(f"  fold {fold['fold']} ({fold['n_docs']:3d} articles)  {fold['doc_macro_f1_3class']:.3f}"
                         f"  {fold['doc_macro_f1_binary']:.3f}  {fold['token_macro_f1']:.3f}")
    lines.append(f"{result['seconds']:.0f}s")
    return "\n".join(lines)


def parse_overrides(items: Sequence[str]) -> dict:
    """``name=value`` pairs for :meth:`Settings.replace`, typed like the default."""
    defaults = Settings().to_dict()
    changes = {}
    for item in items:
        name, sep, value = item.partition("=")
        if sep and name == "matcher":  # a name (the settings' dict leaves the matcher out)
            changes[name] = value
            continue
        if not sep or name not in defaults:
            raise SystemExit(f"--set expects NAME=VALUE with a Settings field name, got {item!r}")
        kind = type(defaults[name])
        changes[name] = kind(value) if kind is not bool else value.lower() in ("1", "true", "yes")
    return changes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="METER corpus root (default: %(default)s)")
    parser.add_argument("--domain", default="courts", help="a domain present under the root (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--source-mode", choices=SOURCE_MODES, default="concat",
                        help="judge against the story's PA files joined (concat) or each file, keeping the strongest (best)")
    parser.add_argument("--tasks", default="document,retrieval,lexical", help="comma-separated subset to run")
    parser.add_argument("--folds", type=int, default=5, help="report the figures per fold of whole days (0: off)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a provenance Settings value (repeatable)")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        parser.error(f"no METER corpus at {args.root}")
    settings = Settings().replace(**parse_overrides(args.set))
    tasks = tuple(t.strip() for t in args.tasks.split(",") if t.strip())
    try:
        result = run(args.root, args.domain, settings, mode=args.source_mode, tasks=tasks, folds=args.folds,
                     log=lambda message: print(message, file=sys.stderr))
    except FileNotFoundError as exc:
        parser.error(str(exc))
    print(summary(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
