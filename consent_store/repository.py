"""The consent registry the pipeline, the CLI and the audit use (`open_registry(settings)`).

Every public method runs in its own transaction and either completes or changes nothing.
Consent records are only ever inserted: a withdrawal is a new record, so the registry can
say what was valid on any past date. A database failure comes out as RegistryUnavailableError,
never as a raw SQLAlchemy or driver exception, so screening can hold with a clear reason.
"""

from __future__ import annotations

import csv
import getpass
import json
import logging
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from consent_store.crypto import (
    TemplateCipher,
    associated_data,
    create_key_file,
    decode_key,
    load_key_file,
)
from consent_store.csv_import import COLUMNS, ImportRow, RowDecision, escaped, read_import
from consent_store.database import (
    WRITE_OPTION,
    create_registry_engine,
    create_sqlite_file,
    current_revision,
    database_url,
    lock_for_writing,
    migrate,
    reader,
    safe_url,
    unavailable_on_error,
)
from consent_store.location import (
    KEY_FILE_NAME,
    first_run,
    missing_registry_error,
    sqlite_path,
)
from consent_store.mapping import load_mapping
from consent_store.names import name_key
from consent_store.purposes import Purpose
from consent_store.records import (
    ChangeKind,
    ConsentDecision,
    ConsentEntry,
    ConsentState,
    FaceCandidate,
    GivenBy,
    ImportChange,
    ImportReport,
    NameKeys,
    PersonChange,
    PersonInfo,
    Role,
    TemplateInfo,
)
from consent_store.schema import (
    Alias,
    Base,
    ConsentRecord,
    FaceTemplateRow,
    Person,
    PersonChangeRow,
)
from consent_store.school_year import SchoolYear
from consent_store.validity import consent_state, consent_state_in_view, record_counts
from kernel.errors import (
    ConsentRequiredError,
    DuplicatePersonError,
    InvalidPersonDataError,
    RegistryInputError,
    TemplateKeyError,
    UnknownPersonError,
)
from kernel.settings import Settings
from kernel.types import ConsentView

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Template = npt.NDArray[np.floating[Any]] | bytes

log = logging.getLogger(__name__)

#: Consent records written per statement during an import (and per progress report).
IMPORT_CHUNK = 5000
#: Change lines an import report keeps for display.
MAX_REPORTED_CHANGES = 1000
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")

ProgressCallback = Callable[[int, int], None]


