"""The registry pages: find a person, see consent on a date with its history, change it,
enrol a face. Officers and auditors may look; only registry administrators may change.

After a change the page redirects to the person page; the success message travels in a
short-lived cookie that the person page reads and deletes, so it is shown once (a reload or
a bookmark does not repeat it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from api.auth import Role
from api.deps import ServicesDep
from api.multipart import read_multipart
from api.routes.people import MAX_ENROL_PHOTOS, enrol_photos, list_people
from api.screening_service import image_name
from api.services import Services
from api.web.deps import UserDep, check_csrf, require
from api.web.i18n import Translator
from api.web.page_route import PageError, PageRoute
from api.web.registry_forms import (
    SOURCE,
    ConsentForm,
    PersonForm,
    check_giver,
    default_given_by,
    person_info,
    read_consent_form,
    read_person_form,
    record_consent,
)
from api.web.registry_text import column_label, local_dates
from api.web.rendering import render
from api.web.session import REGISTRY_READ_ROLES, WebUser, request_page_lang
from consent_store.purposes import Purpose
from consent_store.records import (
    ConsentDecision,
    ConsentEntry,
    ConsentState,
    GivenBy,
    PersonChange,
    PersonInfo,
    TemplateInfo,
)
from consent_store.records import Role as PersonRole
from consent_store.school_year import SchoolYear
from kernel.errors import InvalidDateError, ScreeningError, UnknownPersonError
from kernel.inputs import parse_date

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PersonId = Annotated[str, Path(min_length=1, max_length=64)]
#: People listed on one search page.
SEARCH_LIMIT = 50
#: The cookie that carries a success message to the next page view, and only that one.
FLASH_COOKIE = "screening_flash"
FLASH_CODES = ("added", "recorded", "enrolled")


def person_url(person_id: str, **query: object) -> str:
    """The person page's address (the id may hold characters a URL must escape)."""
    url = f"/registry/people/{quote(person_id, safe='')}"
    params = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in query.items() if v is not None)
    return url + ("?" + params if params else "")


def _read_only(user: WebUser) -> None:
    require(user, *REGISTRY_READ_ROLES)


def _redirect_with_flash(
    request: Request, person_id: str, code: str, anchor: str = "", n: int = 0
) -> Response:
    """Go to the person page, which then says `code` once."""
    response = RedirectResponse(person_url(person_id) + anchor, status_code=303)
    response.set_cookie(
        FLASH_COOKIE,
        f"{code}:{n}:{quote(person_id, safe='')}",
        max_age=120,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/registry",
    )
    return response


def _take_flash(request: Request, person_id: str) -> tuple[str, int] | None:
    """The message waiting for this person's page, if any (the caller deletes the cookie)."""
    code, _, rest = request.cookies.get(FLASH_COOKIE, "").partition(":")
    count, _, who = rest.partition(":")
    if code not in FLASH_CODES or unquote(who) != person_id or not count.isdigit():
        return None
    return code, min(int(count), 100)


