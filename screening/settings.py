"""All configuration in one place (pydantic-settings, environment prefix SCREENING_)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_DIR_NAME = "school-post-screening"


def default_data_dir() -> Path:
    """The user's data directory (XDG on Linux, the usual places elsewhere)."""
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif os.uname().sysname == "Darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME


class Settings(BaseSettings):
    """Configuration of an installation; every field can be set as SCREENING_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="SCREENING_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    default_policy: str = "svok"
    #: Extra folders with a school board's own policy packs (*.toml).
    policy_dirs: list[Path] = Field(default_factory=list)
    lang: Literal["nl", "en"] = "nl"
    #: A trained spaCy pipeline to use if installed; blank Dutch otherwise.
    spacy_model: str | None = None
    #: Longest post text accepted, in characters (a newsletter fits; a 5 MB paste does not).
    max_text_chars: int = 100_000
    max_image_bytes: int = 40 * 1024 * 1024
    max_image_pixels: int = 120_000_000
    #: Photos are reduced to this longer side (pixels) for detection; boxes are reported in
    #: full-size coordinates.
    detection_max_side: int = 2000
    #: Minimum detector score for a finding to block, per kind or 'area.*'; below it the
    #: finding is shown as a notice.
    min_score: dict[str, float] = Field(default_factory=lambda: {"pii.*": 0.5})
    #: Folder with lexicons, thresholds and model cards; unset means the shipped `models/`.
    models_dir: Path | None = None
    #: The school's own public contact details (switchboard number, info@ address, street
    #: address): shown as a notice, not a hold, when a post mentions them.
    public_contacts: list[str] = Field(default_factory=list)
    #: Text detectors to run, by registered name; empty means all registered ones.
    text_detectors: list[str] = Field(default_factory=list)
    #: Consent registry database (SQLAlchemy URL, e.g. postgresql+psycopg://host/db);
    #: unset means the embedded SQLite file <data_dir>/registry.sqlite3.
    database_url: str | None = None
    #: Key for face templates at rest: base64 of 32 random bytes. Unset with the embedded
    #: SQLite default means a key file `template.key` (mode 0600) beside the database.
    template_key: SecretStr | None = None
