"""Who is using the pages: the sign-in cookie, the CSRF token of every form, the language.

The session itself lives in the API's `SessionStore` (in the database, expiring); this module
reads the cookie, finds the session (only while the key behind it is active), and checks the
per-session CSRF token a form carries. The login form has no session yet, so it uses a
double-submit cookie.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from api.auth import ApiKey, Role
from api.deps import SESSION_COOKIE
from api.services import Services
from api.web.i18n import Lang, pick_lang

LANG_COOKIE = "screening_lang"
LOGIN_CSRF_COOKIE = "screening_login_csrf"
CSRF_FIELD = "csrf_token"
#: Roles that may use the pages at all (the extension's key may not).
PAGE_ROLES = frozenset({Role.OFFICER, Role.REGISTRY_ADMIN, Role.AUDITOR})
#: Roles that may read the registry pages; only registry administrators may change them.
REGISTRY_READ_ROLES = frozenset({Role.REGISTRY_ADMIN, Role.OFFICER, Role.AUDITOR})


@dataclass(frozen=True)
class WebUser:
    """A signed-in person: the key they signed in with, its session and CSRF token."""

    key: ApiKey
    token: str
    csrf: str

    def has(self, *roles: Role) -> bool:
        """Whether the key has at least one of `roles`."""
        return bool(self.key.roles & frozenset(roles))

    @property
    def is_officer(self) -> bool:
        return self.has(Role.OFFICER)

    @property
    def is_registry_admin(self) -> bool:
        return self.has(Role.REGISTRY_ADMIN)

    @property
    def can_read_registry(self) -> bool:
        return self.has(*REGISTRY_READ_ROLES)


def request_page_lang(request: Request) -> Lang:
    """The page language: `?lang=` wins, then the language cookie; Dutch by default."""
    query = request.query_params.get("lang")
    if query in ("nl", "en"):
        return pick_lang(query)
    return pick_lang(request.cookies.get(LANG_COOKIE))


def current_user(request: Request, services: Services) -> WebUser | None:
    """The signed-in user of this request, or None (no, expired or revoked session)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    # None as well when the key was revoked since sign-in (every session of it ends then).
    session = services.sessions.lookup(token)
    if session is None:
        return None
    return WebUser(session.key, token, session.csrf)


def csrf_ok(user: WebUser, submitted: str | None) -> bool:
    """Whether a form's CSRF token is this session's (compared in constant time)."""
    return bool(submitted) and hmac.compare_digest(user.csrf, submitted or "")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, token: str, minutes: int) -> None:
    """The sign-in cookie: unreadable for scripts, never sent by another site's request."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=minutes * 60,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    """Remove the sign-in cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def new_login_csrf() -> str:
    """A fresh token for the login form's double-submit check."""
    return secrets.token_urlsafe(24)


def set_login_csrf_cookie(response: Response, request: Request, token: str) -> None:
    """The login form's CSRF cookie (the form repeats it in a hidden field)."""
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/login",
    )


def login_csrf_ok(request: Request, submitted: str | None) -> bool:
    """Whether the login form's token matches its cookie."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    return bool(cookie) and bool(submitted) and hmac.compare_digest(cookie or "", submitted or "")


def set_lang_cookie(response: Response, request: Request, lang: Lang) -> None:
    """Remember the chosen page language for a year."""
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )


def safe_next(value: str | None) -> str:
    """A local path to go to after sign-in or a language switch; '/' for anything else.

    Only paths on this site are followed, so a crafted link cannot send a user elsewhere.
    """
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(c in value for c in "\r\n\t"):
        return "/"
    return value
