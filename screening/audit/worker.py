"""One audit worker: builds the pipeline once, then judges items one by one.

A worker process runs `init_worker` once (models loaded, the encrypted face cache opened)
and `audit_item` per item. Everything that goes wrong with an item ends in `review` with a
finding that says why; nothing an item does can stop the audit. A worker of the task queue
(`screening worker`) makes its `AuditWorker` with `queue_worker` instead: the same steps on
its own pipeline and the database's cache, keeping replacement photos for the audit that
gathers the results (`screening.audit.queue_store`) instead of writing them.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from consent_store.purposes import Purpose, purpose_for_channel
from kernel.errors import InputError
from kernel.settings import Settings
from kernel.types import Decision, Evidence, Finding, ImageInput, ImageRegion, Post
from screening.audit.addresses import AddressGuard
from screening.audit.consent_notes import ConsentNote, consent_note
from screening.audit.errors import AddressRefusedError, FetchError
from screening.audit.face_cache import CACHE_FILE_NAME, AnalysisCache, EncryptedFaceCache
from screening.audit.http import Fetcher, is_url
from screening.audit.items import AuditItem, ItemProblem
from screening.audit.progress import use_json_logs
from screening.audit.refs import item_ref, ref_key
from screening.audit.results import FindingRecord, ItemResult, MediaRecord, Verdict, most_serious
from screening.audit.thumbnails import (
    needs_replacement,
    replacement,
    replacement_name,
    thumbnail,
    write_replacement,
)
from screening.audit.verdicts import (
    article_records,
    finding_record,
    judge,
    needs_publication_view,
    publication_view,
    today_view,
)
from screening.messages import Lang
from screening.pipeline import Pipeline, build_pipeline
from screening.policy.engine import decide

if TYPE_CHECKING:
    from consent_store.repository import Registry

log = logging.getLogger(__name__)

AUDIT_DETECTOR = "audit"
AUDIT_DETECTOR_VERSION = "1.0"


@dataclass(frozen=True)
class WorkerConfig:
    """What every worker needs to build its pipeline (sent once, to the initializer)."""

    settings: Settings
    state_dir: Path
    template_key: bytes
    policy: str | None
    lang: Lang
    today: date
    #: Log warnings as JSON lines (stderr is not a terminal: cron, systemd).
    json_logs: bool = False
    #: Where replacement photos (faces blurred, metadata removed) are written; None: none.
    replacement_dir: Path | None = None


@dataclass
class AuditWorker:
    """One audit's worker: its configuration, pipeline and cache, and what it opened."""

    config: WorkerConfig
    pipeline: Pipeline
    cache: AnalysisCache
    fetcher: Fetcher | None = None
    registry: Registry | None = None
    #: Replacement photos by file name, kept here instead of written (a queue worker).
    replacements: dict[str, bytes] | None = None
    #: Whether an error escapes `audit_item` instead of becoming a `review` (a queue worker
    #: retries the item after a database or network error that may go away).
    reraise: Callable[[BaseException], bool] = field(default=lambda _: False)

    def ref(self, item: AuditItem) -> str:
        return item_ref(ref_key(self.config.template_key), item.id)

    def open_registry(self) -> Registry:
        if self.registry is None:
            from consent_store.repository import open_registry

            self.registry = open_registry(self.config.settings)
        return self.registry


_worker: AuditWorker | None = None


def _exit_with_parent(parent: int) -> None:
    """End this worker when the audit that started it is gone (killed, not shut down).

    A pool worker otherwise waits forever for work that will never come, or finishes a
    photo nobody will record.
    """
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def init_worker(config: WorkerConfig, watch_parent: bool = False) -> None:
    """Build this process's pipeline with the face cache (once per worker process)."""
    global _worker
    if watch_parent:
        threading.Thread(
            target=_exit_with_parent, args=(os.getppid(),), name="parent-watch", daemon=True
        ).start()
    if config.json_logs:
        use_json_logs()
    cache = EncryptedFaceCache(config.state_dir / CACHE_FILE_NAME, config.template_key)
    pipeline = build_pipeline(config.settings, face_cache=cache, text_cache=cache, doc_cache=cache)
    pipeline.packs.get(config.policy)
    _worker = AuditWorker(config, pipeline, cache)


