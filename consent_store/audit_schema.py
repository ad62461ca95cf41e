"""Tables of the nightly audit on the task queue (issue 14): runs, their items, the items'
replacement photos, and the face and photo-text cache the queue's workers share.

They live in the registry database (same Base, same migrations), like the batches. An item
holds the published item (where its photos are, its caption) only until it is judged, and
its result only until the audit that published it has gathered it into its reports; a run
is deleted when the audit is done with it, or when it expires. The cache's entries are
encrypted (AES-256-GCM, a key derived from the registry's template key): they hold face
templates, biometric data, of people who may never have consented.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from consent_store.batch_schema import ITEM_STATES
from consent_store.schema import Base, UTCDateTime


class AuditRunRow(Base):
    """One night's audit of one library, as far as it runs on the queue."""

    __tablename__ = "audit_runs"
    __table_args__ = (Index("ix_audit_runs_expires_at", "expires_at"),)

    #: Derived from the library and the run's fingerprint: an audit started again on the
    #: same night finds its run, and what the workers finished meanwhile.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: The audit's state directory (its random id): whose face cache the workers use.
    library: Mapped[str] = mapped_column(String(32))
    #: The policy pack asked for (None: the installation's default).
    policy: Mapped[str | None] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(8))
    #: The day of the audit: consent is judged as it stands on it.
    today: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditItemRow(Base):
    """One published item of a run: its state, and its result once judged."""

    __tablename__ = "audit_items"
    __table_args__ = (
        Index("ix_audit_items_run_id_state", "run_id", "state"),
        CheckConstraint(
            "state IN ({})".format(", ".join(repr(s) for s in ITEM_STATES)), name="state"
        ),
    )

    #: "<run id>-<hash of the item's id>": also the Celery task id.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("audit_runs.id", ondelete="CASCADE"))
    #: The item as JSON (id, photos, caption, channel, date); removed when it is judged.
    payload: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    #: The audit's result for the item (JSON), once judged.
    result: Mapped[str | None] = mapped_column(Text)
    #: How often a worker started on it (more than once after a worker died mid-task).
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditReplacementRow(Base):
    """A replacement photo a worker made for an item (faces blurred, metadata removed)."""

    __tablename__ = "audit_replacements"

    item_id: Mapped[str] = mapped_column(
        ForeignKey("audit_items.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AuditCacheRow(Base):
    """An encrypted face analysis or photo text of one library's photo, by cache key."""

    __tablename__ = "audit_cache"

    library: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: "<photo sha256>:<model>:<configuration>" (`screening.faces.cache.analysis_key`).
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())