def current_user() -> str:
    """The operating-system user, recorded as `recorded_by` when none is given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "onbekend"


def _now() -> datetime:
    return datetime.now(UTC)


def _clean(value: str, what_nl: str, what_en: str, limit: int) -> str:
    text = " ".join(value.split())
    if not text:
        raise InvalidPersonDataError(f"{what_en} is empty", f"{what_nl} is leeg")
    if len(text) > limit:
        raise InvalidPersonDataError(
            f"{what_en} is longer than {limit} characters",
            f"{what_nl} is langer dan {limit} tekens",
        )
    return text


def _entry(row: ConsentRecord, external_id: str) -> ConsentEntry:
    return ConsentEntry(
        record_id=row.id,
        person_id=external_id,
        purpose=Purpose(row.purpose),
        school_year=SchoolYear(row.school_year),
        decision=ConsentDecision(row.decision),
        given_by=GivenBy(row.given_by),
        effective_on=row.effective_on,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        evidence=row.evidence,
        source=row.source,
    )


def _person_fields(person: PersonInfo) -> dict[str, str | None]:
    return {
        "name": person.display_name,
        "role": person.role.value,
        "birth_date": person.birth_date.isoformat(),
        "school": person.school,
        "group": person.group,
        "aliases": ";".join(person.aliases) or None,
    }


def _diff(old: PersonInfo | None, new: PersonInfo) -> dict[str, tuple[str | None, str | None]]:
    before = _person_fields(old) if old else dict.fromkeys(_person_fields(new))
    after = _person_fields(new)
    return {k: (before[k], after[k]) for k in after if before[k] != after[k]}


def _current_record(role: Role, birth: date, records: Sequence[ConsentEntry]) -> ConsentEntry:
    """What a person+purpose+year currently says: the latest counting record, else the latest."""
    ordered = sorted(records, key=lambda r: (r.effective_on, r.recorded_at, r.record_id))
    counting = [r for r in ordered if record_counts(role, birth, r)]
    return (counting or ordered)[-1]


def _unique_aliases(aliases: Iterable[str]) -> list[tuple[str, str]]:
    """(lookup key, alias) pairs, the first spelling of each key kept."""
    unique: dict[str, str] = {}
    for alias in aliases:
        unique.setdefault(name_key(alias), alias)
    return list(unique.items())


def _template_bytes(template: Template) -> bytes:
    import numpy as np  # only the face-template functions need numpy

    if isinstance(template, bytes):
        data = template
    else:
        vector = np.asarray(template, dtype="<f4").ravel()
        if not np.all(np.isfinite(vector)):
            raise RegistryInputError(
                "a face template contains NaN or infinite values",
                "een gezichtstemplate bevat NaN of oneindige waarden",
            )
        data = vector.tobytes()
    if not data or len(data) % 4:
        raise RegistryInputError(
            "a face template must be a non-empty float32 vector",
            "een gezichtstemplate moet een niet-lege float32-vector zijn",
        )
    return data


class Registry:
    """People, their consent per purpose and school year, and their face templates."""

    def __init__(self, engine: Engine, url: str, cipher: TemplateCipher | None) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._reader = reader(engine)
        self._url = url
        self._cipher = cipher

    # -- plumbing -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return safe_url(self._url)

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with unavailable_on_error(self._url), Session(self._engine) as session:
            yield session

    @contextmanager
    def _lookup(self) -> Iterator[Session]:
        """A session for the lookups screening makes per post: reads only, on PostgreSQL
        without BEGIN and ROLLBACK (`consent_store.database.reader`)."""
        with unavailable_on_error(self._url), Session(self._reader) as session:
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with (
            unavailable_on_error(self._url),
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def _person_row(self, s: Session, external_id: str, *, lock: bool = False) -> Person:
        query = select(Person).where(Person.external_id == external_id.strip())
        # Row lock on PostgreSQL, so a withdrawal and a template enrolment for the same
        # person cannot both see "valid" and commit (SQLite already serialises writers).
        row = s.scalars(query.with_for_update() if lock else query).one_or_none()
        if row is None:
            raise UnknownPersonError(
                f"unknown person {external_id!r}; add them first with 'registry add-person'",
                f"onbekende persoon {external_id!r}; voeg die eerst toe met 'registry add-person'",
            )
        return row

    def _aliases(self, s: Session, person_ids: Iterable[int] | None) -> dict[int, list[str]]:
        query = select(Alias.person_id, Alias.alias).order_by(Alias.id)
        if person_ids is not None:
            query = query.where(Alias.person_id.in_(list(person_ids)))
        found: dict[int, list[str]] = defaultdict(list)
        for pid, alias in s.execute(query):
            found[pid].append(alias)
        return found

    @staticmethod
    def _info(row: Person, aliases: Sequence[str]) -> PersonInfo:
        return PersonInfo(
            external_id=row.external_id,
            display_name=row.display_name,
            role=Role(row.role),
            birth_date=row.birth_date,
            school=row.school,
            group=row.group_name,
            aliases=tuple(aliases),
        )

    def _records(
        self, s: Session, person: Person, purpose: Purpose | None = None, year: int | None = None
    ) -> list[ConsentEntry]:
        query = select(ConsentRecord).where(ConsentRecord.person_id == person.id)
        if purpose is not None:
            query = query.where(ConsentRecord.purpose == purpose.value)
        if year is not None:
            query = query.where(ConsentRecord.school_year == year)
        return [_entry(r, person.external_id) for r in s.scalars(query)]

    # -- people ---------------------------------------------------------------------------

    def _check_person(self, person: PersonInfo) -> PersonInfo:
        birth = person.birth_date
        if birth > date.today() or birth.year < 1900:
            raise InvalidPersonDataError(
                f"birth date {birth} is not plausible", f"geboortedatum {birth} is niet mogelijk"
            )
        cleaned = (_clean(a, "een alias", "an alias", 200) for a in person.aliases)
        aliases = tuple(alias for _key, alias in _unique_aliases(cleaned))
        return replace(
            person,
            external_id=_clean(person.external_id, "het id", "the id", 64),
            display_name=_clean(person.display_name, "de naam", "the name", 200),
            role=Role(person.role),
            school=" ".join(person.school.split()) or None if person.school else None,
            group=" ".join(person.group.split()) or None if person.group else None,
            aliases=aliases,
        )

    def _set_aliases(self, s: Session, pid: int, aliases: Sequence[str]) -> None:
        s.execute(delete(Alias).where(Alias.person_id == pid))
        for key, alias in _unique_aliases(aliases):
            s.add(Alias(person_id=pid, alias=alias, name_key=key))

    def add_person(
        self, person: PersonInfo, *, recorded_by: str | None = None, source: str = "cli"
    ) -> PersonInfo:
        """Add a new person; an id that already exists is an error (use update_person)."""
        person = self._check_person(person)
        who = recorded_by or current_user()
        with self._write() as s:
            exists = s.scalar(select(Person.id).where(Person.external_id == person.external_id))
            if exists is not None:
                raise _duplicate(person.external_id)
            row = Person(
                external_id=person.external_id,
                display_name=person.display_name,
                name_key=name_key(person.display_name),
                role=person.role.value,
                birth_date=person.birth_date,
                school=person.school,
                group_name=person.group,
                created_at=_now(),
            )
            s.add(row)
            try:
                s.flush()
            except IntegrityError:  # another process added the same id just now
                raise _duplicate(person.external_id) from None
            self._set_aliases(s, row.id, person.aliases)
            self._log_change(s, row.id, "created", _diff(None, person), who, source)
        log.info("registry: person added (row %d)", row.id)
        return person

    def update_person(
        self,
        external_id: str,
        *,
        display_name: str | None = None,
        role: Role | None = None,
        birth_date: date | None = None,
        school: str | None = None,
        group: str | None = None,
        aliases: Sequence[str] | None = None,
        recorded_by: str | None = None,
        source: str = "cli",
    ) -> PersonInfo:
        """Change a person's details; None leaves a field as it is, "" clears school/group."""
        who = recorded_by or current_user()
        with self._write() as s:
            row = self._person_row(s, external_id, lock=True)
            old = self._info(row, self._aliases(s, [row.id]).get(row.id, []))
            new = self._check_person(
                replace(
                    old,
                    display_name=old.display_name if display_name is None else display_name,
                    role=old.role if role is None else role,
                    birth_date=old.birth_date if birth_date is None else birth_date,
                    school=old.school if school is None else school,
                    group=old.group if group is None else group,
                    aliases=old.aliases if aliases is None else tuple(aliases),
                )
            )
            changes = _diff(old, new)
            if changes:
                self._apply_person(s, row, new, changes, who, source)
        return new

    def _apply_person(
        self,
        s: Session,
        row: Person,
        new: PersonInfo,
        changes: dict[str, tuple[str | None, str | None]],
        who: str,
        source: str,
    ) -> None:
        row.display_name = new.display_name
        row.name_key = name_key(new.display_name)
        row.role = new.role.value
        row.birth_date = new.birth_date
        row.school = new.school
        row.group_name = new.group
        if "aliases" in changes:
            self._set_aliases(s, row.id, new.aliases)
        self._log_change(s, row.id, "updated", changes, who, source)

    @staticmethod
    def _log_change(
        s: Session,
        pid: int,
        action: str,
        changes: dict[str, tuple[str | None, str | None]],
        who: str,
        source: str,
    ) -> None:
        s.add(
            PersonChangeRow(
                person_id=pid,
                action=action,
                changes=json.dumps(changes, ensure_ascii=False, sort_keys=True),
                changed_by=who,
                changed_at=_now(),
                source=source,
            )
        )

    def get_person(self, external_id: str) -> PersonInfo:
        """A person by the school's id."""
        with self._lookup() as s:
            row = self._person_row(s, external_id)
            return self._info(row, self._aliases(s, [row.id]).get(row.id, []))

    def list_people(self) -> list[PersonInfo]:
        """Everyone in the registry, by id."""
        with self._read() as s:
            rows = s.scalars(select(Person).order_by(Person.external_id)).all()
            aliases = self._aliases(s, None)
            return [self._info(r, aliases.get(r.id, [])) for r in rows]

    def name_keys(self) -> list[NameKeys]:
        """Everyone's id with the stored lookup keys of their names, for an in-memory index.

        Only ids and keys: building the index of a school board's 20,000 people takes a
        tenth of what reading whole people would; `people` fetches the few a post names.
        """
        with self._read() as s:
            aliases: dict[str, list[str]] = defaultdict(list)
            for ext, key in s.execute(
                select(Person.external_id, Alias.name_key)
                .join(Person, Alias.person_id == Person.id)
                .order_by(Alias.id)
            ):
                aliases[ext].append(key)
            rows = s.execute(
                select(Person.external_id, Person.name_key).order_by(Person.external_id)
            ).all()
            return [NameKeys(ext, key, tuple(aliases.get(ext, ()))) for ext, key in rows]

    def people(self, external_ids: Iterable[str]) -> dict[str, PersonInfo]:
        """The people with these ids (ids not in the registry are left out)."""
        ids = sorted(set(external_ids))
        if not ids:
            return {}
        with self._lookup() as s:
            rows = s.scalars(select(Person).where(Person.external_id.in_(ids))).all()
            aliases = self._aliases(s, [r.id for r in rows])
            return {r.external_id: self._info(r, aliases.get(r.id, [])) for r in rows}

    def find_by_name(self, text: str) -> list[PersonInfo]:
        """People whose display name or an alias equals `text`, ignoring case and accents."""
        key = name_key(text)
        if not key:
            return []
        with self._read() as s:
            by_alias = select(Alias.person_id).where(Alias.name_key == key)
            rows = s.scalars(
                select(Person)
                .where((Person.name_key == key) | Person.id.in_(by_alias))
                .order_by(Person.external_id)
            ).all()
            aliases = self._aliases(s, [r.id for r in rows])
            return [self._info(r, aliases.get(r.id, [])) for r in rows]

    # -- consent --------------------------------------------------------------------------

    def grant(
        self,
        external_id: str,
        purpose: Purpose,
        school_year: SchoolYear,
        given_by: GivenBy,
        evidence: str,
        *,
        on: date | None = None,
        recorded_by: str | None = None,
        source: str = "cli",
    ) -> ConsentEntry:
        """Record that consent was given (it counts only if the eligible person gave it)."""
        [entry] = self._append(
            external_id,
            purpose,
            [school_year],
            ConsentDecision.GRANTED,
            given_by,
            evidence,
            on,
            recorded_by,
            source,
        )
        return entry

    def refuse(
        self,
        external_id: str,
        purpose: Purpose,
        school_year: SchoolYear,
        given_by: GivenBy,
        evidence: str,
        *,
        on: date | None = None,
        recorded_by: str | None = None,
        source: str = "cli",
    ) -> ConsentEntry:
        """Record that consent was refused."""
        [entry] = self._append(
            external_id,
            purpose,
            [school_year],
            ConsentDecision.REFUSED,
            given_by,
            evidence,
            on,
            recorded_by,
            source,
        )
        return entry

    def withdraw(
        self,
        external_id: str,
        purpose: Purpose,
        evidence: str,
        *,
        on: date | None = None,
        given_by: GivenBy = GivenBy.STAFF,
        school_year: SchoolYear | None = None,
        recorded_by: str | None = None,
        source: str = "cli",
    ) -> list[ConsentEntry]:
        """Record a withdrawal (a new record) for the school year of `on`.

        Without an explicit school year, later school years that already have records for
        this purpose are withdrawn too: someone who withdraws consent in June does not expect
        the form they signed for next year to keep counting.
        """
        day = on or date.today()
        if school_year is not None:
            years = [school_year]
        else:
            with self._read() as s:
                pid = self._person_row(s, external_id).id
                later = s.scalars(
                    select(ConsentRecord.school_year)
                    .where(
                        ConsentRecord.person_id == pid,
                        ConsentRecord.purpose == purpose.value,
                        ConsentRecord.school_year > SchoolYear.of(day).start,
                    )
                    .distinct()
                ).all()
            years = [SchoolYear.of(day), *(SchoolYear(y) for y in sorted(later))]
        return self._append(
            external_id,
            purpose,
            years,
            ConsentDecision.WITHDRAWN,
            given_by,
            evidence,
            day,
            recorded_by,
            source,
        )

    def _append(
        self,
        external_id: str,
        purpose: Purpose,
        years: Sequence[SchoolYear],
        decision: ConsentDecision,
        given_by: GivenBy,
        evidence: str,
        on: date | None,
        recorded_by: str | None,
        source: str,
    ) -> list[ConsentEntry]:
        day = on or date.today()
        evidence = evidence.strip()
        if not evidence:
            raise InvalidPersonDataError(
                "evidence is required: say what the decision is based on (e.g. 'form of "
                "2025-09-01, folder 3B')",
                "bewijs is verplicht: zeg waaruit het besluit blijkt (bijv. 'formulier van "
                "2025-09-01, map 3B')",
            )
        for year in years:
            if day > year.last_day:
                raise RegistryInputError(
                    f"date {day} is after the end of school year {year}; give the date the "
                    "decision was made (--date)",
                    f"datum {day} valt na het einde van schooljaar {year}; geef de datum "
                    "waarop het besluit is genomen (--date)",
                )
        who = _clean(recorded_by or current_user(), "vastgelegd door", "recorded by", 200)
        now = _now()
        with self._write() as s:
            person = self._person_row(s, external_id, lock=True)
            rows = [
                ConsentRecord(
                    person_id=person.id,
                    purpose=purpose.value,
                    school_year=year.start,
                    decision=decision.value,
                    given_by=given_by.value,
                    effective_on=day,
                    recorded_by=who,
                    recorded_at=now,
                    evidence=evidence,
                    source=source,
                )
                for year in years
            ]
            s.add_all(rows)
            s.flush()
            if purpose is Purpose.BIOMETRIC_MATCHING and decision is not ConsentDecision.GRANTED:
                self._drop_templates_if_invalid(s, [person], date.today())
            entries = [_entry(r, person.external_id) for r in rows]
        log.info("registry: %s %s recorded (row %d)", purpose.value, decision.value, rows[0].id)
        return entries

    def consent_on(
        self,
        external_id: str,
        purpose: Purpose,
        on_date: date,
        view: ConsentView | None = None,
    ) -> ConsentState:
        """Whether `purpose` consent held for this person on `on_date` (any past date too).

        `view` (the audit's) limits or widens which records count; see `ConsentView`.
        """
        return self._consent_of(external_id, purpose, on_date, view)[1]

    def named_consent_on(
        self,
        external_id: str,
        purpose: Purpose,
        on_date: date,
        view: ConsentView | None = None,
    ) -> tuple[str, ConsentState]:
        """The person's display name with `consent_on`, in the same round trip (the face
        detector names everyone it matched)."""
        person, state = self._consent_of(external_id, purpose, on_date, view)
        return person.display_name, state

    def _consent_of(
        self,
        external_id: str,
        purpose: Purpose,
        on_date: date,
        view: ConsentView | None,
    ) -> tuple[Person, ConsentState]:
        year = SchoolYear.of(on_date).start
        joined = (ConsentRecord.person_id == Person.id) & (ConsentRecord.purpose == purpose.value)
        until = view.withdrawals_until if view is not None else None
        if until is not None and until > on_date:
            # Withdrawals after publication may sit in a later school year (next year's form).
            joined &= ConsentRecord.school_year.between(year, SchoolYear.of(until).start)
        else:
            joined &= ConsentRecord.school_year == year
        if view is not None and view.known_at is not None:
            if view.known_at.tzinfo is None:
                raise ValueError("ConsentView.known_at must carry a time zone")
            joined &= ConsentRecord.recorded_at <= view.known_at
        # One round trip: the pipeline asks this for every face and every name in a post.
        query = (
            select(Person, ConsentRecord)
            .outerjoin(ConsentRecord, joined)
            .where(Person.external_id == external_id.strip())
        )
        with self._lookup() as s:
            rows = s.execute(query).all()
            if not rows:
                self._person_row(s, external_id)  # raises UnknownPersonError
            person = rows[0][0]
            records = [_entry(r, person.external_id) for _, r in rows if r is not None]
            role = Role(person.role)
            if view is None:
                return person, consent_state(role, person.birth_date, purpose, records, on_date)
            return person, consent_state_in_view(
                role, person.birth_date, purpose, records, on_date, view
            )

    def consent_for_many(
        self,
        external_ids: Iterable[str],
        purposes: Iterable[Purpose],
        on_date: date,
        view: ConsentView | None = None,
    ) -> dict[tuple[str, Purpose], ConsentState]:
        """`consent_on` for several people and purposes at once; unknown ids are left out.

        Without a view it is one query per 500 people (a name such as "Sanne" may fit dozens
        of pupils of a school board); with the audit's view it asks `consent_on` for each,
        so the view's rules live in one place.
        """
        ids = sorted({i.strip() for i in external_ids})
        wanted = list(dict.fromkeys(purposes))
        states: dict[tuple[str, Purpose], ConsentState] = {}
        if view is not None:
            for pid in ids:
                try:
                    for purpose in wanted:
                        states[(pid, purpose)] = self.consent_on(pid, purpose, on_date, view)
                except UnknownPersonError:
                    continue
            return states
        year = SchoolYear.of(on_date).start
        joined = (
            (ConsentRecord.person_id == Person.id)
            & ConsentRecord.purpose.in_([p.value for p in wanted])
            & (ConsentRecord.school_year == year)
        )
        records_table = ConsentRecord.__table__
        with self._lookup() as s:
            for first in range(0, len(ids), 500):
                chunk = ids[first : first + 500]
                # Plain rows, no ORM objects: a common first name can mean dozens of people.
                rows = s.execute(
                    select(
                        Person.external_id.label("person_external_id"),
                        Person.role.label("person_role"),
                        Person.birth_date.label("person_birth_date"),
                        *records_table.columns,
                    )
                    .select_from(Person)
                    .outerjoin(ConsentRecord, joined)
                    .where(Person.external_id.in_(chunk))
                ).all()
                people: dict[str, tuple[Role, date]] = {}
                records: dict[tuple[str, str], list[ConsentEntry]] = defaultdict(list)
                for row in rows:
                    ext = row.person_external_id
                    people[ext] = (Role(row.person_role), row.person_birth_date)
                    if row.id is not None:
                        records[(ext, row.purpose)].append(_entry(row, ext))  # type: ignore[arg-type]
                for ext, (role, birth) in people.items():
                    for purpose in wanted:
                        states[(ext, purpose)] = consent_state(
                            role, birth, purpose, records[(ext, purpose.value)], on_date
                        )
        return states

    def consents_on(self, external_id: str, on_date: date) -> dict[Purpose, ConsentState]:
        """Validity of every purpose for this person on `on_date`."""
        with self._read() as s:
            person = self._person_row(s, external_id)
            records = self._records(s, person, None, SchoolYear.of(on_date).start)
            role = Role(person.role)
            return {p: consent_state(role, person.birth_date, p, records, on_date) for p in Purpose}

    def history(self, external_id: str) -> list[ConsentEntry | PersonChange]:
        """Every consent record and person change, oldest first, with who and when."""
        with self._read() as s:
            person = self._person_row(s, external_id)
            events: list[tuple[datetime, int, int, ConsentEntry | PersonChange]] = []
            for change in s.scalars(
                select(PersonChangeRow).where(PersonChangeRow.person_id == person.id)
            ):
                loaded = json.loads(change.changes)
                item = PersonChange(
                    person_id=person.external_id,
                    action=change.action,
                    changes={k: (v[0], v[1]) for k, v in loaded.items()},
                    changed_by=change.changed_by,
                    changed_at=change.changed_at,
                    source=change.source,
                )
                events.append((change.changed_at, 0, change.id, item))
            for record in s.scalars(
                select(ConsentRecord).where(ConsentRecord.person_id == person.id)
            ):
                events.append(
                    (record.recorded_at, 1, record.id, _entry(record, person.external_id))
                )
            return [e[3] for e in sorted(events, key=lambda e: e[:3])]

    def people_lacking(
        self, purpose: Purpose, school_year: SchoolYear, on_date: date | None = None
    ) -> list[tuple[PersonInfo, ConsentState]]:
        """Everyone without valid consent for `purpose` in `school_year`.

        Judged on `on_date`, by default today clamped into the school year (its first day for
        a coming year, its last day for a past one).
        """
        day = on_date or min(max(date.today(), school_year.first_day), school_year.last_day)
        with self._read() as s:
            people = s.scalars(select(Person).order_by(Person.external_id)).all()
            by_person: dict[int, list[ConsentEntry]] = defaultdict(list)
            ids = {p.id: p.external_id for p in people}
            for r in s.scalars(
                select(ConsentRecord).where(
                    ConsentRecord.purpose == purpose.value,
                    ConsentRecord.school_year == school_year.start,
                )
            ):
                by_person[r.person_id].append(_entry(r, ids[r.person_id]))
            aliases = self._aliases(s, None)
            lacking = []
            for p in people:
                state = consent_state(
                    Role(p.role), p.birth_date, purpose, by_person.get(p.id, []), day
                )
                if not state.valid:
                    lacking.append((self._info(p, aliases.get(p.id, [])), state))
            return lacking

    # -- face templates -------------------------------------------------------------------

    def _require_cipher(self) -> TemplateCipher:
        if self._cipher is None:
            raise TemplateKeyError(
                "no template key: set SCREENING_TEMPLATE_KEY (base64 of 32 random bytes) to "
                "store face templates in this database",
                "geen sleutel voor gezichtstemplates: zet SCREENING_TEMPLATE_KEY (base64 van 32 "
                "willekeurige bytes) om templates in deze database op te slaan",
            )
        return self._cipher

    def add_face_template(
        self,
        external_id: str,
        model_id: str,
        template: Template,
        source_sha256: str,
        *,
        today: date | None = None,
    ) -> TemplateInfo:
        """Store an encrypted face template; refused unless biometric consent is valid today."""
        [info] = self.add_face_templates(
            external_id, model_id, [(template, source_sha256)], today=today
        )
        return info

    def add_face_templates(
        self,
        external_id: str,
        model_id: str,
        templates: Sequence[tuple[Template, str]],
        *,
        today: date | None = None,
    ) -> list[TemplateInfo]:
        """Store several templates (template, source photo sha256) in one transaction."""
        cipher = self._require_cipher()
        model = _clean(model_id, "het model-id", "the model id", 100)
        prepared: list[tuple[bytes, str]] = []
        for template, source_sha256 in templates:
            digest = source_sha256.strip().lower()
            if not _SHA256_RE.match(digest):
                raise RegistryInputError(
                    "source_sha256 must be 64 hexadecimal characters",
                    "source_sha256 moet uit 64 hexadecimale tekens bestaan",
                )
            prepared.append((_template_bytes(template), digest))
        day = today or date.today()
        infos: list[TemplateInfo] = []
        with self._write() as s:
            person = self._person_row(s, external_id, lock=True)
            records = self._records(s, person, Purpose.BIOMETRIC_MATCHING, SchoolYear.of(day).start)
            state = consent_state(
                Role(person.role), person.birth_date, Purpose.BIOMETRIC_MATCHING, records, day
            )
            if not state.valid:
                raise ConsentRequiredError(
                    "a face template may only be stored with valid consent for face matching: "
                    + state.reason_en,
                    "een gezichtstemplate mag alleen worden opgeslagen met geldige toestemming "
                    "voor gezichtsherkenning: " + state.reason_nl,
                )
            for data, digest in prepared:
                nonce, ciphertext = cipher.encrypt(data, associated_data(person.id, model))
                row = FaceTemplateRow(
                    person_id=person.id,
                    model_id=model,
                    nonce=nonce,
                    ciphertext=ciphertext,
                    source_sha256=digest,
                    created_at=_now(),
                )
                s.add(row)
                s.flush()
                infos.append(TemplateInfo(row.model_id, row.source_sha256, row.created_at))
                log.info("registry: face template stored (row %d, model %s)", row.id, model)
        return infos

    def templates_of(self, external_id: str) -> list[TemplateInfo]:
        """What is stored for a person (model, photo hash, when); never the templates."""
        with self._read() as s:
            person = self._person_row(s, external_id)
            rows = s.execute(
                select(
                    FaceTemplateRow.model_id,
                    FaceTemplateRow.source_sha256,
                    FaceTemplateRow.created_at,
                )
                .where(FaceTemplateRow.person_id == person.id)
                .order_by(FaceTemplateRow.id)
            ).all()
            return [TemplateInfo(m, h, c) for m, h, c in rows]

    def face_candidates(self, model_id: str, on_date: date) -> list[FaceCandidate]:
        """Decrypted templates of `model_id` for people whose biometric consent holds on_date.

        For the in-process face matcher only: the vectors must not be logged, stored elsewhere
        or sent anywhere.
        """
        import numpy as np

        cipher = self._require_cipher()
        with self._lookup() as s:
            rows = s.execute(
                select(FaceTemplateRow, Person)
                .join(Person, Person.id == FaceTemplateRow.person_id)
                .where(FaceTemplateRow.model_id == model_id)
                .order_by(FaceTemplateRow.id)
            ).all()
            valid = self._valid_biometric(s, {p.id: p for _, p in rows}, on_date)
            out = []
            for template, person in rows:
                if person.id in valid:
                    plain = cipher.decrypt(
                        template.nonce,
                        template.ciphertext,
                        associated_data(person.id, template.model_id),
                    )
                    vector = np.frombuffer(plain, dtype="<f4").astype(np.float32)
                    out.append(FaceCandidate(person.external_id, template.model_id, vector))
            return out

    def gallery_revision(self) -> tuple[int, int, int]:
        """A cheap value that changes whenever the face candidates may have changed.

        Templates are added (new id) or deleted (count drops) and consent records are only
        ever appended (new id), so (template count, last template id, last consent record
        id) changes with every write that matters; the date is the caller's part of the key.
        """
        query = select(
            select(func.count(FaceTemplateRow.id)).scalar_subquery(),
            select(func.max(FaceTemplateRow.id)).scalar_subquery(),
            select(func.max(ConsentRecord.id)).scalar_subquery(),
        )
        with self._lookup() as s:
            count, last, last_record = s.execute(query).one()  # one round trip: asked per photo
            return (int(count), int(last or 0), int(last_record or 0))

    def names_revision(self) -> tuple[int, int]:
        """A cheap value that changes whenever a person's names, role or group may have changed.

        Every add, update and import of a person appends a person-change row (new id), and
        people are never deleted, so (people count, last change id) keys a cached name index.
        """
        query = select(
            select(func.count(Person.id)).scalar_subquery(),
            select(func.max(PersonChangeRow.id)).scalar_subquery(),
        )
        with self._lookup() as s:
            people, last_change = s.execute(query).one()  # one round trip: asked per post
            return (int(people), int(last_change or 0))

    def _valid_biometric(self, s: Session, people: dict[int, Person], on_date: date) -> set[int]:
        if not people:
            return set()
        by_person: dict[int, list[ConsentEntry]] = defaultdict(list)
        for r in s.scalars(
            select(ConsentRecord).where(
                ConsentRecord.person_id.in_(list(people)),
                ConsentRecord.purpose == Purpose.BIOMETRIC_MATCHING.value,
                ConsentRecord.school_year == SchoolYear.of(on_date).start,
            )
        ):
            by_person[r.person_id].append(_entry(r, people[r.person_id].external_id))
        return {
            pid
            for pid, p in people.items()
            if consent_state(
                Role(p.role),
                p.birth_date,
                Purpose.BIOMETRIC_MATCHING,
                by_person.get(pid, []),
                on_date,
            ).valid
        }

    def _drop_templates_if_invalid(self, s: Session, people: Iterable[Person], day: date) -> int:
        by_id = {p.id: p for p in people}
        valid = self._valid_biometric(s, by_id, day)
        doomed = [pid for pid in by_id if pid not in valid]
        if not doomed:
            return 0
        result = s.execute(delete(FaceTemplateRow).where(FaceTemplateRow.person_id.in_(doomed)))
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            log.info("registry: %d face template(s) deleted, biometric consent ended", count)
        return count

    def purge_expired_templates(self, today: date | None = None) -> int:
        """Delete the templates of everyone whose biometric consent no longer holds today."""
        day = today or date.today()
        with self._write() as s:
            holders = s.scalars(
                select(Person).where(Person.id.in_(select(FaceTemplateRow.person_id).distinct()))
            ).all()
            return self._drop_templates_if_invalid(s, holders, day)

    # -- import and export ----------------------------------------------------------------

    def import_csv(
        self,
        path: Path,
        *,
        mapping: Path | None = None,
        dry_run: bool = False,
        recorded_by: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> ImportReport:
        """Import a CSV (our format, or a school's export with a mapping): all or nothing.

        Every row is validated before anything is written; then people are upserted and
        records appended in one transaction. A row identical to what the registry already
        says for that person, purpose and school year is skipped, so re-importing the same
        file adds nothing.
        """
        parsed = read_import(path, load_mapping(mapping) if mapping else None)
        who = _clean(recorded_by or current_user(), "vastgelegd door", "recorded by", 200)
        source = f"import:{parsed.sha256}"
        session = self._read() if dry_run else self._write()
        with session as s:
            if not dry_run:
                lock_for_writing(s.connection())
            return _Importer(self, s, parsed.rows, who, source).run(
                parsed.source, parsed.lines_read, dry_run, progress
            )

    def export_csv(self, path: Path) -> int:
        """Write people, aliases and what each currently says per purpose and school year.

        The file is in the import format (UTF-8 with BOM so Excel reads it right); it never
        contains face templates. Returns the number of data rows written.
        """
        with self._read() as s:
            people = s.scalars(select(Person).order_by(Person.external_id)).all()
            aliases = self._aliases(s, None)
            records: dict[int, dict[tuple[str, int], list[ConsentEntry]]] = defaultdict(
                lambda: defaultdict(list)
            )
            ids = {p.id: p.external_id for p in people}
            for r in s.scalars(select(ConsentRecord)):
                records[r.person_id][(r.purpose, r.school_year)].append(_entry(r, ids[r.person_id]))
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            count = self._write_export(tmp, people, aliases, records)
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise RegistryInputError(
                f"cannot write {str(path)!r}: {exc.strerror}",
                f"kan {str(path)!r} niet schrijven: {exc.strerror}",
            ) from None
        return count

    @staticmethod
    def _write_export(
        tmp: Path,
        people: Sequence[Person],
        aliases: dict[int, list[str]],
        records: dict[int, dict[tuple[str, int], list[ConsentEntry]]],
    ) -> int:
        order = {p.value: i for i, p in enumerate(Purpose)}
        count = 0
        # Owner-only, like the database: the file lists pupils with their dates of birth.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)

            def write(row: list[str]) -> None:
                # A name or evidence starting with "=" must not run when the file is opened.
                writer.writerow([escaped(cell) for cell in row])

            for p in people:
                base = [
                    p.external_id,
                    p.display_name,
                    p.role,
                    p.birth_date.isoformat(),
                    p.school or "",
                    p.group_name or "",
                    ";".join(aliases.get(p.id, [])),
                ]
                groups = records.get(p.id, {})
                if not groups:
                    write([*base, "", "", "", "", "", ""])
                    count += 1
                for purpose, year in sorted(groups, key=lambda k: (k[1], order[k[0]])):
                    cur = _current_record(Role(p.role), p.birth_date, groups[(purpose, year)])
                    write(
                        [
                            *base,
                            purpose,
                            str(SchoolYear(year)),
                            cur.decision.value,
                            cur.given_by.value,
                            cur.effective_on.isoformat(),
                            cur.evidence,
                        ]
                    )
                    count += 1
        return count


def _duplicate(external_id: str) -> DuplicatePersonError:
    return DuplicatePersonError(
        f"a person with id {external_id!r} already exists; use 'registry update-person'",
        f"er bestaat al een persoon met id {external_id!r}; gebruik 'registry update-person'",
    )


class _Importer:
    """One import inside one transaction: plan the changes, then write them in bulk."""

    def __init__(
        self, registry: Registry, s: Session, rows: Sequence[ImportRow], who: str, source: str
    ) -> None:
        self.registry = registry
        self.s = s
        self.rows = rows
        self.who = who
        self.source = source
        self.changes: list[ImportChange] = []

    def note(self, change: ImportChange) -> None:
        """Remember a change for the report (capped: a report is for reading)."""
        if len(self.changes) < MAX_REPORTED_CHANGES:
            self.changes.append(change)

    def run(
        self, source_name: str, lines: int, dry_run: bool, progress: ProgressCallback | None
    ) -> ImportReport:
        s = self.s
        now = _now()
        existing = {p.external_id: p for p in s.scalars(select(Person))}
        old_aliases = self.registry._aliases(s, None)

        # People: rows of one person agree (csv_import checks); a row with aliases wins.
        wanted: dict[str, ImportRow] = {}
        for row in self.rows:
            if row.person.external_id not in wanted or row.aliases_given:
                wanted[row.person.external_id] = row
        new_people: list[PersonInfo] = []
        updated = 0
        for ext_id, row in wanted.items():
            person = self.registry._check_person(row.person)
            current = existing.get(ext_id)
            if current is None:
                new_people.append(person)
                self.note(ImportChange(ChangeKind.NEW_PERSON, ext_id))
                continue
            old = Registry._info(current, old_aliases.get(current.id, []))
            if not row.aliases_given:
                person = replace(person, aliases=old.aliases)
            diff = _diff(old, person)
            if diff:
                updated += 1
                self.note(ImportChange(ChangeKind.PERSON_CHANGED, ext_id, tuple(sorted(diff))))
                if not dry_run:
                    self.registry._apply_person(s, current, person, diff, self.who, self.source)

        # Consent: compare with what the registry currently says, per person/purpose/year.
        years = {r.decision.school_year.start for r in self.rows if r.decision}
        known: dict[tuple[str, str, int], list[ConsentEntry]] = defaultdict(list)
        if years and existing:
            ids = {p.id: p.external_id for p in existing.values()}
            for rec in s.scalars(
                select(ConsentRecord).where(ConsentRecord.school_year.in_(sorted(years)))
            ):
                key = (ids[rec.person_id], rec.purpose, rec.school_year)
                known[key].append(_entry(rec, key[0]))
        # What this file adds, per key: the newest pending decision is what the registry will
        # say once the import is in (all of a file's records share one timestamp).
        pending: dict[tuple[str, str, int], RowDecision] = {}
        to_add: list[tuple[str, RowDecision]] = []
        skipped = 0
        for row in self.rows:
            d = row.decision
            if d is None:
                continue
            key = (row.person.external_id, d.purpose.value, d.school_year.start)
            if _same_as_current(row, d, pending.get(key), known.get(key)):
                skipped += 1
                continue
            pending[key] = d
            to_add.append((key[0], d))
            self.note(
                ImportChange(
                    ChangeKind.CONSENT,
                    key[0],
                    purpose=d.purpose,
                    school_year=d.school_year,
                    decision=d.decision,
                    given_by=d.given_by,
                    given_on=d.given_on or now.date(),
                )
            )

        if not dry_run:
            self._write(new_people, existing, to_add, now, progress)
        return ImportReport(
            source=source_name,
            rows=lines,
            people_added=len(new_people),
            people_updated=updated,
            records_added=len(to_add),
            records_skipped=skipped,
            dry_run=dry_run,
            changes=tuple(self.changes),
        )

    def _write(
        self,
        new_people: list[PersonInfo],
        existing: dict[str, Person],
        to_add: list[tuple[str, RowDecision]],
        now: datetime,
        progress: ProgressCallback | None,
    ) -> None:
        s = self.s
        # Bulk statements (executemany, COPY on PostgreSQL), not one ORM flush per row: an
        # import of 20,000 pupils must take seconds, not minutes.
        _bulk_insert(
            s,
            Person.__tablename__,
            _PERSON_COLUMNS,
            [
                (
                    p.external_id,
                    p.display_name,
                    name_key(p.display_name),
                    p.role.value,
                    p.birth_date,
                    p.school,
                    p.group,
                    now,
                )
                for p in new_people
            ],
        )
        pk: dict[str, int] = {
            ext_id: pid for ext_id, pid in s.execute(select(Person.external_id, Person.id))
        }
        _bulk_insert(
            s,
            Alias.__tablename__,
            ("person_id", "alias", "name_key"),
            [
                (pk[p.external_id], alias, key)
                for p in new_people
                for key, alias in _unique_aliases(p.aliases)
            ],
        )
        _bulk_insert(
            s,
            PersonChangeRow.__tablename__,
            ("person_id", "action", "changes", "changed_by", "changed_at", "source"),
            [
                (
                    pk[p.external_id],
                    "created",
                    json.dumps(_diff(None, p), ensure_ascii=False, sort_keys=True),
                    self.who,
                    now,
                    self.source,
                )
                for p in new_people
            ],
        )
        today = now.date()
        rows = [
            (
                pk[ext_id],
                d.purpose.value,
                d.school_year.start,
                d.decision.value,
                d.given_by.value,
                d.given_on or today,
                self.who,
                now,
                d.evidence,
                self.source,
            )
            for ext_id, d in to_add
        ]
        for start in range(0, len(rows), IMPORT_CHUNK):
            _bulk_insert(
                s, ConsentRecord.__tablename__, _RECORD_COLUMNS, rows[start : start + IMPORT_CHUNK]
            )
            if progress is not None:
                progress(min(start + IMPORT_CHUNK, len(rows)), len(rows))
        ended = {
            ext_id
            for ext_id, d in to_add
            if d.purpose is Purpose.BIOMETRIC_MATCHING
            and d.decision is not ConsentDecision.GRANTED
            and ext_id in existing
        }
        if ended:
            self.registry._drop_templates_if_invalid(s, [existing[e] for e in ended], date.today())
        log.info("registry: import wrote %d new people, %d records", len(new_people), len(rows))


def _same_as_current(
    row: ImportRow,
    d: RowDecision,
    pending: RowDecision | None,
    known: list[ConsentEntry] | None,
) -> bool:
    """Whether a row only repeats what the registry (or this file) already says."""
    if pending is not None:
        return pending == d
    if not known:
        return False
    # The file's role and birth date are what the registry will hold after the import.
    cur = _current_record(row.person.role, row.person.birth_date, known)
    return (
        cur.decision is d.decision
        and cur.given_by is d.given_by
        and cur.evidence == d.evidence
        and (d.given_on is None or d.given_on == cur.effective_on)
    )


_PERSON_COLUMNS = (
    "external_id",
    "display_name",
    "name_key",
    "role",
    "birth_date",
    "school",
    "group_name",
    "created_at",
)
_RECORD_COLUMNS = (
    "person_id",
    "purpose",
    "school_year",
    "decision",
    "given_by",
    "effective_on",
    "recorded_by",
    "recorded_at",
    "evidence",
    "source",
)


def _bulk_insert(
    s: Session, table_name: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows inside the session's transaction, as fast as the backend allows."""
    if not rows:
        return
    conn = s.connection()
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        # COPY is several times faster than multi-row INSERTs, and it runs on the same
        # connection, so it is part of the same all-or-nothing transaction.
        import psycopg

        raw = conn.connection.dbapi_connection
        assert isinstance(raw, psycopg.Connection)
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table_name} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    # SQLite: one prepared statement, executemany, with values converted by the columns' own
    # SQLAlchemy types (so dates and UTC timestamps are stored exactly as the ORM stores
    # them), each distinct value converted once: imports repeat the same dates a lot.
    table = Base.metadata.tables[table_name]
    converters: list[tuple[int, Any, dict[Any, Any]]] = []
    for i, name in enumerate(columns):
        column_type = table.c[name].type
        processor = column_type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        if processor is not None:
            converters.append((i, processor, {}))
    prepared: list[tuple[Any, ...]] = list(rows) if not converters else []
    if converters:
        for row in rows:
            values = list(row)
            for i, processor, cache in converters:
                value = values[i]
                if value is not None:
                    if value not in cache:
                        cache[value] = processor(value)
                    values[i] = cache[value]
            prepared.append(tuple(values))
    placeholders = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f"INSERT INTO {table_name} ({names}) VALUES ({placeholders})", prepared)


