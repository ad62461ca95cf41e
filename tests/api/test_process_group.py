"""The processes of one `screening serve --workers N`: shared CPUs, one-time tasks."""

from __future__ import annotations

import os

import pytest

from api.process_group import (
    GROUP_ENV,
    current_group,
    first_in_group,
    photo_slot_count,
    serving_group,
)


def test_alone_a_process_has_every_core_and_does_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(GROUP_ENV, raising=False)
    assert current_group() is None
    assert photo_slot_count(8) == 8
    assert first_in_group("resume-batches") and first_in_group("resume-batches")


def test_in_a_group_the_cores_are_shared_and_a_task_is_done_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(GROUP_ENV, raising=False)
    with serving_group(3):
        group = current_group()
        assert group is not None and group.workers == 3 and group.folder.is_dir()
        assert photo_slot_count(8) == 2 and photo_slot_count(2) == 1
        # The first process to ask does it; the others (and a restarted one) do not.
        assert first_in_group("resume-batches")
        assert not first_in_group("resume-batches")
        assert first_in_group("another-task")
        folder = group.folder
    assert GROUP_ENV not in os.environ and not folder.exists()
    monkeypatch.setenv(GROUP_ENV, "not json")
    assert current_group() is None
