"""`screening faces calibrate` on a small registry, and `screening faces evaluate` on ../shared.

The registry gets synthetic templates (random points of dlib's norm, two or one per person)
through the registry's own API, with biometric consent; the command must print rates and
advice but never a template value.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cli.main import app
from consent_store.purposes import Purpose
from consent_store.records import GivenBy
from consent_store.repository import open_registry
from kernel.settings import Settings
from screening.faces.models import ENCODER_MODEL_ID
from tests.conftest import shared_path
from tests.consent_store.helpers import add_pupil, grant

RUNNER = CliRunner()


def _photo(i: int) -> str:
    return f"{i:064x}"


@pytest.fixture
def small_registry() -> list[np.ndarray]:
    """12 pupils with two templates each and one with a single template; returns the vectors."""
    rng = np.random.default_rng(42)
    vectors: list[np.ndarray] = []
    today = date.today()
    with open_registry(Settings()) as registry:
        for i in range(13):
            pid = f"leerling{i:02d}"
            add_pupil(registry, pid, date(2013, 3, 1))
            grant(registry, pid, Purpose.BIOMETRIC_MATCHING, GivenBy.PARENT, today)
            centre = rng.normal(size=128)
            centre *= 1.44 / np.linalg.norm(centre)
            own = []
            for _k in range(1 if i == 12 else 2):
                step = rng.normal(size=128)
                own.append((centre + 0.2 * step / np.linalg.norm(step)).astype(np.float32))
            registry.add_face_templates(
                pid, ENCODER_MODEL_ID, [(v, _photo(100 * i + k)) for k, v in enumerate(own)]
            )
            vectors += own
    return vectors


def test_calibrate_prints_rates_and_advice_but_no_template(
    small_registry: list[np.ndarray],
) -> None:
    result = RUNNER.invoke(app, ["faces", "calibrate", "--lang", "nl"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "13 personen, 25 templates" in out
    assert "FNMR" in out and "grens van het beleid" in out
    assert "leerling12 (1): één foto ingeschreven" in out
    for vector in small_registry:
        for value in vector[:4]:
            assert f"{value:.4f}" not in out and repr(float(value)) not in out


def test_calibrate_refuses_a_loose_threshold_in_dutch(small_registry: list[np.ndarray]) -> None:
    result = RUNNER.invoke(app, ["faces", "calibrate", "--threshold", "2.2", "--lang", "nl"])
    assert result.exit_code == 3
    assert "drempel 2.20 geweigerd" in result.output
    assert "grens van het beleid" in result.output


def test_calibrate_json(small_registry: list[np.ndarray]) -> None:
    result = RUNNER.invoke(app, ["faces", "calibrate", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["people"] == 13 and data["refused"] is False
    assert data["stranger_named"] == 0 and data["loo_wrong"] == 0


def test_calibrate_on_an_empty_registry_is_an_input_error() -> None:
    result = RUNNER.invoke(app, ["faces", "calibrate", "--lang", "en"])
    assert result.exit_code == 2
    assert "no face templates" in result.output


def test_evaluate_needs_a_manifest(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["faces", "evaluate", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 2 and "MANIFEST.tsv" in result.output


@pytest.mark.shared
def test_evaluate_on_shared_data_has_no_unsafe_publish() -> None:
    """The acceptance figure: 0 unsafe publishes, >= 97% of enrolled people's photos published."""
    folder = shared_path("data", "faces")
    result = RUNNER.invoke(app, ["faces", "evaluate", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["total"]["unsafe"] == 0, report["unsafe_cases"]
    assert report["total"]["stranger_faces"] > 800
    # Measured: 530 / 530 (calibrated); the raw rule before it: 520 / 530.
    assert report["published_rate"] >= 0.97, report["total"]
