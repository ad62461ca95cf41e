"""The consent registry over HTTP: people, their consents and history, face enrolment.

Reading: registry administrators, officers and auditors; writing: registry administrators.
The extension's key gets 403 on all of it. No route returns a face template: a person shows
only which model made a template, from which photo (its SHA-256) and when.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.auth import ApiKey, Role
from api.deps import ServicesDep, require_roles, single_query_values
from api.lang import request_lang
from api.multipart import read_multipart
from api.schemas import (
    COMMON_ERRORS,
    ConsentCreate,
    ConsentOverview,
    ConsentRecorded,
    ConsentRecordPublic,
    ConsentStatePublic,
    EnrolmentResult,
    ErrorBody,
    HistoryEvent,
    IsoDate,
    PeopleList,
    PersonChangePublic,
    PersonCreate,
    PersonDetail,
    PersonPublic,
    PersonUpdate,
    TemplateSummary,
)
from api.screening_service import image_name
from api.services import Services
from consent_store.names import name_key
from consent_store.records import (
    ConsentDecision,
    ConsentEntry,
    ConsentState,
    GivenBy,
    PersonChange,
    PersonInfo,
    TemplateInfo,
)
from consent_store.school_year import SchoolYear
from kernel.errors import (
    ConfigError,
    InputError,
    RequestValidationFailedError,
)
from screening.faces.enroll import EnrolmentPhotoError, prepare_photo_data

router = APIRouter(
    prefix="/v1/people",
    tags=["registry"],
    responses=COMMON_ERRORS,
    dependencies=[Depends(single_query_values)],
)

READ_ROLES = (Role.REGISTRY_ADMIN, Role.OFFICER, Role.AUDITOR)
Reader = Annotated[ApiKey, require_roles(*READ_ROLES)]
Admin = Annotated[ApiKey, require_roles(Role.REGISTRY_ADMIN)]
PersonId = Annotated[str, Path(min_length=1, max_length=64, description="The school's own id")]
SOURCE = "api"
#: Enrolment photos per request.
MAX_ENROL_PHOTOS = 10

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No or unknown API key"},
    403: {"model": ErrorBody, "description": "The key's roles do not allow this"},
    404: {"model": ErrorBody, "description": "Unknown person"},
    503: {"model": ErrorBody, "description": "The registry database is unavailable"},
}


def person_public(p: PersonInfo) -> PersonPublic:
    """A person as the API shows them."""
    return PersonPublic(
        id=p.external_id,
        name=p.display_name,
        role=p.role,
        birth_date=p.birth_date,
        school=p.school,
        group=p.group,
        aliases=list(p.aliases),
    )


def record_public(e: ConsentEntry) -> ConsentRecordPublic:
    """A consent record as the API shows it."""
    return ConsentRecordPublic(
        record_id=e.record_id,
        purpose=e.purpose,
        school_year=str(e.school_year),
        decision=e.decision,
        given_by=e.given_by,
        effective_on=e.effective_on,
        recorded_by=e.recorded_by,
        recorded_at=e.recorded_at,
        evidence=e.evidence,
        source=e.source,
    )


def _template(t: TemplateInfo) -> TemplateSummary:
    return TemplateSummary(
        model_id=t.model_id, source_sha256=t.source_sha256, created_at=t.created_at
    )


def _state(s: ConsentState, lang: str) -> ConsentStatePublic:
    return ConsentStatePublic(
        purpose=s.purpose,
        valid=s.valid,
        code=s.code,
        reason=s.reason(lang),
        reason_nl=s.reason_nl,
        reason_en=s.reason_en,
        record=record_public(s.record) if s.record else None,
    )


def _event(e: ConsentEntry | PersonChange) -> HistoryEvent:
    if isinstance(e, ConsentEntry):
        return HistoryEvent(type="consent", at=e.recorded_at, consent=record_public(e))
    return HistoryEvent(
        type="person",
        at=e.changed_at,
        change=PersonChangePublic(
            action=e.action,
            changes={k: [old, new] for k, (old, new) in e.changes.items()},
            changed_by=e.changed_by,
            changed_at=e.changed_at,
            source=e.source,
        ),
    )


def _matches(p: PersonInfo, key: str, raw: str) -> bool:
    if p.external_id == raw:
        return True
    names = [p.display_name, *p.aliases]
    return any(key in name_key(n) for n in names)


@router.get("", summary="Find people by id or (part of) a name", responses=_ERRORS)
def list_people(
    services: ServicesDep,
    _key: Reader,
    q: Annotated[str | None, Query(max_length=200, description="Id, or part of a name")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> PeopleList:
    """People whose id equals `q` or whose name or a name variant contains it."""
    people = services.registry.list_people()
    if q and q.strip():
        key = name_key(q)
        people = [p for p in people if _matches(p, key, q.strip())]
    return PeopleList(people=[person_public(p) for p in people[:limit]], total=len(people))


@router.post(
    "", status_code=201, summary="Add a person", responses={**_ERRORS, 409: {"model": ErrorBody}}
)
def create_person(services: ServicesDep, key: Admin, body: PersonCreate) -> PersonPublic:
    """Add a pupil, staff member or intern; an id that exists already is a 409."""
    added = services.registry.add_person(
        PersonInfo(
            external_id=body.id,
            display_name=body.name,
            role=body.role,
            birth_date=body.birth_date,
            school=body.school,
            group=body.group,
            aliases=tuple(body.aliases),
        ),
        recorded_by=key.name,
        source=SOURCE,
    )
    return person_public(added)


@router.get("/{person_id}", summary="One person", responses=_ERRORS)
def get_person(services: ServicesDep, _key: Reader, person_id: PersonId) -> PersonDetail:
    """A person, with which face templates exist (never the templates themselves)."""
    person = services.registry.get_person(person_id)
    templates = services.registry.templates_of(person_id)
    return PersonDetail(
        **person_public(person).model_dump(), face_templates=[_template(t) for t in templates]
    )


@router.patch("/{person_id}", summary="Change a person's details", responses=_ERRORS)
def update_person(
    services: ServicesDep, key: Admin, person_id: PersonId, body: PersonUpdate
) -> PersonPublic:
    """Fields left out stay as they are; `aliases` replaces every name variant."""
    updated = services.registry.update_person(
        person_id,
        display_name=body.name,
        role=body.role,
        birth_date=body.birth_date,
        school=body.school,
        group=body.group,
        aliases=body.aliases,
        recorded_by=key.name,
        source=SOURCE,
    )
    return person_public(updated)


@router.get(
    "/{person_id}/consents",
    summary="Consent per purpose on a date, and the full history",
    responses=_ERRORS,
)
def get_consents(
    request: Request,
    services: ServicesDep,
    _key: Reader,
    person_id: PersonId,
    on: Annotated[IsoDate | None, Query(description="YYYY-MM-DD; default today")] = None,
) -> ConsentOverview:
    """Whether each purpose's consent holds on `on`, and every change, oldest first."""
    day = on or date.today()
    states = services.registry.consents_on(person_id, day)
    history = services.registry.history(person_id)
    lang = request_lang(request)
    return ConsentOverview(
        person_id=person_id,
        on=day,
        purposes=[_state(s, lang) for s in states.values()],
        history=[_event(e) for e in history],
    )


