"""Batches on a real Celery worker (2 processes), a real Redis and a real PostgreSQL.

One worker serves the whole module (see conftest.py). The decisions must be the ones made in
process; a worker process killed mid-task must cost nothing but a second attempt; an item
that keeps failing must end as a hold that says why; an equal post is screened once; a
broker that cannot be reached is a clear 503 with nothing kept.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import os
import re
import signal
import socket
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.app import create_app
from api.auth import Role
from api.batches.broker import Publisher
from api.batches.runner import utcnow
from api.batches.store import BatchStore
from api.batches.submit import new_items, submit_batch
from api.batches.tasks import requeue_unfinished
from api.services import Services, build_services
from cli.main import app as cli
from consent_store.batch_schema import BatchItemRow, BatchPhotoRow, BatchRow
from kernel.types import Channel, ImageInput, Post
from screening.decision_json import decision_to_dict
from tests.queue.conftest import QueueSetup, Worker, finished, wait_for

#: Seconds a batch of the tests may take on a busy machine.
BATCH_SECONDS = 120.0


@pytest.fixture(scope="module")
def services(setup: QueueSetup) -> Iterator[Services]:
    """The service's own services on the module's registry (the in-process reference)."""
    built = build_services(setup.settings())
    yield built
    built.close()


def _post(text: str, post_id: str, **fields: Any) -> Post:
    return Post(
        text=text,
        channel=fields.get("channel", Channel.INSTAGRAM),
        publish_on=fields.get("publish_on", date(2026, 3, 2)),
        images=fields.get("images", ()),
        id=post_id,
    )


def _submit(setup: QueueSetup, store: BatchStore, posts: list[Post]) -> str:
    return submit_batch(
        store,
        Publisher(setup.settings()),
        None,
        key_id=None,
        policy=None,
        items=new_items([(p.id, p) for p in posts]),
        ttl=timedelta(hours=1),
    )


def _rows(engine: Engine, batch_id: str) -> dict[str, BatchItemRow]:
    """The batch's item rows by post id."""
    with Session(engine) as s:
        rows = s.scalars(select(BatchItemRow).where(BatchItemRow.batch_id == batch_id)).all()
        return {str(r.post_id): r for r in rows}


def _decisions(store: BatchStore, batch_id: str) -> dict[str, dict[str, Any]]:
    """The batch's decision JSON by post id."""
    results = store.results(batch_id, store.finished_positions(batch_id))
    return {str(r.decision["post_id"]): r.decision for r in results}


def _in_process(services: Services, post: Post) -> dict[str, Any]:
    return decision_to_dict(services.pipeline.screen(post))


