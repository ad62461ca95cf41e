"""`screening audit`: the nightly check of what is already published; `screening audit-mark`:
the officer's note that an item is handled.

Exit codes (stable; cron jobs and monitoring rely on them):
0 everything may stay online (or is marked handled), 1 action needed (take down, violation,
review, metadata), 2 input error (source, option) or an empty source (the reports say so
too), 3 configuration error (registry missing or unreachable, key, state directory, a
notification that failed), 4 internal error, 75 another audit is running (try later).
"""

from __future__ import annotations

import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from cli.errors import fail
from kernel.errors import InputError, ScreeningError
from kernel.settings import Settings
from screening.messages import Lang

if TYPE_CHECKING:
    from screening.audit.runner import AuditOptions, Executor


class AuditExit(IntEnum):
    """Exit codes of `screening audit`."""

    OK = 0
    ACTION_NEEDED = 1
    INPUT_ERROR = 2
    CONFIG_ERROR = 3
    INTERNAL_ERROR = 4
    #: EX_TEMPFAIL: another audit holds the lock; cron can simply try again later.
    BUSY = 75
    INTERRUPTED = 130


def audit(
    source: Annotated[
        str | None,
        typer.Argument(
            help="Map met gepubliceerde foto's, manifest (.csv/.jsonl), sitemap of feed "
            "(.xml of http(s)-adres)."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Map voor report.html, .csv en .json.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Aantal processen (standaard: één per kern)."),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            "--channel",
            "-c",
            help="Kanaal als de bron het niet zegt (standaard: website voor sitemaps en "
            "feeds, instagram voor mappen en manifesten).",
        ),
    ] = None,
    published_on: Annotated[
        str | None,
        typer.Option("--published-on", help="Publicatiedatum als de bron die niet geeft."),
    ] = None,
    policy: Annotated[
        str | None, typer.Option("--policy", "-p", help="Beleidspakket (svok, de-korre, pad).")
    ] = None,
    state_dir: Annotated[
        Path | None,
        typer.Option("--state-dir", help="Map voor slot, hervatlogboek en gezichtscache."),
    ] = None,
    notify_email: Annotated[
        list[str] | None,
        typer.Option("--notify-email", help="Mail de samenvatting naar dit adres (herhaalbaar)."),
    ] = None,
    webhook: Annotated[
        str | None, typer.Option("--webhook", help="POST de samenvatting (JSON) naar dit adres.")
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Begin opnieuw in plaats van te hervatten.")
    ] = False,
    purge_cache: Annotated[
        bool,
        typer.Option(
            "--purge-cache", help="Wis de versleutelde gezichtscache en het hervatlogboek."
        ),
    ] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="Taal: nl of en.")] = None,
    dated: Annotated[
        bool,
        typer.Option(
            "--dated",
            help="Rapport in een map per dag (OUT/JJJJ-MM-DD) met een koppeling OUT/latest.",
        ),
    ] = False,
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty", help="Een lege bron is geen waarschuwing (nog geen berichten)."
        ),
    ] = False,
    queue: Annotated[
        bool,
        typer.Option(
            "--queue",
            help="Laat de workers van de wachtrij de berichten beoordelen "
            "(SCREENING_BROKER_URL, 'screening worker').",
        ),
    ] = False,
) -> None:
    """Controleer wat al gepubliceerd is tegen het toestemmingsregister (nightly audit).

    Links in opgehaalde documenten: alleen publieke http(s)-adressen,
    tenzij SCREENING_AUDIT_ALLOWED_HOSTS ze toestaat.
    (Links found in fetched documents: public http(s) only, unless allow-listed.)
    """
    settings = Settings()
    language: Lang = "en" if (lang or settings.lang) == "en" else "nl"
    console = Console(stderr=True)
    try:
        if lang not in (None, "nl", "en"):
            raise InputError(
                f"unknown language {lang!r}; use nl or en",
                f"onbekende taal {lang!r}; kies nl of en",
            )
        if purge_cache:
            from screening.audit.runner import purge_state

            found = purge_state(settings, state_dir)
            console.print(
                ("gezichtscache gewist" if found else "er was geen gezichtscache")
                if language == "nl"
                else ("face cache purged" if found else "there was no face cache"),
                highlight=False,
            )
            if source is None:
                raise typer.Exit(AuditExit.OK)
        if source is None or out is None:
            raise InputError(
                "give a SOURCE and --out DIR (or only --purge-cache)",
                "geef een BRON en --out MAP (of alleen --purge-cache)",
            )
        if queue and workers is not None:
            raise InputError(
                "--workers counts processes on this machine; with --queue the workers of the "
                "task queue judge the items ('screening worker --concurrency N')",
                "--workers telt processen op deze machine; met --queue beoordelen de workers "
                "van de wachtrij de berichten ('screening worker --concurrency N')",
            )
        from cli.inputs import parse_channel
        from kernel.inputs import parse_date
        from screening.audit.runner import AuditOptions
        from screening.audit.sources import SourceDefaults

        options = AuditOptions(
            source=source,
            out_dir=out,
            state_dir=state_dir,
            workers=workers,
            defaults=SourceDefaults(
                channel=parse_channel(channel) if channel else None,
                published_on=parse_date(published_on) if published_on else None,
            ),
            policy=policy,
            lang=language,
            notify_emails=tuple(notify_email or ()),
            webhook=webhook,
            restart=restart,
            json_logs=not sys.stderr.isatty(),
            dated=dated,
            allow_empty=allow_empty,
        )
        if options.json_logs:
            from screening.audit.progress import use_json_logs

            use_json_logs()
        executor: Executor | None = None
        if queue:
            from api.batches.audit import QueuedAudit

            def notice(nl: str, en: str) -> None:
                console.print(nl if language == "nl" else en, highlight=False, markup=False)

            executor = QueuedAudit(settings, notice)
        try:
            code = _run(options, settings, console, executor)
        finally:
            if executor is not None:
                executor.close()
    except ScreeningError as err:
        fail(err, language, codes={"busy": AuditExit.BUSY})
    except KeyboardInterrupt:
        console.print(
            "onderbroken; start opnieuw om te hervatten / interrupted; run again to resume",
            highlight=False,
        )
        raise typer.Exit(AuditExit.INTERRUPTED) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:
        # Not exit code 1 (that means "action needed"); only the type, the text may quote data.
        label = "interne fout" if language == "nl" else "internal error"
        console.print(f"[bold red]{label}[/] {type(exc).__name__}", highlight=False)
        raise typer.Exit(AuditExit.INTERNAL_ERROR) from None
    raise typer.Exit(code)


