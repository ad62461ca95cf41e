"""`screening models`: train the Dutch pipeline from the recipe, and show what is installed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.errors import command_errors, fail
from kernel.errors import InputError
from screening.messages import Lang

models_app = typer.Typer(
    name="models",
    help="Het getrainde Nederlandse taalmodel / The trained Dutch language pipeline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_DEFAULT_DATA = Path("..", "shared", "data", "text", "train")
_Work = Annotated[Path, typer.Option("--work", help="Werkmap voor corpora en tussenmodellen.")]
_MaxSteps = Annotated[
    int | None, typer.Option("--max-steps", help="Hoogstens zoveel trainingsstappen.")
]
_Seed = Annotated[int, typer.Option("--seed", help="Vaste seed.")]


def _lang() -> Lang:
    from kernel.settings import Settings

    return "en" if Settings().lang == "en" else "nl"


@models_app.callback()
def _root() -> None:
    """Het getrainde Nederlandse taalmodel / The trained Dutch language pipeline."""


@models_app.command("train")
def train(
    data: Annotated[
        Path, typer.Option("--data", help="Map met de trainingsbestanden (ud/, ner/).")
    ] = _DEFAULT_DATA,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Waar het model komt (standaard: models/nlp/screening_nl)."),
    ] = None,
    work: _Work = Path("build", "nlp-training"),
    variant: Annotated[
        str,
        typer.Option(
            "--variant",
            help="research (met CoNLL-2002, alleen voor onderzoek) of open (herverdeelbare data).",
        ),
    ] = "research",
    limit: Annotated[
        int | None, typer.Option("--limit", help="Neem per corpus zoveel zinnen (rooktest).")
    ] = None,
    max_steps: _MaxSteps = None,
    seed: _Seed = 20261207,
    ner_silver: Annotated[
        Path | None,
        typer.Option(
            "--ner-silver",
            help="Extra machinaal gelabelde zinnen ('token tag') voor de namenherkenner, "
            "alleen in de trainingssplitsing.",
        ),
    ] = None,
    syntax_from: Annotated[
        Path | None,
        typer.Option(
            "--syntax-from",
            help="Train alleen de namenherkenner; de syntaxlagen komen uit dit model.",
        ),
    ] = None,
) -> None:
    """Train de pijplijn volgens het recept (models/nlp/README.md); ~15 min op 2 kernen."""
    from screening.nlp import shipped_model_dir
    from screening.training.recipe import VARIANTS
    from screening.training.recipe import train as run

    lang = _lang()
    if variant not in VARIANTS:
        fail(
            InputError(
                f"--variant: choose from {', '.join(VARIANTS)}",
                f"--variant: kies uit {', '.join(VARIANTS)}",
            ),
            lang,
        )
    with command_errors(lang, "models train"):
        target = out or shipped_model_dir()
        result = run(
            data,
            target,
            work,
            variant,  # checked against VARIANTS above
            limit=limit,
            max_steps=max_steps,
            seed=seed,
            ner_silver=ner_silver,
            syntax_from=syntax_from,
        )
    typer.echo(
        f"model geschreven naar {result}" if lang == "nl" else f"pipeline written to {result}"
    )


@models_app.command("train-language")
def train_language(
    data: Annotated[
        Path, typer.Option("--data", help="Map met de trainingsbestanden (ud/ voor gewone zinnen).")
    ] = _DEFAULT_DATA,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Waar de scorer komt (standaard: models/language/scorer)."),
    ] = None,
    work: _Work = Path("build", "language-training"),
    max_steps: _MaxSteps = None,
    seed: _Seed = 20261207,
) -> None:
    """Train de scorer voor kwetsende taal op het eigen corpus (~15 min op 2 kernen)."""
    from screening.resources import models_dir
    from screening.training.recipe import install_language_scorer, train_language_scorer

    lang = _lang()
    with command_errors(lang, "models train-language"):
        trained = train_language_scorer(work, data, max_steps=max_steps, seed=seed)
        result = install_language_scorer(trained, out or models_dir() / "language" / "scorer", seed)
    typer.echo(
        f"scorer geschreven naar {result}" if lang == "nl" else f"scorer written to {result}"
    )


@models_app.command("info")
def info(
    as_json: Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")] = False,
) -> None:
    """Welk taalmodel screent: naam, versie, sha256, componenten, variant."""
    from kernel.settings import Settings
    from screening.nlp import load_nlp

    settings = Settings()
    with command_errors(_lang(), "models info"):
        nlp, nlp_info = load_nlp(settings.spacy_model, settings.models_dir)
    screening_meta = nlp.meta.get("screening", {})
    summary = {
        "name": nlp_info.name,
        "version": nlp_info.version,
        "sha256": nlp_info.sha256,
        "fallback": nlp_info.fallback,
        "note": nlp_info.note,
        "components": list(nlp.pipe_names),
        "variant": screening_meta.get("variant") if isinstance(screening_meta, dict) else None,
        "license": nlp.meta.get("license"),
    }
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    for key, value in summary.items():
        if value not in (None, "", []):
            typer.echo(f"{key:<11} {value}")
