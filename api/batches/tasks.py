"""The Celery side: the app and its settings, the worker's tasks, and publishing items.

A message carries only an item id (never a post): the post waits in the database. Tasks are
acknowledged late and rejected back to the queue when their worker process dies, so a
worker killed mid-task means the task runs again; the item row (`api.batches.store`) makes
sure it still gets one result. Every worker process builds the pipeline once, when it
starts (or at its first task). The same worker judges the nightly audit's published items
(`api.batches.audit`), on the same pipeline.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any, NoReturn

from celery import Celery, Task
from celery.signals import worker_process_init, worker_process_shutdown

from api.batches.broker import (
    TASK_NAME,
    Publisher,
    make_celery,
    run_with_retries,
)
from api.batches.runner import (
    Outcome,
    fail_item,
    failure_reason,
    process_item,
    utcnow,
)
from api.batches.store import BatchStore
from api.services import Services, build_services
from consent_store.database import create_registry_engine, database_url
from kernel.settings import Settings

if TYPE_CHECKING:
    from api.batches.audit import AuditTasks
    from screening.audit.queue_store import DatabaseCache

log = logging.getLogger(__name__)

#: How often a worker process deletes expired batches (seconds).
PURGE_EVERY_SECONDS = 600.0


def requeue_unfinished(settings: Settings) -> int:
    """Publish every unfinished item of an unexpired batch again; how many.

    For a broker that lost its queue (a Redis restarted without persistence): an item
    published twice is still screened into one result (see `api.batches.store`).
    """
    engine = create_registry_engine(database_url(settings))
    try:
        items = BatchStore(engine).unfinished(utcnow())
        if items:
            Publisher(settings).publish(items)
        return len(items)
    finally:
        engine.dispose()


class WorkerState:
    """What one worker process builds once: the services (pipeline, registry) and the store,
    and for the nightly audit's items the cache their faces and photo text are kept in."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._services: Services | None = None
        self._store: BatchStore | None = None
        self._cache: DatabaseCache | None = None
        self._audit: AuditTasks | None = None
        self._purged_at = 0.0

    def services(self) -> tuple[Services, BatchStore]:
        """The process's services and batch store, built at the first call."""
        with self._lock:
            if self._services is None or self._store is None:
                from api.batches.audit import audit_cache
                from screening.pipeline import build_pipeline

                # One pipeline for both tasks. The audit's cache holds nothing outside an
                # audit item (`DatabaseCache.scope`): a batch's drafts are never kept.
                cache = audit_cache(self.settings)
                try:
                    pipeline = build_pipeline(
                        self.settings, face_cache=cache, text_cache=cache, doc_cache=cache
                    )
                    services = build_services(self.settings, pipeline=pipeline)
                except BaseException:
                    if cache is not None:
                        cache.close()
                    raise
                if services.engine is None:  # build_services always makes one
                    raise RuntimeError("services without a database engine")
                self._services, self._store = services, BatchStore(services.engine)
                self._cache = cache
            return self._services, self._store

    def audit(self) -> AuditTasks:
        """The process's state for audit items, made at the first call."""
        services, _ = self.services()
        with self._lock:
            if self._audit is None:
                from api.batches.audit import AuditTasks

                self._audit = AuditTasks(services, self._cache)
            return self._audit

    def warm(self) -> None:
        """Build now (a new worker process), so the first task does not wait for it."""
        try:
            self.services()
        except Exception as exc:  # the first task retries, and says so
            log.error("worker process could not build its pipeline: %s", type(exc).__name__)

    def purge_now_and_then(self, store: BatchStore) -> None:
        """Delete expired batches, at most every PURGE_EVERY_SECONDS per process."""
        if time.monotonic() - self._purged_at < PURGE_EVERY_SECONDS:
            return
        self._purged_at = time.monotonic()
        try:
            purged = store.purge_expired(utcnow())
        except Exception as exc:
            log.warning("purging expired batches failed: %s", type(exc).__name__)
            return
        if purged:
            log.info("purged %d expired batch(es)", purged)

    def close(self) -> None:
        """Release the database connections."""
        with self._lock:
            if self._audit is not None:
                self._audit.close()
            if self._cache is not None:
                self._cache.close()
            if self._services is not None:
                self._services.close()
            self._services = self._store = None
            self._audit = self._cache = None


def run_task(task: Task[Any, Any], state: WorkerState, item: str) -> Outcome:
    """The task's body: screen `item`; retry on transient errors; a hold when that ends."""
    ttl = state.settings.batch_result_ttl

    def process(prepared: tuple[Services, BatchStore]) -> Outcome:
        services, store = prepared
        return process_item(services, store, item, ttl)

    def fail(prepared: tuple[Services, BatchStore], exc: BaseException, attempts: int) -> Outcome:
        services, store = prepared
        return fail_item(services, store, item, failure_reason(exc, attempts), ttl)

    outcome = run_with_retries(
        task,
        state.settings,
        "batch item",
        item,
        state.services,
        process,
        fail,
    )
    state.purge_now_and_then(state.services()[1])
    return outcome


def worker_app(settings: Settings, state: WorkerState) -> Celery:
    """The Celery app with the screening and the audit task, for a worker."""
    app = make_celery(settings)

    from api.batches.audit import AUDIT_TASK_NAME, run_audit_task

    @app.task(bind=True, name=TASK_NAME, max_retries=None)
    def screen_batch_item(self: Task[Any, Any], item: str) -> str:
        return run_task(self, state, item)

    @app.task(bind=True, name=AUDIT_TASK_NAME, max_retries=None)
    def audit_published_item(self: Task[Any, Any], item: str) -> str:
        return run_audit_task(self, state, item)

    return app


def run_worker(settings: Settings, *, concurrency: int, loglevel: str) -> NoReturn:
    """Run a Celery worker (prefork, `concurrency` processes) until it is stopped."""
    state = WorkerState(settings)
    app = worker_app(settings, state)

    def _process_started(**_: Any) -> None:
        state.warm()

    def _process_stopping(**_: Any) -> None:
        state.close()

    worker_process_init.connect(_process_started, weak=False)
    worker_process_shutdown.connect(_process_stopping, weak=False)
    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            f"--loglevel={loglevel}",
            f"--queues={settings.broker_queue}",
            f"--hostname=screening-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
    )
