"""Alembic environment: runs on the connection `consent_store.database` hands over.

There is no alembic.ini: the registry upgrades itself on open, inside the transaction (and
lock) its caller already holds, so two processes opening a new database cannot both migrate.
"""

from __future__ import annotations

from alembic import context

from consent_store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run registry migrations through consent_store.database.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # Batch mode lets later migrations ALTER tables on SQLite (copy-and-move).
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
