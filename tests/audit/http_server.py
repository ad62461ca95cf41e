"""A small HTTP server on localhost, in a thread, for the audit's tests (no other network)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    #: Seconds to wait before answering (to test timeouts).
    delay: float = 0.0
    #: Extra response headers (e.g. Location for a redirect).
    headers: dict[str, str] = field(default_factory=dict)


def redirect(location: str, status: int = 302) -> Route:
    """A route that redirects to `location`."""
    return Route(status=status, headers={"Location": location})


@dataclass
class Site:
    """The served routes, what was POSTed (by path), and every GET as (path, Host header)."""

    base: str
    routes: dict[str, Route]
    posted: dict[str, list[bytes]] = field(default_factory=dict)
    requested: list[tuple[str, str]] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def paths(self) -> list[str]:
        """The paths that were requested with GET, in order."""
        return [path for path, _ in self.requested]

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Site]:
    """Serve `routes` on 127.0.0.1 (a free port) until the block ends."""
    site = Site("", routes)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requested.append((self.path, self.headers.get("Host", "")))
            route = site.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                time.sleep(route.delay)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(route.body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            site.posted.setdefault(self.path, []).append(self.rfile.read(length))
            route = site.routes.get(self.path, Route(b"ok"))
            self.send_response(route.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