def template_key(settings: Settings) -> bytes | None:
    """The face-template key: SCREENING_TEMPLATE_KEY, else the SQLite database's key file.

    None for a server database without a configured key. A missing key file is an error
    (TemplateKeyError, saying how to restore it), never silently replaced. The nightly
    audit derives the key of its encrypted face cache from this one.
    """
    if settings.template_key is not None:
        return decode_key(settings.template_key.get_secret_value(), "SCREENING_TEMPLATE_KEY")
    path = sqlite_path(database_url(settings))
    return load_key_file(path.parent) if path is not None else None


@dataclass(frozen=True)
class InitResult:
    """What `init_registry` found and made."""

    url: str  #: the registry's URL, password hidden
    created: bool  #: a new, empty registry was made (False: it existed and was kept)
    key_file: Path | None  #: the template key file beside an embedded registry
    key_created: bool  #: that key file was made now


def init_registry(settings: Settings | None = None) -> InitResult:
    """Create the registry the settings point at, or bring an existing one up to date.

    Idempotent: an existing registry and its records are kept. The only way, apart from
    the first run at the built-in default location, that a registry comes into being. A
    missing template key is made only for a registry that holds no face templates (one
    that does needs its own key back: a new one could not read them).
    """
    settings = settings or Settings()
    url = database_url(settings)
    path = sqlite_path(url)
    made_file = create_sqlite_file(path) if path is not None else False
    engine = create_registry_engine(url)
    try:
        with unavailable_on_error(url):
            with engine.connect() as conn:
                existed = current_revision(conn) is not None
                conn.rollback()
            migrate(engine, new=True)
            key_file, key_created = _init_key_file(settings, path, engine, existed)
    except BaseException:
        engine.dispose()
        if made_file and path is not None:
            # A failed init leaves no registry file behind.
            for leftover in (
                path,
                path.with_name(path.name + "-wal"),
                path.with_name(path.name + "-shm"),
            ):
                leftover.unlink(missing_ok=True)
        raise
    engine.dispose()
    if not existed:
        log.info("created a new, empty consent registry at %s", safe_url(url))
    return InitResult(safe_url(url), not existed, key_file, key_created)


