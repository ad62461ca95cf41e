"""Page routes answer in HTML, also when something goes wrong.

The API's handlers turn errors into JSON; a person at a browser needs a page instead. Every
page route uses `PageRoute`, which catches what the route (or a dependency) raises and
renders it: a sign-in redirect, a clear error page in the page's language, or a neutral
"something went wrong" that says nothing about the request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.auth import ROLE_LABELS, Role
from api.errors import status_for
from api.middleware import too_large
from api.web.i18n import Translator
from api.web.rendering import render
from api.web.session import request_page_lang
from kernel.errors import ScreeningError

log = logging.getLogger(__name__)


class LoginRequiredError(Exception):
    """The page needs a signed-in user; the handler redirects to the sign-in page."""


class PageError(Exception):
    """An error to show as a page: a status and a message key of `api.web.i18n`."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.values = values


def forbidden(*roles: Role) -> PageError:
    """A 403 page naming the role(s) that would allow it."""
    return PageError(403, "error_forbidden", roles=roles)


def _error_page(request: Request, status: int, message: str, code: str | None = None) -> Response:
    return render(
        request, "error.html", {"message": message, "code": code, "status": status}, status=status
    )


def _role_names(t: Translator, roles: tuple[Role, ...]) -> str:
    return " / ".join(ROLE_LABELS[r][0 if t.lang == "nl" else 1] for r in roles)


async def handle_page_error(request: Request, exc: Exception) -> Response:
    """Turn whatever a page raised into a page (or a redirect to sign in)."""
    t = Translator(request_page_lang(request))
    if isinstance(exc, LoginRequiredError):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    if isinstance(exc, PageError):
        values = dict(exc.values)
        if "roles" in values:
            roles: tuple[Role, ...] = values.pop("roles")  # type: ignore[assignment]
            values["role"] = _role_names(t, roles)
        return _error_page(request, exc.status, t(exc.key, **values))
    if isinstance(exc, RequestValidationError):
        return _error_page(request, 422, t("error_bad_request"))
    if isinstance(exc, HTTPException) and exc.status_code == 413 and str(exc.detail).isdigit():
        # The request middleware stopped a body without a length that streamed past the
        # limit while the form was being read.
        err = too_large(int(str(exc.detail)))
        return _error_page(request, 413, err.message(t.lang), err.code)
    if isinstance(exc, ScreeningError):
        status = status_for(exc)
        if status >= 500:
            log.warning("page %s failed: %s", request.url.path, exc.code)
            return _error_page(request, 503, t("error_unavailable"), exc.code)
        return _error_page(request, status, exc.message(t.lang), exc.code)
    # A bug: only its type is logged (its message could quote a post or a name).
    log.error("page %s failed: %s", request.url.path, type(exc).__name__)
    return _error_page(request, 500, t("error_internal", code="E000"), "E000")


class PageRoute(APIRoute):
    """An APIRoute whose errors become HTML pages instead of the API's JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:
                return await handle_page_error(request, exc)

        return page_handler
