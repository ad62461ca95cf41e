"""The `screening` command line.

Exit codes (documented in docs/cli.md; scripts at schools rely on them):
0 publish, 1 hold, 2 usage or input error, 3 configuration error, 4 internal error.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from cli.audit import audit, audit_mark
from cli.errors import fail
from cli.eval import eval_app
from cli.faces import faces_app
from cli.inputs import (
    decode_text,
    open_binary,
    parse_channel,
    parse_jsonl_line,
    read_image,
    read_limited,
)
from cli.keys import keys_app
from cli.models import models_app
from cli.registry import registry_app
from cli.serve import serve
from cli.status import status
from cli.worker import worker
from kernel.errors import EmptyTextError, InputError, ScreeningError
from kernel.inputs import parse_date
from kernel.settings import Settings
from kernel.types import Action, Channel, Decision, Post
from screening.decision_json import decision_to_dict
from screening.messages import Lang


class Exit(IntEnum):
    """Process exit codes."""

    PUBLISH = 0
    HOLD = 1
    INPUT_ERROR = 2
    CONFIG_ERROR = 3
    INTERNAL_ERROR = 4


app = typer.Typer(
    name="screening",
    help="Controleert berichten voor de sociale media van de school / Screens school posts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(registry_app, name="registry")
app.add_typer(eval_app, name="eval")
app.add_typer(faces_app, name="faces")
app.add_typer(keys_app, name="keys")
app.add_typer(models_app, name="models")
app.command("serve")(serve)
app.command("worker")(worker)
app.command("status")(status)
app.command("audit")(audit)
app.command("audit-mark")(audit_mark)


@app.callback()
def _root() -> None:
    """Controleert berichten voor de sociale media van de school / Screens school posts."""


def _fail(err: ScreeningError, lang: Lang) -> NoReturn:
    """Report an error of `check`: input errors exit 2, every other category 3."""
    fail(err, lang, default=Exit.CONFIG_ERROR)


def _read_text(text: str | None, file: Path | None, max_chars: int) -> str:
    if text is not None and file is not None:
        raise InputError(
            "give the text as an argument or with --file, not both",
            "geef de tekst als argument of met --file, niet allebei",
        )
    if file is not None:
        try:
            with open_binary(file) as fh:  # a named pipe nobody writes to reads as empty
                return decode_text(read_limited(fh, max_chars, str(file)), str(file))
        except OSError as exc:
            raise InputError(
                f"cannot read {str(file)!r}: {exc.strerror}",
                f"kan {str(file)!r} niet lezen: {exc.strerror}",
            ) from None
    if text == "-" or (text is None and not sys.stdin.isatty()):
        return decode_text(read_limited(sys.stdin.buffer, max_chars, "stdin"), "stdin")
    return text or ""


def _exit_for(decisions: list[Decision]) -> Exit:
    return Exit.HOLD if any(d.action is Action.HOLD for d in decisions) else Exit.PUBLISH


@app.command()
def check(
    text: Annotated[
        str | None, typer.Argument(help="De tekst van het bericht ('-' leest stdin).")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Lees de tekst uit een bestand (UTF-8).")
    ] = None,
    image: Annotated[
        list[Path] | None,
        typer.Option("--image", "-i", help="Een foto bij het bericht (herhaalbaar)."),
    ] = None,
    channel: Annotated[
        str,
        typer.Option(
            "--channel",
            "-c",
            help="instagram, facebook, linkedin, x, tiktok, "
            "youtube, website, newsletter, school_guide, whatsapp.",
        ),
    ] = "instagram",
    when: Annotated[
        str | None,
        typer.Option(
            "--date", "-d", help="Publicatiedatum, DD-MM-JJJJ of JJJJ-MM-DD (standaard: vandaag)."
        ),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option("--policy", "-p", help="Beleidspakket (svok, de-korre, of een pad)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Schrijf het besluit als JSON.")] = False,
    jsonl: Annotated[
        Path | None,
        typer.Option("--jsonl", help="Controleer één bericht per regel van dit JSONL-bestand."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Met --jsonl: schrijf de besluiten hierheen.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Taal van de uitvoer: nl of en.")
    ] = None,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate", help="Schrijf de foto's met omkaderde, benoemde gezichten in deze map."
        ),
    ] = None,
    redact: Annotated[
        Path | None,
        typer.Option(
            "--redact",
            help="Schrijf publiceerbare foto's (gezichten zonder "
            "toestemming vervaagd, zonder metadata) in deze map.",
        ),
    ] = None,
    queue: Annotated[
        bool,
        typer.Option(
            "--queue",
            help="Met --jsonl: laat de workers van de wachtrij controleren "
            "(SCREENING_BROKER_URL) in plaats van dit proces.",
        ),
    ] = False,
) -> None:
    """Controleer een bericht en zeg: publiceren of niet publiceren (check a post)."""
    settings = Settings()
    language: Lang = "en" if (lang or settings.lang) == "en" else "nl"
    if lang not in (None, "nl", "en"):
        _fail(
            InputError(
                f"unknown language {lang!r}; use nl or en",
                f"onbekende taal {lang!r}; kies nl of en",
            ),
            language,
        )
    try:
        default_channel = parse_channel(channel)
        publish_on = parse_date(when) if when else date.today()
        from consent_store.location import require_registry

        require_registry(settings)  # a registry that is not there: exit 3, before any work
        if queue and jsonl is None:
            raise InputError(
                "--queue works with --jsonl only", "--queue werkt alleen samen met --jsonl"
            )
        if jsonl is not None:
            if text is not None or file is not None or image or annotate or redact:
                raise InputError(
                    "--jsonl cannot be combined with a text, --file, --image, --annotate "
                    "or --redact",
                    "--jsonl gaat niet samen met een tekst, --file, --image, --annotate of "
                    "--redact",
                )
            if queue:
                from cli.queue_check import check_jsonl_on_queue

                summary = check_jsonl_on_queue(
                    jsonl, out, default_channel, publish_on, policy, settings, language
                )
                code = _jsonl_exit(jsonl, summary.errors, summary.decisions, summary.holds)
            else:
                code = _check_jsonl(jsonl, out, default_channel, publish_on, policy, settings)
            raise typer.Exit(code)
        body = _read_text(text, file, settings.max_text_chars)
        photos = tuple(read_image(p, settings.max_image_bytes) for p in image or [])
        if not body.strip() and not photos:
            raise EmptyTextError(
                "there is no text to check; give text, --file or stdin",
                "er is geen tekst om te controleren; geef tekst, --file of stdin",
            )
        from screening.pipeline import build_pipeline

        # Face models take seconds to load: only when there are photos to look at.
        pipeline = build_pipeline(settings, faces=bool(photos))
        pipeline.packs.get(policy)  # an unknown policy is a usage error before any work
        post = Post(text=body, channel=default_channel, publish_on=publish_on, images=photos)
        decision = pipeline.screen(post, policy)
        _write_pictures(decision, post, annotate, redact, language)
    except ScreeningError as err:
        _fail(err, language)
    if as_json:
        typer.echo(json.dumps(decision_to_dict(decision), ensure_ascii=False, indent=2))
    else:
        from cli.render import render_decision

        render_decision(Console(), decision, post, language)
    raise typer.Exit(_exit_for([decision]))


def _write_pictures(
    decision: Decision, post: Post, annotate: Path | None, redact: Path | None, lang: Lang
) -> None:
    """Write annotated and/or redacted photos and say where (on stderr: stdout is the
    decision)."""
    from screening.images.render import write_outputs

    err = Console(stderr=True)
    for folder, kind, title in (
        (annotate, "annotate", ("Geannoteerde foto's", "Annotated photos")),
        (redact, "redact", ("Publiceerbare foto's", "Publishable photos")),
    ):
        if folder is None:
            continue
        if folder.exists() and not folder.is_dir():
            raise InputError(f"{str(folder)!r} is not a folder", f"{str(folder)!r} is geen map")
        try:
            paths = write_outputs(decision, post, folder, kind=kind, lang=lang)
        except OSError as exc:  # a folder that cannot be made or written to
            raise InputError(
                f"cannot write the photos to {str(folder)!r}: {exc.strerror}",
                f"kan de foto's niet in {str(folder)!r} schrijven: {exc.strerror}",
            ) from None
        err.print(
            f"{title[0] if lang == 'nl' else title[1]}: "
            + (", ".join(str(p) for p in paths) or "-"),
            highlight=False,
        )


def _check_jsonl(
    path: Path,
    out: Path | None,
    channel: Channel,
    today: date,
    policy: str | None,
    settings: Settings,
) -> Exit:
    """Screen every line of a JSONL content calendar; a bad line is reported, not fatal."""
    from screening.pipeline import build_pipeline

    if not path.is_file():
        raise InputError(f"{str(path)!r} does not exist", f"{str(path)!r} bestaat niet")
    pipeline = build_pipeline(settings)
    pipeline.packs.get(policy)
    decisions: list[Decision] = []
    errors = 0
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        with path.open("rb") as fh:
            for n, raw in enumerate(fh, start=1):
                item = parse_jsonl_line(
                    raw, n, path.parent, channel, today, settings.max_image_bytes
                )
                if item is None:
                    continue
                error = item.error
                record: dict[str, object] = {}
                if item.post is not None:
                    try:
                        decision = pipeline.screen(item.post, policy)
                        decisions.append(decision)
                        record = {"line": n, **decision_to_dict(decision)}
                    except InputError as exc:
                        error = exc
                if error is not None:
                    errors += 1
                    record = {
                        "line": n,
                        "id": item.id,
                        "error": {
                            "code": error.code,
                            "message": error.message_en,
                            "message_nl": error.message_nl,
                        },
                    }
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if out:
            sink.close()
    holds = sum(d.action is Action.HOLD for d in decisions)
    return _jsonl_exit(path, errors, len(decisions), holds)


def _jsonl_exit(path: Path, errors: int, decisions: int, holds: int) -> Exit:
    """The exit code of a JSONL calendar, screened in process or on the queue."""
    if errors:
        return Exit.INPUT_ERROR
    if not decisions:
        # Exit code 0 would tell a script "publish", for a calendar it never saw (the wrong
        # file, an empty export).
        raise EmptyTextError(
            f"{str(path)!r} holds no posts (every line is empty)",
            f"{str(path)!r} bevat geen berichten (elke regel is leeg)",
        )
    return Exit.HOLD if holds else Exit.PUBLISH


def main() -> None:
    """Entry point of the `screening` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except ScreeningError as err:  # a configuration problem raised outside a command
        Console(stderr=True).print(f"[bold red]fout[/] {escape(str(err))}", highlight=False)
        sys.exit(Exit.CONFIG_ERROR)
    except Exception as exc:
        # A bug, not the user's doing: no traceback for them (it could quote the post), a
        # clear exit code, and the traceback on request.
        if os.environ.get("SCREENING_DEBUG"):
            raise
        Console(stderr=True).print(
            f"[bold red]interne fout / internal error[/] {type(exc).__name__}; "
            "zet SCREENING_DEBUG=1 voor details / set SCREENING_DEBUG=1 for details",
            highlight=False,
        )
        sys.exit(Exit.INTERNAL_ERROR)
