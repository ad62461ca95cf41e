"""Liveness and readiness: /healthz answers at once, /readyz once the models are loaded."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.errors import error_body
from api.lang import request_lang
from screening.errors import ScreeningError, ServiceStartingError

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    """Always 200 while the process runs."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="The models are loaded and requests can be served",
    responses={503: {"description": "Still starting, or start-up failed (the body says why)"}},
)
def readyz(request: Request) -> Any:
    """200 once the services are built; 503 (with the reason) before that or on failure."""
    if getattr(request.app.state, "services", None) is not None:
        return {"status": "ready"}
    failed: ScreeningError | None = getattr(request.app.state, "startup_error", None)
    err = failed or ServiceStartingError(
        "the service is still starting (loading its models)",
        "de dienst start nog (de modellen worden geladen)",
    )
    body = error_body(err, request_lang(request))
    body["status"] = "failed" if failed else "starting"
    return JSONResponse(body, status_code=503)
