"""Person names in Dutch post text, linked to the consent registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kernel.settings import Settings
from screening.detectors.names.detector import NameDetector
from screening.detectors.registry import DetectorRegistry
from screening.name_lists import NameLexicon, load_name_lexicon
from screening.resources import models_dir

if TYPE_CHECKING:
    from consent_store.repository import Registry

__all__ = ["NameDetector", "NameLexicon", "build_name_detector", "register_names"]


def build_name_detector(settings: Settings) -> NameDetector:
    """The name detector with its word lists and the (lazily opened) consent registry."""
    lexicons = models_dir(settings.models_dir) / "lexicons"

    def open_registry() -> Registry | None:
        # Imported here: the database layer costs half a second to import, and a post
        # without names never needs it; nor does one checked on the very first run, before
        # any registry exists at the built-in default location (nobody is registered yet).
        # Anywhere else a missing registry is an error, and the post holds.
        from consent_store.location import first_run

        if first_run(settings):
            return None
        from consent_store.repository import open_registry as open_

        return open_(settings)

    return NameDetector(load_name_lexicon(lexicons), open_registry, lexicons)


def register_names(registry: DetectorRegistry, settings: Settings) -> None:
    """Register the name detector under its own name."""
    registry.register_text(NameDetector.name, lambda: build_name_detector(settings))
