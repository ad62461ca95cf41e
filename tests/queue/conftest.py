"""Fixtures for the task queue: a real Redis, a real PostgreSQL and a real Celery worker.

Redis comes from SCREENING_TEST_REDIS_URL (default redis://127.0.0.1:6379), on a database
number other than 0 and a queue name of the module's own; PostgreSQL from
SCREENING_TEST_POSTGRES_URL, in a database of the module's own (dropped after). When either
server is absent the tests skip with the reason; with SCREENING_REQUIRE_POSTGRES=1 (CI) they
fail instead. One worker (`screening worker --concurrency 2`, with the hooks of
`tests.queue.hooked_worker`) serves every test of a module.
"""

from __future__ import annotations

import base64
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from api.batches.runner import utcnow
from api.batches.store import BatchProgress, BatchStore
from consent_store.database import create_registry_engine
from consent_store.repository import init_registry
from kernel.settings import Settings
from tests.conftest import ROOT, report_at_end

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
#: Seconds the worker may take to start (two processes, each building the pipeline).
WORKER_START_SECONDS = 120.0


def _absent(request: pytest.FixtureRequest, what: str, why: str) -> None:
    reason = f"{what} {why} — task queue tests NOT RUN"
    if os.environ.get("SCREENING_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason + " (SCREENING_REQUIRE_POSTGRES=1)")
    report_at_end(request.config, "Task queue", [reason], red=True)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def redis_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A Redis database (1-15) for the module; its queue's keys are deleted after."""
    import redis

    server = os.environ.get("SCREENING_TEST_REDIS_URL", DEFAULT_REDIS_URL).rstrip("/")
    number = 1 + secrets.randbelow(15)
    url = f"{server}/{number}"
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        _absent(request, f"Redis at {server}", f"unreachable ({type(exc).__name__})")
    yield url
    client.close()


@pytest.fixture(scope="module")
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of the module's own on the PostgreSQL server (dropped after)."""
    import psycopg

    server = make_url(os.environ.get("SCREENING_TEST_POSTGRES_URL", DEFAULT_PG_URL))
    conninfo = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(conninfo, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        where = server.render_as_string(hide_password=True)
        _absent(request, f"PostgreSQL at {where}", f"unreachable ({type(exc).__name__})")
    name = f"screening_queue_{os.getpid()}_{secrets.token_hex(3)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class QueueSetup:
    """The module's registry database, broker and queue, and where the worker writes."""

    folder: Path
    database_url: str
    broker_url: str
    queue: str
    template_key: str

    @property
    def executions(self) -> Path:
        """The hooked worker's list of screenings: "<pid> <post id>" per line."""
        return self.folder / "executions.txt"

    def env(self, **extra: str) -> dict[str, str]:
        """Environment of a process (worker or command line) on this setup."""
        env = {
            **os.environ,
            "SCREENING_DATA_DIR": str(self.folder / "data"),
            "SCREENING_DATABASE_URL": self.database_url,
            "SCREENING_TEMPLATE_KEY": self.template_key,
            "SCREENING_BROKER_URL": self.broker_url,
            "SCREENING_BROKER_QUEUE": self.queue,
            "SCREENING_BATCH_MAX_RETRIES": "2",
            "SCREENING_BATCH_RETRY_SECONDS": "0.2",
            "SCREENING_TEST_EXECUTIONS": str(self.executions),
            "OMP_NUM_THREADS": "1",
            "COLUMNS": "200",
        }
        env.update(extra)
        return env

    def settings(self, **overrides: object) -> Settings:
        """Settings on this setup (as the worker has them), with `overrides`."""
        values: dict[str, object] = {
            "data_dir": self.folder / "data",
            "database_url": self.database_url,
            "template_key": self.template_key,
            "broker_url": self.broker_url,
            "broker_queue": self.queue,
            "batch_max_retries": 2,
            "batch_retry_seconds": 0.2,
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    def screened(self) -> list[tuple[int, str]]:
        """(pid, post id) of every screening the worker did so far."""
        if not self.executions.exists():
            return []
        pairs = []
        for line in self.executions.read_text(encoding="utf-8").splitlines():
            pid, post_id = line.split(" ", 1)
            pairs.append((int(pid), post_id))
        return pairs


@pytest.fixture(scope="module")
def setup(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str, pg_url: str
) -> Iterator[QueueSetup]:
    """A new registry on the module's database, and the module's own queue name."""
    folder = tmp_path_factory.mktemp("queue")
    made = QueueSetup(
        folder=folder,
        database_url=pg_url,
        broker_url=redis_url,
        queue=f"screening-test-{secrets.token_hex(4)}",
        template_key=base64.b64encode(secrets.token_bytes(32)).decode(),
    )
    init_registry(made.settings())
    yield made
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(
        made.queue, f"_kombu.binding.{made.queue}", f"_kombu.binding_permanent.{made.queue}"
    )
    client.close()


@pytest.fixture(scope="module")
def engine(setup: QueueSetup) -> Iterator[Engine]:
    """An engine on the module's registry database."""
    made = create_registry_engine(setup.database_url)
    yield made
    made.dispose()


@pytest.fixture(scope="module")
def store(engine: Engine) -> BatchStore:
    """The batch store on the module's registry database."""
    return BatchStore(engine)


@dataclass
class Worker:
    """A running `screening worker` (its main process; the pool's processes are its children)."""

    process: subprocess.Popen[bytes]
    log: Path

    def children(self) -> list[int]:
        """Pids of the worker's pool processes (its child processes, from /proc)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return sorted(found)

    def output(self) -> str:
        """What the worker wrote so far (stdout and stderr)."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def wait_for(
    check: Callable[[], bool], timeout: float, what: str, worker: Worker | None = None
) -> None:
    """Poll `check` until it is true; fail with `what` (and the worker's log) after `timeout`."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            tail = worker.output()[-3000:] if worker is not None else ""
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{tail}")
        if worker is not None and worker.process.poll() is not None:
            pytest.fail(f"the worker exited ({worker.process.returncode})\n{worker.output()}")
        time.sleep(0.1)


def finished(store: BatchStore, batch_id: str) -> Callable[[], bool]:
    """A check for `wait_for`: every item of the batch has its result."""

    def check() -> bool:
        progress: BatchProgress | None = store.progress(batch_id, utcnow())
        return progress is not None and progress.finished

    return check


@pytest.fixture(scope="module")
def worker(setup: QueueSetup, store: BatchStore) -> Iterator[Worker]:
    """`screening worker --concurrency 2` with the test hooks, for the whole module."""
    log = setup.folder / "worker.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.queue.hooked_worker",
                "worker",
                "--concurrency",
                "2",
                "--loglevel",
                "info",
            ],
            cwd=ROOT,
            env=setup.env(),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Worker(process, log)
    try:
        wait_for(lambda: " ready." in running.output(), WORKER_START_SECONDS, "ready", running)
        wait_for(lambda: len(running.children()) == 2, WORKER_START_SECONDS, "2 processes", running)
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # a warm shutdown: finish, then stop
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
