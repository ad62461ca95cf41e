"""Personal-data detectors on a 100,000-character post: time per detector, and all together.

The post is the sample of tests/detectors/test_pii_common.py (every kind of personal data)
repeated to 100,000 characters, as in that module's `test_huge_text`, which checks what is
found; this script measures how long finding it takes. The spaCy pass runs once per text
and is timed separately. A runaway pattern (catastrophic backtracking) shows as one detector
taking seconds instead of milliseconds.

Prints the median, p90 and the spread (min, max, stdev) per detector; fails on nothing.
Run: .venv/bin/python benchmarks/bench_pii.py [--runs 20] [--chars 100000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the sample post is the tests' own

from screening.detectors.pii import PII_DETECTORS  # noqa: E402
from screening.nlp import analyse, load_nlp  # noqa: E402
from tests.detectors.test_pii_common import POST  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summary(name: str, values_ms: list[float]) -> None:
    """Print median, p90 and the spread of a series of timings."""
    print(
        f"{name:<28} n={len(values_ms):<4} median={statistics.median(values_ms):9.2f} ms  "
        f"p90={percentile(values_ms, 90):9.2f}  min={min(values_ms):9.2f}  "
        f"max={max(values_ms):9.2f}  stdev={statistics.pstdev(values_ms):8.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20, help="timed runs per detector")
    parser.add_argument("--nlp-runs", type=int, default=3, help="timed runs of the spaCy pass")
    parser.add_argument("--chars", type=int, default=100_000, help="length of the post")
    args = parser.parse_args()

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    nlp, info = load_nlp()
    key, value = info.version_entry
    text = (POST + " ") * max(1, args.chars // (len(POST) + 1))
    print(f"NLP pipeline: {key} {value}; post: {len(text):,} characters")

    nlp_ms: list[float] = []
    for _ in range(args.nlp_runs):
        t = time.perf_counter()
        doc = analyse(nlp, text)
        nlp_ms.append((time.perf_counter() - t) * 1000)
    summary("spaCy pass (once per post)", nlp_ms)

    detectors = [cls() for cls in PII_DETECTORS]
    for detector in detectors:  # an untimed first run: compiled patterns, built tables
        print(f"  {detector.name}: {len(detector.detect(doc))} findings")
    per_detector: dict[str, list[float]] = {d.name: [] for d in detectors}
    total: list[float] = []
    for _ in range(args.runs):
        run_start = time.perf_counter()
        for detector in detectors:
            t = time.perf_counter()
            detector.detect(doc)
            per_detector[detector.name].append((time.perf_counter() - t) * 1000)
        total.append((time.perf_counter() - run_start) * 1000)
    for name, values in per_detector.items():
        summary(f"detector {name}", values)
    summary("all personal-data detectors", total)
    chars_per_s = len(text) / (statistics.median(total) / 1000)
    print(f"throughput: {chars_per_s:,.0f} characters/s (median run, detectors only)")


if __name__ == "__main__":
    main()
