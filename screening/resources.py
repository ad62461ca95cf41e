"""Where the model artifacts (lexicons, thresholds, model cards) are found at run time."""

from __future__ import annotations

import sys
from pathlib import Path

from screening.errors import ConfigError
from screening.settings import APP_DIR_NAME


def models_dir(configured: Path | None = None) -> Path:
    """The `models/` folder: configured, else the source checkout's, else the installed copy.

    An editable install (the README's) reads `models/` from the checkout, so a school can
    review and extend the word lists in place; a wheel installs them under
    `<prefix>/share/school-post-screening/models`.
    """
    candidates = [configured] if configured else []
    candidates += [
        Path(__file__).resolve().parents[1] / "models",
        Path(sys.prefix) / "share" / APP_DIR_NAME / "models",
    ]
    for path in candidates:
        if path is not None and path.is_dir():
            return path
    raise ConfigError(
        f"the models folder was not found (looked in {', '.join(map(str, candidates))}); "
        "set SCREENING_MODELS_DIR",
        f"de map models/ is niet gevonden (gezocht in {', '.join(map(str, candidates))}); "
        "zet SCREENING_MODELS_DIR",
    )
