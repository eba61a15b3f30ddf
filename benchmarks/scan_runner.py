"""``provenance scan PATH... -o REPORT [--jobs N]`` done through the library,
with the scan's figures written out: what benchmarks/speed.py runs as a
subprocess to time a whole scan.

    python benchmarks/scan_runner.py corpus.jsonl -o report.txt --stats stats.json [--pairs pairs.json]

The work is the command's (read, scan with the same arguments, render the
text report, write it); the figures come from the scan's
:class:`provenance.pipeline.ScanStats` and are written after it.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import sys
from pathlib import Path

from provenance.pipeline import ScanStats, scan
from provenance.report.registry import SCAN, renderer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the text report")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (0: one per core), as the CLI's")
    parser.add_argument("--stats", type=Path, required=True, help="write ScanStats.as_dict() here (JSON)")
    parser.add_argument("--pairs", type=Path, help="write the candidate pairs here (JSON)")
    args = parser.parse_args(argv)
    # As provenance.cli.main: nothing needs collecting on the way out.
    atexit.register(gc.freeze)
    stats = ScanStats(keep_pairs=args.pairs is not None)
    result = scan(args.inputs, on_error=lambda problem: print(f"warning: skipped {problem}", file=sys.stderr),
                  jobs=args.jobs or None, stats=stats)
    args.output.write_text(renderer("text", SCAN).render(result, show_all=False), encoding="utf-8")
    args.stats.write_text(json.dumps(stats.as_dict(), indent=1) + "\n", encoding="utf-8")
    if args.pairs is not None:
        args.pairs.write_text(json.dumps(stats.pairs), encoding="utf-8")


if __name__ == "__main__":
    main()
