"""The audit's errors, in the project's one hierarchy (codes E3xx)."""

from __future__ import annotations

from kernel.errors import ConfigError, InputError, ScreeningError


class AuditSourceError(InputError):
    """The audit's source cannot be read, or is not a folder, manifest, sitemap or feed."""

    code = "E300"


class FetchError(InputError):
    """An HTTP download failed; `reason` is a stable short code (e.g. 'status_404')."""

    code = "E302"

    def __init__(self, reason: str, message_en: str, message_nl: str) -> None:
        super().__init__(message_en, message_nl)
        self.reason = reason


class AddressRefusedError(FetchError):
    """A URL a fetched document refers to is not http(s) or not on a public address (and not
    on the allow-list); nothing was requested from it. `reason`: 'scheme_refused' or
    'address_refused'."""

    code = "E303"


class AuditRunningError(ScreeningError):
    """Another audit holds the lock on the same state directory."""

    code = "E310"
    category = "busy"


class AuditStateError(ConfigError):
    """The audit's state directory, face cache or key cannot be used safely."""

    code = "E311"


class AuditSettingError(ConfigError):
    """An audit setting cannot be used (e.g. an allow-list entry that is neither a host name
    nor a network)."""

    code = "E312"


class NotificationError(ScreeningError):
    """A notification (e-mail, webhook) could not be delivered; the report is still written."""

    code = "E320"
    category = "config"


class EmptySourceError(InputError):
    """The source held no items (a share that did not mount, a feed that answered with
    nothing); the reports are written with a warning, the exit code is that of an input
    error."""

    code = "E304"


class UnknownItemError(InputError):
    """An item number (`screening audit-mark`) that the last complete audit did not report."""

    code = "E330"
