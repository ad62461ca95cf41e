"""The registry's tables (SQLAlchemy 2 typed ORM). Migrations in `migrations/` mirror this.

Portable across SQLite and PostgreSQL: plain strings with CHECK constraints instead of
native enums (an ALTER TYPE per new purpose is not worth a migration), integers for school
years, and timestamps that are always stored and returned as UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("pupil", "staff", "intern")
PURPOSES = (
    "social_media",
    "website",
    "newsletter",
    "school_guide",
    "whatsapp_lessons",
    "named_in_post",
    "biometric_matching",
)
DECISIONS = ("granted", "refused", "withdrawn")
GIVERS = ("self", "parent", "guardian", "staff")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC; SQLite keeps no zone, so one is put back on reading."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints the same."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Person(Base):
    """A pupil, staff member or intern, keyed by the school's own id."""

    __tablename__ = "people"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    #: Normalised display name (lowercase, no diacritics) for name lookup.
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[str] = mapped_column(String(16))
    birth_date: Mapped[date] = mapped_column(Date)
    school: Mapped[str | None] = mapped_column(String(200))
    group_name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Alias(Base):
    """A name variant that may appear in a caption (first name, nickname)."""

    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("person_id", "name_key", name="uq_aliases_person_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)


class ConsentRecord(Base):
    """One consent decision. Append-only: the repository never updates or deletes a row."""

    __tablename__ = "consent_records"
    __table_args__ = (
        CheckConstraint(_one_of("purpose", PURPOSES), name="purpose"),
        CheckConstraint(_one_of("decision", DECISIONS), name="decision"),
        CheckConstraint(_one_of("given_by", GIVERS), name="given_by"),
        CheckConstraint("length(evidence) > 0", name="evidence"),
        Index("ix_consent_records_lookup", "person_id", "purpose", "school_year"),
        Index("ix_consent_records_year", "school_year", "purpose"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    purpose: Mapped[str] = mapped_column(String(32))
    #: Start year of the school year (2025 for 2025-2026).
    school_year: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(16))
    given_by: Mapped[str] = mapped_column(String(16))
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    evidence: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))


class PersonChangeRow(Base):
    """Append-only log of who created or changed a person, when, and what changed (JSON)."""

    __tablename__ = "person_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    changes: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(200))


class FaceTemplateRow(Base):
    """An encrypted face template (AES-GCM); deleted when biometric consent ends."""

    __tablename__ = "face_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    model_id: Mapped[str] = mapped_column(String(100), index=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    source_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
