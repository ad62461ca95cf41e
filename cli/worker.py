"""`screening worker`: a Celery worker that screens the batches on the task queue.

It needs a broker (SCREENING_BROKER_URL) and the registry database every worker shares
(SCREENING_DATABASE_URL; PostgreSQL when the workers run on more than one machine). The
settings, the registry and the policy packs are checked before the worker starts, so a
mistake stops it with exit code 3 instead of a worker that fails every task.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console

from cli.errors import command_errors
from kernel.settings import Settings
from screening.messages import Lang

_LOG_LEVELS = ("debug", "info", "warning", "error")


def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            "-c",
            min=1,
            help="Aantal werkprocessen, elk met een eigen pijplijn (standaard: één per kern).",
        ),
    ] = None,
    loglevel: Annotated[
        str, typer.Option("--loglevel", help="debug, info, warning of error.")
    ] = "info",
    requeue: Annotated[
        bool,
        typer.Option(
            "--requeue",
            help="Zet eerst elk onafgemaakt bericht opnieuw in de wachtrij (na een broker die "
            "zijn wachtrij kwijt is).",
        ),
    ] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="nl of en (meldingen).")] = None,
) -> None:
    """Start een worker voor de wachtrij (start a worker for the task queue)."""
    settings = Settings()
    language: Lang = "en" if (lang or settings.lang) == "en" else "nl"
    with command_errors(language, "worker"):
        from api.batches.broker import not_configured
        from api.batches.tasks import requeue_unfinished, run_worker
        from consent_store.database import safe_url
        from consent_store.location import require_registry
        from consent_store.repository import open_registry
        from kernel.errors import InputError
        from screening.policy.pack import load_packs

        if loglevel.lower() not in _LOG_LEVELS:
            raise InputError(
                f"unknown log level {loglevel!r}; use {', '.join(_LOG_LEVELS)}",
                f"onbekend logniveau {loglevel!r}; kies uit {', '.join(_LOG_LEVELS)}",
            )
        if not settings.broker_url:
            raise not_configured()
        require_registry(settings)
        open_registry(settings).close()  # the schema up to date before any process uses it
        load_packs(settings.policy_dirs, settings.default_policy)
        processes = concurrency or os.cpu_count() or 1
        where = safe_url(settings.broker_url)
        out = Console(stderr=True, highlight=False, soft_wrap=True)
        if requeue:
            count = requeue_unfinished(settings)
            out.print(
                f"{count} onafgemaakt(e) bericht(en) opnieuw in de wachtrij gezet."
                if language == "nl"
                else f"{count} unfinished post(s) queued again.",
                markup=False,
            )
        out.print(
            f"Worker voor wachtrij '{settings.broker_queue}' op {where}: {processes} "
            "proces(sen), elk laadt de modellen één keer."
            if language == "nl"
            else f"Worker for queue '{settings.broker_queue}' at {where}: {processes} "
            "process(es), each loads the models once.",
            markup=False,
        )
    run_worker(settings, concurrency=processes, loglevel=loglevel.lower())
