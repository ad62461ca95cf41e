"""One exception hierarchy for the whole project, with stable codes.

Each error carries a code (``E0xx``) that documentation and support can refer to, a Dutch and
an English message a person can act on, and the category the API maps to an HTTP status and
the CLI to an exit code.
"""

from __future__ import annotations


class ScreeningError(Exception):
    """Base class of every error this project raises on purpose."""

    code = "E000"
    #: "input" (the caller can fix it), "config" (the operator can), "internal".
    category = "internal"

    def __init__(self, message_en: str, message_nl: str | None = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_nl = message_nl or message_en

    def message(self, lang: str = "nl") -> str:
        """The message in the requested language (Dutch by default)."""
        return self.message_nl if lang == "nl" else self.message_en

    def __str__(self) -> str:
        return f"[{self.code}] {self.message_en}"


class InputError(ScreeningError):
    """The caller's input is malformed; nothing was screened and nothing changed."""

    code = "E001"
    category = "input"


class EmptyTextError(InputError):
    code = "E002"


class TextTooLongError(InputError):
    code = "E003"


class TextEncodingError(InputError):
    code = "E004"


class UnknownChannelError(InputError):
    code = "E005"


class UnknownPolicyError(InputError):
    code = "E006"


class InvalidDateError(InputError):
    code = "E007"


class UnreadableImageError(InputError):
    """A file cannot be used as a photo; `reason` is a stable short code (e.g. 'truncated').

    Screening turns this into an 'image.unreadable' hold; it reaches a caller only where a
    photo is required on its own (e.g. enrolling a face).
    """

    code = "E008"

    def __init__(self, reason: str, message_nl: str, message_en: str) -> None:
        super().__init__(message_en, message_nl)
        self.reason = reason


class ConfigError(ScreeningError):
    """The installation is misconfigured (a policy pack, a setting)."""

    code = "E100"
    category = "config"


class PolicyPackError(ConfigError):
    """A policy pack file is malformed or cites an article that does not exist."""

    code = "E101"


class DetectorRegistryError(ConfigError):
    """A detector name was registered twice or is unknown."""

    code = "E102"
