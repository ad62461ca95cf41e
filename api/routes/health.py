"""Liveness and readiness: /healthz answers at once; /readyz once the models are loaded and
while the registry database answers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.errors import error_body, registry_unreachable
from api.lang import request_lang
from api.services import Services
from kernel.errors import ScreeningError, ServiceStartingError

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    """Always 200 while the process runs."""
    return {"status": "ok"}


def _not_ready(request: Request, err: ScreeningError, status: str) -> JSONResponse:
    body = error_body(err, request_lang(request))
    body["status"] = status
    return JSONResponse(body, status_code=503)


def _registry_answers(services: Services) -> bool:
    return services.probe is None or services.probe.reachable()


@router.get(
    "/readyz",
    summary="The models are loaded, the registry answers, and requests can be served",
    responses={
        503: {
            "description": "Still starting, start-up failed, or the registry database does "
            "not answer (the body says which; never where the database is)"
        }
    },
)
# A plain `def` (run in the thread pool): the registry probe may wait up to PROBE_SECONDS.
def readyz(request: Request) -> Any:
    """200 once the services are built and the registry answers; 503 with the reason if not."""
    services: Services | None = getattr(request.app.state, "services", None)
    if services is not None:
        if _registry_answers(services):
            return {"status": "ready"}
        # The detail (address, driver message) was logged by the probe.
        return _not_ready(request, registry_unreachable(), "unavailable")
    failed: ScreeningError | None = getattr(request.app.state, "startup_error", None)
    if failed is not None:
        return _not_ready(request, failed, "failed")
    starting = ServiceStartingError(
        "the service is still starting (loading its models)",
        "de dienst start nog (de modellen worden geladen)",
    )
    return _not_ready(request, starting, "starting")
