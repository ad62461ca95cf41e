"""One audit run from start to finish: lock, items, workers, journal, reports, notifications.

The run checks that the registry is there (a missing one is an error, never made anew),
takes the state directory's lock (a second audit stops there), checks the source before any
photo is looked at, resumes the journal of an interrupted attempt of the same run, spreads
the remaining items over worker processes (one pipeline each, built once) or, with an
`Executor`, over the task queue's workers (`api.batches.audit`), compares the results with
the last complete audit and the officer's marks (`followup`), writes the reports, prunes the
face cache to what is still published, deletes the journal and only then notifies. An audit
that fails notifies too, saying why.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from kernel.errors import InputError
from kernel.settings import Settings
from screening.audit.addresses import AddressGuard
from screening.audit.errors import (
    AuditRunningError,
    AuditStateError,
    EmptySourceError,
    NotificationError,
)
from screening.audit.face_cache import CACHE_FILE_NAME, create_private_file, prune, purge
from screening.audit.followup import (
    Comparison,
    compare,
    current_marks,
    load_history,
    load_marks,
    save_history,
    save_marks,
)
from screening.audit.http import Fetcher
from screening.audit.items import AuditItem
from screening.audit.journal import JOURNAL_FILE_NAME, Journal
from screening.audit.loading import load_items
from screening.audit.lock import AuditLock
from screening.audit.notify import failure_summary, post_webhook, send_email
from screening.audit.progress import Progress
from screening.audit.queue_store import AuditQueueStore, existing_library_id
from screening.audit.report import (
    REPLACEMENT_DIR,
    RunInfo,
    Warning,
    summary,
    update_latest,
    write_reports,
)
from screening.audit.report_html import render_html
from screening.audit.results import ItemResult
from screening.audit.sources import SourceDefaults
from screening.audit.worker import WorkerConfig, audit_item, close_worker, init_worker
from screening.messages import Lang

_FINGERPRINT_SCHEMA = "audit-run/2"


@dataclass(frozen=True)
class AuditOptions:
    """What to audit, where the reports go, and how."""

    source: str
    out_dir: Path
    state_dir: Path | None = None
    #: Worker processes; None means one per CPU core.
    workers: int | None = None
    defaults: SourceDefaults = field(default_factory=SourceDefaults)
    policy: str | None = None
    lang: Lang = "nl"
    notify_emails: tuple[str, ...] = ()
    webhook: str | None = None
    #: Ignore the journal of an interrupted attempt and start over.
    restart: bool = False
    #: Workers log warnings as JSON lines (when stderr is not a terminal).
    json_logs: bool = False
    #: Write the reports into out_dir/<YYYY-MM-DD>/ and point out_dir/latest at them.
    dated: bool = False
    #: An empty source is fine (no warning): a channel that has no posts yet.
    allow_empty: bool = False


class Executor(Protocol):
    """Judges an audit's items elsewhere than in this machine's processes (the task queue)."""

    def check(self) -> None:
        """Raise a ScreeningError now if the items cannot be handed over."""

    def execute(
        self,
        todo: Sequence[AuditItem],
        config: WorkerConfig,
        fingerprint: str,
        durable: Callable[[], None],
        *,
        restart: bool = False,
    ) -> Iterator[ItemResult]:
        """The results of `todo` as they come, each item once; replacement photos written
        into `config.replacement_dir`. A run with the same fingerprint resumes. `durable()`
        makes the results yielded so far durable in the journal (one fsync for many)."""
        ...

    def prune(self, state_dir: Path, keep: set[str]) -> int:
        """Delete cache entries not in `keep` (photos no longer published); how many."""
        ...

    def close(self) -> None:
        """Release what it holds."""


@dataclass(frozen=True)
class AuditOutcome:
    """What a finished run produced."""

    run: RunInfo
    results: tuple[ItemResult, ...]
    reports: tuple[Path, ...]
    summary: dict[str, Any]
    notification_errors: tuple[NotificationError, ...]
    #: Face-cache entries deleted because their photos are no longer published.
    pruned: int
    #: Face templates the registry deleted because biometric consent has lapsed.
    templates_purged: int
    #: Tonight against the last complete audit and the officer's marks.
    comparison: Comparison = field(default_factory=lambda: Comparison(None))

    @property
    def action_needed(self) -> bool:
        """Whether anything needs to be taken down or looked at (and is not marked handled)."""
        return any(self.comparison.is_open(r) for r in self.results)

    @property
    def warnings(self) -> tuple[Warning, ...]:
        """What the officer must know about the run itself (e.g. an empty source)."""
        return self.run.warnings


def state_dir_for(settings: Settings, override: Path | None = None) -> Path:
    """The audit's state directory: the option, the setting, or <data_dir>/audit."""
    return (override or settings.audit_state_dir or settings.data_dir / "audit").expanduser()


