"""Downloads for the audit: sitemaps, feeds and photos, with a timeout and a size limit.

Only http and https. A body larger than the limit is refused while it streams in, so a
runaway response never fills memory; every failure is a `FetchError` with a stable reason.

Two kinds of URL are fetched differently (see `screening.audit.addresses`):

* a URL the operator named (the source on the command line, or one listed in the operator's
  own manifest or feed file) is requested as given, whatever its address;
* a URL that a fetched document refers to is requested only over http(s) and only from an
  address the `AddressGuard` allows; anything else is an `AddressRefusedError` and nothing
  is requested from it.

Redirects are followed here, one hop at a time (at most MAX_REDIRECTS): a hop that leaves
the named URL's own origin (scheme, host, port) is treated as a referenced URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from screening import __version__
from screening.audit.addresses import AddressGuard
from screening.audit.errors import AddressRefusedError, FetchError

USER_AGENT = f"school-post-screening-audit/{__version__}"
MAX_REDIRECTS = 5

Origin = tuple[str, str, int | None]


def is_url(text: str) -> bool:
    """Whether `text` is an http(s) URL (anything else is a local path)."""
    try:
        return urlsplit(text).scheme.lower() in ("http", "https")
    except ValueError:  # "http://[::1/x": meant as a URL, refused as one when fetched
        return text.split(":", 1)[0].strip().lower() in ("http", "https")


def make_client(timeout: float) -> httpx.Client:
    """A client with the audit's timeout, redirect limit and user agent (for the operator's
    own webhook; downloads go through `Fetcher`)."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
    )


class _GuardedBackend(httpcore.NetworkBackend):
    """Opens TCP connections only to addresses the guard allows, and to exactly those.

    The check sits inside the connection attempt, on the addresses the socket then connects
    to: a name cannot resolve to a public address for the check and to a private one for the
    connection (DNS rebinding). TLS still verifies the certificate against the host name.
    """

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._guard.addresses(host, port)
        except (OSError, ValueError) as exc:
            raise httpcore.ConnectError(f"{host} cannot be resolved") from exc
        failure: Exception = httpcore.ConnectError(f"{host} cannot be reached")
        for address in addresses:
            try:
                return self._tcp.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("the audit does not connect to Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._tcp.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport, with its connection pool connecting through `_GuardedBackend`.

    httpx does not take a network backend as an argument, so the pool it builds is replaced;
    no proxy is used (a proxy would resolve the name itself, beyond the check).
    """

    def __init__(self, guard: AddressGuard) -> None:
        super().__init__(trust_env=False)
        if not isinstance(self._pool, httpcore.ConnectionPool):
            raise RuntimeError("httpx's transport no longer keeps its pool in `_pool`")
        limits = httpx.Limits()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(guard),
        )


@dataclass(frozen=True, slots=True)
class _Redirect:
    location: str


class Fetcher:
    """The audit's downloads in one process: named URLs as given, referenced URLs guarded."""

    def __init__(self, timeout: float, guard: AddressGuard) -> None:
        self._timeout = httpx.Timeout(timeout)
        self._guard = guard
        self._named: httpx.Client | None = None
        self._referenced: httpx.Client | None = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections this fetcher opened."""
        for client in (self._named, self._referenced):
            if client is not None:
                client.close()
        self._named = self._referenced = None

    def fetch_named(self, url: str, max_bytes: int) -> bytes:
        """The body at a URL the operator named, or FetchError saying why not."""
        if not is_url(url):
            raise FetchError(
                "not_http", f"{url!r} is not an http(s) URL", f"{url!r} is geen http(s)-adres"
            )
        return self._follow(url, max_bytes, _origin(url))

    def fetch(self, url: str, max_bytes: int) -> bytes:
        """The body at a URL a fetched document refers to; AddressRefusedError if its
        address (or a redirect's) may not be used, FetchError for other failures."""
        return self._follow(url, max_bytes, None)

    def _follow(self, first: str, max_bytes: int, named: Origin | None) -> bytes:
        url = first
        for _ in range(MAX_REDIRECTS + 1):
            try:
                answer = _get(self._client_for(url, named), url, max_bytes)
            except AddressRefusedError as err:
                raise _refused(first, url, err) from None
            if isinstance(answer, bytes):
                return answer
            url = answer.location
        raise FetchError(
            "redirects", f"{first} redirects too often", f"{first} verwijst te vaak door"
        )

    def _client_for(self, url: str, named: Origin | None) -> httpx.Client:
        if named is not None and _origin(url) == named:
            if self._named is None:
                self._named = self._client()
            return self._named
        if not is_url(url):
            raise AddressRefusedError(
                "scheme_refused",
                "it is not an http(s) URL; what a fetched document refers to is only fetched "
                "over http or https, never read from this computer",
                "het is geen http(s)-adres; waar een opgehaald document naar verwijst, wordt "
                "alleen via http of https opgehaald, nooit van deze computer gelezen",
            )
        if self._referenced is None:
            self._referenced = self._client(_GuardedTransport(self._guard))
        return self._referenced

    def _client(self, transport: httpx.BaseTransport | None = None) -> httpx.Client:
        # Redirects are followed by `_follow`, which checks every hop.
        return httpx.Client(
            timeout=self._timeout,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            transport=transport,
            trust_env=transport is None,
        )


def _origin(url: str) -> Origin:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise _bad_url(url) from None
    return parsed.scheme, parsed.host, parsed.port


def _refused(first: str, url: str, err: AddressRefusedError) -> AddressRefusedError:
    """The refusal, saying which URL (and which redirect) it concerns."""
    via_en = f" (redirected from {first})" if url != first else ""
    via_nl = f" (doorverwezen vanaf {first})" if url != first else ""
    return AddressRefusedError(
        err.reason,
        f"address refused: {url}{via_en}: {err.message_en}",
        f"adres geweigerd: {url}{via_nl}: {err.message_nl}",
    )


def _get(client: httpx.Client, url: str, max_bytes: int) -> bytes | _Redirect:
    """One request: the body, or where a redirect points; FetchError for a failure."""
    try:
        with client.stream("GET", url) as response:
            if response.is_redirect:
                location = response.headers.get("Location")
                if location is None:
                    raise FetchError(
                        "redirect_without_location",
                        f"{url} redirects without saying where to",
                        f"{url} verwijst door zonder te zeggen waarheen",
                    )
                return _Redirect(str(response.url.join(location)))
            return _read_body(response, url, max_bytes)
    except httpx.InvalidURL:
        raise _bad_url(url) from None
    except httpx.TimeoutException:
        raise FetchError(
            "timeout", f"{url} did not answer in time", f"{url} antwoordde niet op tijd"
        ) from None
    except httpx.HTTPError as exc:
        raise FetchError(
            "unreachable",
            f"{url} cannot be reached ({type(exc).__name__})",
            f"{url} is niet bereikbaar ({type(exc).__name__})",
        ) from None


def _read_body(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    if response.status_code != 200:
        raise FetchError(
            f"status_{response.status_code}",
            f"{url} answered HTTP {response.status_code}",
            f"{url} antwoordde met HTTP {response.status_code}",
        )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(url, max_bytes)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(url, max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _bad_url(url: str) -> FetchError:
    return FetchError("bad_url", f"{url!r} is not a valid URL", f"{url!r} is geen geldig adres")


def _too_large(url: str, max_bytes: int) -> FetchError:
    mb = max_bytes / (1024 * 1024)
    return FetchError(
        "too_large",
        f"{url} is larger than {mb:.0f} MB",
        f"{url} is groter dan {mb:.0f} MB",
    )
