"""Rendering a page: the Jinja2 templates and the context every page shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api.services import Services
from api.web.i18n import LANGS, Translator
from api.web.session import CSRF_FIELD, WebUser, current_user, request_page_lang

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True

#: Pages must not be cached: they show drafts, consents and a CSRF token.
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
#: No external fonts, scripts or frames: everything comes from this server.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def _here(request: Request) -> str:
    """This page's path and query (without one-off parameters), to come back to."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "msg")]
    return request.url.path + ("?" + urlencode(kept) if kept else "")


def page_user(request: Request) -> WebUser | None:
    """The signed-in user, if the services are up and the session is valid."""
    cached = getattr(request.state, "web_user", None)
    if isinstance(cached, WebUser):
        return cached
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        return None
    try:
        user = current_user(request, services)
    except Exception:  # a registry outage must not stop an error page from rendering
        return None
    request.state.web_user = user
    return user


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    user: WebUser | None = None,
) -> HTMLResponse:
    """A page in the request's language with the shared frame (menu, language, sign-out)."""
    lang = request_page_lang(request)
    user = user or page_user(request)
    ctx: dict[str, Any] = {
        "lang": lang,
        "langs": LANGS,
        "t": Translator(lang),
        "user": user,
        "csrf_field": CSRF_FIELD,
        "csrf": user.csrf if user else "",
        "here": _here(request),
        "path": request.url.path,
    }
    ctx.update(context or {})
    response = templates.TemplateResponse(request, template, ctx, status_code=status)
    response.headers.update(NO_STORE)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "same-origin"
    return response
