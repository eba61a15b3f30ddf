"""The Spark scan at scale, beside the local scan: one seeded synthetic
corpus per size, scanned both ways in one run, on this machine.

    python benchmarks/spark_scale.py [--sizes 20000 100000] [--ways local spark tables] [--cores N]
        [--driver-memory 4g] [--conf KEY=VALUE ...] [--json FILE]

The corpus is :func:`benchmarks.speed.build_corpus`'s (the one
``speed.py --docs N`` measures, cached as JSONL under ``--cache``). Each scan
runs in a process of its own (this script again, with ``--one``), so that
one scan's memory is not counted in the other's:

* **local**: ``provenance.pipeline.scan([corpus.jsonl], jobs=cores)`` with a
  ``ScanStats`` (the command's scan, without rendering a report);
* **spark**: ``provenance.spark.start_session("local[cores]")`` with the
  Spark UI on a free port and ``spark.driver.memory`` (in local mode the
  driver is the executor too, so this is the JVM's whole heap), then
  ``scan_spark(spark.read.schema(...).json(corpus.jsonl))``. The schema is
  given, as a production job would, so no job infers it.
* **tables**: the same session, then ``scan_tables`` of that DataFrame,
  ledgers included, written with ``write_tables`` as Parquet to a scratch
  folder: the ``scan --engine spark --output DIR`` path, on which nothing
  but figures reaches the driver. Its ``write`` phase is the writers' time.
  ``--ways`` picks the ways run (``local`` always: the others are compared
  with it).

Figures (printed, and written to ``--json``), per size:

* ``local.scan_s`` / ``spark.scan_s``: wall time of the scan call alone;
  ``process_s``: of the whole process (interpreter, imports, and for Spark
  starting the JVM: ``session_s``). ``phases_s``: each scan's own phase
  times (``ScanStats.seconds``, ``SparkScan.seconds``).
* ``peak_rss_mb``: the largest summed resident memory of the scan's process
  tree, sampled from /proc every ``--interval`` s: for Spark the Python
  driver, the JVM and the Python workers it forks. Forked workers share
  pages, which a sum of resident sizes counts once per process, so it
  overstates what the machine gives up (the same for both ways).
* ``spark.stages``: every stage the Spark UI's REST API
  (``/api/v1/applications/<id>/stages``) lists: name, tasks, status,
  ``inputBytes``, ``shuffleReadBytes``, ``shuffleWriteBytes``, spills,
  ``executorRunTime``, and the scan phase it was submitted in (each phase
  ends when the scan's ``progress`` is told it, and began its
  ``SparkScan.seconds`` before; stages before the first phase are the input
  checks); ``task_run_s``: its fastest, median and slowest task (the
  ``taskSummary`` endpoint), which shows skew. ``spark.shuffle`` sums them
  in total and per phase.
* ``candidate_pairs``, ``aligned_pairs`` of each way, and ``same_answers``:
  whether the Spark scan's stories and relations (the objects, ledgers
  included) equal the local scan's; for ``tables``, whether the relations,
  stories and ledgers read back from the Parquet files equal the local
  scan's rows (:func:`provenance.spark.relation_rows` and the others).
* ``spark_version``, ``java_version``, ``driver_memory``, ``jvm_max_heap_mb``,
  ``cores``, the commit and the load average before each scan.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.meter import git_commit  # noqa: E402
from benchmarks.speed import build_corpus, tree_rss_kb  # noqa: E402

SCRIPT = Path(__file__).resolve()
REPO = SCRIPT.parent.parent
#: The corpus's columns as the Spark reader is told them (every field the generator writes).
SCHEMA = "id string, title string, outlet string, published string, text string"
#: The stage figures kept, as the REST API names them.
STAGE_FIELDS = ("stageId", "attemptId", "name", "status", "numTasks", "submissionTime", "completionTime",
                "executorRunTime", "executorCpuTime", "inputBytes", "outputBytes", "shuffleReadBytes",
                "shuffleWriteBytes", "memoryBytesSpilled", "diskBytesSpilled", "peakExecutionMemory")
BEFORE_PHASES, AFTER_PHASES = "input_checks", "after_phases"
#: The Spark ways, in the order they run.
SPARK_WAYS = ("spark", "tables")
MB = 1024 * 1024


# --- the parent: one corpus, two scans ------------------------------------------------


class TreeSampler:
    """Peak summed resident memory of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval: float) -> None:
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._stop.wait(self.interval)


