"""POST /v1/batches without a broker: the service screens the batch in a thread of its own.

The same routes, states and decisions as on the task queue (tests/queue runs them on real
Celery workers); here the embedded default, which needs nothing else installed.
"""

from __future__ import annotations

import base64
import json
import time
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Role
from api.batches.runner import EXTRA_STARTS, InProcessRunner, process_item, utcnow
from api.batches.submit import BatchService, new_items
from api.process_group import GROUP_ENV, serving_group
from api.services import Services
from kernel.settings import Settings
from kernel.types import Channel, Post
from tests.api.conftest import Keys, jpeg_bytes


def _posts() -> list[dict[str, Any]]:
    photo = base64.b64encode(jpeg_bytes()).decode()
    return [
        {"id": "een", "text": "Bel me op 06-12345678"},
        {"id": "twee", "text": "Wat een mooie sportdag!", "channel": "website"},
        {"text": "Schoolfoto", "images": [{"name": "plein.jpg", "data": photo}]},
    ]


def _wait(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        status = client.get(url, headers=headers)
        assert status.status_code == 200, status.text
        if status.json()["finished"] or time.monotonic() > deadline:
            return dict(status.json())
        time.sleep(0.05)


def test_a_batch_is_screened_in_process_without_a_broker(client: TestClient, keys: Keys) -> None:
    officer = keys.headers("officer")
    answer = client.post(
        "/v1/batches", json={"posts": _posts(), "publish_on": "2026-03-02"}, headers=officer
    )
    assert answer.status_code == 202, answer.text
    made = answer.json()
    assert made["mode"] == "in_process" and made["total"] == 3
    assert set(made["counts"]) == {"queued", "running", "done", "failed"}
    status = _wait(client, made["status_url"], officer)
    assert status["finished"] and status["counts"]["done"] == 3

    results = client.get(made["results_url"], headers=officer)
    assert results.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in results.text.splitlines()]
    assert [(x["index"], x["id"], x["state"]) for x in lines] == [
        (0, "een", "done"),
        (1, "twee", "done"),
        (2, None, "done"),
    ]
    for line, post in zip(lines, _posts(), strict=True):
        body = {k: v for k, v in post.items() if k != "id"} | {"publish_on": "2026-03-02"}
        reference = client.post("/v1/precheck", json=body, headers=officer)
        decision = {k: v for k, v in line.items() if k not in ("index", "id", "state")}
        assert decision == {**reference.json(), "post_id": line["post_id"]}
    assert [x["action"] for x in lines][:2] == ["hold", "publish"]
    followed = client.get(made["results_url"] + "?follow=true", headers=officer)
    assert followed.text == results.text  # finished: the same lines, then the end


def test_a_batch_is_checked_before_it_is_accepted(client: TestClient, keys: Keys) -> None:
    officer = keys.headers("officer")
    cases = [
        ({"posts": [{"text": "Sportdag"}, {"text": "   "}]}, 422, "E002", "posts[1]"),
        ({"posts": [{"text": "x", "images": [{"data": "@@"}]}]}, 422, "E605", "posts[0]"),
        ({"posts": [{"text": "Sportdag"}], "policy": "geen"}, 422, "E006", "geen"),
        ({"posts": []}, 422, "E605", "posts"),
        ({"posts": [{"text": "a\x00b"}]}, 400, "E004", "posts[0]"),
    ]
    for body, status, code, words in cases:
        answer = client.post("/v1/batches", json=body, headers=officer)
        assert answer.status_code == status, (body, answer.text)
        error = answer.json()["error"]
        assert error["code"] == code and words in error["nl"], error
    text = client.post(
        "/v1/batches", content="posts", headers={**officer, "Content-Type": "text/plain"}
    )
    assert text.status_code == 415


