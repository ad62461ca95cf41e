"""The audit's errors, in the project's one hierarchy (codes E3xx)."""

from __future__ import annotations

from screening.errors import ConfigError, InputError, ScreeningError


class AuditSourceError(InputError):
    """The audit's source cannot be read, or is not a folder, manifest, sitemap or feed."""

    code = "E300"


class FetchError(InputError):
    """An HTTP download failed; `reason` is a stable short code (e.g. 'status_404')."""

    code = "E302"

    def __init__(self, reason: str, message_en: str, message_nl: str) -> None:
        super().__init__(message_en, message_nl)
        self.reason = reason


class AuditRunningError(ScreeningError):
    """Another audit holds the lock on the same state directory."""

    code = "E310"
    category = "busy"


class AuditStateError(ConfigError):
    """The audit's state directory, face cache or key cannot be used safely."""

    code = "E311"


class NotificationError(ScreeningError):
    """A notification (e-mail, webhook) could not be delivered; the report is still written."""

    code = "E320"
    category = "config"
