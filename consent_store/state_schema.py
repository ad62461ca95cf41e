"""Tables of the service's short-lived state (issue 14): web sessions and photo outputs.

They live in the registry database (same Base, same migrations) so that every process of
`screening serve --workers N`, and every machine on one PostgreSQL, sees the same sign-ins
and the same photos. Both are short-lived and deleted when they expire: a session after
`session_minutes`, a screening's photos after `output_minutes`. A session is kept by the
SHA-256 of its token only (the token itself is in the browser's cookie and nowhere else).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consent_store.schema import Base, UTCDateTime


class WebSessionRow(Base):
    """A web sign-in: the hash of its token, whose key it is, and when it ends."""

    __tablename__ = "web_sessions"
    __table_args__ = (
        Index("ix_web_sessions_key_id", "key_id"),
        Index("ix_web_sessions_expires_at", "expires_at"),
    )

    #: SHA-256 (hex) of the cookie's token; the token itself is never stored.
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutputRow(Base):
    """The photos of one screened draft, downloadable (annotated, redacted) for a while."""

    __tablename__ = "screening_outputs"
    __table_args__ = (Index("ix_screening_outputs_expires_at", "expires_at"),)

    post_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The key that screened the draft: only it may download the photos (None: anyone).
    owner: Mapped[str | None] = mapped_column(String(32))
    #: Language of the labels in the annotated photos.
    lang: Mapped[str] = mapped_column(String(2))
    #: Bytes held for this screening (photos and rendered pictures), for the size bound.
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutputPhotoRow(Base):
    """One photo of a held screening: the original, what to draw on it, and the pictures
    rendered from it so far (on first download)."""

    __tablename__ = "screening_output_photos"

    post_id: Mapped[str] = mapped_column(
        ForeignKey("screening_outputs.post_id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    #: False for a photo that could not be decoded (nothing is served for it).
    readable: Mapped[bool] = mapped_column(Boolean)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    #: JSON list of the boxes to draw: kind, box, severity and the consented name if any.
    marks: Mapped[str] = mapped_column(Text)
    annotated: Mapped[bytes | None] = mapped_column(LargeBinary)
    redacted: Mapped[bytes | None] = mapped_column(LargeBinary)