def _prepare_state_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise AuditStateError(
            f"the audit's state directory {path} cannot be created: {exc.strerror}",
            f"de statusmap van de controle {path} kan niet worden gemaakt: {exc.strerror}",
        ) from None
    if not path.is_dir():
        raise AuditStateError(f"{path} is not a folder", f"{path} is geen map")
    return path


def _prepare_out_dir(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise InputError(f"{path} is not a folder", f"{path} is geen map")
    try:
        # Group-readable (the officer's group), never world-readable: reports show faces.
        if not path.exists():
            path.mkdir(parents=True, mode=0o750)
            path.chmod(0o750)  # whatever the umask
    except OSError as exc:
        raise InputError(
            f"the report folder {path} cannot be created: {exc.strerror}",
            f"de rapportmap {path} kan niet worden gemaakt: {exc.strerror}",
        ) from None
    return path


def purge_state(settings: Settings, state_dir: Path | None = None) -> bool:
    """Delete the face cache and any resume journal (waits for no one: refuses while an
    audit runs); whether there was anything to delete."""
    path = _prepare_state_dir(state_dir_for(settings, state_dir))
    with AuditLock(path):
        found = purge(path / CACHE_FILE_NAME)
        journal = path / JOURNAL_FILE_NAME
        if journal.exists():
            journal.unlink()
            found = True
        library = existing_library_id(path)
        if library is not None:  # it ran on the queue: its cache is in the database
            from consent_store.database import create_registry_engine, database_url

            engine = create_registry_engine(database_url(settings))
            try:
                found = AuditQueueStore(engine).purge_library(library) or found
            finally:
                engine.dispose()
    return found


def _template_key(settings: Settings) -> bytes:
    from consent_store.repository import template_key

    key = template_key(settings)
    if key is None:
        raise AuditStateError(
            "the audit needs the face-template key to encrypt its face cache: set "
            "SCREENING_TEMPLATE_KEY (the same key the registry uses)",
            "de controle heeft de sleutel voor gezichtstemplates nodig om haar cache te "
            "versleutelen: zet SCREENING_TEMPLATE_KEY (dezelfde sleutel als het register)",
        )
    return key


def require_registry(settings: Settings) -> str:
    """The registry's location (password hidden); RegistryMissingError if it is not there.

    Unlike a first `screening check`, the audit never starts from a new, empty registry:
    run from cron without the service's settings it would find every face unknown and
    every name unregistered, and say so as if that were the news.
    """
    from consent_store.database import database_url, safe_url
    from consent_store.location import missing_registry_error, sqlite_path

    url = database_url(settings)
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise missing_registry_error(str(path))
    return safe_url(url)


def _registry_revision(settings: Settings, today: date) -> tuple[tuple[int, int, int], int]:
    """The registry's revision, after deleting templates whose biometric consent lapsed."""
    from consent_store.repository import open_registry

    with open_registry(settings) as registry:
        purged = registry.purge_expired_templates(today)
        return registry.gallery_revision(), purged


def _fingerprint(
    options: AuditOptions,
    items: Sequence[AuditItem],
    policy: str,
    revision: tuple[int, int, int],
    today: date,
    settings: Settings,
) -> str:
    knobs = settings.model_dump(
        mode="json", exclude={"template_key", "smtp_password", "smtp_user", "smtp_host"}
    )
    payload = [
        _FINGERPRINT_SCHEMA,
        options.source,
        str(options.out_dir),
        options.dated,
        policy,
        options.lang,
        today.isoformat(),
        list(revision),
        knobs,
        [list(map(str, i.fingerprint())) for i in items],
    ]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _execute(todo: Sequence[AuditItem], config: WorkerConfig, workers: int) -> Iterator[ItemResult]:
    """Results as items finish: in this process for one worker, else in a process pool."""
    if not todo:
        return
    if workers <= 1:
        init_worker(config)
        try:
            for item in todo:
                yield audit_item(item)
        finally:
            close_worker()
        return
    # spawn, not fork: a worker must not inherit the audit lock's file or the parent's
    # database connections, and fork after threads (SQLAlchemy, rich) is unsafe.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(todo)),
        mp_context=context,
        initializer=init_worker,
        initargs=(config, True),
    ) as pool:
        pending: set[Future[ItemResult]] = set()
        queue = iter(todo)
        window = workers * 2  # enough to keep every worker busy, few results held at once
        try:
            while True:
                for item in queue:
                    pending.add(pool.submit(audit_item, item))
                    if len(pending) >= window:
                        break
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def run_audit(
    options: AuditOptions,
    settings: Settings,
    progress: Progress,
    executor: Executor | None = None,
) -> AuditOutcome:
    """Audit every item of `options.source`; reports in `options.out_dir`. With an
    `executor` (the task queue) the items are judged there, into the same reports.

    When the audit itself fails (anything but another audit holding the lock), the
    notification addresses hear so before the error is raised.
    """
    try:
        return _run_audit(options, settings, progress, executor)
    except AuditRunningError:
        raise
    except Exception as err:
        _notify_failure(settings, options, err, progress)
        raise


