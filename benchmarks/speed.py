"""Speed at scale: the signature engine, LSH recall, alignment throughput and
a whole ``provenance scan``, on one seeded synthetic corpus.

    python benchmarks/speed.py --docs 20000 [--jobs N] [--json FILE] [--cache DIR]

The corpus comes from :mod:`benchmarks.generate` (``corpus()``): half wire
stories, half a feed of copies, rewrites, partial reuse and unrelated
articles drawn from them, every article ending with its publisher's trailer
(shared boilerplate). It is written once as JSONL under ``--cache`` and
reused. Figures (all printed, and written to ``--json``):

* ``signature_docs_per_s``: the tool's engine (``fingerprint.sketch_texts``,
  numba when installed), article text to both signatures, one core, warm
  (a first pass has stemmed every word once: stems are cached per process).
* ``floor_docs_per_s``: reading and tokenising only (the engine's own
  tokeniser: compiled with numba, the regular expression without).
* ``datasketch_bulk_docs_per_s`` / ``datasketch_update_docs_per_s``:
  datasketch with its defaults (SHA-1, 128 permutations) on the same
  shingles, given ready-made as bytes (so the figure leaves out building
  them, which favours datasketch); ``rensa_docs_per_s`` likewise if rensa is
  installed. One document is both signatures (word 5-grams, content words).
* ``lsh_recall_copies`` / ``lsh_recall_rewrites`` / ``lsh_recall_partials``:
  share of planted pairs the scan's candidate search proposed, and
  ``*_above_threshold``: the same among pairs whose exact Jaccard reaches a
  threshold at either granularity (what the estimate is meant to find).
* ``alignment_pairs_per_s``: planted pairs judged (aligned) one after the
  other with a shared feature cache, one core.
* ``scan_s``, ``scan_cpu_s``, ``scan_peak_rss_mb``: ``provenance scan
  corpus.jsonl`` as a subprocess (:mod:`benchmarks.scan_runner`: the
  command's work through the library, which also writes the scan's
  ``ScanStats`` and candidate pairs): wall time, CPU time of it and its
  workers, and the largest summed resident memory of the process tree
  (sampled from /proc every 50 ms). ``machine.load_before`` records the
  load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks.generate import NewsGenerator, corpus, write_jsonl  # noqa: E402
from provenance import Article, Settings  # noqa: E402
from provenance.engine import name as engine_name
from provenance.fingerprint.minhash import sketch_texts
from provenance.judge.features import FeatureCache
from provenance.judge.pair import judge_pair
from provenance.analysis.document import analyse
from provenance.analysis.tokens import document_shingles, fast_tokens

REPO = Path(__file__).resolve().parent.parent
#: Bump when the corpus recipe changes, so cached corpora are rebuilt.
CORPUS_VERSION = 1


def build_corpus(docs: int, seed: int, cache: Path) -> tuple[Path, list[dict]]:
    """The corpus as JSONL (cached) and its ground truth."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"speed-v{CORPUS_VERSION}-seed{seed}-{docs}.jsonl"
    truth_path = path.with_suffix(".truth.json")
    if not (path.exists() and truth_path.exists()):
        started = time.perf_counter()
        made = corpus(NewsGenerator(seed), docs)
        temporary = path.with_suffix(".tmp")
        write_jsonl(made.articles, temporary)
        truth_path.write_text(json.dumps([t.__dict__ for t in made.truth]), encoding="utf-8")
        temporary.replace(path)
        print(f"generated {docs} articles in {time.perf_counter() - started:.0f} s -> {path}", file=sys.stderr)
    return path, json.loads(truth_path.read_text(encoding="utf-8"))


def read_corpus(path: Path) -> list[Article]:
    out = []
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            out.append(Article(id=record["id"], text=record["text"], title=record.get("title"),
                               outlet=record.get("outlet"), published=record.get("published")))
    return out


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else float("inf")


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started


# --- engines -------------------------------------------------------------------------