def test_only_the_submitting_key_sees_a_batch(
    client: TestClient, keys: Keys, services: Services
) -> None:
    other = {"Authorization": f"Bearer {services.keys.create('ander', [Role.OFFICER])[1]}"}
    posts = {"posts": [{"text": "Sportdag"}]}
    made = client.post("/v1/batches", json=posts, headers=keys.headers("officer")).json()
    url = made["status_url"]
    assert client.get(url, headers=keys.headers("officer")).status_code == 200
    assert client.get(url, headers=keys.headers("registry_admin")).status_code == 200
    assert client.get(url, headers=other).status_code == 404  # as if it did not exist
    assert client.get(url + "/results", headers=other).status_code == 404
    assert client.get(url, headers=keys.headers("extension")).status_code == 403
    assert client.get(url, headers=keys.headers("none")).status_code == 401
    refused = client.post("/v1/batches", json=posts, headers=keys.headers("extension"))
    assert refused.status_code == 403
    missing = client.get("/v1/batches/0000", headers=keys.headers("officer"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "E604"


def test_items_left_unfinished_are_screened_after_a_restart(services: Services) -> None:
    first = BatchService(services)
    assert first.runner is not None
    post = Post("Sportdag in het park", Channel.INSTAGRAM, date(2026, 3, 2), id="herstart")
    # Stored, never handed to a thread: as if the service stopped right after accepting it.
    batch_id = "restart" + str(time.monotonic_ns())[-8:]
    items = new_items([("herstart", post)])
    first.store.create(batch_id, None, None, items, utcnow(), timedelta(hours=1))
    later = BatchService(services)
    later.start()  # what the service does when it has started
    try:
        deadline = time.monotonic() + 60
        while not (progress := later.progress(batch_id)) or not progress.finished:
            assert time.monotonic() < deadline, "not resumed"
            time.sleep(0.05)
    finally:
        later.close()
    [result] = later.store.results(batch_id, [0])
    assert result.state == "done" and result.decision["post_id"] == "herstart"


def test_of_the_processes_of_one_serve_one_picks_up_what_was_left(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    resumed: list[InProcessRunner] = []

    def resume(runner: InProcessRunner) -> int:
        resumed.append(runner)
        return 0

    monkeypatch.setattr(InProcessRunner, "resume", resume)
    monkeypatch.delenv(GROUP_ENV, raising=False)
    with serving_group(2):  # as `screening serve --workers 2` starts its processes
        processes = [BatchService(services) for _ in range(3)]  # one restarted by uvicorn
        for process in processes:
            process.start()
    assert resumed == [processes[0].runner]


def test_a_post_whose_screening_keeps_dying_ends_as_a_hold(services: Services) -> None:
    batches = BatchService(services)
    post = Post("Sportdag in het park", Channel.INSTAGRAM, date(2026, 3, 2), id="sterft")
    batch_id = "dies" + str(time.monotonic_ns())[-8:]
    [item] = batches.store.create(
        batch_id, None, None, new_items([("sterft", post)]), utcnow(), timedelta(hours=1)
    )
    # Each start whose process died: claimed, never finished.
    starts = services.settings.batch_max_retries + EXTRA_STARTS
    for _ in range(starts):
        assert batches.store.claim(item, utcnow()) is not None
    assert process_item(services, batches.store, item, timedelta(hours=1)) == "failed"
    [result] = batches.store.results(batch_id, [0])
    assert result.state == "failed" and result.decision["action"] == "hold"
    [finding] = result.decision["findings"]
    assert finding["kind"] == "screening.error"
    assert f"started {starts} times without finishing" in finding["evidence"]["explanation"]


@pytest.mark.parametrize(
    ("written", "seconds"), [("86400", 86400), ("90.5", 90.5), ("PT24H", 86400), ("P1D", 86400)]
)
def test_the_result_ttl_takes_seconds_or_iso_8601(
    monkeypatch: pytest.MonkeyPatch, written: str, seconds: float
) -> None:
    monkeypatch.setenv("SCREENING_BATCH_RESULT_TTL", written)
    assert Settings().batch_result_ttl.total_seconds() == seconds