def _init_key_file(
    settings: Settings, path: Path | None, engine: Engine, existed: bool
) -> tuple[Path | None, bool]:
    if settings.template_key is not None or path is None:
        return None, False
    key_file = path.parent / KEY_FILE_NAME
    created = False
    if not key_file.exists() and not (existed and _holds_templates(engine)):
        created = create_key_file(path.parent)
    load_key_file(path.parent)  # refuses a missing key of templates, or an unsafe mode
    return key_file, created


def _holds_templates(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(FaceTemplateRow)) != 0


def open_registry(settings: Settings | None = None) -> Registry:
    """Open the registry the settings point at, bringing its schema up to date.

    A registry that is not there is an error (RegistryMissingError), never made on the fly:
    `init_registry` (`screening registry init`) makes one. The exception is the very first
    run at the built-in default location (see `consent_store.location.first_run`), where
    the README's quick start creates it.
    """
    settings = settings or Settings()
    if first_run(settings):
        created = init_registry(settings)
        log.warning("first run: created a new, empty consent registry at %s", created.url)
    url = database_url(settings)
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        raise missing_registry_error(str(path))
    engine = create_registry_engine(url)
    try:
        with unavailable_on_error(url):
            migrate(engine)
        key = template_key(settings)
    except BaseException:
        engine.dispose()
        raise
    return Registry(engine, url, TemplateCipher(key) if key is not None else None)
