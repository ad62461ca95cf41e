"""Everything the service needs, built once at start-up: pipeline, registry, stores.

Every process of `screening serve --workers N` builds its own; what they share (keys,
sessions, photo outputs, the decision log, overrides, batches) lives in the registry
database.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import Engine

from api.auth import KeyStore
from api.decision_log import DecisionLog, fast_commit_engine
from api.outputs import OutputStore
from api.override_store import OverrideStore
from api.process_group import photo_slot_count
from api.readiness import RegistryProbe
from api.sessions import SessionStore
from consent_store.database import create_registry_engine, database_url, unavailable_on_error
from consent_store.repository import Registry, open_registry
from kernel.settings import Settings
from screening.detectors.faces import FaceConsentDetector
from screening.pipeline import Pipeline, build_pipeline
from screening.pseudonymise import pseudonymise_text

log = logging.getLogger(__name__)

#: How often expired sessions and photo outputs are deleted (seconds).
HOUSEKEEPING_SECONDS = 60.0


@dataclass
class Services:
    """The built pipeline, the consent registry and the service's own stores."""

    settings: Settings
    pipeline: Pipeline
    registry: Registry
    keys: KeyStore
    outputs: OutputStore
    overrides: OverrideStore
    decisions: DecisionLog
    sessions: SessionStore
    #: Drafts with photos screened at the same time: one per CPU (shared out among the
    #: processes of `screening serve --workers N`). More would only share the same cores,
    #: so every one of them would finish late instead of most of them early.
    photo_slots: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(photo_slot_count(os.cpu_count() or 1))
    )
    #: The engines behind keys and overrides, and behind the decision log (closed with the
    #: services).
    engine: Engine | None = None
    log_engine: Engine | None = None
    #: Whether the registry database answers, for /readyz (None: nothing to ask).
    probe: RegistryProbe | None = None
    #: Set to stop the housekeeping thread (see `start_housekeeping`).
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def face_detector(self) -> FaceConsentDetector | None:
        """The pipeline's face detector (its models enrol faces too), if it has one."""
        for det in self.pipeline.image_detectors:
            if isinstance(det, FaceConsentDetector):
                return det
        return None

    def purge_expired(self) -> None:
        """Delete expired sessions and photo outputs (a failure is logged, not raised)."""
        for store in (self.sessions, self.outputs):
            try:
                store.purge_expired()
            except Exception as exc:  # the next round tries again
                what, why = type(store).__name__, type(exc).__name__
                log.warning("purging expired %s failed: %s", what, why)

    def start_housekeeping(self) -> None:
        """Delete expired sessions and photos now and every HOUSEKEEPING_SECONDS, until
        `close`: a photo goes when it expires, even if nobody screens or downloads again."""

        def run() -> None:
            while True:
                self.purge_expired()
                if self.stopping.wait(HOUSEKEEPING_SECONDS):
                    return

        threading.Thread(target=run, name="housekeeping", daemon=True).start()

    def close(self) -> None:
        """Stop the housekeeping and release database connections."""
        self.stopping.set()
        self.registry.close()
        for engine in (self.engine, self.log_engine):
            if engine is not None:
                engine.dispose()


def build_services(
    settings: Settings | None = None,
    *,
    faces: bool = True,
    pipeline: Pipeline | None = None,
) -> Services:
    """Open the registry (migrating it), build the pipeline and the stores.

    `faces=False` builds a text-only pipeline (photos then hold as not screened); tests pass
    an already built `pipeline` to share it between apps.
    """
    settings = settings or Settings()
    registry = open_registry(settings)  # creates and migrates the database first
    url = database_url(settings)
    engine = create_registry_engine(url)
    log_engine = fast_commit_engine(url)
    try:
        with unavailable_on_error(url):
            engine.connect().close()
        built = pipeline or build_pipeline(settings, faces=faces)
    except BaseException:
        engine.dispose()
        log_engine.dispose()
        registry.close()
        raise
    return Services(
        settings=settings,
        pipeline=built,
        registry=registry,
        keys=KeyStore(engine),
        outputs=OutputStore(settings, log_engine),
        overrides=OverrideStore(engine, scrub=partial(pseudonymise_text, built)),
        decisions=DecisionLog(log_engine),
        sessions=SessionStore(log_engine, settings.session_minutes),
        engine=engine,
        log_engine=log_engine,
        probe=RegistryProbe(engine),
    )