def _out_dir(options: AuditOptions, today: date) -> Path:
    base = options.out_dir.expanduser()
    return base / today.isoformat() if options.dated else base


def _warnings(options: AuditOptions, items: Sequence[AuditItem]) -> tuple[Warning, ...]:
    if items or options.allow_empty:
        return ()
    err = EmptySourceError(
        f"the source {options.source} holds no items: nothing was audited. Is the share "
        "mounted, is the address right, did the site answer? (--allow-empty accepts an "
        "empty source)",
        f"de bron {options.source} bevat geen berichten: er is niets gecontroleerd. Is de "
        "netwerkmap gekoppeld, klopt het adres, antwoordde de website? (--allow-empty "
        "accepteert een lege bron)",
    )
    return (Warning("empty_source", err.code, err.message_nl, err.message_en),)


def _run_audit(
    options: AuditOptions, settings: Settings, progress: Progress, executor: Executor | None
) -> AuditOutcome:
    from screening.policy.pack import load_packs

    started = datetime.now(UTC)
    today = date.today()
    registry_location = require_registry(settings)  # before anything is created anywhere
    if executor is not None:
        executor.check()  # the broker down: nothing is read, nothing is written
    guard = AddressGuard.from_settings(settings)  # an unusable allow-list stops the run first
    state_dir = _prepare_state_dir(state_dir_for(settings, options.state_dir))
    with AuditLock(state_dir):
        out_dir = _prepare_out_dir(_out_dir(options, today))
        key = _template_key(settings)
        # A cache file others can read is a configuration error now, not a failure per item.
        create_private_file(state_dir / CACHE_FILE_NAME)
        pack = load_packs(settings.policy_dirs, settings.default_policy).get(options.policy)
        policy = f"{pack.id}@{pack.version}"
        revision, templates_purged = _registry_revision(settings, today)
        with Fetcher(settings.audit_http_timeout, guard) as fetcher:
            items = load_items(
                options.source, options.defaults, fetcher, settings.audit_max_feed_bytes
            )
        fingerprint = _fingerprint(options, items, policy, revision, today, settings)
        journal = Journal.open(state_dir, fingerprint, restart=options.restart)
        done = {k: v for k, v in journal.resumed.items() if k in {i.id for i in items}}
        todo = [i for i in items if i.id not in done]
        # On the queue the workers are wherever they run: 0 in the report.
        workers = 0 if executor else max(1, options.workers or os.cpu_count() or 1)
        config = WorkerConfig(
            settings,
            state_dir,
            key,
            options.policy,
            options.lang,
            today,
            options.json_logs,
            out_dir / REPLACEMENT_DIR,
        )
        run_id = f"{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
        progress.event(
            "audit.items", run_id=run_id, items=len(items), resumed=len(done), workers=workers
        )
        progress.start(len(items), len(done))
        fresh: dict[str, ItemResult] = {}
        judged = (
            executor.execute(todo, config, fingerprint, journal.sync, restart=options.restart)
            if executor
            else _execute(todo, config, workers)
        )
        try:
            for result in judged:
                # The queue keeps a result until the executor has had the journal synced.
                journal.append(result, durable=executor is None)
                fresh[result.item_id] = result
                progress.advance(result)
        finally:
            journal.close()
            progress.close()
        results = tuple(fresh.get(i.id) or done[i.id] for i in items)
        previous, seen = load_history(state_dir)
        marks = load_marks(state_dir)
        comparison = compare(results, previous, seen, marks)
        run = RunInfo(
            run_id=run_id,
            source=options.source,
            started_at=started.isoformat(timespec="seconds"),
            finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
            today=today.isoformat(),
            policy=policy,
            workers=workers,
            resumed=len(done),
            screened=len(fresh),
            redetected=sum(r.redetected for r in fresh.values()),
            registry=registry_location,
            warnings=_warnings(options, items),
        )
        try:
            html = render_html(run, results, options.lang, comparison)
            reports = write_reports(out_dir, run, results, html, comparison)
            if options.dated:
                update_latest(options.out_dir.expanduser(), out_dir)
        except OSError as exc:
            raise InputError(
                f"the reports cannot be written to {out_dir}: {exc.strerror}; the journal is "
                "kept, so the next run resumes",
                f"de rapporten kunnen niet in {out_dir} worden geschreven: {exc.strerror}; het "
                "logboek blijft bewaard, dus de volgende keer wordt hervat",
            ) from None
        # An empty source (a feed that answered with nothing tonight) keeps the cache, the
        # comparison base and the marks as they are.
        pruned = 0
        if results:
            keep = {k for r in results for k in r.cache_keys}
            pruned = prune(state_dir / CACHE_FILE_NAME, keep)
            if executor is not None:
                pruned += executor.prune(state_dir, keep)
            save_history(state_dir, run.today, results)
            save_marks(state_dir, current_marks(results, marks))
        journal.finish()
    outcome_summary = summary(run, results, out_dir, comparison)
    errors = _notify(settings, options, outcome_summary)
    progress.event(
        "audit.finish",
        run_id=run_id,
        counts=outcome_summary["counts"],
        new=len(comparison.new),
        handled=len(comparison.handled),
        warnings=[w.code for w in run.warnings],
        redetected=run.redetected,
        pruned=pruned,
        report=str(reports[0]),
        notification_errors=[e.code for e in errors],
    )
    return AuditOutcome(
        run,
        results,
        tuple(reports),
        outcome_summary,
        tuple(errors),
        pruned,
        templates_purged,
        comparison,
    )


def _notify_failure(
    settings: Settings, options: AuditOptions, err: BaseException, progress: Progress
) -> None:
    """Tell the notification addresses that the audit failed, and why (codes, no data)."""
    if not (options.notify_emails or options.webhook):
        return
    data = failure_summary(err, options.source, date.today())
    errors = _notify(settings, options, data)
    progress.event(
        "audit.failed",
        error=data["error"]["code"],
        notification_errors=[e.code for e in errors],
    )


def _notify(
    settings: Settings, options: AuditOptions, data: dict[str, Any]
) -> list[NotificationError]:
    errors: list[NotificationError] = []
    if options.notify_emails:
        try:
            send_email(settings, options.notify_emails, data)
        except NotificationError as err:
            errors.append(err)
    if options.webhook:
        try:
            post_webhook(settings, options.webhook, data)
        except NotificationError as err:
            errors.append(err)
    return errors
