"""Speed of the persistent index and of ``provenance check``.

Builds an SQLite index of N synthetic wire stories (benchmarks/generate.py),
appending in batches as a nightly job would, then checks a feed of 100
incoming articles (copies, rewrites, partial reuse and unrelated stories,
with ground truth) against it and reports:

* build rate: articles indexed per second (analysis in ``--jobs`` workers);
* size on disk per 1,000 articles;
* check latency per incoming article, warm and in-process: p50, p95, max;
* whole-process time of ``python -m provenance check`` on the 100 articles
  (interpreter start, imports, opening the index, checking, writing JSON);
* how the feed came out against its ground truth.

    python -m benchmarks.index_bench                  # 100,000 stories
    python -m benchmarks.index_bench --stories 5000 --json
    python -m benchmarks.index_bench --workdir /tmp/bench   # keep and reuse the index

Wall-clock figures depend on the machine; the JSON records its CPU count.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.generate import NewsGenerator, SyntheticArticle, write_jsonl  # noqa: E402
from provenance import Article  # noqa: E402
from provenance.gate.result import FAIL
from provenance.gate.check import check_articles
from provenance.index import open_index
from provenance.index.build import add_articles  # noqa: E402

FEED = 100
BATCH = 10_000


def article(item: SyntheticArticle) -> Article:
    return Article(id=item.id, text=item.text, title=item.title, outlet=item.outlet,
                   published=item.published, origin=f"{item.id}.json")


def build(path: Path, generator: NewsGenerator, stories: int, jobs: int, log) -> dict:
    """Index the stories in batches of BATCH (one add transaction each)."""
    seconds = 0.0
    rates = []
    with open_index(str(path), create=True) as index:
        for start in range(0, stories, BATCH):
            batch = [article(s) for s in generator.stories(min(BATCH, stories - start), start)]
            began = time.perf_counter()
            added = add_articles(index, batch, jobs=jobs).added
            took = time.perf_counter() - began
            seconds += took
            rates.append(len(added) / took)
            log(f"  indexed {start + len(batch):>7,} stories ({len(added) / took:,.0f}/s)")
    return {"build_seconds": round(seconds, 1), "build_rate_per_s": round(stories / seconds, 1),
            "last_batch_rate_per_s": round(rates[-1], 1)}


def size_on_disk(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def latency(path: Path, feed: list[SyntheticArticle]) -> dict:
    """Each feed article checked on its own against the open index, after one
    warm-up check (which loads the index's content signatures)."""
    articles = [article(a) for a in feed]
    with open_index(str(path)) as index:
        check_articles(articles[:1], index=index)
        times, cpu, outcomes = [], [], []
        for item in articles:
            began, began_cpu = time.perf_counter(), time.process_time()
            result = check_articles([item], index=index)
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            outcomes.append(result.articles[0])
    # CPU time too: on a busy machine wall time includes waiting for a core.
    return {
        "check_ms_p50": round(statistics.median(times), 1),
        "check_ms_p95": _p95(times),
        "check_ms_max": round(max(times), 1),
        "check_ms_mean": round(statistics.fmean(times), 1),
        "check_cpu_ms_p50": round(statistics.median(cpu), 1),
        "check_cpu_ms_p95": _p95(cpu),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }, outcomes


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(round(0.95 * len(ordered))) - 1)], 1)


def whole_process(path: Path, feed_file: Path, runs: int = 3) -> dict:
    """Wall time of the CLI checking the whole feed, as a CI job runs it
    (default text report; ``--format json`` adds ~0.5 s of indented JSON
    encoding for 100 full ledgers)."""
    command = [sys.executable, "-m", "provenance", "check", "--index", str(path), "-o", os.devnull, str(feed_file)]
    times, cpu = [], []
    for _ in range(runs):
        began = time.perf_counter()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
        times.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - used.ru_utime + after.ru_stime - used.ru_stime)
        if done.returncode not in (0, 1):
            raise SystemExit(f"check failed ({done.returncode}): {done.stderr.strip()}")
    return {"process_seconds_first": round(times[0], 2), "process_seconds_median": round(statistics.median(times), 2),
            "process_cpu_seconds_median": round(statistics.median(cpu), 2)}


