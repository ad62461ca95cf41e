"""Signing in with an API key, signing out, and switching the page language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from api.deps import ServicesDep
from api.multipart import read_multipart
from api.web.deps import UserDep, check_csrf
from api.web.i18n import Translator, pick_lang
from api.web.page_route import PageError, PageRoute
from api.web.rendering import render
from api.web.session import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    PAGE_ROLES,
    clear_session_cookie,
    current_user,
    login_csrf_ok,
    new_login_csrf,
    request_page_lang,
    safe_next,
    set_lang_cookie,
    set_login_csrf_cookie,
    set_session_cookie,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: A raw key is ~64 characters; anything much longer is not a key.
MAX_KEY_CHARS = 200


def _login_page(
    request: Request,
    next_url: str,
    *,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    token = new_login_csrf()
    context = {
        "next": next_url,
        "error": error,
        "notice": notice,
        "login_csrf": token,
        "user": None,
        "csrf": "",
    }
    response = render(request, "login.html", context, status=status)
    set_login_csrf_cookie(response, request, token)
    return response


@router.get("/login")
def login_form(
    request: Request,
    services: ServicesDep,
    next: Annotated[str | None, Query(max_length=2000)] = None,
    msg: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The sign-in page (already signed in: straight on)."""
    if current_user(request, services) is not None and msg is None:
        return RedirectResponse(safe_next(next), status_code=303)
    t = Translator(request_page_lang(request))
    notice = {"logged_out": t("logged_out"), "expired": t("session_expired")}.get(msg or "")
    if notice is None and next:
        notice = t("session_expired")
    return _login_page(request, safe_next(next), notice=notice)


@router.post("/login")
async def login(request: Request, services: ServicesDep) -> Response:
    """Check the pasted key and start a session; the key itself is never stored in a cookie."""
    form = await read_multipart(request, max_fields=5, max_files=0, urlencoded_ok=True)
    t = Translator(request_page_lang(request))
    next_url = safe_next(form.value("next"))
    if not login_csrf_ok(request, form.value(CSRF_FIELD)):
        return _login_page(request, next_url, error=t("error_csrf"), status=403)
    raw = (form.value("api_key") or "").strip()
    if not raw:
        return _login_page(request, next_url, error=t("login_empty_key"), status=422)
    key = services.keys.verify(raw) if len(raw) <= MAX_KEY_CHARS else None
    if key is None:
        return _login_page(request, next_url, error=t("login_bad_key"), status=401)
    if not key.roles & PAGE_ROLES:
        return _login_page(request, next_url, error=t("login_wrong_role"), status=403)
    token = services.sessions.create(key)
    request.state.key_id = key.id
    response = RedirectResponse(next_url, status_code=303)
    set_session_cookie(response, request, token, services.settings.session_minutes)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, services: ServicesDep, user: UserDep) -> Response:
    """End the session and forget the cookie."""
    form = await read_multipart(request, max_fields=5, max_files=0, urlencoded_ok=True)
    check_csrf(user, form)
    services.sessions.end(user.token)
    response = RedirectResponse("/login?msg=logged_out", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/lang/{code}")
def switch_lang(
    request: Request,
    code: str,
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """Switch the page language (a cookie) and go back to the page the user was on."""
    if code not in ("nl", "en"):
        raise PageError(404, "error_not_found")
    response = RedirectResponse(safe_next(next), status_code=303)
    set_lang_cookie(response, request, pick_lang(code))
    return response
