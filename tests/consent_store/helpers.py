"""Test helpers for the registry: people to add, a full dump to compare, a CLI runner."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from typing import Any

from sqlalchemy import create_engine, select

from consent_store.purposes import Purpose
from consent_store.records import GivenBy, PersonInfo, Role
from consent_store.repository import Registry
from consent_store.school_year import SchoolYear
from consent_store.tables import Base

Y2025 = SchoolYear(2025)


def pupil(pid: str, birth: date, name: str = "Sanne Jansen", **kw: Any) -> PersonInfo:
    """A pupil for a test."""
    return PersonInfo(pid, name, Role.PUPIL, birth, **kw)


def add_pupil(reg: Registry, pid: str, birth: date, **kw: Any) -> PersonInfo:
    """Add a pupil and return them."""
    return reg.add_person(pupil(pid, birth, **kw), recorded_by="test")


def grant(
    reg: Registry,
    pid: str,
    purpose: Purpose,
    by: GivenBy,
    on: date,
    year: SchoolYear | None = None,
) -> None:
    """Record a grant with test evidence."""
    reg.grant(pid, purpose, year or SchoolYear.of(on), by, "formulier", on=on, recorded_by="test")


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every registry table, ordered: equal dumps mean nothing changed."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m screening registry ARGS` as a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "screening", "registry", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
