"""Screening one batch item, wherever it runs: a Celery worker or a thread of the service.

`process_item` claims the item, makes its idempotency key, reuses the decision of an equal
finished item or screens the post with the service's own `screen_post`, and writes the
result once. A transient error (the database or the broker unreachable) is raised for the
caller to retry with backoff; when retrying ends, or on any other error, `fail_item` writes
a hold with a `screening.error` finding that says why. Never a publish on an error.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy.exc import InterfaceError, OperationalError

from api.batches.keys import idempotency_key
from api.batches.store import BatchStore
from api.screening_service import check_policy, screen_post
from api.services import Services
from kernel.errors import RegistryUnavailableError
from kernel.types import Evidence, Finding
from screening.decision_json import decision_to_dict
from screening.policy.engine import decide

log = logging.getLogger(__name__)

#: The detector named in the hold of an item that kept failing.
QUEUE_DETECTOR = "batch_queue"
QUEUE_DETECTOR_VERSION = "1.0"
#: Longest wait between two retries (seconds).
MAX_RETRY_SECONDS = 300.0
#: Starts beyond the retries after which an item is held instead of screened again: a post
#: whose screening kills the process doing it (a crash on a hostile photo) must not take
#: one worker process after another for ever.
EXTRA_STARTS = 2

Outcome = Literal["done", "failed", "skipped"]
_TRANSIENT = (
    RegistryUnavailableError,
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
)


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def is_transient(exc: BaseException) -> bool:
    """Whether `exc` may go away by itself: a database or network that does not answer."""
    return isinstance(exc, _TRANSIENT)


def retry_delay(retries: int, first_seconds: float) -> float:
    """Seconds to wait before retry number `retries + 1`: doubling, at most 5 minutes."""
    return min(MAX_RETRY_SECONDS, first_seconds * 2.0 ** min(retries, 30))


def failure_reason(exc: BaseException, attempts: int) -> str:
    """Why an item ended as a hold (only the error's type: its message may quote the post)."""
    return f"the queued screening failed after {attempts} attempt(s): {type(exc).__name__}"


def registry_revision(services: Services) -> tuple[int, ...]:
    """A value that changes whenever the registry's answer about a post may change."""
    return (*services.registry.names_revision(), *services.registry.gallery_revision())


def process_item(services: Services, store: BatchStore, item: str, ttl: timedelta) -> Outcome:
    """Screen one item and write its result once; "skipped" when it needs nothing.

    Raises what screening or the database raised; the caller retries or calls `fail_item`.
    """
    work = store.claim(item, utcnow())
    if work is None:  # finished already (a second delivery), or its batch expired
        return "skipped"
    limit = services.settings.batch_max_retries + EXTRA_STARTS
    if work.attempts > limit:
        log.warning("batch item %s: started %d times; held", item, work.attempts)
        reason = (
            f"the queued screening was started {work.attempts - 1} times without finishing "
            "(the process screening it stopped each time)"
        )
        return fail_item(services, store, item, reason, ttl)
    check_policy(services, work.policy)  # an installed pack, never a path to a file
    pipeline = services.pipeline
    key = idempotency_key(
        work.content_sha256,
        pipeline.packs.get(work.policy),
        registry_revision(services),
        pipeline.detector_versions,
        services.settings,
    )
    earlier = store.reusable(key, work, utcnow())
    if earlier is not None:
        payload = {**earlier, "post_id": work.post.id}
    else:
        payload = decision_to_dict(screen_post(services, work.post, work.policy))
    return "done" if store.finish(work, "done", payload, key, utcnow(), ttl) else "skipped"


def fail_item(
    services: Services, store: BatchStore, item: str, reason: str, ttl: timedelta
) -> Outcome:
    """End an unfinished item as a hold whose `screening.error` finding says why."""
    work = store.peek(item, utcnow())
    if work is None:
        return "skipped"
    pipeline = services.pipeline
    # A pack this worker does not have: its default pack still cites articles.
    pack = pipeline.packs.packs.get(work.policy or "") or pipeline.packs.get(None)
    finding = Finding(
        kind="screening.error",
        detector=QUEUE_DETECTOR,
        detector_version=QUEUE_DETECTOR_VERSION,
        score=1.0,
        evidence=Evidence(explanation=reason),
    )
    decision = decide(
        [finding],
        pack,
        channel=work.post.channel,
        publish_on=work.post.publish_on,
        detector_versions={**pipeline.detector_versions, QUEUE_DETECTOR: QUEUE_DETECTOR_VERSION},
        options=pipeline.options,
        post_id=work.post.id,
    )
    payload = decision_to_dict(decision)
    return "failed" if store.finish(work, "failed", payload, None, utcnow(), ttl) else "skipped"


class InProcessRunner:
    """Screens batch items in one background thread of this process (no broker configured).

    The same steps as a Celery worker's task, retries and final hold included; items left
    unfinished when the process stopped are picked up again by `resume`.
    """

    def __init__(self, services: Services, store: BatchStore) -> None:
        self._services = services
        self._store = store
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def enqueue(self, items: Iterable[str]) -> None:
        """Screen these items, in order, after those already waiting."""
        for item in items:
            self._queue.put(item)
        with self._lock:
            if self._stop.is_set():
                return
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="batch-runner", daemon=True)
                self._thread.start()

    def resume(self) -> int:
        """Queue every unfinished item of an unexpired batch again; how many."""
        items = self._store.unfinished(utcnow())
        self.enqueue(items)
        return len(items)

    def close(self, timeout: float = 10.0) -> None:
        """Stop after the item in hand (the others stay queued in the database)."""
        self._stop.set()
        self._queue.put(None)
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            item = self._queue.get()
            if item is None:
                return
            try:
                self.run_item(item)
            except Exception as exc:  # keep the thread alive for the next item
                log.error("batch item %s: %s", item, type(exc).__name__)

    def run_item(self, item: str) -> Outcome | None:
        """Screen one item with retries and backoff; None when stopped before it finished."""
        settings = self._services.settings
        ttl = settings.batch_result_ttl
        retries = 0
        while not self._stop.is_set():
            try:
                return process_item(self._services, self._store, item, ttl)
            except Exception as exc:
                if is_transient(exc) and retries < settings.batch_max_retries:
                    delay = retry_delay(retries, settings.batch_retry_seconds)
                    log.warning(
                        "batch item %s: %s; retry in %.1fs", item, type(exc).__name__, delay
                    )
                    retries += 1
                    self._stop.wait(delay)
                    continue
                log.warning("batch item %s failed: %s", item, type(exc).__name__)
                reason = failure_reason(exc, retries + 1)
            try:
                return fail_item(self._services, self._store, item, reason, ttl)
            except Exception as exc:
                # Not even the hold could be written (the database is down): keep the item
                # queued in the database and try again later.
                log.warning("batch item %s: hold not written: %s", item, type(exc).__name__)
                self._stop.wait(MAX_RETRY_SECONDS)
        return None
