"""Downloads for the audit: sitemaps, feeds and photos, with a timeout and a size limit.

Only http and https. A body larger than the limit is refused while it streams in, so a
runaway response never fills memory; every failure is a `FetchError` with a stable reason.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from screening import __version__
from screening.audit.errors import FetchError

USER_AGENT = f"school-post-screening-audit/{__version__}"
MAX_REDIRECTS = 5


def is_url(text: str) -> bool:
    """Whether `text` is an http(s) URL (anything else is a local path)."""
    return urlsplit(text).scheme.lower() in ("http", "https")


def make_client(timeout: float) -> httpx.Client:
    """A client with the audit's timeout, redirect limit and user agent."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
    )


def fetch(client: httpx.Client, url: str, max_bytes: int) -> bytes:
    """The body at `url`, or FetchError saying why not (status, too large, timeout, ...)."""
    if not is_url(url):
        raise FetchError(
            "not_http", f"{url!r} is not an http(s) URL", f"{url!r} is geen http(s)-adres"
        )
    try:
        with client.stream("GET", url) as response:
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
    except httpx.TimeoutException:
        raise FetchError(
            "timeout", f"{url} did not answer in time", f"{url} antwoordde niet op tijd"
        ) from None
    except httpx.TooManyRedirects:
        raise FetchError(
            "redirects", f"{url} redirects too often", f"{url} verwijst te vaak door"
        ) from None
    except httpx.HTTPError as exc:
        raise FetchError(
            "unreachable",
            f"{url} cannot be reached ({type(exc).__name__})",
            f"{url} is niet bereikbaar ({type(exc).__name__})",
        ) from None


def _too_large(url: str, max_bytes: int) -> FetchError:
    mb = max_bytes / (1024 * 1024)
    return FetchError(
        "too_large",
        f"{url} is larger than {mb:.0f} MB",
        f"{url} is groter dan {mb:.0f} MB",
    )
