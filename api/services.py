"""Everything the service needs, built once at start-up: pipeline, registry, stores."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import Engine

from api.auth import KeyStore, SessionStore
from api.decision_log import DecisionLog, fast_commit_engine
from api.outputs import OutputStore
from api.override_store import OverrideStore
from api.readiness import RegistryProbe
from consent_store.database import create_registry_engine, database_url, unavailable_on_error
from consent_store.repository import Registry, open_registry
from kernel.settings import Settings
from screening.detectors.faces import FaceConsentDetector
from screening.pipeline import Pipeline, build_pipeline
from screening.pseudonymise import pseudonymise_text


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
    sessions: SessionStore = field(default_factory=SessionStore)
    #: Drafts with photos screened at the same time: one per CPU. More would only share the
    #: same cores, so every one of them would finish late instead of most of them early.
    photo_slots: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(os.cpu_count() or 1)
    )
    #: The engines behind keys and overrides, and behind the decision log (closed with the
    #: services).
    engine: Engine | None = None
    log_engine: Engine | None = None
    #: Whether the registry database answers, for /readyz (None: nothing to ask).
    probe: RegistryProbe | None = None

    @property
    def face_detector(self) -> FaceConsentDetector | None:
        """The pipeline's face detector (its models enrol faces too), if it has one."""
        for det in self.pipeline.image_detectors:
            if isinstance(det, FaceConsentDetector):
                return det
        return None

    def close(self) -> None:
        """Release database connections."""
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
        outputs=OutputStore(settings),
        overrides=OverrideStore(engine, scrub=partial(pseudonymise_text, built)),
        decisions=DecisionLog(log_engine),
        sessions=SessionStore(settings.session_minutes),
        engine=engine,
        log_engine=log_engine,
        probe=RegistryProbe(engine),
    )
