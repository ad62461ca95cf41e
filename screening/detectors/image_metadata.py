"""Reports personal data in a photo's metadata (EXIF/XMP): GPS position, owner's name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from kernel.types import Evidence, Finding, ImageRegion, PostContext
from screening.detectors.base import ImageDetector
from screening.images.intake import DecodedImage


class ImageMetadataDetector(ImageDetector):
    """One `image.metadata` finding per photo whose metadata holds a place or a name."""

    name: ClassVar[str] = "image_metadata"
    version: ClassVar[str] = "1.0"

    def detect(self, image: DecodedImage, index: int, context: PostContext) -> Sequence[Finding]:
        """Names the kinds of fields found; their values are never copied."""
        meta = image.metadata
        if not meta.has_personal_data:
            return []
        parts = (["GPS position"] if meta.gps else []) + list(meta.fields)
        return [
            Finding(
                kind="image.metadata",
                detector=self.name,
                detector_version=self.version,
                score=1.0 if meta.gps else 0.8,
                evidence=Evidence(
                    explanation="metadata holds " + ", ".join(parts),
                    validation="exif/xmp",
                    context_words=tuple(parts),
                ),
                region=ImageRegion(index),
            )
        ]
