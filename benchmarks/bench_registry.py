"""Consent-registry timings: one consent check (warm) and an import of 20,000 people x 7 purposes.

Prints figures for SQLite and PostgreSQL; fails on nothing. Run:
    .venv/bin/python benchmarks/bench_registry.py [--backends sqlite,postgresql] [--runs 3]
PostgreSQL comes from SCREENING_TEST_POSTGRES_URL (default: the local server); the benchmark
creates a database of its own there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from consent_store.csv_import import COLUMNS
from consent_store.purposes import Purpose
from consent_store.records import GivenBy, PersonInfo, Role
from consent_store.repository import init_registry, open_registry
from consent_store.school_year import SchoolYear
from kernel.settings import Settings

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summary(name: str, values: list[float], unit: str) -> None:
    """Print median, percentiles and the spread of a series of timings."""
    print(
        f"{name:<34} n={len(values):<5} median={statistics.median(values):9.3f} {unit}  "
        f"p90={percentile(values, 90):9.3f}  p99={percentile(values, 99):9.3f}  "
        f"min={min(values):9.3f}  max={max(values):9.3f}  "
        f"stdev={statistics.pstdev(values):8.3f}"
    )


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[Settings]:
    """Settings for a fresh, empty database on `backend`."""
    if backend == "sqlite":
        data = tmp / secrets.token_hex(4)
        settings = Settings(data_dir=data, database_url=f"sqlite:///{data / 'registry.sqlite3'}")
        init_registry(settings)  # a registry is never made on the fly
        yield settings
        return
    import psycopg

    server = make_url(os.environ.get("SCREENING_TEST_POSTGRES_URL", DEFAULT_PG_URL))
    admin_info = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"bench_registry_{secrets.token_hex(4)}"
    with psycopg.connect(admin_info, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        settings = Settings(
            data_dir=tmp,
            database_url=server.set(database=name).render_as_string(hide_password=False),
        )
        init_registry(settings)
        yield settings
    finally:
        with psycopg.connect(admin_info, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_csv(path: Path, people: int) -> int:
    """Our import format: `people` pupils x every purpose, one decision each."""
    purposes = [p.value for p in Purpose]
    rows = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(COLUMNS) + "\n")
        for i in range(people):
            birth = f"{2008 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            for j, purpose in enumerate(purposes):
                decision = "refused" if (i + j) % 5 == 0 else "granted"
                fh.write(
                    f"L{i:06d},Leerling {i},pupil,{birth},School {i % 15},"
                    f"{1 + i % 8}{'ABC'[i % 3]},"
                    f"Leerling;L{i},{purpose},2025-2026,{decision},parent,2025-09-01,"
                    f"formulier 2025-2026\n"
                )
                rows += 1
    return rows


def bench_check(settings: Settings, reps: int) -> list[float]:
    """Milliseconds per consent check, warm, for a person with a few records."""
    with open_registry(settings) as reg:
        reg.add_person(PersonInfo("B1", "Bench Pupil", Role.PUPIL, date(2012, 5, 5)))
        for purpose in Purpose:
            reg.grant("B1", purpose, SchoolYear(2025), GivenBy.PARENT, "f", on=date(2025, 9, 1))
        reg.withdraw("B1", Purpose.WEBSITE, "mail", on=date(2025, 12, 1))
        day = date(2026, 1, 15)
        for _ in range(200):
            reg.consent_on("B1", Purpose.SOCIAL_MEDIA, day)
        out = []
        for _ in range(reps):
            t0 = time.perf_counter()
            state = reg.consent_on("B1", Purpose.SOCIAL_MEDIA, day)
            out.append((time.perf_counter() - t0) * 1000)
        assert state.valid
    return out


def bench_import(backend: str, tmp: Path, csv_path: Path, runs: int) -> list[float]:
    """Seconds per import of the generated file into a fresh database."""
    out = []
    for _ in range(runs):
        with database(backend, tmp) as settings, open_registry(settings) as reg:
            t0 = time.perf_counter()
            report = reg.import_csv(csv_path, recorded_by="bench")
            out.append(time.perf_counter() - t0)
            assert report.records_added == report.rows
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--check-reps", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3, help="imports per backend")
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmpdir:
        tmp = Path(tmpdir)
        csv_path = tmp / "import.csv"
        rows = make_csv(csv_path, args.people)
        size = csv_path.stat().st_size / 1e6
        print(
            f"import file: {args.people:,} people x {len(Purpose)} purposes = {rows:,} rows, "
            f"{size:.1f} MB"
        )
        for backend in args.backends.split(","):
            try:
                with database(backend, tmp) as settings:
                    checks = bench_check(settings, args.check_reps)
            except Exception as exc:  # a missing server is reported, not fatal
                print(f"{backend}: not run ({type(exc).__name__}: {exc})")
                continue
            summary(f"{backend}: consent check (warm)", checks, "ms")
            imports = bench_import(backend, tmp, csv_path, args.runs)
            summary(f"{backend}: import {rows:,} rows", imports, "s ")
            print(f"{'':<34} = {rows / statistics.median(imports):,.0f} rows/s (median)")


if __name__ == "__main__":
    main()
