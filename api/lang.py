"""The language of a response: `?lang=`, else Accept-Language, else Dutch."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from screening.messages import Lang


def parse_accept_language(header: str) -> Lang | None:
    """The preferred of Dutch and English in an Accept-Language header, if either is there."""
    best: tuple[float, Lang] | None = None
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("nl", "en"):
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        lang: Lang = "en" if primary == "en" else "nl"
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, lang)
    return best[1] if best else None


def request_lang(conn: HTTPConnection) -> Lang:
    """The language the caller asked for: the `lang` query parameter wins, Dutch by default."""
    query = conn.query_params.get("lang", "").strip().lower()
    if query in ("nl", "en"):
        return "en" if query == "en" else "nl"
    return parse_accept_language(conn.headers.get("accept-language", "")) or "nl"
