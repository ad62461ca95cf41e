"""The registry's forms: read what was typed, say per field what is wrong, then record it.

Values the registry itself checks (names, evidence) are left to it; its errors are shown above
the form. This module catches what a form can get wrong on its own (a date in the wrong form,
a value not in the list) and names the field. Who may give consent at what age is the
registry's rule (`consent_store.validity.eligible_givers`); it is applied here too, when the
form is sent, so a grant that would never count is refused at once instead of being recorded
and shown as invalid afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from api.multipart import MultipartForm
from api.web.i18n import Translator
from consent_store.purposes import Purpose
from consent_store.records import ConsentDecision, ConsentEntry, GivenBy, PersonInfo, Role
from consent_store.repository import Registry
from consent_store.school_year import SchoolYear
from consent_store.validity import AGE_OF_CONSENT, age_on, eligible_givers
from kernel.errors import InvalidDateError, InvalidSchoolYearError
from kernel.inputs import parse_date

#: Where records made through the pages come from (the CLI writes "cli", the API "api").
SOURCE = "web"


def _value(form: MultipartForm, name: str) -> str:
    return (form.value(name) or "").strip()


def _date(text: str, errors: dict[str, str], name: str, t: Translator) -> date | None:
    try:
        return parse_date(text)
    except InvalidDateError:
        errors[name] = t("bad_day", example=t.date(date.today()))
        return None


def default_given_by(person: PersonInfo, on: date) -> str:
    """A sensible default for 'given by': someone whose grant counts on that day."""
    eligible = eligible_givers(person.role, person.birth_date, on)
    return GivenBy.PARENT.value if GivenBy.PARENT in eligible else GivenBy.SELF.value


def check_giver(cf: ConsentForm, person: PersonInfo, t: Translator) -> None:
    """Refuse a grant from someone whose consent would not count (the registry's age rule).

    Refusals and withdrawals count whoever gives them (the safe direction), so only a grant
    is checked. The form keeps everything that was typed.
    """
    if cf.errors or cf.decision != ConsentDecision.GRANTED.value:
        return
    day = cf.effective_day
    given_by = GivenBy(cf.given_by)
    eligible = eligible_givers(person.role, person.birth_date, day)
    if given_by in eligible:
        return
    values = {
        "name": person.display_name,
        "date": t.date(day),
        "age": age_on(person.birth_date, day),
        "limit": AGE_OF_CONSENT,
    }
    if GivenBy.PARENT in eligible:
        cf.errors["given_by"] = t("giver_too_young", **values)
    elif person.role is Role.PUPIL:
        cf.errors["given_by"] = t("giver_old_enough", **values)
    else:
        cf.errors["given_by"] = t("giver_self_only", role=t.role(person.role), **values)


@dataclass
class ConsentForm:
    """A consent decision as typed, and what is wrong with it per field."""

    decision: str = ConsentDecision.GRANTED.value
    purpose: str = Purpose.SOCIAL_MEDIA.value
    school_year: str = field(default_factory=lambda: str(SchoolYear.of(date.today())))
    given_by: str = GivenBy.PARENT.value
    evidence: str = ""
    effective_on: str = field(default_factory=lambda: date.today().isoformat())
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def effective_day(self) -> date:
        """The decision's date (a checked form only)."""
        return parse_date(self.effective_on)


def read_consent_form(form: MultipartForm, t: Translator) -> ConsentForm:
    """The consent form's fields, each checked for its form."""
    cf = ConsentForm(
        decision=_value(form, "decision"),
        purpose=_value(form, "purpose"),
        school_year=_value(form, "school_year"),
        given_by=_value(form, "given_by"),
        evidence=_value(form, "evidence"),
        effective_on=_value(form, "effective_on") or t.date(date.today()),
    )
    if cf.decision not in {d.value for d in ConsentDecision}:
        cf.errors["decision"] = t("bad_decision")
    if cf.purpose not in {p.value for p in Purpose}:
        cf.errors["purpose"] = t("bad_purpose")
    allowed = {g.value for g in GivenBy}
    if cf.decision == ConsentDecision.GRANTED.value:
        allowed.discard(GivenBy.STAFF.value)  # the school cannot consent on someone's behalf
    if cf.given_by not in allowed:
        cf.errors["given_by"] = t("bad_given_by")
    if not cf.evidence:
        cf.errors["evidence"] = t("evidence_required")
    day = _date(cf.effective_on, cf.errors, "effective_on", t)
    if day is not None:
        cf.effective_on = t.date(day)  # shown again as the page writes dates (dd-mm-jjjj)
    if cf.school_year:
        try:
            cf.school_year = str(SchoolYear.parse(cf.school_year))
        except InvalidSchoolYearError as err:
            cf.errors["school_year"] = err.message(t.lang)
    return cf


def record_consent(
    registry: Registry, person_id: str, cf: ConsentForm, recorded_by: str
) -> list[ConsentEntry]:
    """Append the decision to the person's history (a checked form only)."""
    purpose = Purpose(cf.purpose)
    given_by = GivenBy(cf.given_by)
    day = cf.effective_day
    year = SchoolYear.parse(cf.school_year) if cf.school_year else None
    decision = ConsentDecision(cf.decision)
    if decision is ConsentDecision.WITHDRAWN:
        return registry.withdraw(
            person_id,
            purpose,
            cf.evidence,
            given_by=given_by,
            school_year=year,
            on=day,
            recorded_by=recorded_by,
            source=SOURCE,
        )
    record = registry.grant if decision is ConsentDecision.GRANTED else registry.refuse
    return [
        record(
            person_id,
            purpose,
            year or SchoolYear.of(day),
            given_by,
            cf.evidence,
            on=day,
            recorded_by=recorded_by,
            source=SOURCE,
        )
    ]


@dataclass
class PersonForm:
    """A new person as typed, and what is wrong with it per field."""

    person_id: str = ""
    name: str = ""
    role: str = Role.PUPIL.value
    birth_date: str = ""
    school: str = ""
    group: str = ""
    aliases: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def read_person_form(form: MultipartForm, t: Translator) -> PersonForm:
    """The add-person form's fields, each checked for its form."""
    pf = PersonForm(
        person_id=_value(form, "person_id"),
        name=_value(form, "name"),
        role=_value(form, "role"),
        birth_date=_value(form, "birth_date"),
        school=_value(form, "school"),
        group=_value(form, "group"),
        aliases=_value(form, "aliases"),
    )
    if not pf.person_id or len(pf.person_id) > 64:
        pf.errors["person_id"] = t("bad_person_id")
    if not pf.name or len(pf.name) > 200:
        pf.errors["name"] = t("bad_name")
    if pf.role not in {r.value for r in Role}:
        pf.errors["role"] = t("bad_role")
    day = _date(pf.birth_date, pf.errors, "birth_date", t) if pf.birth_date else None
    if not pf.birth_date:
        pf.errors["birth_date"] = t("bad_day", example=t.date(date(2012, 3, 1)))
    elif day is not None:
        pf.birth_date = t.date(day)
    return pf


def person_info(pf: PersonForm) -> PersonInfo:
    """The person a checked form describes."""
    aliases = tuple(a.strip() for a in pf.aliases.split(";") if a.strip())
    return PersonInfo(
        external_id=pf.person_id,
        display_name=pf.name,
        role=Role(pf.role),
        birth_date=parse_date(pf.birth_date),
        school=pf.school or None,
        group=pf.group or None,
        aliases=aliases,
    )
