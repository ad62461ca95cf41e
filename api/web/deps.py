"""Dependencies of the page routes: the signed-in user, role checks and the form's CSRF check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.auth import Role
from api.deps import ServicesDep
from api.multipart import MultipartForm
from api.web.page_route import LoginRequiredError, PageError, forbidden
from api.web.session import CSRF_FIELD, PAGE_ROLES, WebUser, csrf_ok, current_user


def signed_in(request: Request, services: ServicesDep) -> WebUser:
    """The signed-in user; a redirect to the sign-in page when there is none."""
    user = current_user(request, services)
    if user is None:
        raise LoginRequiredError
    if not user.has(*PAGE_ROLES):
        raise PageError(403, "login_wrong_role")
    request.state.web_user = user
    request.state.key_id = user.key.id  # for the request log line
    return user


UserDep = Annotated[WebUser, Depends(signed_in)]


def require(user: WebUser, *roles: Role) -> None:
    """Refuse with a 403 page unless the user has one of `roles`."""
    if not user.has(*roles):
        raise forbidden(*roles)


def check_csrf(user: WebUser, form: MultipartForm) -> None:
    """Refuse a form that does not carry this session's CSRF token; nothing is changed."""
    if not csrf_ok(user, form.value(CSRF_FIELD)):
        raise PageError(403, "error_csrf")
