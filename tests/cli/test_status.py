"""`screening status` without a broker, and with one that cannot be reached.

With a real Redis and a real worker: tests/queue/test_worker.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from api.batches.runner import utcnow
from api.batches.store import BatchStore
from api.batches.submit import new_items
from cli.main import app
from consent_store.database import create_registry_engine, database_url
from kernel.settings import Settings
from kernel.types import Channel, Post

runner = CliRunner()


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The test's registry (its data dir), with no broker configured."""
    monkeypatch.delenv("SCREENING_BROKER_URL", raising=False)
    made = create_registry_engine(database_url(Settings()))
    yield made
    made.dispose()


def _batch(store: BatchStore, batch_id: str, posts: int, key_id: str | None = None) -> list[str]:
    items = new_items(
        [
            (f"p{n}", Post("Sportdag", Channel.INSTAGRAM, date(2026, 3, 2), id=f"p{n}"))
            for n in range(posts)
        ]
    )
    return store.create(batch_id, key_id, None, items, utcnow(), timedelta(hours=1))


def test_without_a_broker_it_says_so_and_shows_the_batches_run_in_process(engine: Engine) -> None:
    store = BatchStore(engine)
    older = _batch(store, "a" * 20, 3)
    _batch(store, "b" * 20, 2, key_id="k1")
    work = store.claim(older[0], utcnow())
    assert work is not None
    store.finish(work, "done", {"post_id": "p0"}, None, utcnow(), timedelta(hours=1))
    assert store.claim(older[1], utcnow()) is not None  # running

    shown = runner.invoke(app, ["status"])
    assert shown.exit_code == 0, shown.output
    assert "Wachtrij: niet ingesteld (SCREENING_BROKER_URL)" in shown.stdout
    assert "Batches (nog niet verlopen): 2; berichten: 3 wachtend, 1 bezig, 1 klaar" in shown.stdout
    assert "a" * 20 in shown.stdout and "b" * 20 in shown.stdout  # not wrapped, in 80 columns

    english = runner.invoke(app, ["status", "--lang", "en"])
    assert english.exit_code == 0
    assert "Queue: not configured" in english.stdout and "3 queued, 1 running" in english.stdout

    data = json.loads(runner.invoke(app, ["status", "--json", "--batches", "1"]).stdout)
    assert data["queue"] == {
        "configured": False,
        "name": "screening",
        "broker": None,
        "reachable": None,
        "depth": None,
    }
    assert data["workers"] is None
    assert data["batches"]["unexpired"] == 2
    assert data["batches"]["counts"] == {"queued": 3, "running": 1, "done": 1, "failed": 0}
    [newest] = data["batches"]["recent"]
    assert newest["id"] == "b" * 20 and newest["total"] == 2 and not newest["finished"]
    assert newest["submitted_by"] == "k1"


def test_an_unreachable_broker_is_exit_3_and_the_batches_still_show(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _batch(BatchStore(engine), "c" * 20, 1)
    monkeypatch.setenv("SCREENING_BROKER_URL", "redis://:geheim@127.0.0.1:1/0")  # port 1: nobody
    shown = runner.invoke(app, ["status"])
    assert shown.exit_code == 3
    assert "niet bereikbaar" in shown.stdout and "1 wachtend" in shown.stdout
    assert "[E701]" in shown.stderr
    assert "geheim" not in shown.output
    data = json.loads(runner.invoke(app, ["status", "--json"]).stdout)
    assert data["queue"]["reachable"] is False and data["workers"] is None
    assert data["batches"]["unexpired"] == 1


def test_a_missing_registry_is_exit_3(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("SCREENING_DATABASE_URL", f"sqlite:///{tmp_path}/typo.sqlite3")
    shown = runner.invoke(app, ["status", "--lang", "en"])
    assert shown.exit_code == 3
    assert "[E205]" in shown.stderr
