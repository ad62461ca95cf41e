"""`screening serve`: the REST service and the officer's web page, on the embedded default.

Nothing to set up: the SQLite registry in the data directory, the default policy pack. When
no API key exists yet, a first one (officer + registry administrator) is made and printed
once, like Jupyter's token, so a newcomer can sign in to the page straight away.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console

from kernel.errors import ScreeningError
from kernel.settings import Settings

log = logging.getLogger(__name__)

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _first_key(settings: Settings, url: str, lang: str) -> None:
    """Create and print a first key when the registry has none at all."""
    from api.auth import KeyStore, Role

    store = KeyStore.open(settings)
    try:
        if store.list():
            return
        key, raw = store.create("eerste sleutel", [Role.OFFICER, Role.REGISTRY_ADMIN])
    finally:
        store.close()
    out = Console(stderr=True, highlight=False, soft_wrap=True)
    nl = lang == "nl"
    out.rule("Eerste API-sleutel" if nl else "First API key")
    out.print(
        (
            "Er was nog geen sleutel; deze is gemaakt (communicatiemedewerker en "
            "registerbeheerder). Hij wordt maar één keer getoond:"
            if nl
            else "There was no key yet; this one was made (officer and registry "
            "administrator). It is shown only once:"
        ),
        markup=False,
    )
    out.print(f"\n    {raw}\n", markup=False)
    out.print(
        (
            f"Meld u aan op {url}/login en plak de sleutel. Meer sleutels: "
            "'screening keys create --name NAAM --role officer'."
            if nl
            else f"Sign in at {url}/login and paste the key. More keys: "
            "'screening keys create --name NAME --role officer'."
        ),
        markup=False,
    )
    out.rule()
    log.info("first API key %s created", key.id)


def serve(
    host: Annotated[str, typer.Option("--host", help="Adres om op te luisteren.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Poort.", min=1, max=65535)] = 8000,
    lang: Annotated[str | None, typer.Option("--lang", help="nl of en (meldingen).")] = None,
) -> None:
    """Start de dienst: REST-API en webpagina (start the service: REST API and web page)."""
    import uvicorn

    from api.app import create_app

    settings = Settings()
    language = lang or settings.lang
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}"
    try:
        _first_key(settings, url, language)
    except ScreeningError as err:
        Console(stderr=True, highlight=False).print(
            f"fout [{err.code}] {err.message(language)}", markup=False
        )
        raise typer.Exit(3 if err.category == "config" else 2) from None
    if host not in _LOOPBACK:
        log.warning(
            "listening on %s: API keys travel in clear text unless a TLS proxy is in front",
            host,
        )
    logging.getLogger("api").setLevel(logging.INFO)
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"Dienst op {url} (API-documentatie: {url}/docs); modellen laden..."
        if language == "nl"
        else f"Service at {url} (API docs: {url}/docs); loading models...",
        markup=False,
    )
    # uvicorn's access log would print raw paths and queries (`?q=` may be a pupil's name);
    # the app logs one line per request with the route template instead.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        access_log=False,
        log_level="info",
        server_header=False,
    )
