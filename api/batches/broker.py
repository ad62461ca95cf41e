"""The broker side of the task queue: the Celery app and its settings, publishing items,
the queue's errors and the retry backoff. Shared by the batch tasks (`api.batches.tasks`),
the audit's tasks (`api.batches.audit`), submission and monitoring."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from celery import Celery, Task

from api.batches.runner import MAX_RETRY_SECONDS, Outcome, is_transient, retry_delay
from consent_store.database import safe_url
from kernel.errors import QueueNotConfiguredError, QueueUnavailableError
from kernel.settings import Settings

log = logging.getLogger(__name__)

TASK_NAME = "screening.batch_item"
#: Seconds to wait for the broker when connecting (a submission answers 503 after that).
CONNECT_SECONDS = 3


class RetryLaterError(Exception):
    """Why a task is retried: only the type of the error (its message may quote a post)."""


def not_configured() -> QueueNotConfiguredError:
    """The error for a command that needs a broker when none is configured."""
    return QueueNotConfiguredError(
        "no task queue is configured (SCREENING_BROKER_URL, e.g. redis://127.0.0.1:6379/0); "
        "without one, screening runs in this process and no worker is needed",
        "er is geen wachtrij ingesteld (SCREENING_BROKER_URL, bijv. redis://127.0.0.1:6379/0); "
        "zonder wachtrij wordt in dit proces gecontroleerd en is geen worker nodig",
    )


def broker_unreachable(settings: Settings) -> QueueUnavailableError:
    """The error for a broker that does not answer; nothing was submitted."""
    where = safe_url(settings.broker_url or "")
    return QueueUnavailableError(
        f"the task queue ({where}) cannot be reached; nothing was submitted, try again later",
        f"de wachtrij ({where}) is niet bereikbaar; er is niets ingediend, probeer het later "
        "opnieuw",
    )


def make_celery(settings: Settings) -> Celery:
    """A Celery app for the configured broker (the worker's task is added by `run_worker`)."""
    if not settings.broker_url:
        raise not_configured()
    app = Celery("screening", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        # Acknowledged when done, back in the queue when the worker process dies: a killed
        # worker loses nothing. One message at a time per process, so none waits behind a
        # slow one in a process that is busy.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Results and state live in the database (api.batches.store), not in Celery.
        task_ignore_result=True,
        task_default_queue=settings.broker_queue,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_timeout=CONNECT_SECONDS,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.broker_visibility_timeout,
            "socket_connect_timeout": CONNECT_SECONDS,
            "socket_timeout": 10,
        },
        # Building the pipeline takes seconds; Celery's default gives a new process 4.
        worker_proc_alive_timeout=300.0,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    return app


class Publisher:
    """Puts batch items on the queue (the service and `screening check --queue`)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._app = make_celery(settings)

    def check(self) -> None:
        """QueueUnavailableError unless the broker answers within CONNECT_SECONDS."""
        try:
            with self._app.connection_for_write() as conn:
                conn.ensure_connection(
                    max_retries=1, interval_start=0, interval_step=1, timeout=CONNECT_SECONDS
                )
        except Exception as exc:
            log.warning("task queue unreachable: %s", type(exc).__name__)
            raise broker_unreachable(self._settings) from None

    def publish(self, items: Sequence[str], task: str = TASK_NAME) -> None:
        """One message per item for `task`; QueueUnavailableError when the broker does not
        answer."""
        try:
            with self._app.producer_or_acquire() as producer:
                for item in items:
                    self._app.send_task(
                        task,
                        args=(item,),
                        task_id=item,
                        producer=producer,
                        queue=self._settings.broker_queue,
                        retry=False,
                    )
        except Exception as exc:
            log.warning("task queue unreachable: %s", type(exc).__name__)
            raise broker_unreachable(self._settings) from None


def retry_countdown(retries: int, first_seconds: float) -> float:
    """Seconds before retry number `retries + 1`: the backoff, with a little jitter."""
    # A little jitter, so items that failed together do not all come back together.
    return retry_delay(retries, first_seconds) * random.uniform(0.8, 1.2)


#: What a task body needs before it can judge an item (the process's pipeline and store).
Prepared = TypeVar("Prepared")


def run_with_retries(
    task: Task[Any, Any],
    settings: Settings,
    what: str,
    item: str,
    prepare: Callable[[], Prepared],
    process: Callable[[Prepared], Outcome],
    fail: Callable[[Prepared, BaseException, int], Outcome],
) -> Outcome:
    """A queued item's task body (batch and audit alike): `process` it; retry a transient
    error with backoff; after the last retry, or at once for any other error, `fail` it (a
    hold or review that says why). When not even `prepare` (no pipeline) or `fail` (the
    database) works, the item stays queued and the task comes back later. `what` names the
    item in the log ("batch item", "audit item")."""
    retries = int(task.request.retries or 0)
    try:
        prepared = prepare()
    except Exception as exc:
        # Without a pipeline not even a hold can be made: the item waits in the queue.
        log.error("%s %s: no pipeline (%s); retrying", what, item, type(exc).__name__)
        raise task.retry(
            countdown=retry_countdown(retries, settings.batch_retry_seconds),
            exc=RetryLaterError(type(exc).__name__),
        ) from None
    try:
        return process(prepared)
    except Exception as exc:
        if is_transient(exc) and retries < settings.batch_max_retries:
            log.warning("%s %s: %s; retrying", what, item, type(exc).__name__)
            raise task.retry(
                countdown=retry_countdown(retries, settings.batch_retry_seconds),
                exc=RetryLaterError(type(exc).__name__),
            ) from None
        log.warning("%s %s failed: %s", what, item, type(exc).__name__)
        try:
            return fail(prepared, exc, retries + 1)
        except Exception as second:
            # Not even the failure could be written: keep the item queued and come back.
            log.warning("%s %s: failure not written: %s", what, item, type(second).__name__)
            raise task.retry(
                countdown=MAX_RETRY_SECONDS, exc=RetryLaterError(type(second).__name__)
            ) from None
