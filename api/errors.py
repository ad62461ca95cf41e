"""The one place where errors become HTTP responses: status, stable code, Dutch and English.

Every error body has the same shape, `{"error": {"code", "message", "nl", "en"}}` (plus
`problems` for an import with bad rows and `fields` for validation errors), with `message`
in the request's language. A bug is a 500 that says nothing about the request (its message
could quote the post); bad input is always a 4xx. A registry database that is down is a 503
that says only that: where the database is and what its driver said go to the log, never to
a caller (`public_error`).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.lang import request_lang
from kernel.errors import (
    ConfigError,
    ConsentRequiredError,
    DuplicatePersonError,
    ImportValidationError,
    InputError,
    MethodNotAllowedError,
    NotAuthenticatedError,
    NotFoundError,
    OverrideNotAllowedError,
    PermissionDeniedError,
    RegistryError,
    RegistryUnavailableError,
    RequestTooLargeError,
    RequestValidationFailedError,
    ScreeningError,
    ServiceInputError,
    TextEncodingError,
    TextTooLongError,
    UnknownPersonError,
    UnreadableImageError,
    UnsupportedContentTypeError,
)

log = logging.getLogger(__name__)

#: Most specific class first; the first class an error is an instance of gives its status.
STATUS_BY_ERROR: tuple[tuple[type[ScreeningError], int], ...] = (
    (NotAuthenticatedError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (UnknownPersonError, 404),
    (MethodNotAllowedError, 405),
    (DuplicatePersonError, 409),
    (ConsentRequiredError, 409),
    (RequestTooLargeError, 413),
    (TextTooLongError, 413),
    (UnsupportedContentTypeError, 415),
    (TextEncodingError, 400),
    (ImportValidationError, 422),
    (RequestValidationFailedError, 422),
    (OverrideNotAllowedError, 422),
    (ServiceInputError, 400),
    (InputError, 422),
    (ConfigError, 503),
    (RegistryError, 503),
)

#: Unreadable photos, by the intake's reason code.
_IMAGE_STATUS = {
    "too_large": 413,
    "too_many_pixels": 413,
    "not_an_image": 415,
    "unknown_format": 415,
    "unsupported_format": 415,
}


#: What any caller is told while the registry database is down (Dutch, English).
REGISTRY_UNREACHABLE = (
    "het toestemmingsregister is nu niet bereikbaar; probeer het later opnieuw (de beheerder "
    "vindt de oorzaak in het logboek van de dienst)",
    "the consent registry is unreachable right now; try again later (the administrator finds "
    "the cause in the service's log)",
)


def registry_unreachable() -> RegistryUnavailableError:
    """The error a caller gets while the registry database is down."""
    nl, en = REGISTRY_UNREACHABLE
    return RegistryUnavailableError(en, nl)


def public_error(err: ScreeningError) -> ScreeningError:
    """The error as a caller may see it: a registry that is down says only that it is.

    The original message names the database (host, port, file) and quotes its driver; the
    code is kept, so support can still tell "unreachable" from "missing".
    """
    if isinstance(err, RegistryUnavailableError):
        nl, en = REGISTRY_UNREACHABLE
        return type(err)(en, nl)
    return err


def log_registry_failure(where: str, err: ScreeningError) -> None:
    """Log what a caller is not told: the database's (password-less) address and driver text.

    Registry errors name the database, never a post: they are raised around queries by
    consent_store's `unavailable_on_error`, whose message is the URL and the driver's first line.
    """
    log.warning("registry unavailable (%s): [%s] %s", where, err.code, err.message_en)


def status_for(err: ScreeningError) -> int:
    """The HTTP status of an error from the one hierarchy."""
    if isinstance(err, UnreadableImageError):
        return _IMAGE_STATUS.get(err.reason, 422)
    for cls, status in STATUS_BY_ERROR:
        if isinstance(err, cls):
            return status
    return 500


def error_body(err: ScreeningError, lang: str, **extra: Any) -> dict[str, Any]:
    """The JSON body for an error, as a caller may see it (`public_error`)."""
    err = public_error(err)
    body: dict[str, Any] = {
        "code": err.code,
        "message": err.message(lang),
        "nl": err.message_nl,
        "en": err.message_en,
    }
    if isinstance(err, ImportValidationError):
        body["problems"] = [{"line": n, "nl": nl, "en": en} for n, nl, en in err.problems]
    body.update(extra)
    return {"error": body}


def error_response(request: Request, err: ScreeningError, **extra: Any) -> JSONResponse:
    """A JSON error response in the request's language."""
    status = status_for(err)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        error_body(err, request_lang(request), **extra), status_code=status, headers=headers
    )


_FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("ontbreekt", "is missing"),
    "json_invalid": ("is geen geldige JSON", "is not valid JSON"),
    "string_too_long": ("is te lang", "is too long"),
    "string_too_short": ("is te kort", "is too short"),
    "too_long": ("heeft te veel elementen", "has too many items"),
    "too_short": ("heeft te weinig elementen", "has too few items"),
    "extra_forbidden": ("is onbekend", "is not a known field"),
    "date_from_datetime_parsing": ("is geen datum (JJJJ-MM-DD)", "is not a date (YYYY-MM-DD)"),
    "date_parsing": ("is geen datum (JJJJ-MM-DD)", "is not a date (YYYY-MM-DD)"),
    "date_type": ("is geen datum (JJJJ-MM-DD)", "is not a date (YYYY-MM-DD)"),
    "enum": ("heeft geen toegestane waarde", "is not one of the allowed values"),
    "literal_error": ("heeft geen toegestane waarde", "is not one of the allowed values"),
}


def validation_error(errors: list[dict[str, Any]] | Any) -> tuple[ServiceInputError, list[Any]]:
    """A pydantic/FastAPI error list as one error with Dutch and English lines per field.

    The offending input is never echoed: it may be the post text.
    """
    lines_nl: list[str] = []
    lines_en: list[str] = []
    fields: list[dict[str, Any]] = []
    for e in list(errors)[:20]:
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "header")]
        where = ".".join(loc) or "body"
        kind = str(e.get("type", "value_error"))
        nl, en = _FIELD_MESSAGES.get(kind, ("is ongeldig", "is invalid"))
        msg = str(e.get("msg", ""))
        if kind not in _FIELD_MESSAGES and msg:
            # pydantic's own text (no input value in it) says what was expected.
            en = f"is invalid ({msg})"
            nl = f"is ongeldig ({msg})"
        lines_nl.append(f"veld '{where}' {nl}")
        lines_en.append(f"field '{where}' {en}")
        fields.append({"field": where, "type": kind})
    err = RequestValidationFailedError(
        "the request is not valid: " + "; ".join(lines_en),
        "het verzoek is niet geldig: " + "; ".join(lines_nl),
    )
    return err, fields


def route_template(request: Request) -> str:
    """The path template of the request's route (never the raw path: it may hold a name)."""
    return getattr(request.scope.get("route"), "path", None) or "(no route)"


async def _screening_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ScreeningError)
    status = status_for(exc)
    if isinstance(exc, RegistryUnavailableError):
        log_registry_failure(route_template(request), exc)
    elif status >= 500:
        log.warning("request failed: %s (%s)", exc.code, type(exc).__name__)
    return error_response(request, exc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    err, fields = validation_error(exc.errors())
    return error_response(request, err, fields=fields)


_HTTP_ERRORS: dict[int, tuple[type[ServiceInputError], str, str]] = {
    400: (
        ServiceInputError,
        "the request body cannot be read; send valid JSON or a form, in UTF-8",
        "het verzoek kan niet worden gelezen; stuur geldige JSON of een formulier, in UTF-8",
    ),
    401: (NotAuthenticatedError, "sign in with an API key", "meld u aan met een API-sleutel"),
    403: (PermissionDeniedError, "not allowed", "niet toegestaan"),
    404: (NotFoundError, "there is no such address", "dit adres bestaat niet"),
    405: (
        MethodNotAllowedError,
        "this address does not take this HTTP method",
        "dit adres accepteert deze HTTP-methode niet",
    ),
    413: (
        RequestTooLargeError,
        "the request is too large",
        "het verzoek is te groot",
    ),
    415: (
        UnsupportedContentTypeError,
        "the request body has a content type this address does not take",
        "het verzoek heeft een inhoudstype dat dit adres niet accepteert",
    ),
}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    cls, en, nl = _HTTP_ERRORS.get(
        exc.status_code, (ServiceInputError, "the request failed", "het verzoek is mislukt")
    )
    if exc.status_code == 413:
        # The request middleware puts the limit that applied in the detail.
        detail = str(exc.detail)
        limit = int(detail) if detail.isdigit() else None
        if limit:
            mb = limit / (1024 * 1024)
            en = f"the request is larger than {mb:.0f} MB; send smaller or fewer photos"
            nl = f"het verzoek is groter dan {mb:.0f} MB; stuur kleinere of minder foto's"
    err = cls(en, nl)
    body = error_body(err, request_lang(request))
    status = exc.status_code if exc.status_code < 500 else 500
    headers = dict(getattr(exc, "headers", None) or {})
    if status == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return JSONResponse(body, status_code=status, headers=headers or None)


def allowed_methods(request: Request) -> list[str]:
    """Every method the app takes on this path (one path may be served by several routes)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    # Only the type: the message or traceback could quote the post.
    log.error("internal error on %s: %s", request.url.path, type(exc).__name__)
    err = ScreeningError(
        "internal error; the post was not screened — try again or have it checked by hand",
        "interne fout; het bericht is niet gecontroleerd — probeer het opnieuw of laat het "
        "met de hand controleren",
    )
    return JSONResponse(error_body(err, request_lang(request)), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into the one error shape."""
    app.add_exception_handler(ScreeningError, _screening_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)
