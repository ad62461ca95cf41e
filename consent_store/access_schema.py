"""Tables of the service (issue 6): API keys, the decision log and officers' overrides.

They live in the registry database (same Base, same migrations) so one database URL still
configures everything. None of them holds post text, photos or face data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from consent_store.schema import Base, UTCDateTime


class ApiKeyRow(Base):
    """An API key: only the SHA-256 of the secret is stored; the secret is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Comma-separated role names (officer, registry_admin, extension, auditor).
    roles: Mapped[str] = mapped_column(String(200))
    key_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DecisionLogRow(Base):
    """What the service decided for one screened draft: ids, kinds and severities only."""

    __tablename__ = "decision_log"
    __table_args__ = (Index("ix_decision_log_created_at", "created_at"),)

    post_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(32))
    policy: Mapped[str] = mapped_column(String(200))
    #: JSON list of {"id", "kind", "severity"}: never spans, text or boxes.
    findings: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OverrideRow(Base):
    """An officer published despite a hold: who, why and which findings. Never deleted."""

    __tablename__ = "overrides"
    __table_args__ = (Index("ix_overrides_post_id", "post_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    post_id: Mapped[str] = mapped_column(String(64))
    #: JSON lists, in the same order.
    finding_ids: Mapped[str] = mapped_column(Text)
    finding_kinds: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(420))
    key_id: Mapped[str] = mapped_column(String(32))
    officer: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