def engine_figures(texts: list[str], settings: Settings, subset: int, update_subset: int) -> dict:
    figures: dict = {"engine": engine_name()}
    sketch_texts(texts, settings)  # compile, and see every word once (stems are cached)
    _, seconds = timed(sketch_texts, texts, settings)
    figures["signature_docs_per_s"] = rate(len(texts), seconds)
    figures["floor_docs_per_s"] = rate(len(texts), floor_seconds(texts))
    # datasketch and rensa start from the shingles, made here once.
    sample = texts[:subset]
    shingles = [shingle_bytes(t, settings) for t in sample]
    from datasketch import MinHash

    def bulk() -> None:
        for granularity in (0, 1):
            MinHash.bulk([s[granularity] for s in shingles])

    _, seconds = timed(bulk)
    figures["datasketch_bulk_docs_per_s"] = rate(len(sample), seconds)

    def update() -> None:
        for words, content in shingles[:update_subset]:
            for granularity in (words, content):
                m = MinHash()
                for shingle in granularity:
                    m.update(shingle)

    _, seconds = timed(update)
    figures["datasketch_update_docs_per_s"] = rate(min(update_subset, len(shingles)), seconds)
    try:
        from rensa import RMinHash
    except ImportError:
        figures["rensa_docs_per_s"] = None
    else:
        strings = [[[b.decode("utf-8") for b in g] for g in s] for s in shingles]

        def with_rensa() -> None:
            for words, content in strings:
                for granularity in (words, content):
                    m = RMinHash(num_perm=settings.num_perm, seed=settings.seed)
                    m.update(granularity)
                    m.digest()

        _, seconds = timed(with_rensa)
        figures["rensa_docs_per_s"] = rate(len(strings), seconds)
    figures["baseline_docs"] = len(sample)
    figures["speedup_over_datasketch_bulk"] = round(
        figures["signature_docs_per_s"] / figures["datasketch_bulk_docs_per_s"], 1)
    figures["engine_over_floor"] = round(figures["floor_docs_per_s"] / figures["signature_docs_per_s"], 2)
    return figures


def floor_seconds(texts: list[str]) -> float:
    """Reading and tokenising only, with the engine's own tokeniser."""
    if engine_name() == "numba":
        from provenance.fingerprint import kernels

        def tokenise() -> None:
            for start in range(0, len(texts), 512):
                kernels.tokenize_only(texts[start : start + 512])

        tokenise()  # compile
        return timed(tokenise)[1]
    return timed(lambda: [fast_tokens(t) for t in texts])[1]


def shingle_bytes(text: str, settings: Settings) -> tuple[list[bytes], list[bytes]]:
    """The two shingle sets of a text, as the tool defines them, in bytes."""
    from provenance.analysis.tokens import content_terms, word_shingles

    tokens = fast_tokens(text)
    words = word_shingles(tokens, settings.word_shingle_size)
    content = word_shingles(content_terms(tokens), settings.content_shingle_size)
    return [s.encode("utf-8") for s in words], [s.encode("utf-8") for s in content]


# --- recall and alignment ------------------------------------------------------------


def planted(truth: list[dict], articles: dict[str, Article], limit: int | None = None) -> list[tuple]:
    rows = [(t["kind"], t["source"], t["article"]) for t in truth if t["source"]]
    if limit is not None and len(rows) > limit:
        rows = random.Random(0).sample(rows, limit)
    return rows


def recall_figures(pairs_path: Path, truth: list[dict], articles: dict[str, Article], settings: Settings,
                   limit: int) -> dict:
    candidates = {tuple(p) for p in json.loads(pairs_path.read_text(encoding="utf-8"))}
    thresholds = {"words": settings.word_lsh_threshold, "content": settings.content_lsh_threshold}
    found: dict[str, list[bool]] = {}
    above: dict[str, list[bool]] = {}
    for kind, source, derived in planted(truth, articles, limit):
        key = (source, derived) if source < derived else (derived, source)
        hit = key in candidates
        found.setdefault(kind, []).append(hit)
        a = document_shingles(analyse(articles[source], settings), settings)
        b = document_shingles(analyse(articles[derived], settings), settings)
        exact = {g: len(a[g] & b[g]) / max(1, len(a[g] | b[g])) for g in a}
        if any(exact[g] >= thresholds[g] for g in exact):
            above.setdefault(kind, []).append(hit)
    figures = {}
    for kind, name in (("copy", "copies"), ("rewrite", "rewrites"), ("partial", "partials")):
        figures[f"lsh_recall_{name}"] = round(float(np.mean(found[kind])), 4) if found.get(kind) else None
        figures[f"lsh_recall_{name}_above_threshold"] = (
            round(float(np.mean(above[kind])), 4) if above.get(kind) else None)
        figures[f"planted_{name}_checked"] = len(found.get(kind, []))
    return figures


