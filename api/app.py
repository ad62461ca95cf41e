"""The FastAPI application: wires routers, the error handlers, CORS and the start-up.

Nothing is built at import. `create_app()` returns at once; its lifespan builds the
`Services` (pipeline with face models, registry) in a background thread, so `/healthz`
answers immediately and `/readyz` turns ready once the models are loaded (and stays so while
the registry database answers). Tests pass prebuilt `services` and never wait.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.formparsers import MultiPartParser

import api.web
from api.errors import install_error_handlers
from api.middleware import RequestMiddleware
from api.routes import (
    batches,
    health,
    overrides,
    people,
    policies,
    precheck,
    registry_imports,
    screenings,
)
from api.routes.batches import batch_service, close_batch_service
from api.services import Services, build_services
from kernel.errors import ScreeningError
from kernel.settings import Settings
from screening import __version__

log = logging.getLogger(__name__)

API_DESCRIPTION = """\
Screens draft posts of Dutch schools before publication: faces without consent, personal
data and insulting language. Every decision is **publish** or **hold**, citing the school
board's code of conduct. The decision JSON is the same as `screening check --json`.

Authenticate with an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`
(create one with `screening keys create`). Roles: officer, registry_admin, extension
(pre-check only), auditor. Errors are `{"error": {"code", "message", "nl", "en"}}`;
`?lang=en` or `Accept-Language: en` gives English messages (Dutch by default).
"""


def _build_in_background(app: FastAPI, settings: Settings) -> None:
    try:
        app.state.services = build_services(settings)
        log.info("service ready")
    except ScreeningError as err:
        app.state.startup_error = err
        log.error("service could not start: [%s] %s", err.code, err.message_en)
        return
    except Exception as exc:  # keep serving /healthz and a 503 /readyz that says why
        app.state.startup_error = ScreeningError(
            f"start-up failed: {type(exc).__name__}", f"opstarten mislukt: {type(exc).__name__}"
        )
        log.error("service could not start: %s", type(exc).__name__)
        return
    # Expired sign-ins and photos go now and every minute, also while nobody uses the service.
    app.state.services.start_housekeeping()
    try:
        # Batches left unfinished by the last run continue (in process); expired ones go.
        batch_service(app.state, app.state.services)
    except Exception as exc:  # the first batch request tries again
        log.warning("batches not started: %s", type(exc).__name__)


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> FastAPI:
    """The service's app; builds its services at start-up unless `services` is given."""
    settings = services.settings if services is not None and settings is None else settings
    settings = settings or Settings()
    owned = services is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.services is None and app.state.startup_error is None:
            threading.Thread(
                target=_build_in_background,
                args=(app, settings),
                name="build-services",
                daemon=True,
            ).start()
        yield
        close_batch_service(app)
        built: Services | None = app.state.services
        if owned and built is not None:
            built.close()

    app = FastAPI(
        title="School post screening",
        version=__version__,
        description=API_DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = services
    app.state.startup_error = None
    app.state.batches = None
    app.state.max_request_bytes = settings.max_request_bytes

    # Uploads stay in memory (bounded by the request body limit) instead of spilling to
    # temporary files: drafts are not stored, not even for the length of a request.
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, settings.max_request_bytes)

    install_error_handlers(app)
    app.add_middleware(RequestMiddleware, max_request_bytes=settings.max_request_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "Accept-Language"],
            allow_credentials=False,
            max_age=600,
        )
    for module in (
        health,
        screenings,
        precheck,
        batches,
        overrides,
        people,
        registry_imports,
        policies,
    ):
        app.include_router(module.router)
    api.web.install(app)
    return app