def queue_worker(
    config: WorkerConfig,
    pipeline: Pipeline,
    cache: AnalysisCache,
    reraise: Callable[[BaseException], bool],
) -> AuditWorker:
    """A worker for items from the task queue, on a pipeline built with `cache` (both its
    face and its photo text cache); replacement photos are kept in `replacements`."""
    pipeline.packs.get(config.policy)
    return AuditWorker(config, pipeline, cache, replacements={}, reraise=reraise)


def close_audit_worker(worker: AuditWorker) -> None:
    """Release the worker's HTTP client and registry (not its pipeline or cache)."""
    if worker.fetcher is not None:
        worker.fetcher.close()
        worker.fetcher = None
    if worker.registry is not None:
        worker.registry.close()
        worker.registry = None


def close_worker() -> None:
    """Release this process's cache connection and HTTP client."""
    global _worker
    if _worker is not None:
        _worker.cache.close()
        if _worker.fetcher is not None:
            _worker.fetcher.close()
        if _worker.registry is not None:
            _worker.registry.close()
    _worker = None


def audit_item(item: AuditItem, worker: AuditWorker | None = None) -> ItemResult:
    """Judge one item (with this process's worker unless given one); never raises, but for
    what the worker's `reraise` lets through (a failure is a `review` result saying why)."""
    worker = worker or _worker
    if worker is None:
        raise RuntimeError("init_worker() has not run in this process")
    started = time.perf_counter()
    analysed, text_read = worker.cache.analysed, worker.cache.text_read
    worker.cache.take_used_keys()
    if worker.replacements is not None:
        worker.replacements.clear()
    try:
        result = _judge_item(worker, item)
    except Exception as exc:
        if worker.reraise(exc):
            raise
        # A bug must not stop the night's audit; its message may quote the post, so only
        # the type is kept.
        log.warning("audit item %s failed: %s", worker.ref(item), type(exc).__name__)
        result = failed_result(worker, item, f"audit failed: {type(exc).__name__}")
    return replace(
        result,
        # A photo is analysed anew when its faces or its text had to be read again.
        redetected=max(worker.cache.analysed - analysed, worker.cache.text_read - text_read),
        seconds=time.perf_counter() - started,
        cache_keys=tuple(worker.cache.take_used_keys()),
    )


def failed_result(worker: AuditWorker, item: AuditItem, explanation: str) -> ItemResult:
    """The `review` result of an item the audit could not judge, saying why."""
    finding = Finding(
        kind="screening.error",
        detector=AUDIT_DETECTOR,
        detector_version=AUDIT_DETECTOR_VERSION,
        score=1.0,
        evidence=Evidence(explanation=explanation),
    )
    return _problem_result(worker, item, [finding])


def _problem_finding(problem: ItemProblem, index: int | None = None) -> Finding:
    return Finding(
        kind=problem.kind,
        detector=AUDIT_DETECTOR,
        detector_version=AUDIT_DETECTOR_VERSION,
        score=1.0,
        evidence=Evidence(explanation=problem.message_en, validation=problem.message_nl),
        region=ImageRegion(index) if index is not None else None,
    )


def _unavailable_finding(err: FetchError, index: int) -> Finding:
    """A photo that could not be had: refused (its address) or unavailable (anything else)."""
    refused = isinstance(err, AddressRefusedError)
    kind = "audit.address_refused" if refused else "audit.media_unavailable"
    return _problem_finding(ItemProblem(kind, err.message_nl, err.message_en), index)


