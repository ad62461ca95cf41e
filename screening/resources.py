"""Where the model artifacts (lexicons, thresholds, model cards) are found at run time."""

from __future__ import annotations

import sys
from pathlib import Path

from kernel.errors import ConfigError
from kernel.settings import APP_DIR_NAME


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


def read_lines(path: Path) -> list[tuple[int, str]]:
    """The non-empty, comment-free lines of a list file with their line numbers."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"word list {path} cannot be read: {type(exc).__name__}",
            f"woordenlijst {path} kan niet worden gelezen: {type(exc).__name__}",
        ) from None
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if content:
            lines.append((number, content))
    return lines
