"""The service's shared short-lived state: web sessions and photo outputs (issue 14).

Revision ID: 0005_service_state
Revises: 0004_audit_queue
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_service_state"
down_revision: str | None = "0004_audit_queue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the web session, output and output photo tables."""
    op.create_table(
        "web_sessions",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_web_sessions")),
    )
    op.create_index("ix_web_sessions_key_id", "web_sessions", ["key_id"], unique=False)
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"], unique=False)
    op.create_table(
        "screening_outputs",
        sa.Column("post_id", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=32), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_screening_outputs")),
    )
    op.create_index(
        "ix_screening_outputs_expires_at", "screening_outputs", ["expires_at"], unique=False
    )
    op.create_table(
        "screening_output_photos",
        sa.Column("post_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("readable", sa.Boolean(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("marks", sa.Text(), nullable=False),
        sa.Column("annotated", sa.LargeBinary(), nullable=True),
        sa.Column("redacted", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["screening_outputs.post_id"],
            name=op.f("fk_screening_output_photos_post_id_screening_outputs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("post_id", "position", name=op.f("pk_screening_output_photos")),
    )


def downgrade() -> None:
    """Drop the service's shared state."""
    op.drop_table("screening_output_photos")
    op.drop_index("ix_screening_outputs_expires_at", table_name="screening_outputs")
    op.drop_table("screening_outputs")
    op.drop_index("ix_web_sessions_expires_at", table_name="web_sessions")
    op.drop_index("ix_web_sessions_key_id", table_name="web_sessions")
    op.drop_table("web_sessions")