def _calendar(folder: Path, n: int) -> Path:
    """A JSONL calendar of `n` short posts (holds and publishes) and two bad lines."""
    texts = (
        "Bel me op 06-{:08d} voor de schoolreis",
        "Mooie sportdag op school, dag {}! GeheimeZin",
        "Mail naar juf{}@school.nl voor vragen over de excursie",
        "De kinderen van groep {} zongen prachtig op de kerstmarkt",
    )
    channels = ("instagram", "website", "newsletter", "facebook")
    lines = []
    for i in range(n):
        post = {
            "id": f"cal-{i}",
            "text": texts[i % 4].format(12340000 + i if i % 4 == 0 else i),
            "channel": channels[(i // 4) % 4],
            "date": "2026-03-02",
        }
        lines.append(json.dumps(post, ensure_ascii=False))
        if i == 10:
            lines.append('{"id": "kapot", "text": ')  # not JSON: an error record
        if i == 20:
            lines.append(json.dumps({"id": "leeg", "text": "   "}))  # nothing to screen
    path = folder / "kalender.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_200_posts_over_two_processes_give_the_in_process_decisions(
    setup: QueueSetup,
    engine: Engine,
    worker: Worker,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _calendar(setup.folder, 200)
    runner = CliRunner()
    # In process: `screening check --jsonl`, on the same pipeline the reference uses.
    monkeypatch.setattr("screening.pipeline.build_pipeline", lambda *a, **k: services.pipeline)
    here = runner.invoke(cli, ["check", "--jsonl", str(path)], env=setup.env())
    queued = runner.invoke(cli, ["check", "--jsonl", str(path), "--queue"], env=setup.env())

    assert here.exit_code == queued.exit_code == 2, queued.output  # the two bad lines
    assert queued.stdout == here.stdout  # the same JSON, line for line
    records = [json.loads(line) for line in queued.stdout.splitlines()]
    assert len(records) == 202
    assert [r["line"] for r in records] == list(range(1, 203))
    assert {r["action"] for r in records if "action" in r} == {"publish", "hold"}
    assert [r["id"] for r in records if "error" in r] == [None, "leeg"]

    found = re.search(r"batch ([0-9a-f]+)|partij ([0-9a-f]+)", queued.stderr)
    assert found, queued.stderr
    batch_id = found.group(1) or found.group(2)
    rows = _rows(engine, batch_id)
    assert len(rows) == 200
    assert {r.state for r in rows.values()} == {"done"}
    assert {r.attempts for r in rows.values()} == {1}
    assert all(r.payload is None for r in rows.values())  # the text is gone once screened
    screened = [(pid, p) for pid, p in setup.screened() if p.startswith("cal-")]
    # 50 posts per text pattern differ only in a number: each is screened, none reused.
    assert len(screened) == 200
    assert len({pid for pid, _ in screened}) == 2  # both processes did their share
    assert "GeheimeZin" not in worker.output()  # post text is never logged


def test_a_worker_process_killed_mid_task_costs_one_more_attempt(
    setup: QueueSetup, store: BatchStore, engine: Engine, worker: Worker, services: Services
) -> None:
    posts = [
        _post(f"Sportdag groep {i} [traag:{2 if i == 5 else 0.1}]", f"kill-{i}") for i in range(16)
    ]
    batch_id = _submit(setup, store, posts)
    wait_for(
        lambda: any(p == "kill-5" for _, p in setup.screened()), BATCH_SECONDS, "kill-5", worker
    )
    [victim] = [pid for pid, p in setup.screened() if p == "kill-5"]
    assert victim in worker.children()
    os.kill(victim, signal.SIGKILL)  # mid-task: it sleeps 2 seconds in the screening

    wait_for(finished(store, batch_id), BATCH_SECONDS, "the batch to finish", worker)
    assert store.finished_positions(batch_id) == list(range(16))  # every item, once
    rows = _rows(engine, batch_id)
    assert {p: r.attempts for p, r in rows.items() if r.attempts != 1} == {"kill-5": 2}
    assert {r.state for r in rows.values()} == {"done"}
    again = [pid for pid, p in setup.screened() if p == "kill-5"]
    assert len(again) == 2 and again[0] == victim and again[1] != victim
    decisions = _decisions(store, batch_id)
    assert len(decisions) == 16
    assert decisions["kill-5"] == _in_process(services, posts[5])
    wait_for(lambda: len(worker.children()) == 2, BATCH_SECONDS, "a new process", worker)


def test_an_item_that_keeps_failing_ends_as_a_hold_that_says_why(
    setup: QueueSetup, store: BatchStore, engine: Engine, worker: Worker
) -> None:
    posts = [
        _post("Gezellige ouderavond in de aula", "fail-ok"),
        _post("Gezellige ouderavond [kapot]", "fail-bug"),
        _post("Gezellige ouderavond [wankel]", "fail-db"),
    ]
    batch_id = _submit(setup, store, posts)
    wait_for(finished(store, batch_id), BATCH_SECONDS, "the batch to finish", worker)
    decisions = _decisions(store, batch_id)
    rows = _rows(engine, batch_id)

    assert decisions["fail-ok"]["action"] == "publish" and rows["fail-ok"].state == "done"
    for post_id, attempts, error in (("fail-bug", 1, "RuntimeError"), ("fail-db", 3, "Operat")):
        decision = decisions[post_id]
        assert rows[post_id].state == "failed"
        assert rows[post_id].attempts == attempts  # a bug at once; the database: 2 retries
        assert decision["action"] == "hold"
        [finding] = decision["findings"]
        assert finding["kind"] == "screening.error" and finding["severity"] == "hold"
        assert finding["message"]["nl"] == "Controle mislukt"
        explanation = finding["evidence"]["explanation"]
        assert f"after {attempts} attempt(s): {error}" in explanation
        assert decision["reasons"], "the hold cites the code of conduct"
    assert len([p for _, p in setup.screened() if p == "fail-db"]) == 3


def test_an_equal_post_is_screened_once(
    setup: QueueSetup, store: BatchStore, engine: Engine, worker: Worker
) -> None:
    text = "Onze leerlingen zongen op de kerstmarkt in de Domstraat"
    first = _submit(setup, store, [_post(text, "same-a")])
    wait_for(finished(store, first), BATCH_SECONDS, "the first batch", worker)
    second = _submit(setup, store, [_post(text, "same-b"), _post(text + "!", "other-c")])
    wait_for(finished(store, second), BATCH_SECONDS, "the second batch", worker)

    screened = [p for _, p in setup.screened()]
    assert screened.count("same-a") == 1 and "same-b" not in screened  # reused
    assert "other-c" in screened  # another text is another key
    a, b = _decisions(store, first)["same-a"], _decisions(store, second)["same-b"]
    assert b == {**a, "post_id": "same-b"}
    keys = {**_rows(engine, first), **_rows(engine, second)}
    assert keys["same-a"].idempotency_key == keys["same-b"].idempotency_key
    assert keys["other-c"].idempotency_key != keys["same-a"].idempotency_key


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 200)).save(buf, "JPEG")
    return buf.getvalue()


