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


class ModelDirError(ConfigError):
    """A configured model folder (a school's own transformers model) cannot be used."""

    code = "E110"


# --- Consent registry (E2xx) -------------------------------------------------------------


class RegistryError(ScreeningError):
    """Base class of the consent registry's errors."""

    code = "E200"


class RegistryUnavailableError(RegistryError):
    """The registry database cannot be reached or opened; screening holds, never publishes."""

    code = "E201"
    category = "config"


class RegistryMissingError(RegistryUnavailableError):
    """The configured registry does not exist (or has no schema): never created on the fly.

    A typo in SCREENING_DATABASE_URL must not quietly make a new, empty registry that knows
    no pupils, and so publishes every post that names one.
    """

    code = "E205"


class TemplateKeyError(RegistryError):
    """The face-template key is missing, malformed or stored with unsafe permissions."""

    code = "E202"
    category = "config"


class AppendOnlyViolationError(RegistryError):
    """Something tried to change or delete a consent record; history is append-only."""

    code = "E203"


class RegistryInputError(InputError):
    """Input for the consent registry is malformed; nothing in the registry changed."""

    code = "E210"


class UnknownPersonError(RegistryInputError):
    code = "E211"


class UnknownPurposeError(RegistryInputError):
    code = "E212"


class DuplicatePersonError(RegistryInputError):
    code = "E213"


class InvalidSchoolYearError(RegistryInputError):
    code = "E214"


class InvalidPersonDataError(RegistryInputError):
    """A role, 'given by', decision, name or evidence value is missing or not allowed."""

    code = "E215"


class CsvFormatError(RegistryInputError):
    """A CSV file lacks a required column, or cannot be read as CSV at all."""

    code = "E216"


class CsvEncodingError(RegistryInputError):
    """A CSV file is not UTF-8."""

    code = "E217"


class ImportValidationError(RegistryInputError):
    """One or more rows of an import are invalid; `problems` lists every one of them."""

    code = "E218"

    def __init__(self, problems: list[tuple[int, str, str]], source: str) -> None:
        #: (line number, Dutch reason, English reason) for every bad row.
        self.problems = problems
        en = "\n".join(f"  line {n}: {r_en}" for n, _, r_en in problems)
        nl = "\n".join(f"  regel {n}: {r_nl}" for n, r_nl, _ in problems)
        super().__init__(
            f"{source}: {len(problems)} invalid row(s); nothing was imported:\n{en}",
            f"{source}: {len(problems)} ongeldige regel(s); er is niets ingelezen:\n{nl}",
        )


class MappingFileError(RegistryInputError):
    """An import mapping file (TOML) is malformed."""

    code = "E219"


class ConsentRequiredError(RegistryInputError):
    """An action needs a consent that is not valid (e.g. storing a face template)."""

    code = "E220"


# --- The service (E6xx, issue 6); the API maps each to an HTTP status in one handler -----


class ServiceInputError(InputError):
    """A request to the service is malformed; nothing was screened and nothing changed."""

    code = "E600"


class NotAuthenticatedError(ServiceInputError):
    """No API key or session was given, or it is unknown, revoked or expired."""

    code = "E601"


class PermissionDeniedError(ServiceInputError):
    """The API key is valid but its roles do not allow this request."""

    code = "E602"


class RequestTooLargeError(ServiceInputError):
    """The request body is over the configured limit."""

    code = "E603"


class NotFoundError(ServiceInputError):
    """The route, screening, photo, override or key asked for does not exist."""

    code = "E604"


class RequestValidationFailedError(ServiceInputError):
    """Fields of the request are missing or have the wrong form."""

    code = "E605"


class UnsupportedContentTypeError(ServiceInputError):
    """The request body is not in the content type the route takes."""

    code = "E606"


class OverrideNotAllowedError(ServiceInputError):
    """An override names a finding that is not a blocking finding of that decision."""

    code = "E607"


class MethodNotAllowedError(ServiceInputError):
    """The route exists, but not for this HTTP method."""

    code = "E608"


class ServiceStartingError(ConfigError):
    """The service is still loading its models; try again in a few seconds."""

    code = "E609"


class ServiceNotStartedError(ConfigError):
    """The service could not start; why is in its log and on /readyz, not told to callers."""

    code = "E610"


class ReasonNotCheckedError(ConfigError):
    """An override's reason could not be checked for personal data; nothing was recorded."""

    code = "E611"


# --- The task queue (E7xx, issue 14) -------------------------------------------------------


class QueueNotConfiguredError(ConfigError):
    """A command needs the task queue, but no broker is configured (SCREENING_BROKER_URL)."""

    code = "E700"


class QueueUnavailableError(ConfigError):
    """The broker cannot be reached; nothing was submitted (try again later)."""

    code = "E701"
