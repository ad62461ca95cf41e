"""The output store: photos held in memory for a while, on disk only with retention."""

from __future__ import annotations

import io
import os
import time
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

import api.outputs
from api.outputs import OutputStore
from kernel.types import Channel, Decision, ImageInput, Post
from screening.pipeline import Pipeline
from tests.api.conftest import api_settings, jpeg_bytes

POST_ID = "0123456789abcdef0123"


def _decision(pipeline: Pipeline, images: tuple[ImageInput, ...]) -> Decision:
    return pipeline.screen(
        Post(text="Sportdag", channel=Channel.INSTAGRAM, publish_on=date(2026, 5, 1), images=images)
    )


@pytest.fixture
def photo() -> tuple[ImageInput, ...]:
    return (ImageInput("veld.jpg", jpeg_bytes((120, 90))),)


def test_outputs_are_rendered_on_demand_and_expire(
    pipeline: Pipeline,
    photo: tuple[ImageInput, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = OutputStore(api_settings(tmp_path, output_minutes=5))
    registry_files = set(tmp_path.iterdir())  # api_settings makes the test's registry there
    store.put(POST_ID, _decision(pipeline, photo), photo, "nl")
    assert store.available(POST_ID, 0) and not store.available(POST_ID, 1)
    got = store.get(POST_ID, 0, "redacted")
    assert got is not None and got.media_type == "image/jpeg"
    assert Image.open(io.BytesIO(got.data)).size == (120, 90)
    assert store.get(POST_ID, 0, "redacted") is got  # rendered once
    assert store.get(POST_ID, 1, "annotated") is None
    later = time.monotonic() + 5 * 60 + 1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert store.get(POST_ID, 0, "annotated") is None
    assert set(tmp_path.iterdir()) == registry_files  # no photo ever reached the disk


def test_the_oldest_screenings_go_first_when_memory_is_full(
    pipeline: Pipeline,
    photo: tuple[ImageInput, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(api.outputs, "MAX_HELD_BYTES", len(photo[0].data) * 2 + 10)
    store = OutputStore(api_settings(tmp_path))
    decision = _decision(pipeline, photo)
    ids = [f"{i:020d}" for i in range(4)]
    for post_id in ids:
        store.put(post_id, decision, photo, "nl")
    assert [store.available(p, 0) for p in ids] == [False, False, True, True]


def test_with_retention_outputs_are_kept_on_disk_owner_only(
    pipeline: Pipeline,
    photo: tuple[ImageInput, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = OutputStore(api_settings(tmp_path, retention_days=7, output_minutes=1))
    store.put(POST_ID, _decision(pipeline, photo), photo, "en", owner="k1")
    folder = tmp_path / "retained" / POST_ID
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["00-annotated.jpg", "00-owner.txt", "00-redacted.jpg"]
    assert all((folder / f).stat().st_mode & 0o777 == 0o600 for f in files)
    later = time.monotonic() + 120
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert store.owner(POST_ID) == "k1"
    from_disk = store.get(POST_ID, 0, "redacted")
    assert from_disk is not None and from_disk.data == (folder / "00-redacted.jpg").read_bytes()
    assert store.get("../../etc", 0, "redacted") is None
    # A folder older than the retention period is removed at the next screening.
    old = time.time() - 8 * 86400
    os.utime(folder, (old, old))
    monkeypatch.undo()
    store.put("f" * 20, _decision(pipeline, photo), photo, "en")
    assert not folder.exists()
    assert (tmp_path / "retained" / ("f" * 20)).is_dir()