def _index(line: dict[str, Any]) -> int:
    return int(line["index"])


def test_the_service_queues_a_batch_and_streams_its_decisions(
    setup: QueueSetup, engine: Engine, worker: Worker, services: Services
) -> None:
    raw = services.keys.create("officer", [Role.OFFICER])[1]
    other = services.keys.create("other officer", [Role.OFFICER])[1]
    photo = base64.b64encode(_jpeg()).decode()
    posts: list[dict[str, Any]] = [
        {"id": "a", "text": "Bel me op 06-12345678"},
        {"id": "b", "text": "Mooi schoolplein!", "images": [{"name": "plein.jpg", "data": photo}]},
        {"id": "c", "text": "Sportdag", "channel": "website"},
    ]
    with TestClient(create_app(services=services)) as client:
        answer = client.post(
            "/v1/batches",
            json={"posts": posts, "publish_on": "2026-03-02"},
            headers={"Authorization": f"Bearer {raw}"},
        )
        assert answer.status_code == 202, answer.text
        made = answer.json()
        assert made["mode"] == "queue" and made["total"] == 3
        assert answer.headers["location"] == made["status_url"]
        results = client.get(
            made["results_url"] + "?follow=true", headers={"Authorization": f"Bearer {raw}"}
        )
        assert results.status_code == 200
        assert results.headers["content-type"].startswith("application/x-ndjson")
        # Followed, each decision comes as soon as it is made: in the order they finish.
        lines = sorted((json.loads(line) for line in results.text.splitlines()), key=_index)
        status = client.get(made["status_url"], headers={"Authorization": f"Bearer {raw}"})
        hidden = client.get(made["status_url"], headers={"Authorization": f"Bearer {other}"})
        reference = [
            client.post(
                "/v1/precheck",
                json={k: v for k, v in post.items() if k != "id"} | {"publish_on": "2026-03-02"},
                headers={"Authorization": f"Bearer {raw}"},
            )
            for post in posts
        ]

    assert [(line["index"], line["id"], line["state"]) for line in lines] == [
        (0, "a", "done"),
        (1, "b", "done"),
        (2, "c", "done"),
    ]
    assert status.json()["finished"] is True and status.json()["counts"]["done"] == 3
    assert hidden.status_code == 404
    for line, answer in zip(lines, reference, strict=True):
        assert answer.status_code == 200, answer.text
        decision = {k: v for k, v in line.items() if k not in ("index", "id", "state")}
        assert decision == {**answer.json(), "post_id": line["post_id"]}
        assert services.decisions.get(line["post_id"]) is not None  # can be overridden
    with Session(engine) as s:
        photos = s.scalar(
            select(func.count())
            .select_from(BatchPhotoRow)
            .join(BatchItemRow, BatchItemRow.id == BatchPhotoRow.item_id)
            .where(BatchItemRow.batch_id == made["id"])
        )
    assert photos == 0  # deleted once screened


def _batch_count(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(BatchRow)) or 0)


