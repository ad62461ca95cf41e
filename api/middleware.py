"""Per-request plumbing: a body size limit, one log line per request, never a leaked bug.

The limit is checked on Content-Length before any byte is read, and counted while a body
without a length streams in; both answer 413 in the one error shape. On the API (/v1/) a body
whose Content-Length is over the limit is refused when the route first asks for it, still
before a byte is read: a route that checks the caller's key before it reads the body (see
api.key_first) so answers a caller without a key 401 whatever the body. Elsewhere (the web
pages) it is refused before the request reaches a route.

The log line holds the route template (never the raw path or query: `?q=` may be a pupil's
name), the status, the time taken, the key id, and the post id and finding kinds a
screening route noted in `request.state`. Never text, never faces.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from kernel.errors import RequestTooLargeError, ScreeningError

log = logging.getLogger("api.requests")

#: Routes that take less than the general limit: the pre-check takes text and at most four
#: photos of 2 MB (base64 makes 4 of them 11.2 MB).
PATH_LIMITS = {"/v1/precheck": 12 * 1024 * 1024}


def note_screening(request: Request, post_id: str, kinds: list[str]) -> None:
    """Tell the request log which post a request screened and what kinds it found."""
    request.state.post_id = post_id
    request.state.kinds = sorted(set(kinds))


def _refused_on_read(path: str) -> bool:
    """Whether an oversized body is refused when read (the API), not before routing."""
    return path.startswith("/v1/")


def too_large(limit: int) -> RequestTooLargeError:
    """The error for a body over `limit` bytes, in the one error shape."""
    mb = limit / (1024 * 1024)
    return RequestTooLargeError(
        f"the request is larger than {mb:.0f} MB; send smaller or fewer photos",
        f"het verzoek is groter dan {mb:.0f} MB; stuur kleinere of minder foto's",
    )


class RequestMiddleware:
    """Content-Length check before reading, a request log line, and a last-resort 500."""

    def __init__(self, app: ASGIApp, max_request_bytes: int) -> None:
        self.app = app
        self.max_request_bytes = max_request_bytes

    def limit_for(self, path: str) -> int:
        """The body limit of a path: the general one, or less where a route takes less."""
        return min(self.max_request_bytes, PATH_LIMITS.get(path, self.max_request_bytes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state: dict[str, Any] = scope.setdefault("state", {})
        status = 0

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        received = 0
        path = scope.get("path", "")
        limit = self.limit_for(path)
        length = Headers(scope=scope).get("content-length", "")
        declared_too_large = length.isdigit() and int(length) > limit

        async def receive_counted() -> Message:
            nonlocal received
            if declared_too_large:
                # Refused before a byte of the body is read (see the module docstring).
                raise HTTPException(413, detail=str(limit))
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException passes FastAPI's body reading untouched and reaches
                    # the error handler, which answers in the one error shape.
                    raise HTTPException(413, detail=str(limit))
            return message

        try:
            if declared_too_large and not _refused_on_read(path):
                # Refused before a byte of the body is read; a body without a length is
                # counted while it streams in (receive_counted).
                err: ScreeningError = too_large(limit)
                await error_response(Request(scope), err)(scope, receive, send_wrapper)
            else:
                await self.app(scope, receive_counted, send_wrapper)
        except Exception as exc:
            # A bug: answer 500 (if nothing was sent yet) and log only the exception's type —
            # its message or traceback could quote the post.
            log.error("internal error: %s", type(exc).__name__)
            if status == 0:
                internal = ScreeningError(
                    "internal error; the post was not screened — try again or have it "
                    "checked by hand",
                    "interne fout; het bericht is niet gecontroleerd — probeer het opnieuw of "
                    "laat het met de hand controleren",
                )
                await error_response(Request(scope), internal)(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "(no route)"
            log.info(
                "%s %s %d %.1fms key=%s post=%s kinds=%s",
                scope.get("method", "?"),
                path,
                status,
                (time.perf_counter() - started) * 1000,
                state.get("key_id", "-"),
                state.get("post_id", "-"),
                ",".join(state.get("kinds", [])) or "-",
                extra={
                    "route": path,
                    "status": status,
                    "key_id": state.get("key_id"),
                    "post_id": state.get("post_id"),
                    "kinds": state.get("kinds", []),
                },
            )