def _decide(worker: AuditWorker, item: AuditItem, findings: list[Finding]) -> Decision:
    """Findings the audit made itself, judged by the same policy pack (for the articles)."""
    return decide(
        findings,
        worker.pipeline.packs.get(worker.config.policy),
        channel=item.channel,
        publish_on=item.published_on or worker.config.today,
        detector_versions={AUDIT_DETECTOR: AUDIT_DETECTOR_VERSION},
        options=worker.pipeline.options,
        post_id=item.id,
    )


def _problem_result(worker: AuditWorker, item: AuditItem, findings: list[Finding]) -> ItemResult:
    decision = _decide(worker, item, findings)
    records = tuple(finding_record(r, Verdict.REVIEW) for r in decision.findings)
    return _result(worker, item, Verdict.REVIEW, records, (decision,), ())


def _result(
    worker: AuditWorker,
    item: AuditItem,
    verdict: Verdict,
    findings: tuple[FindingRecord, ...],
    decisions: tuple[Decision, ...],
    media: tuple[MediaRecord, ...],
) -> ItemResult:
    pack = worker.pipeline.packs.get(worker.config.policy)
    return ItemResult(
        item_id=item.id,
        verdict=verdict,
        channel=item.channel.value,
        published_on=item.published_on.isoformat() if item.published_on else None,
        post_url=item.post_url,
        media=media or tuple(MediaRecord(ref) for ref in item.media),
        findings=findings,
        articles=article_records(*decisions),
        policy=f"{pack.id}@{pack.version}",
        ref=worker.ref(item),
        future_date=item.published_on is not None and item.published_on > worker.config.today,
    )


def _fetcher(worker: AuditWorker) -> Fetcher:
    if worker.fetcher is None:
        settings = worker.config.settings
        worker.fetcher = Fetcher(settings.audit_http_timeout, AddressGuard.from_settings(settings))
    return worker.fetcher


