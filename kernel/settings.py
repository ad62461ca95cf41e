"""All configuration in one place (pydantic-settings, environment prefix SCREENING_)."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, SecretStr
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


def _seconds(value: object) -> object:
    """A duration written as a number is seconds (pydantic itself reads "86400" as nothing)."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value):
        return float(value)
    return value


#: A duration: seconds ("86400") or ISO 8601 ("PT24H").
Duration = Annotated[timedelta, BeforeValidator(_seconds)]


class Settings(BaseSettings):
    """Configuration of an installation; every field can be set as SCREENING_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="SCREENING_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    default_policy: str = "svok"
    #: Extra folders with a school board's own policy packs (*.toml).
    policy_dirs: list[Path] = Field(default_factory=list)
    lang: Literal["nl", "en"] = "nl"
    #: The Dutch spaCy pipeline: unset means the shipped one (models/nlp/screening_nl; blank
    #: Dutch as a flagged fallback when absent), "blank" means tokens only on purpose, anything
    #: else is a spaCy package name or folder.
    spacy_model: str | None = None
    #: Longest post text accepted, in characters (a newsletter fits; a 5 MB paste does not).
    max_text_chars: int = 100_000
    max_image_bytes: int = 40 * 1024 * 1024
    max_image_pixels: int = 120_000_000
    #: Photos are reduced to this longer side (pixels) for detection; boxes are reported in
    #: full-size coordinates.
    detection_max_side: int = 2000
    #: Read text in photos (OCR) and screen it like the caption (screening/images/ocr.py).
    ocr_enabled: bool = True
    #: Photos are reduced to this longer side (pixels) for reading text. At 1280, clean text
    #: 8 pixels high there (1/120 of the photo's height) is still read; time grows with the
    #: area read (benchmarks/bench_ocr.py).
    ocr_max_side: int = Field(default=1280, ge=320)
    #: Lines of photo text recognised with a lower mean confidence are ignored.
    ocr_min_confidence: float = Field(default=0.6, ge=0.0, le=1.0)
    #: CPU threads onnxruntime uses to read one photo (unset: one per core).
    ocr_threads: int | None = Field(default=None, ge=1)
    #: Minimum detector score for a finding to block, per kind or 'area.*'; below it the
    #: finding is shown as a notice.
    min_score: dict[str, float] = Field(default_factory=lambda: {"pii.*": 0.5})
    #: The learned offensive-language scorer reports a window of a post that no rule flagged
    #: when its probability of being harmful reaches this (1.0: practically never); rules
    #: report regardless. 0.97 keeps about 95% of the corpus's harmless look-alikes published.
    language_scorer_min: float = Field(default=0.97, ge=0.5, le=1.0)
    #: The scorer reports a threat with no listed word of violence, harm or menace in it
    #: (a veiled threat: "Jij bent de volgende") in a clause aimed at someone when p(threat)
    #: reaches this; above 1.0 (the default): never. 0.999 held 12 more of the corpus's 199
    #: held-out threats and 3 more of its 941 look-alikes ("Ik hoop dat je snel beter bent
    #: na je ongeluk" among the held): a board's choice, not a default.
    language_scorer_uncued_threat_min: float = Field(default=1.01, ge=0.5, le=1.01)
    #: Folder with lexicons, thresholds and model cards; unset means the shipped `models/`.
    models_dir: Path | None = None
    #: The school's own public contact details (switchboard number, info@ address, street
    #: address): shown as a notice, not a hold, when a post mentions them.
    public_contacts: list[str] = Field(default_factory=list)
    #: Text detectors to run, by registered name; empty means all registered ones.
    text_detectors: list[str] = Field(default_factory=list)
    # --- a school's own transformers models (extra `transformers`; see models/transformers) --
    #: Folder with a fine-tuned Dutch sequence-classification model (e.g. an offensive-language
    #: RobBERT or BERTje) and its `screening.toml`; unset means no such model runs.
    text_classifier_dir: Path | None = None
    #: Folder with a Dutch token-classification (NER) model; its person entities become
    #: 'pii.name' findings. Unset means no such model runs.
    ner_model_dir: Path | None = None
    #: Windows of text per forward pass of a transformers model.
    transformer_batch_size: int = Field(default=8, ge=1)
    #: Tokens per window, special tokens included (capped at the model's own limit); a longer
    #: text is split into overlapping windows.
    transformer_max_tokens: int = Field(default=128, ge=8)
    #: Tokens that consecutive windows share, so words on a window's edge are seen in context.
    transformer_overlap_tokens: int = Field(default=32, ge=0)
    #: CPU threads torch uses for inference (process-wide; unset: torch's default, one per
    #: core). 1 because on a 2-core machine that also serves requests, more threads contend
    #: with the other work (benchmarks/bench_transformer.py); raise it on idle cores.
    transformer_threads: int | None = Field(default=1, ge=1)
    #: Consent registry database (SQLAlchemy URL, e.g. postgresql+psycopg://host/db);
    #: unset means the embedded SQLite file <data_dir>/registry.sqlite3.
    database_url: str | None = None
    #: Key for face templates at rest: base64 of 32 random bytes. Unset with the embedded
    #: SQLite default means a key file `template.key` (mode 0600) beside the database.
    template_key: SecretStr | None = None
    # --- the service (`screening serve`) ---------------------------------------------------
    #: Browser origins allowed to call the API (CORS), e.g. '["https://intranet.school.nl"]'.
    cors_origins: list[str] = Field(default_factory=list)
    #: Largest request body the service accepts (bytes), checked while the body streams in.
    max_request_bytes: int = 45 * 1024 * 1024
    #: How long a web sign-in session lasts without a new sign-in (minutes).
    session_minutes: int = 480
    #: How long annotated and redacted photos stay downloadable (minutes, held in memory).
    output_minutes: int = 30
    #: Days the service keeps screened drafts' outputs on disk; 0 keeps nothing on disk.
    retention_days: int = 0
    # --- the task queue (`screening worker`, POST /v1/batches; issue 14) ----------------
    #: Celery broker (e.g. redis://127.0.0.1:6379/0). Unset: batches are screened in the
    #: process that accepted them and no worker is needed.
    broker_url: str | None = None
    #: The broker queue the screening tasks go to (one per installation sharing a broker).
    broker_queue: str = Field(default="screening", min_length=1, max_length=100)
    #: Seconds a task may stay unacknowledged before the broker hands it to another worker
    #: (tasks are acknowledged when done, so a worker that vanishes loses nothing).
    broker_visibility_timeout: int = Field(default=3600, ge=10)
    #: How long a batch's decisions stay readable after its last item finished (they quote
    #: the posts: personal data); seconds or an ISO 8601 duration such as PT24H.
    batch_result_ttl: Duration = Field(default=timedelta(hours=24), gt=timedelta(0))
    #: Retries of an item after a transient error (database or broker unreachable) before it
    #: ends as a hold that says why.
    batch_max_retries: int = Field(default=5, ge=0)
    #: Seconds before the first retry; doubled for each next one (at most 5 minutes).
    batch_retry_seconds: float = Field(default=2.0, gt=0)
    # --- the nightly audit (`screening audit`) -------------------------------------------
    #: Where the audit keeps its lock, resume journal and encrypted face cache (mode 0700);
    #: unset means <data_dir>/audit.
    audit_state_dir: Path | None = None
    #: Seconds one HTTP request of the audit (sitemap, feed, photo, webhook) may take.
    audit_http_timeout: float = 20.0
    #: Largest sitemap or feed the audit reads, in bytes (photos use max_image_bytes).
    audit_max_feed_bytes: int = 20 * 1024 * 1024
    #: What a fetched sitemap or feed refers to (child sitemaps, photos, redirects) is fetched
    #: only from public internet addresses, except from these: host names (exact) and
    #: networks in CIDR notation, e.g. '["intranet.school.nl", "10.20.0.0/16"]'. The source
    #: given on the command line is always used as given.
    audit_allowed_hosts: list[str] = Field(default_factory=list)
    #: Mail server for `screening audit --notify-email`.
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_from: str = "screening@localhost"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    #: Upgrade the SMTP connection with STARTTLS before logging in.
    smtp_starttls: bool = False
