"""The registry's value types: frozen dataclasses that callers get back, never ORM rows.

Nothing here carries face-template bytes: a template leaves the store only as a decrypted
vector handed to the in-process matcher (`FaceCandidate`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from consent_store.purposes import PURPOSE_LABELS, Purpose
from consent_store.school_year import SchoolYear

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


class Role(StrEnum):
    """A person's relation to the school."""

    PUPIL = "pupil"
    STAFF = "staff"
    INTERN = "intern"


class ConsentDecision(StrEnum):
    """What one consent record says."""

    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class GivenBy(StrEnum):
    """Who made the decision a record holds.

    `staff` means a school employee recorded it without stating who asked (e.g. a withdrawal
    by phone). It never makes a grant count; a staff member's own consent is `self`.
    """

    SELF = "self"
    PARENT = "parent"
    GUARDIAN = "guardian"
    STAFF = "staff"


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.PUPIL: ("leerling", "pupil"),
    Role.STAFF: ("medewerker", "staff member"),
    Role.INTERN: ("stagiair", "intern"),
}
DECISION_LABELS: dict[ConsentDecision, tuple[str, str]] = {
    ConsentDecision.GRANTED: ("gegeven", "granted"),
    ConsentDecision.REFUSED: ("geweigerd", "refused"),
    ConsentDecision.WITHDRAWN: ("ingetrokken", "withdrawn"),
}
GIVEN_BY_LABELS: dict[GivenBy, tuple[str, str]] = {
    GivenBy.SELF: ("zelf", "self"),
    GivenBy.PARENT: ("ouder", "parent"),
    GivenBy.GUARDIAN: ("voogd", "guardian"),
    GivenBy.STAFF: ("school (namens onbekend)", "school (on behalf of someone unstated)"),
}


@dataclass(frozen=True, slots=True)
class PersonInfo:
    """A person in the registry, identified by the school's own id (`external_id`)."""

    external_id: str
    display_name: str
    role: Role
    birth_date: date
    school: str | None = None
    group: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConsentEntry:
    """One consent record, exactly as it was appended."""

    record_id: int
    person_id: str
    purpose: Purpose
    school_year: SchoolYear
    decision: ConsentDecision
    given_by: GivenBy
    effective_on: date
    recorded_by: str
    recorded_at: datetime
    evidence: str
    source: str


@dataclass(frozen=True, slots=True)
class PersonChange:
    """One entry of the person-change log: who created or changed a person, and what."""

    person_id: str
    action: str  # "created" or "updated"
    changes: Mapping[str, tuple[str | None, str | None]]
    changed_by: str
    changed_at: datetime
    source: str


@dataclass(frozen=True, slots=True)
class ConsentState:
    """Whether consent holds for one person, purpose and date, with the record that decides."""

    valid: bool
    #: Stable short reason: granted, refused, withdrawn, none, not_yet, not_eligible.
    code: str
    reason_nl: str
    reason_en: str
    purpose: Purpose
    on_date: date
    record: ConsentEntry | None = None

    def reason(self, lang: str = "nl") -> str:
        """The reason in the requested language (Dutch by default)."""
        return self.reason_nl if lang == "nl" else self.reason_en


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """What may be said about a stored face template: everything except the template."""

    model_id: str
    source_sha256: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FaceCandidate:
    """A decrypted template for the in-process face matcher; never serialised or listed."""

    person_id: str
    model_id: str
    vector: npt.NDArray[np.float32] = field(repr=False)


class ChangeKind(StrEnum):
    """What one change of an import does."""

    NEW_PERSON = "new_person"
    PERSON_CHANGED = "person_changed"
    CONSENT = "consent"


@dataclass(frozen=True, slots=True)
class ImportChange:
    """One change an import makes (or, in a dry run, would make), as data: each reader
    (CLI, API, web page) words it in its own language without parsing a sentence."""

    kind: ChangeKind
    external_id: str
    #: For PERSON_CHANGED: the registry columns that change (``birth_date``, ``group``).
    columns: tuple[str, ...] = ()
    #: For CONSENT: the new record.
    purpose: Purpose | None = None
    school_year: SchoolYear | None = None
    decision: ConsentDecision | None = None
    given_by: GivenBy | None = None
    given_on: date | None = None

    def describe(self, lang: str, column: Callable[[str], str] | None = None) -> str:
        """One line in Dutch (``lang == "nl"``) or English; `column` words a column name
        (the registry's own name when None). Dates are dd-mm-jjjj in Dutch."""
        nl = lang == "nl"
        if self.kind is ChangeKind.NEW_PERSON:
            return f"{'nieuwe persoon' if nl else 'new person'} {self.external_id}"
        if self.kind is ChangeKind.PERSON_CHANGED:
            cols = ", ".join(column(c) if column else c for c in self.columns)
            verb = "gewijzigd" if nl else "changed"
            return f"{'persoon' if nl else 'person'} {self.external_id} {verb} ({cols})"
        assert self.purpose and self.school_year and self.decision and self.given_by
        at = 0 if nl else 1
        day = self.given_on
        when = "" if day is None else (day.strftime(" op %d-%m-%Y") if nl else f" on {day}")
        return (
            f"{self.external_id}: {PURPOSE_LABELS[self.purpose][at]}, "
            f"{'schooljaar' if nl else 'school year'} {self.school_year}, "
            f"{DECISION_LABELS[self.decision][at]} {'door' if nl else 'by'} "
            f"{GIVEN_BY_LABELS[self.given_by][at]}{when}"
        )


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    source: str
    rows: int
    people_added: int
    people_updated: int
    records_added: int
    records_skipped: int
    dry_run: bool
    #: Each change, in order; capped for display (`MAX_REPORTED_CHANGES`).
    changes: tuple[ImportChange, ...] = ()


@dataclass(frozen=True, slots=True)
class NameKeys:
    """A person's id with the lookup keys of their names (`names.name_key`), for an index."""

    external_id: str
    key: str  # of the display name
    alias_keys: tuple[str, ...]
