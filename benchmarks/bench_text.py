"""Text-screening latency: warm (in process) and cold (`screening check` as a new process).

Prints figures; fails on nothing. Run: .venv/bin/python benchmarks/bench_text.py
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date

from screening.pipeline import build_pipeline
from screening.types import Channel, Post

POST = (
    "Beste ouders en verzorgers van groep 7,\n\n"
    "Wat hebben we een mooie week gehad! Op dinsdag 12 maart gingen we met de hele klas naar "
    "het Rijksmuseum in Amsterdam. De kinderen hebben genoten van de Nachtwacht en van de "
    "speurtocht die juf Marieke had voorbereid. Daarna hebben we gepicknickt in het "
    "Vondelpark, gelukkig bleef het droog. Donderdag was de sportdag op het terrein aan de "
    "Dorpsstraat 12 in Haarlem; groep 7b won de estafette en groep 7a de touwtrekwedstrijd. "
    "Sanne (11) liep de snelste ronde van de dag. Volgende week staat de ouderavond gepland, "
    "opgeven kan via de app of bij de administratie: bel 023-5123456 of mail naar "
    "administratie@voorbeeldschool.nl. Wilt u de vrijwillige ouderbijdrage van 35 euro nog "
    "overmaken? Dat kan op NL91ABNA0417164300 onder vermelding van de naam van uw kind. Denk "
    "ook aan de gymspullen op maandag en woensdag, en aan een gezonde lunch. Met vriendelijke "
    "groet, het team van groep 7."
)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summary(name: str, values_ms: list[float]) -> None:
    """Print median, p99 and the spread of a series of timings."""
    print(
        f"{name:<38} n={len(values_ms):<5} median={statistics.median(values_ms):8.3f} ms  "
        f"p90={percentile(values_ms, 90):8.3f}  p99={percentile(values_ms, 99):8.3f}  "
        f"min={min(values_ms):8.3f}  max={max(values_ms):8.3f}  "
        f"stdev={statistics.pstdev(values_ms):7.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warm-runs", type=int, default=2000)
    parser.add_argument("--cold-runs", type=int, default=10)
    args = parser.parse_args()

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    text = (POST + " " + POST)[:1000]
    print(f"post: {len(text)} characters")

    t0 = time.perf_counter()
    pipeline = build_pipeline(faces=False)
    print(f"build_pipeline: {(time.perf_counter() - t0) * 1000:.0f} ms (once per process)")

    post = Post(text=text, channel=Channel.INSTAGRAM, publish_on=date(2026, 11, 22))
    decision = pipeline.screen(post)
    print(
        f"decision: {decision.action.value}, findings: "
        f"{sorted(f.finding.kind for f in decision.findings)}"
    )
    for _ in range(50):
        pipeline.screen(post)
    warm: list[float] = []
    for _ in range(args.warm_runs):
        t = time.perf_counter()
        pipeline.screen(post)
        warm.append((time.perf_counter() - t) * 1000)
    summary("warm screen(), 1,000-char post", warm)

    per_detector: dict[str, list[float]] = {d.name: [] for d in pipeline.text_detectors}
    from screening.nlp import analyse

    nlp_times: list[float] = []
    for _ in range(300):
        t = time.perf_counter()
        doc = analyse(pipeline.nlp, text)
        nlp_times.append((time.perf_counter() - t) * 1000)
        for det in pipeline.text_detectors:
            t = time.perf_counter()
            det.detect(doc)
            per_detector[det.name].append((time.perf_counter() - t) * 1000)
    summary("  of which spaCy pass", nlp_times)
    for name, values in per_detector.items():
        summary(f"  of which detector {name}", values)

    cold: list[float] = []
    cmd = [sys.executable, "-m", "screening", "check", "--json", text]
    for _ in range(args.cold_runs):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        cold.append((time.perf_counter() - t) * 1000)
    summary("cold start `screening check --json`", cold)


if __name__ == "__main__":
    main()
