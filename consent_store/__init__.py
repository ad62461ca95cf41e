"""The consent registry: people, consent records and face templates (see issue 3).

Entry point: `consent_store.repository.open_registry(settings) -> Registry`. Modules:
`purposes` (purposes, channel -> purpose), `school_year`, `validity` (the pure consent rule),
`records` (value types callers get back), `schema` + `migrations/` (tables, Alembic),
`database` (engine, SQLite pragmas, migrate on open), `crypto` (face-template encryption),
`csv_import` + `mapping` (import files), `repository` (the `Registry`).

Nothing is imported or built here, so `import consent_store.purposes` stays cheap.
"""
