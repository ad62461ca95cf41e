"""`screening faces`: measure face identification and calibrate it on the school's registry."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cli.errors import CONFIG_ERROR, command_errors, fail
from kernel.errors import ConfigError, InputError
from kernel.settings import Settings
from screening.messages import Lang

faces_app = typer.Typer(
    name="faces",
    help="Gezichtsherkenning meten en kalibreren / Measure and calibrate face identification.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

LangOpt = Annotated[str | None, typer.Option("--lang", help="nl of en.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")]
MODES = ("config", "calibrated", "raw")


@faces_app.callback()
def _root() -> None:
    """Gezichtsherkenning meten en kalibreren / Measure and calibrate face identification."""


def _lang(value: str | None) -> Lang:
    chosen = value or Settings().lang
    if chosen not in ("nl", "en"):
        fail(
            InputError(
                f"unknown language {value!r}; use nl or en",
                f"onbekende taal {value!r}; kies nl of en",
            ),
            "nl",
        )
    return "en" if chosen == "en" else "nl"


@faces_app.command("evaluate")
def evaluate(
    folder: Annotated[
        Path,
        typer.Argument(help="Map met MANIFEST.tsv en de foto's (../shared/data/faces)."),
    ] = Path("../shared/data/faces"),
    enrol: Annotated[
        int, typer.Option("--enrol", min=1, help="Zoveel eerste foto's per persoon inschrijven.")
    ] = 2,
    mode: Annotated[
        str,
        typer.Option(
            "--mode", help="config (models/faces/matching.toml), calibrated of raw (de oude regel)."
        ),
    ] = "config",
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Herkenning meten volgens het protocol in docs/evaluation.md (exit 1 bij onveilig)."""
    from screening.faces.detect import load_detection_config
    from screening.faces.evaluate import encode_photos, format_report, load_photos
    from screening.faces.evaluate import evaluate as run
    from screening.faces.match import (
        CalibrationConfig,
        load_calibration_config,
        load_match_thresholds,
    )
    from screening.faces.models import load_face_models
    from screening.faces.quality import load_recognizability_config

    language = _lang(lang)
    with command_errors(language, "faces evaluate"):
        if mode not in MODES:
            raise InputError(
                f"--mode: choose from {', '.join(MODES)}", f"--mode: kies uit {', '.join(MODES)}"
            )
        if not (folder / "MANIFEST.tsv").is_file():
            raise InputError(f"{folder} has no MANIFEST.tsv", f"{folder} bevat geen MANIFEST.tsv")
        configured = load_calibration_config()
        calibration = {
            "config": configured,
            "calibrated": configured or CalibrationConfig(),
            "raw": None,
        }[mode]
        settings = Settings()
        photos = load_photos(folder)
        templates = encode_photos(
            folder,
            photos,
            load_face_models(),
            load_detection_config(),
            load_recognizability_config(),
            settings,
            flip_average=calibration is not None and calibration.flip_average,
        )
        report = run(photos, templates, load_match_thresholds(), calibration, enrol)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_report(report, language))
    if report.total().unsafe:
        raise typer.Exit(1)


@faces_app.command("calibrate")
def calibrate(
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold", help="Te toetsen acceptatieafstand (standaard: de ingestelde)."
        ),
    ] = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """FMR en FNMR van het eigen register schatten; weigert een te ruime drempel (exit 3).

    Templates worden alleen in het geheugen ontsleuteld; er wordt niets van getoond.
    """
    from consent_store.repository import open_registry
    from screening.faces.calibration import calibrate_registry, format_calibration
    from screening.faces.match import (
        CalibrationConfig,
        load_calibration_config,
        load_match_thresholds,
    )
    from screening.faces.models import ENCODER_MODEL_ID

    language = _lang(lang)
    with command_errors(language, "faces calibrate"):
        thresholds = load_match_thresholds()
        rule = load_calibration_config()
        policy = rule or CalibrationConfig()
        with open_registry(Settings()) as registry:
            candidates = registry.face_candidates(ENCODER_MODEL_ID, date.today())
            templates = [(c.person_id, c.vector) for c in candidates]
        if not templates:
            raise InputError(
                "the registry holds no face templates to calibrate on",
                "het register bevat geen gezichtstemplates om op te kalibreren",
            )
        result = calibrate_registry(templates, thresholds, policy, rule, threshold)
    if as_json:
        payload = asdict(result)
        payload["estimated_fmr"] = result.estimated_fmr
        payload["refused"] = result.refused
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        typer.echo(format_calibration(result, language))
    if result.refused:
        fail(
            ConfigError(
                f"threshold {result.threshold:.2f} refused: estimated false-match rate "
                f"{result.estimated_fmr:.4%} is above the policy's limit {result.limit:.4%}",
                f"drempel {result.threshold:.2f} geweigerd: de geschatte kans op een valse "
                f"herkenning ({result.estimated_fmr:.4%}) ligt boven de grens van het beleid "
                f"({result.limit:.4%}); kies een lagere drempel",
            ),
            language,
            default=CONFIG_ERROR,
        )
