"""Where the embedded registry lives; importable without the database layer."""

from __future__ import annotations

from pathlib import Path

from screening.settings import Settings

DEFAULT_DB_NAME = "registry.sqlite3"


def embedded_registry_file(settings: Settings) -> Path | None:
    """The embedded SQLite file, or None when a database URL is configured."""
    if settings.database_url:
        return None
    return settings.data_dir / DEFAULT_DB_NAME


def registry_not_created(settings: Settings) -> bool:
    """True when the embedded registry has never been created: nobody is registered yet.

    Callers that only read (the name detector) can then skip importing the database layer,
    which costs about half a second of every `screening check`.
    """
    path = embedded_registry_file(settings)
    return path is not None and not path.exists()
