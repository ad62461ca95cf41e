"""Special-category (GDPR art. 9) and confidential facts about an identifiable person."""

from __future__ import annotations

from screening.detectors.registry import DetectorRegistry
from screening.detectors.sensitive.detector import SensitiveFactsDetector

__all__ = ["SensitiveFactsDetector", "register_sensitive"]


def register_sensitive(registry: DetectorRegistry) -> None:
    """Register the sensitive-facts detector under its own name."""
    registry.register_text(SensitiveFactsDetector.name, SensitiveFactsDetector)
