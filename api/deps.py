"""Typed dependencies: the built services, the caller's API key, and role checks.

Credentials, in this order: `Authorization: Bearer <key>`, `X-API-Key: <key>`, or the web
page's session cookie `screening_session`. On /v1/* the cookie counts only for GET (and
HEAD): a cookie is sent by the browser on its own, so a cookie-authenticated POST to the API
could be forged by another site; the web pages' own forms carry a CSRF token instead.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.auth import ROLE_LABELS, ApiKey, Role
from api.services import Services
from kernel.errors import (
    NotAuthenticatedError,
    PermissionDeniedError,
    RegistryError,
    RequestValidationFailedError,
    ScreeningError,
    ServiceNotStartedError,
    ServiceStartingError,
)

SESSION_COOKIE = "screening_session"

# Cheap dependencies are `async def` so they run on the event loop: FastAPI hands every
# plain `def` dependency to the thread pool, which costs more than they do.
# Declared for the OpenAPI document (so clients and schemathesis know how to authenticate);
# auto_error=False because `authenticate` gives the error in the project's own shape.
_bearer = HTTPBearer(auto_error=False, description="API key as a bearer token")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key")


async def get_services(request: Request) -> Services:
    """The services built at start-up; 503 while they are still being built."""
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        failed: ScreeningError | None = getattr(request.app.state, "startup_error", None)
        if isinstance(failed, RegistryError):
            raise failed  # answered as "registry unreachable" (api.errors.public_error)
        if failed is not None:
            raise ServiceNotStartedError(
                "the service could not start; the administrator finds why in its log",
                "de dienst kon niet starten; de beheerder vindt in het logboek waarom",
            )
        raise ServiceStartingError(
            "the service is still starting (loading its models); try again in a few seconds",
            "de dienst start nog (de modellen worden geladen); probeer het over een paar "
            "seconden opnieuw",
        )
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def _cookie_allowed(request: Request) -> bool:
    if not request.url.path.startswith("/v1/"):
        return True
    return request.method in ("GET", "HEAD")


async def authenticate(
    request: Request,
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header_key: Annotated[str | None, Depends(_api_key_header)],
) -> ApiKey:
    """The caller's key, from a header or (for reading) the session cookie; 401 otherwise."""
    return await _verified_key(request, services, _raw_key(bearer, header_key))


def _raw_key(bearer: HTTPAuthorizationCredentials | None, header_key: str | None) -> str | None:
    return bearer.credentials if bearer is not None else header_key


async def _verified_key(request: Request, services: Services, raw: str | None) -> ApiKey:
    key: ApiKey | None = None
    if raw:
        # Recently verified keys are answered from memory; the database only on a miss.
        key = services.keys.cached(raw) or await run_in_threadpool(services.keys.verify, raw)
        if key is None:
            raise NotAuthenticatedError(
                "the API key is unknown or revoked", "de API-sleutel is onbekend of ingetrokken"
            )
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if token and _cookie_allowed(request):
            # In the database (shared by every process); a revoked key's sessions end here.
            key = await run_in_threadpool(services.sessions.resolve, token)
    if key is None:
        raise NotAuthenticatedError(
            "sign in: send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            "meld u aan: stuur een API-sleutel als 'Authorization: Bearer <sleutel>' of "
            "'X-API-Key: <sleutel>'",
        )
    request.state.key_id = key.id
    return key


CurrentKey = Annotated[ApiKey, Depends(authenticate)]


def _with_role(key: ApiKey, allowed: frozenset[Role]) -> ApiKey:
    """`key` if it has one of the `allowed` roles; 403 otherwise."""
    if key.roles & allowed:
        return key
    names_nl = ", ".join(ROLE_LABELS[r][0] for r in sorted(allowed))
    names_en = ", ".join(ROLE_LABELS[r][1] for r in sorted(allowed))
    raise PermissionDeniedError(
        f"this key ({key.name}) may not do this; it needs one of the roles: {names_en}",
        f"deze sleutel ({key.name}) mag dit niet; daarvoor is een van deze rollen nodig: "
        f"{names_nl}",
    )


def require_roles(*roles: Role) -> Any:
    """A dependency giving the caller's key if it has one of `roles`; 403 otherwise."""
    allowed = frozenset(roles)

    async def check(key: CurrentKey) -> ApiKey:
        return _with_role(key, allowed)

    check.__name__ = "require_" + "_or_".join(sorted(r.value for r in allowed))
    return Depends(check)


async def authorize(request: Request, roles: frozenset[Role]) -> ApiKey:
    """The caller's key if it has one of `roles`, from the request's headers alone.

    The same checks as `require_roles`, for code that runs before FastAPI solves
    dependencies (see `api.key_first`): 503 while starting, 401, 403.
    """
    services = await get_services(request)
    raw = _raw_key(await _bearer(request), await _api_key_header(request))
    return _with_role(await _verified_key(request, services, raw), roles)


async def single_query_values(request: Request) -> None:
    """422 when a query parameter is repeated: every parameter of this API takes one value."""
    names = [name for name, _ in request.query_params.multi_items()]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise RequestValidationFailedError(
            f"query parameter(s) {', '.join(repeated)} given more than once",
            f"queryparameter(s) {', '.join(repeated)} meer dan eens opgegeven",
        )
