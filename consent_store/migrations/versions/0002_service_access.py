"""The service's tables: API keys (hashed), the decision log and officers' overrides.

Revision ID: 0002_service_access
Revises: 0001_initial
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_service_access"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An override is the record that someone published despite a hold: like consent records,
# the database itself refuses to change or delete one.
_SQLITE_TRIGGERS = [
    """CREATE TRIGGER overrides_no_update BEFORE UPDATE ON overrides
       BEGIN SELECT RAISE(ABORT, 'overrides is append-only'); END""",
    """CREATE TRIGGER overrides_no_delete BEFORE DELETE ON overrides
       BEGIN SELECT RAISE(ABORT, 'overrides is append-only'); END""",
]
_POSTGRES_TRIGGERS = [
    """CREATE FUNCTION overrides_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'overrides is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER overrides_no_change BEFORE UPDATE OR DELETE ON overrides
       FOR EACH ROW EXECUTE FUNCTION overrides_append_only()""",
]


def upgrade() -> None:
    """Create the API key, decision log and override tables."""
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.String(length=200), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
    )
    op.create_table(
        "decision_log",
        sa.Column("post_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("policy", sa.String(length=200), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_decision_log")),
    )
    op.create_index("ix_decision_log_created_at", "decision_log", ["created_at"], unique=False)
    op.create_table(
        "overrides",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("post_id", sa.String(length=64), nullable=False),
        sa.Column("finding_ids", sa.Text(), nullable=False),
        sa.Column("finding_kinds", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=420), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overrides")),
    )
    op.create_index("ix_overrides_post_id", "overrides", ["post_id"], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Drop the service's tables."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER overrides_no_change ON overrides")
        op.execute("DROP FUNCTION overrides_append_only()")
    op.drop_index("ix_overrides_post_id", table_name="overrides")
    op.drop_table("overrides")
    op.drop_index("ix_decision_log_created_at", table_name="decision_log")
    op.drop_table("decision_log")
    op.drop_table("api_keys")
