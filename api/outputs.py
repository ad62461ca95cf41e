"""Annotated and redacted photos of screened drafts, downloadable for a short while.

Held in the registry database for `output_minutes` (so that every process of the service,
on one machine or several, can serve them) and rendered on first download (most screenings
are never downloaded, and rendering a 12-megapixel photo twice costs more than screening
it); a rendered picture is kept with its photo, so no process renders it twice. Expired
screenings are deleted at the next screening and by the service's housekeeping (every
minute), and the oldest go first beyond `MAX_HELD_BYTES`. The photos are personal data:
on SQLite their pages are overwritten when deleted (`secure_delete`). With `retention_days`
both pictures are also rendered at once, written to `<data_dir>/retained/<post_id>/`
(owner-only) and deleted after that many days.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, cast

from PIL import Image
from sqlalchemy import CursorResult, Engine, delete, func, select, update
from sqlalchemy.orm import Session

from consent_store.database import WRITE_OPTION, unavailable_on_error
from consent_store.state_schema import OutputPhotoRow, OutputRow
from kernel.settings import Settings
from kernel.types import (
    Box,
    Decision,
    Evidence,
    Finding,
    ImageInput,
    ImageRegion,
    RatedFinding,
    Severity,
)
from screening.images.render import annotate, photo_findings, redact
from screening.messages import Lang

OutputKind = Literal["annotated", "redacted"]
OUTPUT_KINDS: tuple[OutputKind, ...] = ("annotated", "redacted")
#: Bytes the held photos may take; the oldest screenings are deleted beyond it.
MAX_HELD_BYTES = 512 * 1024 * 1024
_POST_ID_RE = re.compile(r"^[0-9a-f]{20}$")
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class RenderedImage:
    """A picture ready to send."""

    data: bytes
    media_type: str


def _marks(decision: Decision, index: int) -> str:
    """What is drawn on one photo, as JSON: the boxes of its faces and of text written in it,
    with the names the annotated photo shows."""
    return json.dumps(
        [
            {
                "kind": r.finding.kind,
                "box": [box.left, box.top, box.right, box.bottom],
                "severity": r.severity.value,
                "name": r.finding.person_name,
            }
            for r in photo_findings(decision, index)
            if r.finding.region is not None and (box := r.finding.region.box) is not None
        ],
        ensure_ascii=False,
    )


def _findings(marks: str, index: int) -> list[RatedFinding]:
    """The findings `_marks` wrote, enough to draw them again."""
    return [
        RatedFinding(
            id=f"m{n}",
            finding=Finding(
                kind=m["kind"],
                detector="outputs",
                detector_version="1",
                score=1.0,
                evidence=Evidence(explanation=""),
                region=ImageRegion(index, Box(*m["box"])),
                person_name=m["name"],
            ),
            severity=Severity(m["severity"]),
            articles=(),
        )
        for n, m in enumerate(json.loads(marks))
    ]


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


def _media_type(name: str) -> str:
    return "image/png" if name.lower().endswith(".png") else "image/jpeg"


def _render(
    data: bytes, name: str, findings: Sequence[RatedFinding], lang: Lang, kind: OutputKind
) -> RenderedImage:
    picture = annotate(data, findings, lang) if kind == "annotated" else redact(data, findings)
    return _encode(picture, _media_type(name) == "image/png")


class OutputStore:
    """Photos of recent screenings, by post id and photo index, in the registry database."""

    def __init__(self, settings: Settings, engine: Engine, clock: Clock = utcnow) -> None:
        self._ttl = timedelta(minutes=settings.output_minutes)
        self._retention_days = settings.retention_days
        self._retained_dir = settings.data_dir / "retained"
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._url = engine.url.render_as_string(hide_password=True)
        self._clock = clock

    def put(
        self,
        post_id: str,
        decision: Decision,
        images: tuple[ImageInput, ...],
        lang: Lang,
        owner: str | None = None,
    ) -> None:
        """Hold a screening's photos (in the database; on disk too when retention is on).

        `owner` is the id of the key that screened them: only that key may download them.
        """
        unreadable = {
            r.finding.region.image_index
            for r in decision.findings
            if r.finding.kind == "image.unreadable" and r.finding.region is not None
        }
        photos = [
            OutputPhotoRow(
                post_id=post_id,
                position=n,
                name=image.name,
                readable=n not in unreadable,
                data=image.data,
                marks=_marks(decision, n),
                annotated=None,
                redacted=None,
            )
            for n, image in enumerate(images)
        ]
        if self._retention_days > 0:
            self._retain(post_id, photos, lang, owner)
        now = self._clock()
        size = sum(len(p.data) + len(p.annotated or b"") + len(p.redacted or b"") for p in photos)
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            s.execute(delete(OutputRow).where(OutputRow.expires_at <= now))
            s.add(
                OutputRow(
                    post_id=post_id,
                    owner=owner,
                    lang=lang,
                    size=size,
                    created_at=now,
                    expires_at=now + self._ttl,
                )
            )
            s.flush()
            s.add_all(photos)
            s.flush()
            self._bound(s, post_id)

    @staticmethod
    def _bound(s: Session, newest: str) -> None:
        """Delete the oldest screenings while all of them take more than MAX_HELD_BYTES."""
        total = int(s.scalar(select(func.coalesce(func.sum(OutputRow.size), 0))) or 0)
        if total <= MAX_HELD_BYTES:
            return
        oldest = s.execute(
            select(OutputRow.post_id, OutputRow.size)
            .where(OutputRow.post_id != newest)
            .order_by(OutputRow.created_at, OutputRow.post_id)
        )
        dropped = []
        for post_id, size in oldest:
            if total <= MAX_HELD_BYTES:
                break
            dropped.append(post_id)
            total -= size
        if dropped:
            s.execute(delete(OutputRow).where(OutputRow.post_id.in_(dropped)))

    def _live(self, s: Session, post_id: str) -> OutputRow | None:
        row = s.get(OutputRow, post_id)
        return row if row is not None and row.expires_at > self._clock() else None

    def owner(self, post_id: str) -> str | None:
        """The id of the key that screened `post_id` (None when unknown or not recorded)."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            row = self._live(s, post_id)
            if row is not None:
                return row.owner
        path = self._retained_path(post_id, 0, "owner")
        return path.read_text(encoding="utf-8").strip() if path is not None else None

    def available(self, post_id: str, index: int) -> bool:
        """Whether pictures can be served for this photo (held and decodable)."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            if self._live(s, post_id) is not None:
                readable = s.scalar(
                    select(OutputPhotoRow.readable).where(
                        OutputPhotoRow.post_id == post_id, OutputPhotoRow.position == index
                    )
                )
                return bool(readable)
        return self._retained_path(post_id, index, "annotated") is not None

    def get(self, post_id: str, index: int, kind: OutputKind) -> RenderedImage | None:
        """The annotated or redacted photo, rendered on first use; None when not held."""
        column = OutputPhotoRow.annotated if kind == "annotated" else OutputPhotoRow.redacted
        with unavailable_on_error(self._url), Session(self._engine) as s:
            row = self._live(s, post_id)
            if row is None:
                return self._from_disk(post_id, index, kind)
            lang: Lang = "en" if row.lang == "en" else "nl"
            where = (OutputPhotoRow.post_id == post_id, OutputPhotoRow.position == index)
            found = s.execute(
                select(OutputPhotoRow.name, OutputPhotoRow.readable, column).where(*where)
            ).first()
            if found is None or not found.readable:
                return None
            if found[2] is not None:
                return RenderedImage(found[2], _media_type(found.name))
            data, marks = s.execute(
                select(OutputPhotoRow.data, OutputPhotoRow.marks).where(*where)
            ).one()
        rendered = _render(data, found.name, _findings(marks, index), lang, kind)
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            # Two processes may render the same picture at once; the first one is kept.
            stored = s.execute(
                update(OutputPhotoRow)
                .where(*where, column.is_(None))
                .values({column: rendered.data})
            )
            if cast(CursorResult[Any], stored).rowcount == 1:
                s.execute(
                    update(OutputRow)
                    .where(OutputRow.post_id == post_id)
                    .values(size=OutputRow.size + len(rendered.data))
                )
        return rendered

    def purge_expired(self) -> int:
        """Delete every expired screening's photos and pictures; how many screenings."""
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            result = s.execute(delete(OutputRow).where(OutputRow.expires_at <= self._clock()))
            return int(cast(CursorResult[Any], result).rowcount)

    # -- retention on disk (only when the operator configured it) --------------------------

    def _retain(
        self, post_id: str, photos: Sequence[OutputPhotoRow], lang: Lang, owner: str | None
    ) -> None:
        self._purge_retained()
        folder = self._retained_dir / post_id
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if owner is not None:
            _write_private(folder / "00-owner.txt", owner.encode("utf-8"))
        for photo in photos:
            if not photo.readable:
                continue
            findings = _findings(photo.marks, photo.position)
            for kind in OUTPUT_KINDS:
                rendered = _render(photo.data, photo.name, findings, lang, kind)
                setattr(photo, kind, rendered.data)
                suffix = ".png" if rendered.media_type == "image/png" else ".jpg"
                _write_private(folder / f"{photo.position:02d}-{kind}{suffix}", rendered.data)

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
