"""Tables of the task queue (issue 14): batches of posts, their items and the items' photos.

They live in the registry database (same Base, same migrations), so one database URL
configures the workers too, and a result is written in the same transaction as the decision
log entry that lets it be overridden. An item holds its post (text, photos) only until it is
screened; the decision stays until the batch expires (it quotes the post: personal data).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from consent_store.schema import Base, UTCDateTime

#: queued: waiting for a worker; running: a worker took it (again, after a crash); done: a
#: decision; failed: kept failing, so a hold that says why.
ITEM_STATES = ("queued", "running", "done", "failed")


class BatchRow(Base):
    """A batch of posts submitted at once; deleted with its items when it expires."""

    __tablename__ = "batches"
    __table_args__ = (Index("ix_batches_expires_at", "expires_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: The API key that submitted it (None: the command line, `screening check --queue`).
    key_id: Mapped[str | None] = mapped_column(String(32))
    #: The policy pack asked for (None: the installation's default).
    policy: Mapped[str | None] = mapped_column(String(200))
    total: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Moved on each time an item finishes: results stay readable that long after the last.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BatchItemRow(Base):
    """One post of a batch: its state, and its decision once screened."""

    __tablename__ = "batch_items"
    __table_args__ = (
        UniqueConstraint("batch_id", "position", name="uq_batch_items_position"),
        Index("ix_batch_items_idempotency_key", "idempotency_key"),
        CheckConstraint(
            "state IN ({})".format(", ".join(repr(s) for s in ITEM_STATES)), name="state"
        ),
    )

    #: "<batch id>-<position>": also the Celery task id.
    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    #: The caller's own id for the post, if it gave one (a calendar's ids have no set length).
    client_id: Mapped[str | None] = mapped_column(Text)
    #: The decision's post_id (the service makes one; the command line uses the caller's id).
    post_id: Mapped[str | None] = mapped_column(Text)
    #: SHA-256 of what is screened (text, channel, date, photos).
    content_sha256: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the content, the policy pack's version, the registry's revision and the
    #: detectors' versions at the moment of screening: equal keys, equal decisions.
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    #: The post as JSON (text, channel, publish_on); removed when the item finishes.
    payload: Mapped[str | None] = mapped_column(Text)
    #: The decision JSON, once finished.
    decision: Mapped[str | None] = mapped_column(Text)
    #: How often a worker started on it (more than once after a worker died mid-task).
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BatchPhotoRow(Base):
    """A photo of a batch item, kept only until the item is screened."""

    __tablename__ = "batch_photos"

    item_id: Mapped[str] = mapped_column(
        ForeignKey("batch_items.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
