"""Where the embedded registry lives; importable without the database layer."""

from __future__ import annotations

from pathlib import Path

from kernel.errors import RegistryMissingError
from kernel.settings import Settings

DEFAULT_DB_NAME = "registry.sqlite3"
#: The face-template key file beside an embedded registry (see consent_store.crypto).
KEY_FILE_NAME = "template.key"


def first_run(settings: Settings) -> bool:
    """True before anything was created at the built-in default location.

    Only there, with neither SCREENING_DATABASE_URL nor SCREENING_DATA_DIR set, and with
    neither the registry file nor its template key present, may a registry come into being
    without `screening registry init`: that is the README's quick start. Anywhere else a
    registry that is not there is an error (a typo, or a lost file), because an empty
    registry knows no pupils and would publish every post that names one.

    Callers that only read (the name detector) can then also skip importing the database
    layer, which costs about half a second of every `screening check`: nobody is registered.
    """
    if settings.database_url or "data_dir" in settings.model_fields_set:
        return False
    folder = settings.data_dir
    return not (folder / DEFAULT_DB_NAME).exists() and not (folder / KEY_FILE_NAME).exists()


def require_registry(settings: Settings) -> None:
    """Fail early (RegistryMissingError) when the configured SQLite registry is not there.

    A stat, no database import for the embedded default: `screening check` calls it before
    any work, so that a typo in the configuration is exit code 3, not a post screened
    against nobody. A server database is checked when it is first used.
    """
    if first_run(settings):
        return
    if settings.database_url:
        if not settings.database_url.lower().startswith("sqlite"):
            return
        path = sqlite_path(settings.database_url)
    else:
        path = settings.data_dir / DEFAULT_DB_NAME
    if path is not None and not path.is_file():
        raise missing_registry_error(str(path))


def missing_registry_error(where: str) -> RegistryMissingError:
    """The error for a registry that is not there: a typo in the configuration, or a lost file."""
    return RegistryMissingError(
        f"there is no consent registry at {where}. Check SCREENING_DATABASE_URL and "
        "SCREENING_DATA_DIR for a typo, restore the registry from its backup, or create a "
        "new, empty one on purpose with 'screening registry init'",
        f"er is geen toestemmingsregister op {where}. Controleer SCREENING_DATABASE_URL en "
        "SCREENING_DATA_DIR op een typefout, zet het register terug uit de back-up, of maak "
        "bewust een nieuw, leeg register met 'screening registry init'",
    )


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another database (or an in-memory one)."""
    from sqlalchemy.engine import make_url  # only when a URL is configured: it costs an import

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()
