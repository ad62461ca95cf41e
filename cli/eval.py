"""`screening eval`: score the detectors on a labelled set of posts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.errors import command_errors, fail
from kernel.errors import InputError, ScreeningError
from kernel.settings import Settings
from screening.messages import Lang

eval_app = typer.Typer(
    name="eval",
    help="Meet de detectoren op gelabelde berichten / Score the detectors on labelled posts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@eval_app.callback()
def _root() -> None:
    """Meet de detectoren op gelabelde berichten / Score the detectors on labelled posts."""


@eval_app.command("text")
def text(
    file: Annotated[
        Path,
        typer.Argument(help="JSONL (of TSV) met id, text, expected_kinds, expected_action."),
    ],
    policy: Annotated[
        str | None, typer.Option("--policy", help="Beleidspakket (id of pad).")
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Alleen soorten die hiermee beginnen, bv. language."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="nl of en.")] = None,
    held_out: Annotated[
        bool,
        typer.Option(
            "--held-out",
            help="Alleen de apart gehouden rijen van het taalcorpus (models/language/corpus).",
        ),
    ] = False,
) -> None:
    """Precisie, recall en F1 per soort bevinding, juiste besluiten en missers."""
    from screening.eval_text import evaluate, format_report, load_labelled
    from screening.pipeline import build_pipeline

    settings = Settings()
    language = "en" if (lang or settings.lang) == "en" else "nl"
    try:
        posts = load_labelled(file)
        if held_out:
            from screening.training.language_corpus import held_out as is_held_out

            posts = [p for p in posts if is_held_out(p.id)]
        pipeline = build_pipeline(settings, faces=False)
        report = evaluate(pipeline, posts, policy, kind or None)
    except ScreeningError as err:
        Console(stderr=True).print(
            f"[bold red]{'fout' if language == 'nl' else 'error'}[/] [{err.code}] "
            f"{err.message(language)}",
            markup=True,
            highlight=False,
        )
        raise typer.Exit(2 if err.category == "input" else 3) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_report(report, language))


@eval_app.command("names")
def names(
    file: Annotated[
        Path,
        typer.Argument(help="CoNLL-bestand: per regel 'token tag', lege regel tussen zinnen."),
    ],
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="detector (de namendetector), ner (alleen het getrainde model) of lists "
            "(alleen de woordenlijsten).",
        ),
    ] = "detector",
    examples: Annotated[
        int, typer.Option("--examples", help="Toon zoveel gemiste en onterechte namen.")
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="nl of en.")] = None,
) -> None:
    """Precisie, recall en F1 voor persoonsnamen (spanning-overlap en exact)."""
    from screening.eval_names import SOURCES, evaluate_names, format_names_report, load_sentences

    settings = Settings()
    language: Lang = "en" if (lang or settings.lang) == "en" else "nl"
    if source not in SOURCES:
        fail(
            InputError(
                f"--source: choose from {', '.join(SOURCES)}",
                f"--source: kies uit {', '.join(SOURCES)}",
            ),
            language,
        )
    with command_errors(language, "eval names"):
        report = evaluate_names(
            load_sentences(file),
            source,  # checked against SOURCES above
            model=settings.spacy_model,
            examples=examples,
        )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_names_report(report, language))
