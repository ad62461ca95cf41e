"""The nightly audit on a real Celery worker (2 processes), a real Redis and PostgreSQL.

One worker serves the module (see conftest.py). The reports must be the ones the audit
writes in process; a worker process killed mid-item must cost nothing but a second attempt;
a second night in which only a consent changed must detect no face and read no photo again.
"""

from __future__ import annotations

import io
import json
import os
import signal
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.batches.audit import QueuedAudit
from cli.main import app as cli
from consent_store.audit_schema import AuditCacheRow
from consent_store.database import create_registry_engine
from screening.audit.progress import JsonLinesProgress
from screening.audit.queue_store import DatabaseCache, existing_library_id
from screening.audit.report import REPLACEMENT_DIR
from screening.audit.results import Verdict
from screening.audit.runner import AuditOptions, AuditOutcome, purge_state, run_audit
from screening.faces.cache import FaceAnalysis
from screening.faces.models import FaceModels
from tests.audit.library import (
    ITEMS,
    PublishedState,
    astronaut,
    build_published_state,
    coffee,
    jpeg,
    picture_bytes,
    stranger,
    withdraw_social_media,
    write_item,
)
from tests.queue.conftest import QueueSetup, Worker, wait_for

#: Seconds an audit of the tests may take on a busy machine.
AUDIT_SECONDS = 300.0

BEFORE = {
    "instagram/anna.jpg": Verdict.OK,
    "website/anna.jpg": Verdict.OK,
    "nieuwsbrief/anna.jpg": Verdict.VIOLATION,
    "instagram/koffie.jpg": Verdict.OK,
    "instagram/telefoon.jpg": Verdict.VIOLATION,
    "instagram/kapot.jpg": Verdict.REVIEW,
    "instagram/onbekend.jpg": Verdict.REVIEW,
}


def _audit(
    state: PublishedState,
    setup: QueueSetup,
    name: str,
    *,
    queue: bool,
    source: Path | None = None,
) -> AuditOutcome:
    """One audit with reports in `<folder>/<name>` and state in `<folder>/state-<mode>`: in
    this process (one worker) or on the queue; of the published folder or `source`."""
    settings = setup.settings()
    mode = ("queue" if queue else "here") + ("" if source is None else "-" + source.name)
    options = AuditOptions(
        source=str(source or state.folder),
        out_dir=setup.folder / name,
        state_dir=setup.folder / f"state-{mode}",
        workers=None if queue else 1,
    )
    executor = QueuedAudit(settings) if queue else None
    try:
        return run_audit(options, settings, JsonLinesProgress(io.StringIO()), executor)
    finally:
        if executor is not None:
            executor.close()


def _report(outcome: AuditOutcome) -> dict[str, Any]:
    """report.json without what differs between two runs (when, how long, which run)."""
    data: dict[str, Any] = json.loads(outcome.reports[2].read_text(encoding="utf-8"))
    for key in ("run_id", "started_at", "finished_at", "workers"):
        data["run"].pop(key)
    for item in data["items"]:
        item.pop("seconds")
    return data


def _replacements(outcome: AuditOutcome) -> dict[str, bytes]:
    folder = outcome.reports[0].parent / REPLACEMENT_DIR
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.jpg"))}


def _audited(setup: QueueSetup, prefix: str = "") -> Counter[str]:
    """How often the worker started on each audit item (ids starting with `prefix`)."""
    return Counter(p for _, p in setup.screened() if p.startswith(prefix) and p in _ALL_IDS)


_ALL_IDS: set[str] = set()


@dataclass(frozen=True)
class FirstNight:
    """The published state, and its first audit in process and on the queue."""

    state: PublishedState
    here: AuditOutcome
    queued: AuditOutcome


def _unique_photos(state: PublishedState) -> None:
    """Every photo its own bytes (another JPEG quality): which process analyses a photo
    shared by two items first is chance, and so would be the reports' re-analysis counts."""
    pictures = {"astronaut": astronaut, "coffee": coffee, "stranger": stranger}
    for n, (rel, (picture, caption, channel)) in enumerate(ITEMS.items()):
        if picture in pictures:
            data = jpeg(pictures[picture](), quality=80 + n)
            write_item(state.folder, rel, data, caption, channel, state.published)


@pytest.fixture(scope="module")
def first_night(setup: QueueSetup, worker: Worker, face_models: FaceModels) -> FirstNight:
    state = build_published_state(setup.folder, face_models, setup.settings())
    _unique_photos(state)
    _ALL_IDS.update(ITEMS)
    here = _audit(state, setup, "here-1", queue=False)
    queued = _audit(state, setup, "queue-1", queue=True)
    return FirstNight(state, here, queued)


def test_the_queue_writes_the_reports_the_audit_writes_in_process(
    setup: QueueSetup, first_night: FirstNight
) -> None:
    here, queued = first_night.here, first_night.queued
    assert {r.item_id: r.verdict for r in queued.results} == BEFORE
    assert _report(queued) == _report(here)  # every item, finding, article and number
    assert queued.reports[1].read_bytes() == here.reports[1].read_bytes()  # report.csv
    html = queued.reports[0].read_text(encoding="utf-8")
    for field in ("run_id", "started_at", "finished_at"):
        html = html.replace(getattr(queued.run, field), getattr(here.run, field))
    assert html == here.reports[0].read_text(encoding="utf-8")  # report.html
    made = _replacements(queued)
    assert made and made == _replacements(here)  # the publishable versions, byte for byte
    assert queued.run.redetected == here.run.redetected == 6  # every readable photo
    assert _audited(setup) == Counter(list(ITEMS))  # each item judged once, on the worker