@router.post(
    "/{person_id}/consents",
    status_code=201,
    summary="Record a consent decision: granted, refused or withdrawn",
    responses={**_ERRORS, 422: {"model": ErrorBody}},
)
def add_consent(
    services: ServicesDep, key: Admin, person_id: PersonId, body: ConsentCreate
) -> ConsentRecorded:
    """Append a record (history is never changed); a withdrawal also covers later years."""
    registry = services.registry
    year = SchoolYear.parse(body.school_year) if body.school_year else None
    day = body.on or date.today()
    common: dict[str, Any] = {"on": day, "recorded_by": key.name, "source": SOURCE}
    if body.decision is ConsentDecision.WITHDRAWN:
        entries = registry.withdraw(
            person_id,
            body.purpose,
            body.evidence,
            given_by=body.given_by or GivenBy.STAFF,
            school_year=year,
            **common,
        )
    else:
        if body.given_by is None:
            raise RequestValidationFailedError(
                "field 'given_by' is required for granted and refused: self, parent or guardian",
                "veld 'given_by' is verplicht bij gegeven en geweigerd: self, parent of guardian",
            )
        if body.decision is ConsentDecision.GRANTED and body.given_by is GivenBy.STAFF:
            raise RequestValidationFailedError(
                "consent is granted by the person (self), a parent or a guardian, not by staff",
                "toestemming wordt gegeven door de persoon zelf (self), een ouder of een voogd, "
                "niet door de school (staff)",
            )
        record = registry.grant if body.decision is ConsentDecision.GRANTED else registry.refuse
        entries = [
            record(
                person_id,
                body.purpose,
                year or SchoolYear.of(day),
                body.given_by,
                body.evidence,
                **common,
            )
        ]
    return ConsentRecorded(records=[record_public(e) for e in entries])


@router.post(
    "/{person_id}/faces",
    status_code=201,
    summary="Enrol face photos (needs valid consent for face matching)",
    responses={**_ERRORS, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["photo"],
                        "properties": {
                            "photo": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                                "maxItems": MAX_ENROL_PHOTOS,
                                "description": "Photos showing exactly this person's face",
                            }
                        },
                    }
                }
            },
        }
    },
)
async def enrol_face(
    request: Request, services: ServicesDep, _key: Admin, person_id: PersonId
) -> EnrolmentResult:
    """One template per photo, all or nothing; each photo must show exactly one clear face."""
    form = await read_multipart(request, max_files=MAX_ENROL_PHOTOS, max_fields=5)
    photos = form.files_named("photo")
    if not photos:
        raise RequestValidationFailedError(
            "send at least one photo in the field 'photo'",
            "stuur minstens één foto in het veld 'photo'",
        )
    infos = await run_in_threadpool(
        enrol_photos,
        services,
        person_id,
        [(image_name(p.filename, i), p.data) for i, p in enumerate(photos)],
    )
    return EnrolmentResult(person_id=person_id, templates=[_template(t) for t in infos])


def enrol_photos(
    services: Services, person_id: str, photos: list[tuple[str, bytes]]
) -> list[TemplateInfo]:
    """Enrol a person's face from photos (the REST route and the person page share this)."""
    detector = services.face_detector
    if detector is None:
        raise ConfigError(
            "this service runs without the face models; enrolment is not available",
            "deze dienst draait zonder gezichtsmodellen; inschrijven kan niet",
        )
    services.registry.get_person(person_id)  # an unknown person is a 404 before any work
    prepared = [
        prepare_photo_data(
            name,
            data,
            detector.models,
            detector.detection,
            detector.recognizability,
            services.settings,
        )
        for name, data in photos
    ]
    if len({p.sha256 for p in prepared}) != len(prepared):
        raise EnrolmentPhotoError(
            "the same photo is given twice", "dezelfde foto staat er twee keer in"
        )
    if not prepared:
        raise InputError("give at least one photo", "geef minstens één foto")
    return services.registry.add_face_templates(
        person_id,
        detector.models.encoder_id,
        [(p.vector, p.sha256) for p in prepared],
    )