def _run(
    options: AuditOptions, settings: Settings, console: Console, executor: Executor | None
) -> AuditExit:
    """Run the audit, print one line of counts, and pick the exit code."""
    from screening.audit.progress import default_progress
    from screening.audit.results import Verdict
    from screening.audit.runner import run_audit
    from screening.audit.texts import verdict_label

    lang = options.lang
    outcome = run_audit(options, settings, default_progress(), executor)
    counts = outcome.summary["counts"]
    new = len(outcome.comparison.new)
    if not options.json_logs:  # the JSON log's audit.finish event says the same
        console.print(
            (f"nieuw: {new}; " if lang == "nl" else f"new: {new}; ")
            + ", ".join(f"{verdict_label(Verdict(k), lang)}: {v}" for k, v in counts.items())
            + f" — {outcome.reports[0]}",
            highlight=False,
        )
    label = "waarschuwing" if lang == "nl" else "warning"
    for warning in outcome.warnings:
        # Always printed (cron mails stderr): an empty source must never look like "all well".
        console.print(
            f"[bold red]{label.upper()}[/] [{warning.code}] {escape(warning.message(lang))}",
            highlight=False,
            soft_wrap=True,
        )
    for err in outcome.notification_errors:
        console.print(f"[bold yellow]{label}[/] [{err.code}] {err.message(lang)}", highlight=False)
    if outcome.warnings:
        return AuditExit.INPUT_ERROR
    if outcome.action_needed:
        return AuditExit.ACTION_NEEDED
    if outcome.notification_errors:
        return AuditExit.CONFIG_ERROR
    return AuditExit.OK


def audit_mark(
    numbers: Annotated[
        list[str],
        typer.Argument(help="Nummer(s) uit het rapport, bijv. 3f2a-9c1b-7e04.", show_default=False),
    ],
    handled: Annotated[
        str | None,
        typer.Option(
            "--handled",
            help="Hoe het is afgehandeld: taken-down (offline gehaald), replaced (vervangen), "
            "discussed (besproken), accepted (mag blijven).",
        ),
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Korte notitie (zonder namen).")] = "",
    undo: Annotated[
        bool, typer.Option("--undo", help="Haal de markering weg: het bericht is weer open.")
    ] = False,
    state_dir: Annotated[
        Path | None,
        typer.Option("--state-dir", help="De statusmap van de controle (als bij audit)."),
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Taal: nl of en.")] = None,
) -> None:
    """Markeer berichten uit het controlerapport als afgehandeld (mark audit items handled).

    Een markering blijft staan tot er iets aan het bericht verandert (een nieuwe
    intrekking, een andere foto); dan is het weer nieuw. / A mark holds until the item
    changes.
    """
    settings = Settings()
    language: Lang = "en" if (lang or settings.lang) == "en" else "nl"
    console = Console(stderr=True)
    try:
        if undo == (handled is not None):
            raise InputError(
                "give --handled HOW, or --undo",
                "geef --handled HOE, of --undo",
            )
        from screening.audit.followup import mark
        from screening.audit.lock import AuditLock
        from screening.audit.runner import state_dir_for

        folder = state_dir_for(settings, state_dir)
        if not folder.is_dir():
            raise InputError(
                f"{folder} holds no audit yet; run 'screening audit' first",
                f"in {folder} staat nog geen controle; voer eerst 'screening audit' uit",
            )
        with AuditLock(folder):
            changed = mark(folder, numbers, None if undo else handled, note=note)
    except ScreeningError as err:
        fail(err, language, codes={"busy": AuditExit.BUSY})
    for m in changed:
        if undo:
            text = f"{m.ref}: weer open" if language == "nl" else f"{m.ref}: open again"
        else:
            text = f"{m.ref}: {m.label(language)}"
        console.print(text, highlight=False)
    raise typer.Exit(AuditExit.OK)
