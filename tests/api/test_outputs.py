"""The output store: photos held in the database for a while, on disk only with retention.

Both backends and several processes: tests/api/test_stores_backends.py.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import api.outputs
from api.decision_log import fast_commit_engine
from api.outputs import OutputStore
from consent_store.database import database_url
from consent_store.state_schema import OutputPhotoRow, OutputRow
from kernel.settings import Settings
from kernel.types import Channel, Decision, ImageInput, Post
from screening.pipeline import Pipeline
from tests.api.conftest import api_settings, jpeg_bytes

POST_ID = "0123456789abcdef0123"


class Clock:
    """A clock the test moves on."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def _decision(pipeline: Pipeline, images: tuple[ImageInput, ...]) -> Decision:
    return pipeline.screen(
        Post(text="Sportdag", channel=Channel.INSTAGRAM, publish_on=date(2026, 5, 1), images=images)
    )


@pytest.fixture
def photo() -> tuple[ImageInput, ...]:
    return (ImageInput("veld.jpg", jpeg_bytes((120, 90))),)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def stores(clock: Clock) -> Iterator[Callable[[Settings], tuple[OutputStore, Engine]]]:
    """Output stores on a settings' registry database (engines disposed after the test)."""
    engines: list[Engine] = []

    def make(settings: Settings) -> tuple[OutputStore, Engine]:
        engine = fast_commit_engine(database_url(settings))
        engines.append(engine)
        return OutputStore(settings, engine, clock=clock), engine

    yield make
    for engine in engines:
        engine.dispose()


def test_outputs_are_rendered_on_demand_once_and_expire(
    pipeline: Pipeline,
    photo: tuple[ImageInput, ...],
    tmp_path: Path,
    clock: Clock,
    stores: Callable[[Settings], tuple[OutputStore, Engine]],
) -> None:
    store, engine = stores(api_settings(tmp_path, output_minutes=5))
    store.put(POST_ID, _decision(pipeline, photo), photo, "nl", owner="k1")
    assert store.available(POST_ID, 0) and not store.available(POST_ID, 1)
    assert store.owner(POST_ID) == "k1"
    with Session(engine) as s:
        row = s.get(OutputPhotoRow, (POST_ID, 0))
        assert row is not None and row.data == photo[0].data
        assert row.annotated is None and row.redacted is None  # nothing rendered yet
    got = store.get(POST_ID, 0, "redacted")
    assert got is not None and got.media_type == "image/jpeg"
    assert Image.open(io.BytesIO(got.data)).size == (120, 90)
    with Session(engine) as s:
        row = s.get(OutputPhotoRow, (POST_ID, 0))
        assert row is not None and row.redacted == got.data and row.annotated is None
    assert store.get(POST_ID, 0, "redacted") == got  # rendered once, then read back
    assert store.get(POST_ID, 1, "annotated") is None
    assert store.get("f" * 20, 0, "annotated") is None
    clock.now += timedelta(minutes=5, seconds=1)
    assert store.get(POST_ID, 0, "annotated") is None
    assert store.owner(POST_ID) is None and not store.available(POST_ID, 0)
    assert store.purge_expired() == 1
    with Session(engine) as s:  # deleted with its photos and pictures
        assert s.scalar(select(func.count()).select_from(OutputPhotoRow)) == 0
    assert not (tmp_path / "retained").exists()  # nothing outside the database


def test_the_oldest_screenings_go_first_when_the_bound_is_reached(
    pipeline: Pipeline,
    photo: tuple[ImageInput, ...],
    tmp_path: Path,
    clock: Clock,
    stores: Callable[[Settings], tuple[OutputStore, Engine]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(api.outputs, "MAX_HELD_BYTES", len(photo[0].data) * 2 + 10)
    store, engine = stores(api_settings(tmp_path))
    decision = _decision(pipeline, photo)
    ids = [f"{i:020d}" for i in range(4)]
    for post_id in ids:
        clock.now += timedelta(seconds=1)
        store.put(post_id, decision, photo, "nl")
    assert [store.available(p, 0) for p in ids] == [False, False, True, True]
    with Session(engine) as s:
        assert set(s.scalars(select(OutputRow.post_id))) == set(ids[2:])


def test_an_unreadable_photo_is_never_served(
    pipeline: Pipeline,
    tmp_path: Path,
    stores: Callable[[Settings], tuple[OutputStore, Engine]],
) -> None:
    images = (ImageInput("kapot.jpg", b"geen foto"), ImageInput("veld.jpg", jpeg_bytes()))
    store, _ = stores(api_settings(tmp_path))
    store.put(POST_ID, _decision(pipeline, images), images, "nl")
    assert not store.available(POST_ID, 0) and store.available(POST_ID, 1)
    assert store.get(POST_ID, 0, "annotated") is None
    assert store.get(POST_ID, 1, "annotated") is not None


def test_with_retention_outputs_are_kept_on_disk_owner_only(
    pipeline: Pipeline,
    photo: tuple[ImageInput, ...],
    tmp_path: Path,
    clock: Clock,
    stores: Callable[[Settings], tuple[OutputStore, Engine]],
) -> None:
    store, _ = stores(api_settings(tmp_path, retention_days=7, output_minutes=1))
    store.put(POST_ID, _decision(pipeline, photo), photo, "en", owner="k1")
    folder = tmp_path / "retained" / POST_ID
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["00-annotated.jpg", "00-owner.txt", "00-redacted.jpg"]
    assert all((folder / f).stat().st_mode & 0o777 == 0o600 for f in files)
    assert store.get(POST_ID, 0, "redacted") is not None  # rendered at once, from the database
    clock.now += timedelta(minutes=2)
    assert store.owner(POST_ID) == "k1"
    from_disk = store.get(POST_ID, 0, "redacted")
    assert from_disk is not None and from_disk.data == (folder / "00-redacted.jpg").read_bytes()
    assert store.get("../../etc", 0, "redacted") is None
    # A folder older than the retention period is removed at the next screening.
    old = time.time() - 8 * 86400
    os.utime(folder, (old, old))
    store.put("f" * 20, _decision(pipeline, photo), photo, "en")
    assert not folder.exists()
    assert (tmp_path / "retained" / ("f" * 20)).is_dir()
