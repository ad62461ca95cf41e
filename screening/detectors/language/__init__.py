"""Insulting, bullying, threatening, demeaning and profane language in Dutch post text."""

from __future__ import annotations

from kernel.settings import Settings
from screening.detectors.language.detector import OffensiveLanguageDetector
from screening.detectors.registry import DetectorRegistry
from screening.resources import models_dir

__all__ = ["OffensiveLanguageDetector", "register_language"]


def register_language(registry: DetectorRegistry, settings: Settings) -> None:
    """Register the offensive-language detector, reading the installation's models folder
    and scorer threshold (`SCREENING_MODELS_DIR`, `SCREENING_LANGUAGE_SCORER_MIN`)."""

    def build() -> OffensiveLanguageDetector:
        models = models_dir(settings.models_dir)
        return OffensiveLanguageDetector(
            models / "lexicons", models / "language" / "scorer", settings.language_scorer_min
        )

    registry.register_text(OffensiveLanguageDetector.name, build)