def test_an_unreachable_broker_is_a_503_and_keeps_nothing(
    setup: QueueSetup, engine: Engine, services: Services, tmp_path: Path
) -> None:
    down = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    broken = dataclasses.replace(services, settings=setup.settings(broker_url=down))
    raw = services.keys.create("officer 503", [Role.OFFICER])[1]
    before = _batch_count(engine)
    with TestClient(create_app(services=broken)) as client:
        started = time.monotonic()
        answer = client.post(
            "/v1/batches",
            json={"posts": [{"text": "Sportdag"}]},
            headers={"Authorization": f"Bearer {raw}"},
        )
        seconds = time.monotonic() - started
    assert answer.status_code == 503
    error = answer.json()["error"]
    assert error["code"] == "E701"
    assert error["message"] == error["nl"] and "wachtrij" in error["nl"]
    assert "niets ingediend" in error["nl"] and "nothing was submitted" in error["en"]
    # Not a speed test: Celery's own default would retry publishing for as long as it takes.
    assert seconds < 30
    assert _batch_count(engine) == before

    path = tmp_path / "kalender.jsonl"
    path.write_text(json.dumps({"text": "Sportdag"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["check", "--jsonl", str(path), "--queue"], env=setup.env(SCREENING_BROKER_URL=down)
    )
    assert result.exit_code == 3
    assert "[E701]" in result.stderr and "niet bereikbaar" in result.stderr
    assert _batch_count(engine) == before


def test_items_a_broker_lost_are_queued_again(
    setup: QueueSetup, store: BatchStore, worker: Worker
) -> None:
    # Stored but never published: as if Redis restarted and forgot its queue.
    post = _post("Open dag op zaterdag", "lost-1")
    batch_id = "lost" + os.urandom(4).hex()
    store.create(batch_id, None, None, new_items([("lost-1", post)]), utcnow(), timedelta(hours=1))
    assert requeue_unfinished(setup.settings()) >= 1  # `screening worker --requeue`
    wait_for(finished(store, batch_id), BATCH_SECONDS, "the lost batch", worker)
    assert _decisions(store, batch_id)["lost-1"]["action"] == "publish"


def test_expired_batches_are_unreadable_and_purged(
    setup: QueueSetup, store: BatchStore, engine: Engine
) -> None:
    photo = ImageInput("foto.jpg", b"not even a photo")
    items = new_items([("exp", _post("Sportdag", "exp", images=(photo,)))])
    now = utcnow()
    batch_id = "expires" + os.urandom(4).hex()
    [item] = store.create(batch_id, None, None, items, now, timedelta(minutes=1))
    work = store.claim(item, now)
    assert work is not None and work.post.images == (photo,)
    # A result keeps the batch for the TTL after it, not after the submission.
    later = now + timedelta(seconds=50)
    assert store.finish(work, "done", {"post_id": "exp"}, None, later, timedelta(minutes=1))
    assert not store.finish(work, "done", {"post_id": "exp"}, None, later, timedelta(minutes=1))
    progress = store.progress(batch_id, now + timedelta(seconds=100))
    assert progress is not None and progress.finished
    gone = now + timedelta(seconds=111)
    assert store.progress(batch_id, gone) is None
    assert store.purge_expired(gone) >= 1
    with Session(engine) as s:
        assert s.get(BatchRow, batch_id) is None
        assert s.get(BatchItemRow, item) is None
        assert s.scalar(select(func.count()).where(BatchPhotoRow.item_id == item)) == 0


def test_status_shows_the_queue_depth_its_live_workers_and_the_batches(
    setup: QueueSetup, store: BatchStore, worker: Worker
) -> None:
    runner = CliRunner()
    name = f"screening-{worker.process.pid}@{socket.gethostname()}"
    # Six slow posts: the worker's two processes take one each, the others wait in Redis.
    posts = [_post(f"Sportdag {n} [traag:1.5]", f"status-{n}") for n in range(6)]
    batch_id = _submit(setup, store, posts)
    shown = runner.invoke(cli, ["status", "--json"], env=setup.env())
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["queue"]["configured"] and data["queue"]["reachable"]
    assert data["queue"]["name"] == setup.queue
    assert data["queue"]["depth"] >= 1
    assert data["workers"]["live"] == 1 and data["workers"]["names"] == [name]
    [batch] = [b for b in data["batches"]["recent"] if b["id"] == batch_id]
    assert batch["total"] == 6 and sum(batch["counts"].values()) == 6
    wait_for(finished(store, batch_id), BATCH_SECONDS, "the slow batch", worker)

    text = runner.invoke(cli, ["status"], env=setup.env(COLUMNS="200"))
    assert text.exit_code == 0, text.output
    assert f"Wachtrij '{setup.queue}' op {setup.broker_url}: 0 bericht(en) wachten." in text.stdout
    assert f"Workers: 1 actief ({name})." in text.stdout
    assert batch_id in text.stdout
    english = runner.invoke(cli, ["status", "--lang", "en"], env=setup.env())
    assert "message(s) waiting" in english.stdout and "Workers: 1 live" in english.stdout

    # Messages on a queue nobody takes: counted there; the worker is on another queue.
    import redis

    idle = f"{setup.queue}-idle"
    Publisher(setup.settings(broker_queue=idle)).publish(["idle-0", "idle-1", "idle-2"])
    try:
        other = runner.invoke(cli, ["status", "--json"], env=setup.env(SCREENING_BROKER_QUEUE=idle))
        data = json.loads(other.stdout)
        assert data["queue"]["depth"] == 3
        assert data["workers"]["live"] == 0
        assert data["workers"]["other_queues"] == [{"name": name, "queues": [setup.queue]}]
        said = runner.invoke(cli, ["status"], env=setup.env(SCREENING_BROKER_QUEUE=idle))
        assert "geen enkele worker antwoordt" in said.stdout
    finally:
        client = redis.Redis.from_url(setup.broker_url)
        client.delete(idle, f"_kombu.binding.{idle}")
        client.close()
