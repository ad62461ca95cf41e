"""Alembic migrations of the consent registry, run by `consent_store.database` on open.

To change the schema: edit `consent_store/schema.py`, add a script to `versions/` (same
shape as `0001_initial.py`; it must work on SQLite and PostgreSQL, so use batch operations
for ALTERs), and set `consent_store.database.HEAD_REVISION` to its revision id. The tests
check that the migrations and the models agree (no autogenerate drift) on both backends and
that HEAD_REVISION is the newest revision.
"""
