"""The two detector interfaces: one for the post text, one for a post's images."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import ClassVar

from kernel.types import Finding, PostContext
from screening.images.intake import DecodedImage
from screening.nlp import TextDoc

#: The pipeline's text screening (NLP pass and every text detector) of any text, for image
#: detectors that find text in a photo.
TextScreen = Callable[[str, PostContext], Sequence[Finding]]


class TextDetector(ABC):
    """Reads the analysed text once and reports findings; it never decides."""

    name: ClassVar[str]
    version: ClassVar[str]

    @abstractmethod
    def detect(self, doc: TextDoc) -> Sequence[Finding]:
        """All findings of this detector in `doc`."""

    def model_versions(self) -> dict[str, str]:
        """Trained models the detector reads, by name, with version and weights digest."""
        return {}


class ImageDetector(ABC):
    """Reads one decoded image of a post and reports findings; it never decides."""

    name: ClassVar[str]
    version: ClassVar[str]
    #: Whether this detector looks for faces. A photo that no face detector has seen cannot
    #: be published (it is reported as 'image.not_screened').
    checks_faces: ClassVar[bool] = False

    @abstractmethod
    def detect(self, image: DecodedImage, index: int, context: PostContext) -> Sequence[Finding]:
        """All findings of this detector in the image at position `index` of the post."""

    def model_versions(self) -> dict[str, str]:
        """Models the detector reads, by name, with version (or weights digest)."""
        return {}

    def use_text_screen(self, screen: TextScreen) -> None:
        """Receive the pipeline's text screening; only detectors that read text use it."""
        del screen  # most image detectors read no text