def _load(worker: AuditWorker, item: AuditItem, ref: str) -> bytes:
    """The bytes of one photo; a photo a fetched document listed is never read from disk."""
    limit = worker.config.settings.max_image_bytes
    if item.from_network:
        return _fetcher(worker).fetch(ref, limit)
    if is_url(ref):
        return _fetcher(worker).fetch_named(ref, limit)
    try:
        # Without blocking: opening a named pipe would otherwise wait (all night) for a writer.
        fd = os.open(ref, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise FetchError(
            "unreadable_file",
            f"{Path(ref).name} cannot be read ({exc.strerror})",
            f"{Path(ref).name} kan niet worden gelezen ({exc.strerror})",
        ) from None
    except ValueError:  # a NUL byte in the path
        raise FetchError(
            "unreadable_file", "the path is not usable", "het pad is niet bruikbaar"
        ) from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # a pipe, a device, a folder
            raise FetchError(
                "not_a_file",
                f"{Path(ref).name} is not a file",
                f"{Path(ref).name} is geen bestand",
            )
        try:
            # One byte over the limit is enough for intake to refuse the photo as too large.
            return fh.read(limit + 1)
        except OSError as exc:
            raise FetchError(
                "unreadable_file",
                f"{Path(ref).name} cannot be read ({exc.strerror})",
                f"{Path(ref).name} kan niet worden gelezen ({exc.strerror})",
            ) from None


def _judge_item(worker: AuditWorker, item: AuditItem) -> ItemResult:
    if item.problems:
        return _problem_result(worker, item, [_problem_finding(p) for p in item.problems])
    assert item.published_on is not None  # an item without a date has a problem
    loaded: list[tuple[int, bytes]] = []
    failed: list[Finding] = []
    for index, ref in enumerate(item.media):
        try:
            loaded.append((index, _load(worker, item, ref)))
        except FetchError as err:
            failed.append(_unavailable_finding(err, index))
    image_map = tuple(index for index, _ in loaded)
    post = Post(
        text=item.caption,
        channel=item.channel,
        publish_on=item.published_on,
        images=tuple(ImageInput(f"{n}", data) for n, (_, data) in enumerate(loaded)),
        id=item.id,
        consent_view=today_view(worker.config.today),
    )
    decisions: list[Decision] = []
    records: list[FindingRecord] = []
    if post.images or post.text.strip():
        try:
            now = worker.pipeline.screen(post, worker.config.policy)
            then = None
            if needs_publication_view(now):
                then = worker.pipeline.screen(
                    replace(post, consent_view=publication_view(item.published_on)),
                    worker.config.policy,
                )
            decisions.append(now)
            for rated, verdict in zip(now.findings, judge(now, then), strict=True):
                note = _note(worker, item, rated.finding, verdict)
                records.append(finding_record(rated, verdict, image_map, note))
        except InputError as err:  # e.g. a caption over the length limit
            failed.append(
                _problem_finding(ItemProblem("audit.unscreenable", err.message_nl, err.message_en))
            )
    if item.published_on > worker.config.today:
        failed.append(_problem_finding(_future(item.published_on, worker.config.today)))
    if failed:
        problems = _decide(worker, item, failed)
        decisions.append(problems)
        records.extend(finding_record(r, Verdict.REVIEW) for r in problems.findings)
    verdict = most_serious([r.verdict for r in records if r.verdict is not None])
    media = tuple(
        _media(worker, item, verdict, decisions, loaded, image_map, index, ref)
        for index, ref in enumerate(item.media)
    )
    return _result(worker, item, verdict, tuple(records), tuple(decisions), media)


def _future(published: date, today: date) -> ItemProblem:
    return ItemProblem(
        "audit.future_date",
        f"de publicatiedatum {published:%d-%m-%Y} ligt na vandaag ({today:%d-%m-%Y}); "
        "klopt de datum in de bron?",
        f"the publication date {published.isoformat()} is after today ({today.isoformat()}); "
        "is the date in the source right?",
    )


def _note(
    worker: AuditWorker, item: AuditItem, finding: Finding, verdict: Verdict | None
) -> ConsentNote | None:
    """Who decided about the consent of the person a finding names, and when."""
    if finding.person_id is None or verdict not in (Verdict.TAKE_DOWN, Verdict.VIOLATION):
        return None
    assert item.published_on is not None
    channel_purpose = purpose_for_channel(item.channel)
    purposes: tuple[Purpose, ...] = (
        (channel_purpose,)
        if finding.kind.startswith("face.")
        else tuple(dict.fromkeys((Purpose.NAMED_IN_POST, channel_purpose)))
    )
    return consent_note(
        worker.open_registry(),
        finding.person_id,
        purposes,
        item.published_on,
        today_view(worker.config.today),
    )


def _sha256(loaded: list[tuple[int, bytes]], index: int) -> str | None:
    import hashlib

    for i, data in loaded:
        if i == index:
            return hashlib.sha256(data).hexdigest()
    return None


def _media(
    worker: AuditWorker,
    item: AuditItem,
    verdict: Verdict,
    decisions: list[Decision],
    loaded: list[tuple[int, bytes]],
    image_map: tuple[int, ...],
    index: int,
    ref: str,
) -> MediaRecord:
    """One photo's record; only items that need action get a picture and a replacement:
    the report is for acting on."""
    sha = _sha256(loaded, index)
    if verdict is Verdict.OK or not decisions or index not in image_map:
        return MediaRecord(ref, sha256=sha)
    screened_index = image_map.index(index)
    data = loaded[screened_index][1]
    uri, legend = thumbnail(data, decisions[0], screened_index)
    replaced = None
    folder = worker.config.replacement_dir
    if folder is not None and needs_replacement(decisions[0], screened_index):
        clean = replacement(data, decisions[0], screened_index)
        if clean is not None:
            name = replacement_name(worker.ref(item), index + 1)
            if worker.replacements is not None:
                worker.replacements[name] = clean
            else:
                write_replacement(folder, name, clean)
            replaced = f"{folder.name}/{name}"
    return MediaRecord(ref, sha256=sha, thumbnail=uri, replacement=replaced, legend=legend)
