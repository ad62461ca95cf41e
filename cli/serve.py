"""`screening serve`: the REST service and the officer's web page, on the embedded default.

Nothing to set up: the SQLite registry in the data directory, the default policy pack. When
no API key exists yet, a first one (officer + registry administrator) is made and printed
once, like Jupyter's token, so a newcomer can sign in to the page straight away.

`--workers N` runs N processes behind one port (uvicorn's supervisor), each building its own
pipeline; sessions, photos, keys and decisions are in the registry database, so any process
answers any request. The first key and the schema migration happen once, here in the parent,
before any process starts (and atomically, for several services starting on one registry).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from kernel.errors import ScreeningError
from kernel.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _first_key(settings: Settings, url: str, lang: str) -> None:
    """Create and print a first key when the registry has none at all."""
    from api.auth import KeyStore, Role

    store = KeyStore.open(settings)
    try:
        made = store.create_first("eerste sleutel", [Role.OFFICER, Role.REGISTRY_ADMIN])
    finally:
        store.close()
    if made is None:
        return
    key, raw = made
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


#: The request log of several processes says which process answered.
_GROUP_LOG_FORMAT = "%(levelname)s %(name)s [%(process)d]: %(message)s"


def app_in_worker() -> FastAPI:
    """The app of one process of `screening serve --workers N` (uvicorn calls this in each)."""
    from api.app import create_app

    logging.basicConfig(level=logging.WARNING, format=_GROUP_LOG_FORMAT)
    logging.getLogger("api").setLevel(logging.INFO)
    return create_app(Settings())


def serve(
    host: Annotated[str, typer.Option("--host", help="Adres om op te luisteren.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Poort.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            max=64,
            help="Aantal processen achter de poort, elk met een eigen pijplijn (standaard 1).",
        ),
    ] = 1,
    lang: Annotated[str | None, typer.Option("--lang", help="nl of en (meldingen).")] = None,
) -> None:
    """Start de dienst: REST-API en webpagina (start the service: REST API and web page)."""
    import uvicorn

    from api.app import create_app
    from api.process_group import serving_group

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
    if workers == 1:
        loading = "modellen laden..." if language == "nl" else "loading models..."
    elif language == "nl":
        loading = f"{workers} processen, elk laadt de modellen..."
    else:
        loading = f"{workers} processes, each loading the models..."
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"Dienst op {url} (API-documentatie: {url}/docs); {loading}"
        if language == "nl"
        else f"Service at {url} (API docs: {url}/docs); {loading}",
        markup=False,
    )
    # uvicorn's access log would print raw paths and queries (`?q=` may be a pupil's name);
    # the app logs one line per request with the route template instead.
    if workers == 1:
        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            access_log=False,
            log_level="info",
            server_header=False,
        )
        return
    with serving_group(workers):
        uvicorn.run(
            "cli.serve:app_in_worker",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            access_log=False,
            log_level="info",
            server_header=False,
        )
