"""Text-screening latency: warm (in process) and cold (`screening check` as a new process).

The post names people ("juf Marieke", "Sanne (11)"), so the name detector consults a consent
registry: a temporary one with --registry-people pupils (default 20,000, one school board),
some of them called Sanne or Marieke, so lookups find several candidates. Also timed: loading
the name lists, building the registry's name index, and a cold start on a post without names
(which never opens the registry).

Prints figures; fails on nothing. Run: .venv/bin/python benchmarks/bench_text.py
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from consent_store.repository import init_registry
from kernel.settings import Settings
from kernel.types import Channel, Post
from screening.pipeline import build_pipeline

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


FIRST_NAMES = ["Sanne", "Marieke", "Tim", "Noor", "Daan", "Emma", "Liam", "Fatima", "Mees"]
SURNAMES = ["de Vries", "Jansen", "Bakker", "van den Berg", "Visser", "El Amrani", "Smit"]


def make_registry(data_dir: Path, people: int) -> float:
    """A registry of `people` pupils with names and two consents each; seconds to import."""
    from consent_store.csv_import import COLUMNS
    from consent_store.repository import open_registry

    csv_path = data_dir / "pupils.csv"
    with csv_path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(COLUMNS) + "\n")
        for i in range(people):
            first = FIRST_NAMES[i % len(FIRST_NAMES)] if i % 50 == 0 else f"Kind{i}"
            name = f"{first} {SURNAMES[i % len(SURNAMES)]}"
            birth = f"{2010 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            for purpose in ("named_in_post", "social_media"):
                decision = "refused" if i % 7 == 0 else "granted"
                fh.write(
                    f"P{i:06d},{name},pupil,{birth},School {i % 15},{1 + i % 8}B,{first},"
                    f"{purpose},2026-2027,{decision},parent,2026-09-01,formulier\n"
                )
    t0 = time.perf_counter()
    with open_registry(Settings(data_dir=data_dir, database_url=None)) as reg:
        reg.import_csv(csv_path, recorded_by="bench")
    return time.perf_counter() - t0


def bench_name_lists(runs: int = 20) -> None:
    """Loading the name lists (deduce's and ours), as the pipeline does once at build."""
    from screening.name_lists import load_name_lexicon

    times = []
    for _ in range(runs):
        t = time.perf_counter()
        load_name_lexicon()
        times.append((time.perf_counter() - t) * 1000)
    summary("load name lists (once per build)", times)


def bench_name_index(data_dir: Path, runs: int = 5) -> None:
    """Building the registry's name index (once, and again after the registry changes)."""
    from consent_store.repository import open_registry
    from screening.detectors.names.registry_link import PersonIndex

    times = []
    with open_registry(Settings(data_dir=data_dir, database_url=None)) as reg:
        for _ in range(runs):
            t = time.perf_counter()
            PersonIndex(reg.name_keys(), reg.people)
            times.append((time.perf_counter() - t) * 1000)
    summary("registry name index (per change)", times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warm-runs", type=int, default=2000)
    parser.add_argument("--cold-runs", type=int, default=10)
    parser.add_argument("--registry-people", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-text-") as tmp:
        run(args, Path(tmp))


def run(args: argparse.Namespace, data_dir: Path) -> None:
    """All measurements, with `data_dir` holding the benchmark's own registry."""

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    text = (POST + " " + POST)[:1000]
    short = POST[: POST.rfind(" ", 0, 300)]
    print(f"posts: {len(short)} and {len(text)} characters")

    init_registry(Settings(data_dir=data_dir, database_url=None))  # never made on the fly
    seconds = make_registry(data_dir, args.registry_people)
    print(f"registry: {args.registry_people} pupils imported in {seconds:.1f} s")
    bench_name_lists()
    bench_name_index(data_dir)

    from screening.nlp import _load_nlp  # uncached: load_nlp keeps one copy per process

    loads: list[float] = []
    for _ in range(3):
        t0 = time.perf_counter()
        _nlp, info = _load_nlp(None, None)
        loads.append((time.perf_counter() - t0) * 1000)
    key, value = info.version_entry
    print(f"NLP pipeline: {key} {value}")
    summary("model loading (once per process)", loads)

    t0 = time.perf_counter()
    pipeline = build_pipeline(Settings(data_dir=data_dir, database_url=None), faces=False)
    print(f"build_pipeline: {(time.perf_counter() - t0) * 1000:.0f} ms (once per process)")

    for body in (short, text):
        post = Post(text=body, channel=Channel.INSTAGRAM, publish_on=date(2026, 11, 22))
        decision = pipeline.screen(post)
        print(
            f"decision ({len(body)} chars): {decision.action.value}, findings: "
            f"{sorted(f.finding.kind for f in decision.findings)}"
        )
        for _ in range(50):
            pipeline.screen(post)
        warm: list[float] = []
        for _ in range(args.warm_runs):
            t = time.perf_counter()
            pipeline.screen(post)
            warm.append((time.perf_counter() - t) * 1000)
        summary(f"warm screen(), {len(body):,}-char post", warm)

    per_detector: dict[str, list[float]] = {d.name: [] for d in pipeline.text_detectors}
    from screening.nlp import analyse

    print(f"per stage, {len(text):,}-char post:")
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

    env = {**os.environ, "SCREENING_DATA_DIR": str(data_dir)}
    env.pop("SCREENING_DATABASE_URL", None)
    for label, body in (
        ("cold start `screening check --json`", text),
        ("  the same, a post without names", "Wat een mooie sportdag vandaag!"),
    ):
        cold: list[float] = []
        cmd = [sys.executable, "-m", "screening", "check", "--json", body]
        for _ in range(args.cold_runs):
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False, env=env)
            cold.append((time.perf_counter() - t) * 1000)
        summary(label, cold)


if __name__ == "__main__":
    main()
