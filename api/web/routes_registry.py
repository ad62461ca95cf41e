"""The registry pages: find a person, see consent on a date with its history, change it,
enrol a face. Officers and auditors may look; only registry administrators may change."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

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
    default_given_by,
    person_info,
    read_consent_form,
    read_person_form,
    record_consent,
)
from api.web.rendering import render
from api.web.session import REGISTRY_READ_ROLES, WebUser, request_page_lang
from consent_store.purposes import Purpose
from consent_store.records import (
    ConsentDecision,
    ConsentEntry,
    GivenBy,
    PersonChange,
)
from consent_store.records import Role as PersonRole
from consent_store.school_year import SchoolYear
from kernel.errors import InvalidDateError, ScreeningError, UnknownPersonError
from kernel.inputs import parse_date

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PersonId = Annotated[str, Path(min_length=1, max_length=64)]
#: People listed on one search page.
SEARCH_LIMIT = 50


def person_url(person_id: str, **query: object) -> str:
    """The person page's address (the id may hold characters a URL must escape)."""
    url = f"/registry/people/{quote(person_id, safe='')}"
    params = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in query.items() if v is not None)
    return url + ("?" + params if params else "")


def _read_only(user: WebUser) -> None:
    require(user, *REGISTRY_READ_ROLES)


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
    return RedirectResponse(person_url(added.external_id, msg="added"), status_code=303)


def _history_rows(events: list[ConsentEntry | PersonChange], t: Translator) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for e in reversed(events):  # newest first: the latest change is what one looks for
        if isinstance(e, ConsentEntry):
            rows.append(
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
                }
            )
        else:
            what = (
                t("history_created")
                if e.action == "created"
                else t("history_updated", fields=", ".join(sorted(e.changes)))
            )
            rows.append(
                {
                    "when": t.date(e.changed_at),
                    "what": what,
                    "decision": None,
                    "school_year": "",
                    "given_by": "",
                    "effective": "",
                    "by": e.changed_by,
                    "evidence": "",
                }
            )
    return rows


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
    try:
        person = registry.get_person(person_id)
    except UnknownPersonError as err:
        raise PageError(404, "person_unknown", id=person_id) from err
    states = registry.consents_on(person_id, on)
    if consent_form is None:
        consent_form = ConsentForm(
            school_year=str(SchoolYear.of(date.today())),
            given_by=default_given_by(person, date.today()),
        )
    return render(
        request,
        "person.html",
        {
            "person": person,
            "on": on,
            "states": list(states.values()),
            "history": _history_rows(registry.history(person_id), t),
            "templates": registry.templates_of(person_id),
            "consent_form": consent_form,
            "decisions": [d.value for d in ConsentDecision],
            "purposes": [p.value for p in Purpose],
            "given_by_values": [g.value for g in GivenBy],
            "error": error,
            "face_error": face_error,
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
    msg: Annotated[str | None, Query(max_length=20)] = None,
    n: Annotated[int | None, Query(ge=0, le=100)] = None,
) -> Response:
    """A person: consent per purpose on a date, the full history, and the forms to change it."""
    _read_only(user)
    t = Translator(request_page_lang(request))
    try:
        day = parse_date(on) if on else date.today()
    except InvalidDateError:
        raise PageError(422, "bad_day", example=date.today().isoformat()) from None
    # Each message is shown where the redirect lands (the page top, the consent table or
    # the face section), so it is on screen without scrolling.
    message = {
        "added": ("top", t("person_added_short")),
        "recorded": ("toestemming", t("recorded_generic")),
        "enrolled": ("gezicht", t("faces_enrolled", n=n or 0)),
    }.get(msg or "")
    return _person_page(request, services, user, person_id, day, message=message)


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
    return RedirectResponse(person_url(person_id, msg="recorded") + "#toestemming", status_code=303)


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
    return RedirectResponse(
        person_url(person_id, msg="enrolled", n=len(stored)) + "#gezicht", status_code=303
    )