def alignment_figures(truth: list[dict], articles: dict[str, Article], settings: Settings, limit: int) -> dict:
    from threadpoolctl import threadpool_limits

    rows = planted(truth, articles, limit)
    documents = {}
    for _, source, derived in rows:
        for key in (source, derived):
            if key not in documents:
                documents[key] = analyse(articles[key], settings)
    features = FeatureCache()
    with threadpool_limits(limits=1):
        started = time.perf_counter()
        for _, source, derived in rows:
            judge_pair(documents[source], documents[derived], settings, features=features)
        seconds = time.perf_counter() - started
    return {"alignment_pairs_per_s": rate(len(rows), seconds), "alignment_pairs": len(rows)}


# --- the whole scan ---------------------------------------------------------------------


def tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in kB."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def scan_figures(path: Path, jobs: int | None, workdir: Path) -> dict:
    pairs_path = workdir / "pairs.json"
    stats_path = workdir / "scan-stats.json"
    command = [sys.executable, str(REPO / "benchmarks" / "scan_runner.py"), str(path),
               "-o", str(workdir / "report.txt"), "--stats", str(stats_path), "--pairs", str(pairs_path)]
    if jobs:
        command += ["--jobs", str(jobs)]
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss_kb(process.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stop.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"provenance scan failed with exit code {code}")
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    return {
        "scan_s": round(seconds, 1),
        # CPU seconds of the scan and its workers: on a busy machine, wall
        # time over cores shows what an idle one would take.
        "scan_cpu_s": round(cpu, 1),
        "scan_peak_rss_mb": round(peak / 1024, 1),
        "scan_phases_s": stats.get("seconds"),
        "scan_candidate_pairs": stats.get("candidate_pairs"),
        "scan_aligned_pairs": stats.get("aligned_pairs"),
        "scan_candidates": {g: stats.get(g) for g in ("words", "content")},
    }, pairs_path


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000, help="articles in the corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=None, help="scan worker processes (default: every core)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "provenance-speed",
                        help="folder for the generated corpus (reused between runs)")
    parser.add_argument("--engine-docs", type=int, default=20_000, help="articles for the engine figures")
    parser.add_argument("--baseline-docs", type=int, default=2_000, help="articles for datasketch bulk and rensa")
    parser.add_argument("--update-docs", type=int, default=300, help="articles for datasketch's update loop")
    parser.add_argument("--check-pairs", type=int, default=3_000, help="planted pairs for recall (exact Jaccard)")
    parser.add_argument("--align-pairs", type=int, default=1_000, help="planted pairs for alignment throughput")
    args = parser.parse_args(argv)
    settings = Settings()
    path, truth = build_corpus(args.docs, args.seed, args.cache)
    figures: dict = {
        "docs": args.docs,
        "seed": args.seed,
        "commit": _commit(),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_before": [round(x, 2) for x in os.getloadavg()]},
    }
    with tempfile.TemporaryDirectory(prefix="provenance-speed-") as work:
        scan, pairs_path = scan_figures(path, args.jobs, Path(work))
        figures.update(scan)
        articles = {a.id: a for a in read_corpus(path)}
        texts = [a.text for a in list(articles.values())[: args.engine_docs]]
        figures.update(engine_figures(texts, settings, args.baseline_docs, args.update_docs))
        figures.update(recall_figures(pairs_path, truth, articles, settings, args.check_pairs))
    figures.update(alignment_figures(truth, articles, settings, args.align_pairs))
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


def _commit() -> str | None:
    """The commit measured: git's HEAD, or ``PROVENANCE_COMMIT`` for an exported tree."""
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "provenance"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
        return done.stdout.strip() + ("+local changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return os.environ.get("PROVENANCE_COMMIT")


if __name__ == "__main__":
    main()
