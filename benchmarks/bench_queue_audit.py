"""Nightly-audit throughput on the task queue: items per second with 1 and 2 worker processes.

Needs the Redis and PostgreSQL of the test suite (SCREENING_TEST_REDIS_URL, default
redis://127.0.0.1:6379; SCREENING_TEST_POSTGRES_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/test): a database of its own is made and
dropped. Generates the library of benchmarks/bench_audit.py (photos 640-1600 px, one photo an
item, with a caption), then per worker count (`screening worker --concurrency N`, started and
stopped here):

* fresh:   a library of new photos, its cache purged before each run: every photo detected,
           encoded and read (OCR);
* consent: the re-check of a night in which only a consent changed (P1's website consent
           withdrawn, then given again, in turn; no verdict changes): every face and every
           photo's text from the database's cache;
* withdrawn: the same after P1's social-media consent was withdrawn (P1 is in 70% of the
           photos: each becomes a take-down with a thumbnail and a replacement photo, the
           worst case of a consent-only night).

Each worker process runs OCR and BLAS on one thread (SCREENING_OCR_THREADS=1,
OMP_NUM_THREADS=1), so that N processes use N cores and the figures are per core.

Prints items/s per run, the median and the spread (min/max) over the repeats, the load of
the machine (`uptime`) around each series, and the speed-up of 2 processes over 1 (ratio of
the medians). Fails on nothing.
Run: .venv/bin/python benchmarks/bench_queue_audit.py [--fresh 40] [--consent 400] [--repeats 3]
     [--repost 1] (--repost 5: 2,000 items from the 400 photos, so that the run's fixed cost
     -- start, reports -- weighs as little as it does in a school board's night)
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_audit import make_library, make_registry, repost

from api.batches.audit import QueuedAudit
from consent_store.purposes import Purpose
from consent_store.records import GivenBy
from consent_store.repository import open_registry
from consent_store.school_year import SchoolYear
from kernel.settings import Settings
from screening.audit.progress import JsonLinesProgress
from screening.audit.runner import AuditOptions, purge_state, run_audit

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379"


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes), as `uptime` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


@contextmanager
def database() -> Iterator[str]:
    """A PostgreSQL database of the benchmark's own (dropped after)."""
    import psycopg

    server = make_url(os.environ.get("SCREENING_TEST_POSTGRES_URL", PG_URL))
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"screening_bench_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def worker(env: dict[str, str], concurrency: int, log: Path) -> Iterator[None]:
    """`screening worker --concurrency N`, ready; stopped (warm shutdown) after."""
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "screening", "worker", "--concurrency", str(concurrency)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 300
        while " ready." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the worker did not start:\n" + log.read_text()[-2000:])
            time.sleep(0.2)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


#: The verdict counts of the last audit, printed with each series.
VERDICTS: dict[str, int] = {}


def audit(settings: Settings, library: Path, out: Path, state: Path) -> float:
    """Seconds of one complete audit on the queue (its verdicts in VERDICTS)."""
    executor = QueuedAudit(settings)
    started = time.perf_counter()
    try:
        outcome = run_audit(
            AuditOptions(source=str(library), out_dir=out, state_dir=state),
            settings,
            JsonLinesProgress(io.StringIO()),
            executor,
        )
    finally:
        executor.close()
    seconds = time.perf_counter() - started
    if outcome.run.screened == 0:
        raise RuntimeError("nothing was audited")
    VERDICTS.clear()
    VERDICTS.update({k: v for k, v in outcome.summary["counts"].items() if v})
    VERDICTS["re-analysed"] = outcome.run.redetected
    return seconds


def change_consent(
    settings: Settings, withdraw: bool, published: date, purpose: Purpose = Purpose.WEBSITE
) -> None:
    """The night's only change: a consent of P1 withdrawn, or given (again)."""
    with open_registry(settings) as registry:
        if withdraw:
            registry.withdraw("P1", purpose, "mail", given_by=GivenBy.PARENT)
        else:
            registry.grant(
                "P1", purpose, SchoolYear.of(published), GivenBy.PARENT, "f", on=published
            )


def line(name: str, count: int, seconds: list[float]) -> float:
    """Print items/s per run with median and spread; the median."""
    rates = [count / s for s in seconds]
    median = statistics.median(rates)
    print(
        f"  {name:<8} items/s: median {median:7.1f}  min {min(rates):7.1f}  "
        f"max {max(rates):7.1f}  runs [{', '.join(f'{r:.1f}' for r in rates)}]  {VERDICTS}",
        flush=True,
    )
    return median


