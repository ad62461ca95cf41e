"""The processes of one `screening serve --workers N`: how many, and what only one of them does.

Each process builds its own services (pipeline, stores); what they share lives in the
registry database. Two things must not happen once per process: sharing out the CPUs for
photo screening (N processes with one slot per core each would run N times too many), and
picking up the batch items a previous run left unfinished (every process would screen them
again, and each start counts as an attempt). `screening serve` tells its processes about
their group in the environment variable GROUP_ENV (a folder of its own and the number of
processes); this is plumbing between a parent and its children, not a setting. Without it
(one process, the tests) each process is a group of one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

GROUP_ENV = "SCREENING_SERVE_GROUP"


@dataclass(frozen=True)
class Group:
    """The processes started together by one `screening serve --workers N`."""

    folder: Path
    workers: int


def current_group() -> Group | None:
    """The group this process belongs to, or None when it runs alone."""
    raw = os.environ.get(GROUP_ENV)
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return Group(Path(data["folder"]), max(1, int(data["workers"])))
    except (ValueError, KeyError, TypeError):
        return None


def photo_slot_count(cpus: int) -> int:
    """Photo screenings this process runs at once: its share of the machine's cores."""
    group = current_group()
    return cpus if group is None else max(1, cpus // group.workers)


def first_in_group(task: str) -> bool:
    """Whether this process is the first of its group to ask for `task` (then it does it).

    Alone, a process is always first. In a group, the first to create the marker file
    `task` in the group's folder wins; a process that uvicorn starts again after one died
    finds the marker and does not repeat the task.
    """
    group = current_group()
    if group is None:
        return True
    try:
        fd = os.open(group.folder / task, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    except OSError:  # the folder is gone (the parent stopped): not ours to do
        return False
    os.close(fd)
    return True


@contextmanager
def serving_group(workers: int) -> Iterator[None]:
    """Announce a group of `workers` processes to the children started in this block."""
    folder = Path(tempfile.mkdtemp(prefix="screening-serve-"))
    previous = os.environ.get(GROUP_ENV)
    os.environ[GROUP_ENV] = json.dumps({"folder": str(folder), "workers": workers})
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(GROUP_ENV, None)
        else:
            os.environ[GROUP_ENV] = previous
        shutil.rmtree(folder, ignore_errors=True)
