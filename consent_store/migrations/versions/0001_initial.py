"""Initial registry schema: people, aliases, consent records, person changes, face templates.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PURPOSES = (
    "purpose IN ('social_media', 'website', 'newsletter', 'school_guide', "
    "'whatsapp_lessons', 'named_in_post', 'biometric_matching')"
)

# The repository never updates or deletes a consent record; these triggers make the database
# refuse it too, so an audit can trust the history even against a hand-written UPDATE.
_SQLITE_TRIGGERS = [
    """CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
       BEGIN SELECT RAISE(ABORT, 'consent_records is append-only'); END""",
    """CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records
       BEGIN SELECT RAISE(ABORT, 'consent_records is append-only'); END""",
]
_POSTGRES_TRIGGERS = [
    """CREATE FUNCTION consent_records_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'consent_records is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER consent_records_no_change BEFORE UPDATE OR DELETE ON consent_records
       FOR EACH ROW EXECUTE FUNCTION consent_records_append_only()""",
]


def upgrade() -> None:
    """Create the registry's tables."""
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=True),
        sa.Column("group_name", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('pupil', 'staff', 'intern')", name=op.f("ck_people_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("external_id", name=op.f("uq_people_external_id")),
    )
    op.create_index(op.f("ix_people_name_key"), "people", ["name_key"], unique=False)
    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_aliases_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aliases")),
        sa.UniqueConstraint("person_id", "name_key", name="uq_aliases_person_name"),
    )
    op.create_index(op.f("ix_aliases_name_key"), "aliases", ["name_key"], unique=False)
    op.create_index(op.f("ix_aliases_person_id"), "aliases", ["person_id"], unique=False)
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("school_year", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("given_by", sa.String(length=16), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "decision IN ('granted', 'refused', 'withdrawn')",
            name=op.f("ck_consent_records_decision"),
        ),
        sa.CheckConstraint(
            "given_by IN ('self', 'parent', 'guardian', 'staff')",
            name=op.f("ck_consent_records_given_by"),
        ),
        sa.CheckConstraint(_PURPOSES, name=op.f("ck_consent_records_purpose")),
        sa.CheckConstraint("length(evidence) > 0", name=op.f("ck_consent_records_evidence")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_consent_records_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    op.create_index(
        "ix_consent_records_lookup",
        "consent_records",
        ["person_id", "purpose", "school_year"],
        unique=False,
    )
    op.create_index(
        "ix_consent_records_year", "consent_records", ["school_year", "purpose"], unique=False
    )
    op.create_table(
        "face_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.String(length=100), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_face_templates_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_face_templates")),
    )
    op.create_index(
        op.f("ix_face_templates_model_id"), "face_templates", ["model_id"], unique=False
    )
    op.create_index(
        op.f("ix_face_templates_person_id"), "face_templates", ["person_id"], unique=False
    )
    op.create_table(
        "person_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_changes_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_changes")),
    )
    op.create_index(
        op.f("ix_person_changes_person_id"), "person_changes", ["person_id"], unique=False
    )
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Drop the registry's tables (and every record in them)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER consent_records_no_change ON consent_records")
        op.execute("DROP FUNCTION consent_records_append_only()")
    for table in ("person_changes", "face_templates", "consent_records", "aliases", "people"):
        op.drop_table(table)
