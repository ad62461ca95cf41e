"""Insulting, bullying, threatening, demeaning and profane language in Dutch post text."""

from __future__ import annotations

from screening.detectors.language.detector import OffensiveLanguageDetector
from screening.detectors.registry import DetectorRegistry

__all__ = ["OffensiveLanguageDetector", "register_language"]


def register_language(registry: DetectorRegistry) -> None:
    """Register the offensive-language detector under its own name."""
    registry.register_text(OffensiveLanguageDetector.name, OffensiveLanguageDetector)
