"""The nightly audit on the task queue: runs, items, replacement photos, cache (issue 14).

Revision ID: 0004_audit_queue
Revises: 0003_batches
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_audit_queue"
down_revision: str | None = "0003_batches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the audit run, item, replacement and cache tables."""
    op.create_table(
        "audit_runs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("library", sa.String(length=32), nullable=False),
        sa.Column("policy", sa.String(length=200), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("today", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_runs")),
    )
    op.create_index("ix_audit_runs_expires_at", "audit_runs", ["expires_at"], unique=False)
    op.create_table(
        "audit_items",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_audit_items_state")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["audit_runs.id"],
            name=op.f("fk_audit_items_run_id_audit_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_items")),
    )
    op.create_index("ix_audit_items_run_id_state", "audit_items", ["run_id", "state"], unique=False)
    op.create_table(
        "audit_replacements",
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["audit_items.id"],
            name=op.f("fk_audit_replacements_item_id_audit_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "name", name=op.f("pk_audit_replacements")),
    )
    op.create_table(
        "audit_cache",
        sa.Column("library", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("library", "key", name=op.f("pk_audit_cache")),
    )


def downgrade() -> None:
    """Drop the audit's queue tables."""
    op.drop_table("audit_cache")
    op.drop_table("audit_replacements")
    op.drop_index("ix_audit_items_run_id_state", table_name="audit_items")
    op.drop_table("audit_items")
    op.drop_index("ix_audit_runs_expires_at", table_name="audit_runs")
    op.drop_table("audit_runs")
