"""Annotated and redacted photos of screened drafts, downloadable for a short while.

Held in memory for `output_minutes` and rendered on first download (most screenings are
never downloaded, and rendering a 12-megapixel photo twice costs more than screening it).
Nothing reaches the disk unless the operator sets `retention_days`: then both pictures are
rendered at once, written to `<data_dir>/retained/<post_id>/` (owner-only) and deleted after
that many days.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from PIL import Image

from kernel.settings import Settings
from kernel.types import Decision, ImageInput
from screening.images.render import annotate, photo_findings, redact
from screening.messages import Lang

OutputKind = Literal["annotated", "redacted"]
OUTPUT_KINDS: tuple[OutputKind, ...] = ("annotated", "redacted")
#: Memory the held photos may take; the oldest screenings are dropped beyond it.
MAX_HELD_BYTES = 512 * 1024 * 1024
_POST_ID_RE = re.compile(r"^[0-9a-f]{20}$")


@dataclass(frozen=True)
class RenderedImage:
    """A picture ready to send."""

    data: bytes
    media_type: str


@dataclass
class _Held:
    decision: Decision
    images: tuple[ImageInput, ...]
    unreadable: frozenset[int]
    lang: Lang
    expires: float
    owner: str | None
    rendered: dict[tuple[int, str], RenderedImage] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(len(i.data) for i in self.images) + sum(
            len(r.data) for r in self.rendered.values()
        )


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _encode(img: Image.Image, png: bool) -> RenderedImage:
    """Pixels into a fresh file: no metadata of the original survives."""
    buf = io.BytesIO()
    if png:
        img.save(buf, "PNG")
        return RenderedImage(buf.getvalue(), "image/png")
    img.convert("RGB").save(buf, "JPEG", quality=90)
    return RenderedImage(buf.getvalue(), "image/jpeg")


def _render(held: _Held, index: int, kind: OutputKind) -> RenderedImage:
    image = held.images[index]
    findings = photo_findings(held.decision, index)
    picture = (
        annotate(image.data, findings, held.lang)
        if kind == "annotated"
        else redact(image.data, findings)
    )
    return _encode(picture, image.name.lower().endswith(".png"))


class OutputStore:
    """Photos of recent screenings, by post id and photo index."""

    def __init__(self, settings: Settings) -> None:
        self._ttl = settings.output_minutes * 60.0
        self._retention_days = settings.retention_days
        self._retained_dir = settings.data_dir / "retained"
        self._held: OrderedDict[str, _Held] = OrderedDict()
        self._lock = threading.Lock()

    def put(
        self,
        post_id: str,
        decision: Decision,
        images: tuple[ImageInput, ...],
        lang: Lang,
        owner: str | None = None,
    ) -> None:
        """Hold a screening's photos (in memory; on disk too when retention is on).

        `owner` is the id of the key that screened them: only that key may download them.
        """
        unreadable = frozenset(
            r.finding.region.image_index
            for r in decision.findings
            if r.finding.kind == "image.unreadable" and r.finding.region is not None
        )
        held = _Held(decision, images, unreadable, lang, time.monotonic() + self._ttl, owner)
        if self._retention_days > 0:
            self._retain(post_id, held)
        with self._lock:
            self._expire()
            self._held[post_id] = held
            total = sum(h.size for h in self._held.values())
            while total > MAX_HELD_BYTES and len(self._held) > 1:
                _, dropped = self._held.popitem(last=False)
                total -= dropped.size

    def owner(self, post_id: str) -> str | None:
        """The id of the key that screened `post_id` (None when unknown or not recorded)."""
        with self._lock:
            held = self._live(post_id)
        if held is not None:
            return held.owner
        path = self._retained_path(post_id, 0, "owner")
        return path.read_text(encoding="utf-8").strip() if path is not None else None

    def available(self, post_id: str, index: int) -> bool:
        """Whether pictures can be served for this photo (held and decodable)."""
        with self._lock:
            held = self._live(post_id)
        if held is not None:
            return 0 <= index < len(held.images) and index not in held.unreadable
        return self._retained_path(post_id, index, "annotated") is not None

    def get(self, post_id: str, index: int, kind: OutputKind) -> RenderedImage | None:
        """The annotated or redacted photo, rendered on first use; None when not held."""
        with self._lock:
            held = self._live(post_id)
        if held is None:
            return self._from_disk(post_id, index, kind)
        if not 0 <= index < len(held.images) or index in held.unreadable:
            return None
        cached = held.rendered.get((index, kind))
        if cached is None:
            cached = _render(held, index, kind)
            held.rendered[(index, kind)] = cached
        return cached

    def _live(self, post_id: str) -> _Held | None:
        held = self._held.get(post_id)
        if held is not None and held.expires <= time.monotonic():
            del self._held[post_id]
            return None
        return held

    def _expire(self) -> None:
        now = time.monotonic()
        for post_id in [p for p, h in self._held.items() if h.expires <= now]:
            del self._held[post_id]

    # -- retention on disk (only when the operator configured it) --------------------------

    def _retain(self, post_id: str, held: _Held) -> None:
        self._purge_retained()
        folder = self._retained_dir / post_id
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if held.owner is not None:
            _write_private(folder / "00-owner.txt", held.owner.encode("utf-8"))
        for index in range(len(held.images)):
            if index in held.unreadable:
                continue
            for kind in OUTPUT_KINDS:
                rendered = _render(held, index, kind)
                held.rendered[(index, kind)] = rendered
                suffix = ".png" if rendered.media_type == "image/png" else ".jpg"
                _write_private(folder / f"{index:02d}-{kind}{suffix}", rendered.data)

    def _retained_path(self, post_id: str, index: int, kind: str) -> Path | None:
        if self._retention_days <= 0 or not _POST_ID_RE.match(post_id) or index < 0:
            return None
        for suffix in (".jpg", ".png", ".txt"):
            path = self._retained_dir / post_id / f"{index:02d}-{kind}{suffix}"
            if path.is_file():
                return path
        return None

    def _from_disk(self, post_id: str, index: int, kind: OutputKind) -> RenderedImage | None:
        path = self._retained_path(post_id, index, kind)
        if path is None:
            return None
        media = "image/png" if path.suffix == ".png" else "image/jpeg"
        return RenderedImage(path.read_bytes(), media)

    def _purge_retained(self) -> None:
        if not self._retained_dir.is_dir():
            return
        cutoff = time.time() - self._retention_days * 86400
        for folder in self._retained_dir.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
