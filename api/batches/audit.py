"""The nightly audit on the task queue: one task per published item, gathered into the
audit's own reports.

`screening audit --queue` stores the night's items in the registry database
(`screening.audit.queue_store`), publishes one message per item (its row's id, nothing
else) and gathers the results as the workers finish them (`QueuedAudit`); the runner
journals them and writes the same reports as in process. A worker (`screening worker`)
judges an item with the audit's own `audit_item`, on the pipeline it built once, with the
face and photo-text cache in the database, so a night in which only consents changed
detects and reads nothing again. The discipline is the batches' (`api.batches.tasks`):
acknowledged late, back in the queue when a process dies, each item's result written once,
transient errors retried with backoff, and an item that keeps failing a `review` that says
why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from celery import Task

from api.batches.broker import Publisher, run_with_retries
from api.batches.runner import (
    EXTRA_STARTS,
    Outcome,
    is_transient,
    utcnow,
)
from api.services import Services
from consent_store.database import create_registry_engine, database_url
from kernel.errors import QueueUnavailableError
from kernel.settings import Settings
from screening.audit.items import AuditItem
from screening.audit.queue_store import (
    AuditQueueStore,
    AuditWork,
    DatabaseCache,
    item_row_id,
    library_id,
    run_id,
)
from screening.audit.report import REPLACEMENT_DIR
from screening.audit.results import ItemResult
from screening.audit.thumbnails import write_replacement
from screening.audit.worker import (
    AuditWorker,
    WorkerConfig,
    audit_item,
    close_audit_worker,
    failed_result,
    queue_worker,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

AUDIT_TASK_NAME = "screening.audit_item"
#: How often the database is asked for finished items, and after how long without one the
#: audit says what it is waiting for.
POLL_SECONDS = 0.2
QUIET_SECONDS = 15.0
#: Finished items gathered at once (one query, one fsync of the journal, one delete).
GATHER_LIMIT = 500

#: Says something to whoever runs the audit: (Dutch, English).
Notice = Callable[[str, str], None]


def audit_cache(settings: Settings) -> DatabaseCache | None:
    """The database cache for audit items; None without a face-template key (no audit
    item can then be judged here, and says so)."""
    from consent_store.repository import template_key

    key = template_key(settings)
    if key is None:
        return None
    return DatabaseCache(create_registry_engine(database_url(settings)), key)


def failure_reason(exc: BaseException, attempts: int) -> str:
    """Why an item ended as a `review` (only the error's type: its message may quote data)."""
    return f"the queued audit failed after {attempts} attempt(s): {type(exc).__name__}"


class AuditTasks:
    """What one worker process keeps for audit items: the store, the cache and the
    `AuditWorker` of the run in hand (a new one when an item of another run comes)."""

    def __init__(self, services: Services, cache: DatabaseCache | None) -> None:
        from screening.audit.errors import AuditStateError

        if cache is None or services.engine is None:
            raise AuditStateError(
                "this worker has no face-template key (SCREENING_TEMPLATE_KEY), so it cannot "
                "judge audit items",
                "deze worker heeft geen sleutel voor gezichtstemplates (SCREENING_TEMPLATE_KEY) "
                "en kan dus geen berichten van de controle beoordelen",
            )
        self.services = services
        self.store = AuditQueueStore(services.engine)
        self.cache = cache
        self._worker: AuditWorker | None = None
        self._run: tuple[str | None, str, str] | None = None

    def worker_for(self, work: AuditWork) -> AuditWorker:
        """The audit worker for the item's run (its policy, language and day)."""
        wanted = (work.policy, work.lang, work.today.isoformat())
        if self._worker is None or self._run != wanted:
            if self._worker is not None:
                close_audit_worker(self._worker)
            settings = self.services.settings
            config = WorkerConfig(
                settings,
                state_dir=Path(),  # the cache is the database's, never a file here
                template_key=self.cache.template_key,
                policy=work.policy,
                lang="en" if work.lang == "en" else "nl",
                today=work.today,
                replacement_dir=Path(REPLACEMENT_DIR),  # kept, then written by the audit
            )
            self._worker = queue_worker(config, self.services.pipeline, self.cache, is_transient)
            self._run = wanted
        return self._worker

    def close(self) -> None:
        """Release the audit worker's registry and HTTP client."""
        if self._worker is not None:
            close_audit_worker(self._worker)
        self._worker = None


def process_audit_item(tasks: AuditTasks, item: str) -> Outcome:
    """Judge one published item and write its result once; "skipped" when it needs nothing.

    Raises what the database raised (or a transient error while judging); the caller
    retries or calls `fail_audit_item`.
    """
    work = tasks.store.claim(item, utcnow())
    if work is None:  # finished already (a second delivery), gathered, or its run expired
        return "skipped"
    limit = tasks.services.settings.batch_max_retries + EXTRA_STARTS
    if work.attempts > limit:
        log.warning("audit item %s: started %d times; held", item, work.attempts)
        reason = (
            f"the queued audit was started {work.attempts - 1} times without finishing "
            "(the process judging it stopped each time)"
        )
        return fail_audit_item(tasks, item, reason)
    worker = tasks.worker_for(work)
    with tasks.cache.scope(work.library):
        result = audit_item(work.item, worker)
    replacements = dict(worker.replacements or {})
    finished = tasks.store.finish(work, "done", result.to_dict(), replacements, utcnow())
    return "done" if finished else "skipped"


def fail_audit_item(tasks: AuditTasks, item: str, reason: str) -> Outcome:
    """End an unfinished item as a `review` whose `screening.error` finding says why."""
    work = tasks.store.peek(item, utcnow())
    if work is None:
        return "skipped"
    result = failed_result(tasks.worker_for(work), work.item, reason)
    finished = tasks.store.finish(work, "failed", result.to_dict(), {}, utcnow())
    return "failed" if finished else "skipped"


def run_audit_task(task: Task[Any, Any], state: QueueWorker, item: str) -> Outcome:
    """The audit task's body: judge `item`; retry on transient errors; a review when that
    ends (the batch task's rules, `api.batches.broker.run_with_retries`)."""
    return run_with_retries(
        task,
        state.settings,
        "audit item",
        item,
        state.audit,
        lambda tasks: process_audit_item(tasks, item),
        lambda tasks, exc, attempts: fail_audit_item(tasks, item, failure_reason(exc, attempts)),
    )


class QueueWorker(Protocol):
    """What the audit task needs of its worker process (`api.batches.tasks.WorkerState`)."""

    settings: Settings

    def audit(self) -> AuditTasks: ...


class QueuedAudit:
    """Judges an audit's items on the task queue and gathers their results (the runner's
    `Executor` for `screening audit --queue`)."""

    def __init__(self, settings: Settings, notice: Notice | None = None) -> None:
        self._settings = settings
        self._publisher = Publisher(settings)  # no broker configured: an error now
        self._notice = notice or (lambda nl, en: log.warning("%s", en))
        self._engine: Engine | None = None

    def check(self) -> None:
        """QueueUnavailableError unless the broker answers; the registry's schema current."""
        from consent_store.repository import open_registry

        self._publisher.check()
        open_registry(self._settings).close()  # brings the schema up to date (the tables)

    def _store(self) -> AuditQueueStore:
        if self._engine is None:
            self._engine = create_registry_engine(database_url(self._settings))
        return AuditQueueStore(self._engine)

    def execute(
        self,
        todo: Sequence[AuditItem],
        config: WorkerConfig,
        fingerprint: str,
        durable: Callable[[], None],
        *,
        restart: bool = False,
    ) -> Iterator[ItemResult]:
        """Results of `todo` as the workers finish them (each item once); an item is
        deleted from the database only after `durable()` (the journal has it)."""
        store = self._store()
        library = library_id(config.state_dir)
        run = run_id(library, fingerprint)
        now = utcnow()
        store.purge_expired(now)
        if restart or not todo:
            store.delete_run(run)
        if not todo:
            return
        ids = store.create_run(
            run,
            library,
            config.policy,
            config.lang,
            config.today,
            todo,
            now,
            self._settings.batch_result_ttl,
        )
        self._publisher.publish(ids, task=AUDIT_TASK_NAME)
        wanted = {item_row_id(run, i.id) for i in todo}
        heard = time.monotonic()
        while wanted:
            gathered = store.finished(run, GATHER_LIMIT)
            for found in gathered:
                if found.id not in wanted:
                    continue  # gathered by an earlier attempt of this audit (journalled)
                for name, data in found.replacements.items():
                    if config.replacement_dir is not None:
                        write_replacement(config.replacement_dir, name, data)
                wanted.discard(found.id)
                yield ItemResult.from_dict(found.result)
            if gathered:
                durable()  # every result above is in the journal: only now forget them
                store.forget(found.id for found in gathered)
                heard = time.monotonic()
                if len(gathered) >= GATHER_LIMIT:
                    continue  # more are waiting
            elif time.monotonic() - heard > QUIET_SECONDS:
                self._quiet(store, run, len(wanted))
                heard = time.monotonic()
            if wanted:
                time.sleep(POLL_SECONDS)
        store.delete_run(run)

    def _quiet(self, store: AuditQueueStore, run: str, waiting: int) -> None:
        if store.open_items(run, utcnow()) is None:
            raise QueueUnavailableError(
                "the audit's items expired on the queue before every item was judged "
                "(SCREENING_BATCH_RESULT_TTL); run the audit again",
                "de berichten van de controle zijn in de wachtrij verlopen voordat alles "
                "beoordeeld was (SCREENING_BATCH_RESULT_TTL); start de controle opnieuw",
            )
        self._notice(
            f"wacht op de wachtrij: nog {waiting} bericht(en); draait er een worker "
            "('screening worker')?",
            f"waiting for the queue: {waiting} item(s) to go; is a worker running "
            "('screening worker')?",
        )

    def prune(self, state_dir: Path, keep: set[str]) -> int:
        """Delete the library's cache entries of photos no longer published; how many."""
        return self._store().prune_cache(library_id(state_dir), keep)

    def close(self) -> None:
        """Release the database connections."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