def test_a_worker_process_killed_mid_item_costs_one_more_attempt(
    setup: QueueSetup, worker: Worker, first_night: FirstNight
) -> None:
    folder = setup.folder / "killed"
    ids = []
    for n in range(8):
        rel = f"instagram/kill-{n}.jpg"
        caption = f"Koffie in de aula {n}" + (" [traag:3]" if n == 3 else " [traag:0.1]")
        write_item(
            folder, rel, picture_bytes("coffee"), caption, "instagram", first_night.state.published
        )
        ids.append(rel)
    _ALL_IDS.update(ids)
    victim = "instagram/kill-3.jpg"
    finished: list[AuditOutcome] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            finished.append(_audit(first_night.state, setup, "killed", queue=True, source=folder))
        except BaseException as exc:  # reported by the test below
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    wait_for(lambda: victim in _audited(setup, "instagram/kill-"), AUDIT_SECONDS, victim, worker)
    [pid] = [pid for pid, p in setup.screened() if p == victim]
    assert pid in worker.children()
    os.kill(pid, signal.SIGKILL)  # mid-item: it sleeps 3 seconds before judging
    thread.join(AUDIT_SECONDS)

    assert not failed, failed
    [outcome] = finished
    assert sorted(r.item_id for r in outcome.results) == sorted(ids)  # every item, once
    assert {r.verdict for r in outcome.results} == {Verdict.OK}
    counts = _audited(setup, "instagram/kill-")
    assert counts == Counter({**dict.fromkeys(ids, 1), victim: 2})
    again = [pid for pid, p in setup.screened() if p == victim]
    assert again[0] == pid and again[1] != pid
    report = json.loads(outcome.reports[2].read_text(encoding="utf-8"))
    assert len(report["items"]) == len(ids)
    wait_for(lambda: len(worker.children()) == 2, AUDIT_SECONDS, "a new process", worker)


def test_a_second_night_with_only_a_consent_change_detects_nothing_again(
    setup: QueueSetup, first_night: FirstNight
) -> None:
    before = _audited(setup)
    withdraw_social_media(first_night.state.settings)  # the only change since last night

    queued = _audit(first_night.state, setup, "queue-2", queue=True)
    here = _audit(first_night.state, setup, "here-2", queue=False)

    verdicts = {r.item_id: r.verdict for r in queued.results}
    assert verdicts == {**BEFORE, "instagram/anna.jpg": Verdict.TAKE_DOWN}
    # Every face and every photo's text came from the database's cache.
    assert queued.run.redetected == 0
    assert all(r.redetected == 0 for r in queued.results)
    assert _report(queued) == _report(here)
    [new] = [r.item_id for r in queued.results if queued.comparison.is_new(r)]
    assert new == "instagram/anna.jpg"
    assert _audited(setup) - before == Counter(list(ITEMS))  # each item once more


def test_the_audit_command_runs_on_the_queue(
    setup: QueueSetup, worker: Worker, first_night: FirstNight
) -> None:
    out = setup.folder / "cli"
    state_dir = setup.folder / "state-queue"  # the library's third night
    args = ["audit", str(first_night.state.folder), "--out", str(out)]
    result = CliRunner().invoke(
        cli, [*args, "--state-dir", str(state_dir), "--queue"], env=setup.env()
    )
    assert result.exit_code == 1, result.output  # action needed (a violation, a review)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["workers"] == 0  # the queue's workers, wherever they run
    assert {i["item_id"] for i in report["items"]} == set(ITEMS)
    assert report["run"]["redetected"] == 0  # every photo from the library's cache


def test_a_drafts_faces_are_never_kept(setup: QueueSetup, engine: Engine) -> None:
    cache = DatabaseCache(create_registry_engine(setup.database_url), b"k" * 32)
    try:
        cache.put("draft:model:config", FaceAnalysis(()))  # outside an audit item's scope
        assert cache.get("draft:model:config") is None
        with cache.scope("l" * 32):
            cache.put("published:model:config", FaceAnalysis(()))
            assert cache.get("published:model:config") == FaceAnalysis(())
    finally:
        cache.close()
    with Session(engine) as s:
        keys = set(s.scalars(select(AuditCacheRow.key)))
    assert "draft:model:config" not in keys and "published:model:config" in keys


def test_purge_cache_deletes_the_queue_cache_too(
    setup: QueueSetup, first_night: FirstNight
) -> None:
    state_dir = setup.folder / "state-queue"
    library = existing_library_id(state_dir)
    assert library is not None
    engine = create_registry_engine(setup.database_url)

    def entries() -> int:
        with Session(engine) as s:
            query = select(func.count()).where(AuditCacheRow.library == library)
            return int(s.scalar(query) or 0)

    try:
        assert entries() > 0
        assert purge_state(setup.settings(), state_dir)
        assert entries() == 0
    finally:
        engine.dispose()