def against_truth(outcomes, feed) -> dict:
    planted = {t.article for t in feed.truth if t.kind in ("copy", "rewrite") and not t.credited}
    failed = {o.document.id for o in outcomes if o.status == FAIL}
    sourced = [o for o, t in zip(outcomes, feed.truth) if t.source is not None]
    return {
        "feed": {kind: sum(1 for t in feed.truth if t.kind == kind) for kind in ("copy", "rewrite", "partial", "unrelated")},
        "uncredited_copies_and_rewrites_planted": len(planted),
        "failed": len(failed),
        "failed_and_planted": len(failed & planted),
        "source_found": sum(1 for o, t in zip(outcomes, feed.truth) if t.source and o.source and o.source.id == t.source),
        "derived": len(sourced),
    }


def commit() -> str:
    """The commit measured: git's HEAD, or ``PROVENANCE_COMMIT`` for an exported tree."""
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    return done.stdout.strip() if done.returncode == 0 else os.environ.get("PROVENANCE_COMMIT", "unknown")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000, help="wire stories to index (default 100,000)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--jobs", type=int, default=0, help="analysis workers while building (0: one per CPU)")
    parser.add_argument("--workdir", type=Path, help="keep the index here and reuse it when present")
    parser.add_argument("--json", action="store_true", help="print all figures as one JSON object")
    args = parser.parse_args(argv)
    log = (lambda message: print(message, file=sys.stderr)) if args.json else print

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="index-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"wires-{args.seed}-{args.stories}.db"
    generator = NewsGenerator(args.seed)
    figures: dict = {"stories": args.stories, "seed": args.seed, "cpus": os.cpu_count(),
                     "python": platform.python_version(), "commit": commit()}
    if path.exists():
        log(f"reusing {path}")
    else:
        log(f"building {path} ...")
        figures |= build(path, generator, args.stories, args.jobs, log)
    figures["size_mb_per_1000"] = round(size_on_disk(path) / args.stories * 1000 / 1e6, 2)
    # The feed derives from stories spread over the whole index.
    sources = [generator.story(n) for n in range(0, args.stories, max(1, args.stories // 500))]
    feed = generator.feed(sources, FEED)
    log("checking the feed in-process ...")
    timing, outcomes = latency(path, list(feed.articles))
    figures |= timing
    figures["truth"] = against_truth(outcomes, feed)
    feed_file = workdir / f"feed-{args.seed}.jsonl"
    write_jsonl(feed.articles, feed_file)
    log("checking the feed with the CLI ...")
    figures |= whole_process(path, feed_file)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    truth = figures["truth"]
    print(f"\nstories indexed        {args.stories:,}")
    if "build_rate_per_s" in figures:
        print(f"build rate             {figures['build_rate_per_s']:,.0f} articles/s "
              f"({figures['build_seconds']:,.0f} s; last batch {figures['last_batch_rate_per_s']:,.0f}/s)")
    print(f"size on disk           {figures['size_mb_per_1000']} MB per 1,000 articles")
    print(f"check latency          p50 {figures['check_ms_p50']} ms, p95 {figures['check_ms_p95']} ms, "
          f"max {figures['check_ms_max']} ms (warm, in-process, per article)")
    print(f"  CPU time             p50 {figures['check_cpu_ms_p50']} ms, p95 {figures['check_cpu_ms_p95']} ms "
          f"(load average {figures['load_average_1min']} on {figures['cpus']} CPUs)")
    print(f"whole process          {figures['process_seconds_median']} s for {FEED} articles "
          f"(first run {figures['process_seconds_first']} s; CPU {figures['process_cpu_seconds_median']} s)")
    print(f"feed                   {truth['feed']}; failed {truth['failed']} of "
          f"{truth['uncredited_copies_and_rewrites_planted']} planted uncredited copies/rewrites "
          f"({truth['failed_and_planted']} matching); source found for {truth['source_found']} of {truth['derived']}")


if __name__ == "__main__":
    main()
