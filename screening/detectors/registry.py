"""Explicit registration of detectors by name.

A registry is an ordinary object, not a process-wide global, so tests can build their own
without leaking into each other. Registering a name twice is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from kernel.errors import DetectorRegistryError
from screening.detectors.base import ImageDetector, TextDetector

TextFactory = Callable[[], TextDetector]
ImageFactory = Callable[[], ImageDetector]
_F = TypeVar("_F")


@dataclass
class DetectorRegistry:
    """Named factories for text and image detectors."""

    _text: dict[str, TextFactory] = field(default_factory=dict)
    _image: dict[str, ImageFactory] = field(default_factory=dict)

    def _check_free(self, name: str) -> None:
        if name in self._text or name in self._image:
            raise DetectorRegistryError(
                f"detector {name!r} is registered twice",
                f"detector {name!r} is twee keer geregistreerd",
            )

    def register_text(self, name: str, factory: TextFactory) -> None:
        """Register a text detector factory under `name`."""
        self._check_free(name)
        self._text[name] = factory

    def register_image(self, name: str, factory: ImageFactory) -> None:
        """Register an image detector factory under `name`."""
        self._check_free(name)
        self._image[name] = factory

    @property
    def text_names(self) -> tuple[str, ...]:
        return tuple(self._text)

    @property
    def image_names(self) -> tuple[str, ...]:
        return tuple(self._image)

    def build_text(self, names: Iterable[str] | None = None) -> list[TextDetector]:
        """Instantiate the named text detectors (all of them when `names` is None)."""
        return [self._lookup(self._text, n)() for n in (names or self._text)]

    def build_image(self, names: Iterable[str] | None = None) -> list[ImageDetector]:
        """Instantiate the named image detectors (all of them when `names` is None)."""
        return [self._lookup(self._image, n)() for n in (names or self._image)]

    @staticmethod
    def _lookup(table: dict[str, _F], name: str) -> _F:
        try:
            return table[name]
        except KeyError:
            raise DetectorRegistryError(
                f"unknown detector {name!r}; known: {', '.join(sorted(table))}",
                f"onbekende detector {name!r}; bekend: {', '.join(sorted(table))}",
            ) from None
