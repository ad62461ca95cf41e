"""The officer's web pages and the registry pages, server-rendered (no build step).

`install(app)` adds the page routes and serves /static; `api.app.create_app` calls it.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import (
    routes_auth,
    routes_history,  # issue 16 point 2: the officer's history page
    routes_import,
    routes_registry,
    routes_screen,
)
from api.web.pending_imports import PendingImports
from api.web.rendering import STATIC_DIR


def install(app: FastAPI) -> None:
    """Add the page routes and /static to `app`."""
    app.state.web_pending_imports = PendingImports()
    for module in (routes_auth, routes_screen, routes_registry, routes_import):
        app.include_router(module.router)
    app.include_router(routes_history.router)  # issue 16 point 2
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