def run_one(way: str, corpus: Path, workdir: Path, args: argparse.Namespace) -> dict:
    """One scan in a process of its own; its figures, with the process's wall time and peak memory."""
    out = workdir / way
    out.mkdir()
    command = [sys.executable, str(SCRIPT), "--one", way, "--input", str(corpus), "--out", str(out),
               "--cores", str(args.cores), "--driver-memory", args.driver_memory,
               *(f"--conf={setting}" for setting in args.conf)]
    load = [round(x, 2) for x in os.getloadavg()]
    log = (out / "stderr.txt").open("w", encoding="utf-8")
    started = time.perf_counter()
    with log:
        process = subprocess.Popen(command, stderr=log)
        with TreeSampler(process.pid, args.interval) as sampler:
            code = process.wait()
    seconds = time.perf_counter() - started
    if code != 0:
        tail = (out / "stderr.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-15:]
        raise SystemExit(f"the {way} scan of {corpus.name} failed (exit {code}):\n" + "\n".join(tail))
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    figures.update(process_s=round(seconds, 1), peak_rss_mb=round(sampler.peak_kb / 1024, 1), load_before=load)
    return figures


def same_answers(workdir: Path, way: str) -> bool:
    """Whether ``way``'s answers equal the local scan's: the stories and
    relations, object for object (``spark``), or the tables' rows (``tables``)."""
    name = "rows.pickle" if way == "tables" else "answers.pickle"
    answers = []
    for each in ("local", way):
        with (workdir / each / name).open("rb") as stream:
            answers.append(pickle.load(stream))
    return answers[0] == answers[1]


def measure_size(docs: int, args: argparse.Namespace) -> dict:
    corpus, _ = build_corpus(docs, args.seed, args.cache)
    row: dict = {"docs": docs}
    with tempfile.TemporaryDirectory(prefix="provenance-spark-scale-") as work:
        workdir = Path(work)
        row["local"] = run_one("local", corpus, workdir, args)
        for way in [w for w in SPARK_WAYS if w in args.ways]:
            row[way] = run_one(way, corpus, workdir, args)
            row[way]["same_answers"] = same_answers(workdir, way)
    if "spark" in row:  # as earlier runs wrote it
        row["same_answers"] = row["spark"]["same_answers"]
    return row


# --- the children: one scan each ------------------------------------------------------


def scan_local(corpus: Path, out: Path, cores: int) -> None:
    from provenance.pipeline import ScanStats, scan

    stats = ScanStats()
    started = time.perf_counter()
    result = scan([corpus], jobs=cores, stats=stats,
                  on_error=lambda problem: print(f"warning: skipped {problem}", file=sys.stderr))
    seconds = time.perf_counter() - started
    write_answers(out, result.stories, result.relations)
    write_rows(out, local_rows(result))
    write_figures(out, {"scan_s": round(seconds, 1), "phases_s": stats.seconds, "articles": stats.articles,
                        "candidate_pairs": stats.candidate_pairs, "aligned_pairs": stats.aligned_pairs,
                        "stories": len(result.stories), "relations": len(result.relations)})


def scan_on_spark(corpus: Path, out: Path, cores: int, driver_memory: str, conf: list[str],
                  tables: bool = False) -> None:
    from provenance.spark import scan_spark, scan_tables, start_session
    from provenance.spark.output import write_tables

    started = time.perf_counter()
    spark = start_session(f"local[{cores}]", "provenance-spark-scale", {
        "spark.ui.enabled": "true", "spark.ui.port": str(free_port()), "spark.driver.memory": driver_memory,
        # Every stage of a 100,000-article scan stays listed (the default keeps 1,000).
        "spark.ui.retainedStages": "100000", "spark.ui.retainedJobs": "100000", **spark_conf(conf)})
    spark.sparkContext.setLogLevel("ERROR")
    session_s = time.perf_counter() - started
    try:
        df = spark.read.schema(SCHEMA).json(str(corpus))
        ended: dict[str, float] = {}
        called = time.time()
        started = time.perf_counter()
        progress = lambda phase, *_: ended.setdefault(phase, time.time())  # noqa: E731
        if tables:
            found = scan_tables(df, ledgers=True, progress=progress)
            written = time.perf_counter()
            write_tables(found, str(out / "tables"), "parquet")
            found.seconds["write"] = round(time.perf_counter() - written, 3)
            progress("write")
            found.unpersist()
        else:
            found = scan_spark(df, progress=progress)
        seconds = time.perf_counter() - started
        stages = stage_rows(spark, phase_bounds(found.seconds, called, ended))
        jvm = spark.sparkContext._jvm
        figures = {
            "scan_s": round(seconds, 1), "session_s": round(session_s, 1), "phases_s": dict(found.seconds),
            "articles": found.articles, "candidate_pairs": found.candidate_pairs,
            "aligned_pairs": found.aligned_pairs, "candidates": found.candidates,
            "spark_version": spark.version, "java_version": jvm.java.lang.System.getProperty("java.version"),
            "driver_memory": driver_memory, "conf": spark_conf(conf),
            "jvm_max_heap_mb": round(jvm.java.lang.Runtime.getRuntime().maxMemory() / MB),
            "stages": stages, "shuffle": shuffle_totals(stages)}
        if tables:
            rows = table_rows(spark, out / "tables")
            figures.update(stories=len(rows[1]), relations=len(rows[0]), ledger_rows=len(rows[2]))
            write_rows(out, rows)
        else:
            figures.update(stories=len(found.stories), relations=len(found.relations))
            write_answers(out, found.stories, found.relations)
    finally:
        spark.stop()
    write_figures(out, figures)


def local_rows(result) -> tuple[list, list, list]:
    """The local scan's relations, stories and ledgers as the tables' rows, sorted."""
    from provenance.spark import ledger_rows, relation_rows, story_rows

    return (sorted(relation_rows(result.stories, result.relations)), sorted(story_rows(result.stories)),
            sorted(ledger_rows(result.relations, result.stories, result.documents), key=repr))


def table_rows(spark, folder: Path) -> tuple[list, list, list]:
    """The relations, stories and ledgers read back from the Parquet files, as rows, sorted."""
    from provenance.spark import LEDGER_COLUMNS, RELATION_COLUMNS, STORY_COLUMNS

    def rows(name: str, columns: tuple[str, ...]) -> list[tuple]:
        return [tuple(row[c] for c in columns) for row in spark.read.parquet(str(folder / name)).collect()]

    return (sorted(rows("relations", RELATION_COLUMNS)), sorted(rows("stories", STORY_COLUMNS)),
            sorted(rows("ledgers", LEDGER_COLUMNS), key=repr))


def spark_conf(settings: list[str]) -> dict[str, str]:
    """``--conf KEY=VALUE`` settings as a dict.

    >>> spark_conf(["spark.sql.shuffle.partitions=8"])
    {'spark.sql.shuffle.partitions': '8'}
    """
    pairs = [setting.partition("=") for setting in settings]
    bad = [key for key, sign, _ in pairs if not sign or not key]
    if bad:
        raise SystemExit(f"--conf takes KEY=VALUE, not {bad[0]!r}")
    return {key: value for key, _, value in pairs}


def free_port() -> int:
    """A TCP port nothing listens on now (Spark tries the next ones if it is taken meanwhile)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def phase_bounds(seconds: dict[str, float], called: float,
                 ended: dict[str, float]) -> list[tuple[str, float, float]]:
    """Each phase's (name, start, end) in epoch seconds: its end as the
    scan's progress told it, its start that less its time; the call's start
    to the first phase is the input checks.

    >>> phase_bounds({"a": 2.0, "b": 3.0}, 100.0, {"a": 107.0, "b": 110.0})
    [('input_checks', 100.0, 105.0), ('a', 105.0, 107.0), ('b', 107.0, 110.0)]
    """
    bounds = [(name, ended[name] - seconds.get(name, 0.0), ended[name]) for name in ended]
    start = bounds[0][1] if bounds else called
    return [(BEFORE_PHASES, called, start), *bounds]


def stage_rows(spark, bounds: list[tuple[str, float, float]]) -> list[dict]:
    """Every stage of the session, from the UI's REST API, each with the phase it was submitted in."""
    base = spark.sparkContext.uiWebUrl.rstrip("/") + "/api/v1/applications/" + spark.sparkContext.applicationId
    stages = settled_stages(base + "/stages")
    rows = []
    for stage in sorted(stages, key=lambda s: (s["stageId"], s["attemptId"])):
        row = {name: stage.get(name) for name in STAGE_FIELDS}
        row["task_run_s"] = task_spread(f"{base}/stages/{row['stageId']}/{row['attemptId']}") \
            if row["status"] == "COMPLETE" else None
        row["name"] = str(row["name"]).replace(f"{REPO}/", "")  # "collect at provenance/spark/scan.py:152"
        submitted = epoch(row["submissionTime"])
        if submitted is None:  # a skipped stage: its shuffle output was there already
            row["phase"] = "skipped"
        else:
            row["phase"] = next((name for name, _, end in bounds if submitted < end), AFTER_PHASES)
        rows.append(row)
    return rows


def settled_stages(url: str, patience: float = 20.0) -> list[dict]:
    """The stage list once the UI has caught up (its listener runs behind the jobs): none active or
    pending, and the same count twice in a row."""
    deadline, last = time.monotonic() + patience, None
    while True:
        with urllib.request.urlopen(url, timeout=30) as response:
            stages = json.load(response)
        busy = any(s.get("status") in ("ACTIVE", "PENDING") for s in stages)
        if (not busy and last == len(stages)) or time.monotonic() > deadline:
            return stages
        last = len(stages)
        time.sleep(0.5)


def task_spread(stage_url: str) -> list[float] | None:
    """The stage's fastest, median and slowest task (executor run time, s): how evenly its work was cut."""
    with urllib.request.urlopen(stage_url + "/taskSummary?quantiles=0.0,0.5,1.0", timeout=30) as response:
        run = json.load(response).get("executorRunTime")
    return [round(ms / 1000, 1) for ms in run] if run else None


def epoch(stamp: str | None) -> float | None:
    """A REST API time (``2024-05-01T10:00:00.123GMT``) in epoch seconds.

    >>> epoch("1970-01-01T00:01:00.500GMT")
    60.5
    """
    if not stamp:
        return None
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fGMT").replace(tzinfo=timezone.utc).timestamp()


def shuffle_totals(stages: list[dict]) -> dict:
    """Shuffle read and write, input and spill, in MB, over all stages and per phase."""
    fields = ("shuffleReadBytes", "shuffleWriteBytes", "inputBytes", "diskBytesSpilled")

    def total(rows: list[dict]) -> dict:
        out = {f: round(sum(r.get(f) or 0 for r in rows) / MB, 1) for f in fields}
        out.update(stages=len(rows), tasks=sum(r.get("numTasks") or 0 for r in rows),
                   executor_run_s=round(sum(r.get("executorRunTime") or 0 for r in rows) / 1000, 1))
        return out

    phases = list(dict.fromkeys(r["phase"] for r in stages))
    return {"total": total(stages), "per_phase": {p: total([r for r in stages if r["phase"] == p]) for p in phases}}


def write_answers(out: Path, stories: tuple, relations: tuple) -> None:
    with (out / "answers.pickle").open("wb") as stream:
        pickle.dump((tuple(stories), tuple(relations)), stream, protocol=pickle.HIGHEST_PROTOCOL)


def write_rows(out: Path, rows: tuple) -> None:
    with (out / "rows.pickle").open("wb") as stream:
        pickle.dump(rows, stream, protocol=pickle.HIGHEST_PROTOCOL)


def write_figures(out: Path, figures: dict) -> None:
    (out / "figures.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


# --- printing -------------------------------------------------------------------------


def print_size(row: dict) -> None:
    ways = [w for w in SPARK_WAYS if w in row]
    same = ", ".join(f"{w} {row[w]['same_answers']}" for w in ways)
    pairs = " / ".join(f"{w} {row[w]['candidate_pairs']:,}" for w in ("local", *ways))
    aligned = " / ".join(f"{row[w]['aligned_pairs']:,}" for w in ("local", *ways))
    print(f"\n{row['docs']:,} articles: same answers as local: {same or '-'}; candidate pairs {pairs}, "
          f"aligned {aligned}")
    print(f"  {'':8} {'scan s':>8} {'process s':>10} {'peak MB':>9}  {'load before':16} phases (s)")
    for way in ("local", *ways):
        figures = row[way]
        phases = ", ".join(f"{k} {v:.1f}" for k, v in figures["phases_s"].items())
        load = " ".join(f"{x:.2f}" for x in figures["load_before"])
        print(f"  {way:8} {figures['scan_s']:8.1f} {figures['process_s']:10.1f} {figures['peak_rss_mb']:9.0f}  "
              f"{load:16} {phases}")
    for way in ways:
        print_stages(way, row[way])


def print_stages(way: str, spark: dict) -> None:
    print(f"  {way}: spark {spark['spark_version']}, java {spark['java_version']}, driver memory "
          f"{spark['driver_memory']} (max heap {spark['jvm_max_heap_mb']} MB), session start {spark['session_s']} s")
    print(f"  {'stage':>5} {'phase':24} {'tasks':>6} {'run s':>7} {'in MB':>8} {'shuf R MB':>9} {'shuf W MB':>9} "
          f"{'tasks min/med/max s':>20}  name (skipped stages left out)")
    for s in spark["stages"]:
        if s["status"] == "SKIPPED":
            continue
        print(f"  {s['stageId']:5} {s['phase'] or '-':24} {s['numTasks']:6} {(s['executorRunTime'] or 0) / 1000:7.1f} "
              f"{(s['inputBytes'] or 0) / MB:8.1f} {(s['shuffleReadBytes'] or 0) / MB:9.1f} "
              f"{(s['shuffleWriteBytes'] or 0) / MB:9.1f} {spread(s['task_run_s']):>20}  {s['name']}")
    for phase, t in (*spark["shuffle"]["per_phase"].items(), ("TOTAL", spark["shuffle"]["total"])):
        print(f"  {'':5} {phase:24} {t['tasks']:6} {t['executor_run_s']:7.1f} {t['inputBytes']:8.1f} "
              f"{t['shuffleReadBytes']:9.1f} {t['shuffleWriteBytes']:9.1f} {'':20}  ({t['stages']} stages)")


def spread(run: list[float] | None) -> str:
    return "/".join(f"{x:.1f}" for x in run) if run else "-"


def main(argv: list[str] | None = None) -> dict | None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000], help="articles per corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1,
                        help="local scan workers and Spark's local[N] (default: every core)")
    parser.add_argument("--driver-memory", default="4g", help="spark.driver.memory: the local-mode JVM's heap")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                        help="a Spark setting for the session (repeatable), e.g. spark.sql.shuffle.partitions=8")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between memory samples")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "provenance-speed",
                        help="folder for the generated corpora (shared with speed.py, reused between runs)")
    parser.add_argument("--ways", nargs="+", choices=("local", *SPARK_WAYS), default=["local", *SPARK_WAYS],
                        help="the scans run (local always): spark collects the answers, tables writes them")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    # One scan, in the child process the parent starts.
    parser.add_argument("--one", choices=("local", *SPARK_WAYS), help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one == "local":
        return scan_local(args.input, args.out, args.cores)
    if args.one in SPARK_WAYS:
        return scan_on_spark(args.input, args.out, args.cores, args.driver_memory, args.conf,
                             tables=args.one == "tables")
    spark_conf(args.conf)  # refused before any corpus is built
    figures: dict = {"commit": git_commit(), "cores": args.cores, "seed": args.seed,
                     "driver_memory": args.driver_memory, "conf": spark_conf(args.conf), "ways": args.ways,
                     "sample_interval_s": args.interval,
                     "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                                 "platform": platform.platform()},
                     "sizes": []}
    for docs in args.sizes:
        row = measure_size(docs, args)
        print_size(row)
        figures["sizes"].append(row)
        if args.json:  # after each size, so a long run leaves what it finished
            args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    main()