@router.get("/registry")
def people(
    request: Request,
    services: ServicesDep,
    user: UserDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Search people by id or (part of) a name; administrators can add someone."""
    _read_only(user)
    return _people_page(request, services, user, q, PersonForm())


def _people_page(
    request: Request,
    services: Services,
    user: WebUser,
    q: str | None,
    person_form: PersonForm,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    found = list_people(services, user.key, q, SEARCH_LIMIT)
    return render(
        request,
        "people.html",
        {
            "q": q or "",
            "people": found.people,
            "total": found.total,
            "limit": SEARCH_LIMIT,
            "person_form": person_form,
            "roles": [r.value for r in PersonRole],
            "error": error,
            "person_url": person_url,
        },
        status=status,
    )


@router.post("/registry/people")
async def add_person(request: Request, services: ServicesDep, user: UserDep) -> Response:
    """Add a person, then go to their page."""
    require(user, Role.REGISTRY_ADMIN)
    form = await read_multipart(request, max_fields=20, max_files=0, urlencoded_ok=True)
    check_csrf(user, form)
    t = Translator(request_page_lang(request))
    pf = read_person_form(form, t)
    if pf.errors:
        return _people_page(request, services, user, None, pf, status=422)
    try:
        added = services.registry.add_person(
            person_info(pf), recorded_by=user.key.name, source=SOURCE
        )
    except ScreeningError as err:
        if err.category != "input":
            raise
        return _people_page(
            request, services, user, None, pf, error=err.message(t.lang), status=422
        )
    return _redirect_with_flash(request, added.external_id, "added")


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the registry stores UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _field_names(fields: Iterable[str], t: Translator) -> str:
    names = sorted(fields)
    if t.lang == "nl":
        return ", ".join(column_label(n) for n in names)
    return ", ".join(n.replace("_", " ") for n in names)


def _history_rows(
    events: list[ConsentEntry | PersonChange], templates: list[TemplateInfo], t: Translator
) -> list[dict[str, Any]]:
    """The person's history, newest first: consent, changes to the details, face enrolments."""
    dated: list[tuple[datetime, int, dict[str, Any]]] = []
    for i, e in enumerate(events):
        if isinstance(e, ConsentEntry):
            dated.append(
                (
                    _utc(e.recorded_at),
                    i,
                    {
                        "when": t.date(e.recorded_at),
                        "what": t(
                            "history_consent",
                            purpose=t.purpose(e.purpose),
                            decision=t.decision(e.decision),
                        ),
                        "decision": e.decision.value,
                        "school_year": str(e.school_year),
                        "given_by": t.given_by(e.given_by),
                        "effective": t.date(e.effective_on),
                        "by": e.recorded_by,
                        "evidence": e.evidence,
                    },
                )
            )
        else:
            what = (
                t("history_created")
                if e.action == "created"
                else t("history_updated", fields=_field_names(e.changes, t))
            )
            dated.append(
                (_utc(e.changed_at), i, _plain_row(t.date(e.changed_at), what, e.changed_by))
            )
    for j, tpl in enumerate(templates):
        row = _plain_row(t.date(tpl.created_at), t("history_face_enrolled"), "")
        row["kind"] = "face"
        dated.append((_utc(tpl.created_at), len(events) + j, row))
    # Newest first: the latest change is what one looks for.
    return [row for _, _, row in sorted(dated, key=lambda d: (d[0], d[1]), reverse=True)]


def _plain_row(when: str, what: str, by: str) -> dict[str, Any]:
    return {
        "when": when,
        "what": what,
        "decision": None,
        "school_year": "",
        "given_by": "",
        "effective": "",
        "by": by,
        "evidence": "",
        "kind": "person",
    }


def _person_or_404(services: Services, person_id: str) -> PersonInfo:
    try:
        return services.registry.get_person(person_id)
    except UnknownPersonError as err:
        raise PageError(404, "person_unknown", id=person_id) from err


def _person_page(
    request: Request,
    services: Services,
    user: WebUser,
    person_id: str,
    on: date,
    *,
    consent_form: ConsentForm | None = None,
    error: str | None = None,
    face_error: str | None = None,
    message: tuple[str, str] | None = None,
    status: int = 200,
) -> Response:
    t = Translator(request_page_lang(request))
    registry = services.registry
    person = _person_or_404(services, person_id)
    today = date.today()
    states = registry.consents_on(person_id, on)
    # Enrolment needs face-matching consent today, whatever date the table shows.
    face_consent: ConsentState = (
        states if on == today else registry.consents_on(person_id, today)
    )[Purpose.BIOMETRIC_MATCHING]
    if consent_form is None:
        consent_form = ConsentForm(
            school_year=str(SchoolYear.of(today)),
            given_by=default_given_by(person, today),
            effective_on=t.date(today),
        )
    return render(
        request,
        "person.html",
        {
            "person": person,
            "on": on,
            "on_text": t.date(on),
            "today_text": t.date(today),
            "states": [(s, local_dates(s.reason(t.lang), t.lang)) for s in states.values()],
            "history": _history_rows(
                registry.history(person_id), registry.templates_of(person_id), t
            ),
            "templates": registry.templates_of(person_id),
            "consent_form": consent_form,
            "decisions": [d.value for d in ConsentDecision],
            "purposes": [p.value for p in Purpose],
            "given_by_values": [g.value for g in GivenBy],
            "error": local_dates(error, t.lang) if error else None,
            "face_error": local_dates(face_error, t.lang) if face_error else None,
            "face_blocked": None
            if face_consent.valid
            else local_dates(face_consent.reason(t.lang), t.lang),
            "message": message,
            "person_url": person_url,
            "faces_available": services.face_detector is not None,
            "max_enrol_photos": MAX_ENROL_PHOTOS,
        },
        status=status,
    )


@router.get("/registry/people/{person_id}")
def person_page(
    request: Request,
    services: ServicesDep,
    user: UserDep,
    person_id: PersonId,
    on: Annotated[str | None, Query(max_length=20)] = None,
    purpose: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """A person: consent per purpose on a date, the full history, and the forms to change it.

    `purpose` picks the purpose in the consent form (the face section links here with
    face matching chosen)."""
    _read_only(user)
    t = Translator(request_page_lang(request))
    try:
        day = parse_date(on) if on else date.today()
    except InvalidDateError:
        raise PageError(422, "bad_day", example=t.date(date.today())) from None
    flash = _take_flash(request, person_id)
    # Each message is shown where the redirect lands (the page top, the consent table or
    # the face section), so it is on screen without scrolling.
    message = None
    if flash is not None:
        code, n = flash
        message = {
            "added": ("top", t("person_added_short")),
            "recorded": ("toestemming", t("recorded_generic")),
            "enrolled": ("gezicht", t("faces_enrolled", n=n)),
        }[code]
    form = None
    if purpose in {p.value for p in Purpose}:
        person = _person_or_404(services, person_id)
        form = ConsentForm(
            purpose=str(purpose),
            given_by=default_given_by(person, date.today()),
            effective_on=t.date(date.today()),
        )
    response = _person_page(
        request, services, user, person_id, day, consent_form=form, message=message
    )
    if flash is not None:  # shown: not again (a message for another person waits)
        response.delete_cookie(FLASH_COOKIE, path="/registry", httponly=True, samesite="strict")
    return response


@router.post("/registry/people/{person_id}/consents")
async def add_consent(
    request: Request, services: ServicesDep, user: UserDep, person_id: PersonId
) -> Response:
    """Append a consent decision to the person's history."""
    require(user, Role.REGISTRY_ADMIN)
    form = await read_multipart(request, max_fields=20, max_files=0, urlencoded_ok=True)
    check_csrf(user, form)
    t = Translator(request_page_lang(request))
    cf = read_consent_form(form, t)
    check_giver(cf, _person_or_404(services, person_id), t)
    if cf.errors:
        return _person_page(
            request, services, user, person_id, date.today(), consent_form=cf, status=422
        )
    try:
        record_consent(services.registry, person_id, cf, user.key.name)
    except UnknownPersonError as err:
        raise PageError(404, "person_unknown", id=person_id) from err
    except ScreeningError as err:
        if err.category != "input":
            raise
        return _person_page(
            request,
            services,
            user,
            person_id,
            date.today(),
            consent_form=cf,
            error=err.message(t.lang),
            status=422,
        )
    return _redirect_with_flash(request, person_id, "recorded", "#toestemming")


@router.post("/registry/people/{person_id}/faces")
async def enrol_face(
    request: Request, services: ServicesDep, user: UserDep, person_id: PersonId
) -> Response:
    """Enrol one or more face photos of this person (all or nothing)."""
    require(user, Role.REGISTRY_ADMIN)
    form = await read_multipart(request, max_fields=5, max_files=MAX_ENROL_PHOTOS)
    check_csrf(user, form)
    t = Translator(request_page_lang(request))
    photos = [f for f in form.files_named("photo") if f.filename or f.data]

    def again(message: str) -> Response:
        return _person_page(
            request, services, user, person_id, date.today(), face_error=message, status=422
        )

    if not photos:
        return again(t("faces_no_photo"))
    if services.face_detector is None:
        return again(t("faces_unavailable"))
    named = [(image_name(p.filename, i), p.data) for i, p in enumerate(photos)]
    try:
        stored = await run_in_threadpool(enrol_photos, services, person_id, named)
    except UnknownPersonError as err:
        raise PageError(404, "person_unknown", id=person_id) from err
    except ScreeningError as err:
        if err.category != "input":
            raise
        return again(err.message(t.lang))
    return _redirect_with_flash(request, person_id, "enrolled", "#gezicht", len(stored))
