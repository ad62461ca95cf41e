"""The standing hostile-input campaign: every malformed or hostile input, against every interface.

The corpus (tests/hostile/corpus.py) is generated here, nothing is downloaded: broken and
hostile photos, texts, registry imports (CSV and mapping files), content calendars (JSONL),
sitemaps and feeds, HTTP headers and API keys. Each case is sent to the real interface in
this process (tests/hostile/runner.py): the `screening` command line, the service's app, the
nightly audit (on files and on a small HTTP server on 127.0.0.1; nothing leaves this computer).

Every case must be answered with a clear error or a hold (a well-formed registry import may
also be taken in): never a publish, never a 5xx, an exit code 4 or a traceback, never an
escaped exception or a hang. Prints the inputs tried, the outcomes per interface, the
publishes on bad input, every case that broke the rules (with what it got), and the median
and spread of the seconds per case. Exits 1 if any case broke them.

Run: .venv/bin/python benchmarks/hostile_campaign.py [--slow] [--surface api] [--verbose]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the corpus and the runner live with the tests

from tests.hostile.cases import CaseResult, Outcome  # noqa: E402
from tests.hostile.corpus import build_corpus  # noqa: E402
from tests.hostile.runner import run_cases  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def print_table(results: list[CaseResult]) -> None:
    """Cases per interface (rows) and outcome (columns)."""
    outcomes = [o for o in Outcome if any(r.outcome is o for r in results)]
    counts = Counter((r.case.surface, r.outcome) for r in results)
    surfaces = sorted({r.case.surface for r in results})
    width = max(len(s) for s in [*surfaces, "interface"]) + 2
    print(f"{'interface':<{width}}" + "".join(f"{o.value:>14}" for o in outcomes) + f"{'total':>8}")
    for surface in [*surfaces, "total"]:
        row = [
            sum(n for (s, o), n in counts.items() if o is outcome and surface in (s, "total"))
            for outcome in outcomes
        ]
        print(f"{surface:<{width}}" + "".join(f"{n:>14}" for n in row) + f"{sum(row):>8}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--slow", action="store_true", help="add the long texts (minutes)")
    parser.add_argument(
        "--surface", help="only interfaces whose name starts with this (cli, api-precheck, audit)"
    )
    parser.add_argument("--verbose", action="store_true", help="print every case as it ends")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # third-party deprecation notes, not the campaign's

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    cases = build_corpus(slow=args.slow)
    if args.surface:
        cases = [c for c in cases if c.surface.startswith(args.surface)]
    if not cases:
        print(f"no cases on an interface starting with {args.surface!r}")
        return 2
    print(f"corpus: {len(cases)} cases{' (with the slow texts)' if args.slow else ''}")

    def progress(result: CaseResult) -> None:
        if args.verbose:
            print(f"  {result.outcome.value:<13} {result.seconds:6.2f} s  {result.case.id}")

    started = time.perf_counter()
    results = run_cases(cases, progress=progress)
    wall = time.perf_counter() - started

    print()
    print(f"inputs tried: {len(results)} in {wall:.1f} s")
    print()
    print_table(results)
    print()
    publishes = [r for r in results if r.outcome is Outcome.PUBLISH]
    print(f"publishes on bad input: {len(publishes)}")
    failing = [r for r in results if not r.ok]
    print(f"cases that broke the rules: {len(failing)}")
    for r in failing:
        allowed = ", ".join(sorted(o.value for o in r.case.allowed))
        print(f"  {r.case.id}: {r.outcome.value} (allowed: {allowed}): {r.detail}")
    seconds = [r.seconds for r in results]
    print()
    print(
        f"seconds per case: median={statistics.median(seconds):.3f}  "
        f"p90={percentile(seconds, 90):.3f}  min={min(seconds):.3f}  max={max(seconds):.2f}  "
        f"stdev={statistics.pstdev(seconds):.3f}"
    )
    for r in sorted(results, key=lambda r: r.seconds, reverse=True)[:5]:
        print(f"  slowest: {r.seconds:6.2f} s  {r.case.id}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
