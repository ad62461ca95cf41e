"""Personal data written in a photo: OCR, then the caption's own text detectors.

The recognised lines of a photo are joined into one text and screened by the pipeline's text
detectors (names with their registry link, phone numbers, e-mail addresses, addresses, BSN,
...), exactly as a caption is. Each finding keeps its kind, score and evidence, and points at
the photo and at the box of the characters it covers instead of at a span of the caption, so
the policy judges it as it would judge the same finding in the caption.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import ClassVar, Protocol

from kernel.types import Box, Evidence, Finding, ImageRegion, PostContext
from screening.detectors.base import ImageDetector, TextScreen
from screening.faces.cache import analysis_key, config_id
from screening.images.intake import DecodedImage
from screening.images.ocr import TextLine, engine_info, read_lines, span_box

#: Lines of a photo are joined with a line break: a detector may read a number that is split
#: over two lines of a poster, but never a word glued to the line above.
LINE_BREAK = "\n"

#: Reads the lines of text in a picture: `screening.images.ocr.read_lines`, or a stand-in.
LineReader = Callable[..., list[TextLine]]


class PhotoTextCache(Protocol):
    """Stores the lines read in a photo by key; implementations must fail soft (a miss).

    Reading depends only on the photo's bytes, the OCR engine and its settings, never on the
    registry: the nightly audit keeps the lines between nights (`screening.audit.face_cache`)
    and screens them again against today's registry without reading the photo again.
    """

    def get_lines(self, key: str) -> tuple[TextLine, ...] | None:
        """The lines stored under `key`, or None when there are none (or they are unusable)."""

    def put_lines(self, key: str, lines: Sequence[TextLine]) -> None:
        """Store `lines` under `key`."""


class PhotoTextDetector(ImageDetector):
    """Reads the text in a photo and reports what the text detectors find in it."""

    name: ClassVar[str] = "photo_text"
    version: ClassVar[str] = "1.0"

    def __init__(
        self,
        *,
        max_side: int,
        min_confidence: float,
        threads: int | None = None,
        reader: LineReader = read_lines,
        cache: PhotoTextCache | None = None,
    ) -> None:
        self.max_side = max_side
        self.min_confidence = min_confidence
        self.threads = threads
        self._reader = reader
        self._screen: TextScreen | None = None
        #: Optional store of the lines read per photo (the audit's).
        self.cache = cache

    def use_text_screen(self, screen: TextScreen) -> None:
        """Screen recognised text with the pipeline's NLP pass and text detectors."""
        self._screen = screen

    def model_versions(self) -> dict[str, str]:
        """The OCR package (its models ship inside it) and its version."""
        info = engine_info()
        return {f"{self.name}.ocr": f"{info.package}=={info.version}"}

    def detect(self, image: DecodedImage, index: int, context: PostContext) -> Sequence[Finding]:
        """Text findings in the photo's first frame, boxed in full-size photo coordinates."""
        if self._screen is None:
            # Built outside a pipeline: nothing can screen the text, so fail (closed).
            raise RuntimeError("photo text detector has no text screening attached")
        lines = self.read(image)
        if not lines:
            return []
        text, starts = join_lines(lines)
        return [self._in_photo(f, lines, starts, image, index) for f in self._screen(text, context)]

    def read(self, image: DecodedImage) -> Sequence[TextLine]:
        """The lines of text in the photo's first frame, or the cache's copy of them."""
        key = None
        if self.cache is not None and image.sha256:
            info = engine_info()
            # The frame's size is in the key: it follows from a setting (detection_max_side).
            config = config_id(
                self.name, self.version, self.max_side, self.min_confidence, image.frame_size
            )
            key = analysis_key(image.sha256, f"{info.package}=={info.version}", config)
            cached = self.cache.get_lines(key)
            if cached is not None:
                return cached
        lines = self._reader(
            image.frame,
            max_side=self.max_side,
            min_confidence=self.min_confidence,
            threads=self.threads,
        )
        if key is not None and self.cache is not None:
            self.cache.put_lines(key, lines)
        return lines

    def _in_photo(
        self,
        found: Finding,
        lines: Sequence[TextLine],
        starts: Sequence[int],
        image: DecodedImage,
        index: int,
    ) -> Finding:
        """`found` (a finding on the joined text) as a finding on the photo."""
        box: Box | None = None
        read = ""
        confidence = 1.0
        if found.span is not None:
            read = found.span.text
            covered = _covered(lines, starts, found.span.start, found.span.end)
            confidence = min(line.confidence for line, _, _ in covered) if covered else 1.0
            box = _full_size_box([span_box(line, a, b) for line, a, b in covered], image)
        where = f"read in photo {index + 1} by OCR"
        if read:
            where = f"{read!r} {where} (confidence {confidence:.2f})"
        ev = found.evidence
        return Finding(
            kind=found.kind,
            detector=self.name,
            detector_version=self.version,
            score=found.score,
            evidence=Evidence(
                explanation=f"{where}; {found.detector}: {ev.explanation}",
                pattern=ev.pattern,
                validation=ev.validation,
                context_words=ev.context_words,
            ),
            region=ImageRegion(index, box),
            person_id=found.person_id,
            person_name=found.person_name,
        )


def join_lines(lines: Sequence[TextLine]) -> tuple[str, list[int]]:
    """The lines as one text, and where each line starts in it."""
    starts: list[int] = []
    at = 0
    for line in lines:
        starts.append(at)
        at += len(line.text) + len(LINE_BREAK)
    return LINE_BREAK.join(line.text for line in lines), starts


def _covered(
    lines: Sequence[TextLine], starts: Sequence[int], start: int, end: int
) -> list[tuple[TextLine, int, int]]:
    """The lines that characters [start, end) of the joined text lie on, with the
    character range on each line."""
    covered = []
    for line, first in zip(lines, starts, strict=True):
        a, b = max(start, first) - first, min(end, first + len(line.text)) - first
        if a < b:
            covered.append((line, a, b))
    return covered


def _full_size_box(
    boxes: Sequence[tuple[float, float, float, float]], image: DecodedImage
) -> Box | None:
    """The union of frame boxes, in full-size photo coordinates, rounded outwards."""
    if not boxes:
        return None
    s = image.scale
    width, height = image.full_size
    left = max(0, math.floor(min(b[0] for b in boxes) / s))
    top = max(0, math.floor(min(b[1] for b in boxes) / s))
    right = min(width, math.ceil(max(b[2] for b in boxes) / s))
    bottom = min(height, math.ceil(max(b[3] for b in boxes) / s))
    if right <= left or bottom <= top:
        return None
    return Box(left, top, right, bottom)