def main() -> None:
    """Generate the libraries, then time fresh and consent-only audits per worker count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", type=int, default=40, help="fresh photos (0: no fresh runs)")
    parser.add_argument("--consent", type=int, default=400, help="photos of the re-check")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--repost",
        type=int,
        default=1,
        help="publish each photo of the re-check this many times (more items, same first night)",
    )
    parser.add_argument("--concurrency", default="1,2")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    counts = [int(c) for c in args.concurrency.split(",")]

    with tempfile.TemporaryDirectory(prefix="bench-queue-audit-") as tmp, database() as url:
        root = Path(tmp)
        redis = os.environ.get("SCREENING_TEST_REDIS_URL", REDIS_URL).rstrip("/")
        key = base64.b64encode(secrets.token_bytes(32)).decode()
        queue = f"bench-{secrets.token_hex(4)}"
        settings = Settings(
            data_dir=root / "data",
            database_url=url,
            template_key=key,
            broker_url=f"{redis}/14",
            broker_queue=queue,
        )
        env = {
            **os.environ,
            "SCREENING_DATA_DIR": str(root / "data"),
            "SCREENING_DATABASE_URL": url,
            "SCREENING_TEMPLATE_KEY": key,
            "SCREENING_BROKER_URL": f"{redis}/14",
            "SCREENING_BROKER_QUEUE": queue,
            "PYTHONPATH": str(ROOT),
            # One thread per worker process (OCR, BLAS): N processes then use N cores, and
            # the figures are per core.
            "SCREENING_OCR_THREADS": "1",
            "OMP_NUM_THREADS": "1",
        }
        published = date.today() - timedelta(days=30)
        made = time.perf_counter()
        fresh_kinds = make_library(root / "fresh", args.fresh, published, seed=11)  # 0: skip
        consent_kinds = make_library(root / "consent", args.consent, published, seed=7)
        items = repost(root / "consent", args.repost)
        make_registry(settings, root, published)
        print(
            f"libraries: fresh {args.fresh} photos {fresh_kinds}, consent re-check "
            f"{args.consent} photos {consent_kinds} in {items} items; made in "
            f"{time.perf_counter() - made:.0f} s",
            flush=True,
        )
        medians: dict[tuple[str, int], float] = {}
        withdraw = False  # P1 has no website consent yet: given first
        # The withdrawal last: a consent given again after it does not undo it.
        for phase in ("before", "withdrawn"):
            if phase == "withdrawn":
                change_consent(settings, True, published, Purpose.SOCIAL_MEDIA)
            for concurrency in counts:
                log = root / f"worker-{phase}-{concurrency}.log"
                with worker(env, concurrency, log):
                    print(f"{concurrency} worker process(es), {phase}:", flush=True)
                    # Warm: every process builds its pipeline (and the first fills the cache).
                    fill = audit(settings, root / "consent", root / "out-fill", root / "state-c")
                    print(f"  (warm-up: {items / fill:.1f} items/s; {load()})", flush=True)
                    if phase == "before" and args.fresh:
                        fresh = []
                        for n in range(args.repeats):
                            purge_state(settings, root / "state-f")
                            out = root / f"out-f{concurrency}-{n}"
                            fresh.append(audit(settings, root / "fresh", out, root / "state-f"))
                        medians["fresh", concurrency] = line("fresh", args.fresh, fresh)
                        print(f"  ({load()})", flush=True)
                    again = []
                    for n in range(args.repeats):
                        change_consent(settings, withdraw, published)
                        withdraw = not withdraw
                        out = root / f"out-{phase}-{concurrency}-{n}"
                        again.append(audit(settings, root / "consent", out, root / "state-c"))
                    kind = "consent" if phase == "before" else "withdrawn"
                    medians[kind, concurrency] = line(kind, items, again)
                    print(f"  ({load()})", flush=True)
        if len(counts) == 2:
            low, high = counts
            for kind in ("fresh", "consent", "withdrawn"):
                if (kind, low) not in medians:
                    continue
                ratio = medians[kind, high] / medians[kind, low]
                print(f"speed-up {high} over {low} processes, {kind}: {ratio:.2f}x")
        per_core = medians.get(("fresh", counts[0]), 0.0) / counts[0] * 3600
        print(f"fresh photos per hour per worker process ({counts[0]}): {per_core:,.0f}")


if __name__ == "__main__":
    main()
