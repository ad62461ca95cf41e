"""Routes that check the caller's key before they read the request body.

FastAPI reads and parses a route's body before it solves the route's dependencies, the key
check included. A caller without a key could then make the service read and parse a body up
to the route's size limit, and learn from a 422 or 415 what the route expects. A route made
with `key_first_route(...)` checks the key and its role from the headers first (401, 403),
before a byte of the body is read; its own dependencies then find the key verified a moment
ago (in the key store's memory).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from api.auth import Role
from api.deps import authorize

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def key_first_route(*roles: Role) -> type[APIRoute]:
    """A route class whose routes refuse a caller without a key of one of `roles` at once."""
    allowed = frozenset(roles)

    class KeyFirstRoute(APIRoute):
        """An APIRoute that authorises the caller before FastAPI reads the body."""

        def get_route_handler(self) -> Handler:
            handler = super().get_route_handler()

            async def key_first_handler(request: Request) -> Response:
                await authorize(request, allowed)
                return await handler(request)

            return key_first_handler

    return KeyFirstRoute
