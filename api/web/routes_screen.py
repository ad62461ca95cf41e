"""The officer's page: write a post, add photos, get publish or hold with the reasons.

The draft is screened by the same `screen_draft` the API uses. Its text is only put back
into the form of the response (so the officer can edit it); it is not kept anywhere.

A hold can be overridden ("Toch publiceren") with a reason, recorded in the API's override
store exactly as `POST /v1/overrides` records it; the form has a page of its own, built
from the decision log, so it still works (and shows its errors) after the result is gone.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from api.auth import Role
from api.deps import ServicesDep
from api.middleware import note_screening
from api.multipart import MultipartForm, read_multipart
from api.override_store import MAX_REASON_CHARS, MIN_REASON_CHARS
from api.routes.screenings import MAX_PHOTOS
from api.screening_service import image_name, screen_draft
from api.services import Services
from api.web.deps import UserDep, check_csrf, require
from api.web.i18n import Translator
from api.web.page_route import PageError, PageRoute
from api.web.photo_metadata import metadata_values
from api.web.rendering import render
from api.web.result_view import result_view
from api.web.session import WebUser, request_page_lang
from kernel.errors import InvalidDateError, ReasonNotCheckedError, ScreeningError
from kernel.inputs import parse_date
from kernel.types import Channel, ImageInput

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@dataclass
class DraftForm:
    """What the officer typed and chose, to put back into the form.

    `publish_on` is the date as the page writes it (dd-mm-jjjj on a Dutch page) or, after an
    error, exactly as typed; `publish_day` is the parsed date of a checked form.
    """

    text: str = ""
    channel: str = Channel.INSTAGRAM.value
    publish_on: str = ""
    policy: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    publish_day: date = field(default_factory=date.today)


def _new_draft(services: Services, t: Translator) -> DraftForm:
    """The empty form: today's date, the default code of conduct."""
    return DraftForm(publish_on=t.date(date.today()), policy=services.pipeline.packs.default_id)


def _policies(services: Services) -> list[tuple[str, str]]:
    packs = services.pipeline.packs
    return [(pid, pack.title) for pid, pack in sorted(packs.packs.items())]


def _page(
    request: Request,
    services: Services,
    draft: DraftForm,
    *,
    result: Any = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    t = Translator(request_page_lang(request))
    return render(
        request,
        "screen.html",
        {
            "draft": draft,
            "today_text": t.date(date.today()),
            "channels": [c.value for c in Channel],
            "policies": _policies(services),
            "default_policy": services.pipeline.packs.default_id,
            "result": result,
            "error": error,
            "max_photos": MAX_PHOTOS,
            "max_request_bytes": services.settings.max_request_bytes,
            "override_min": MIN_REASON_CHARS,
            "override_max": MAX_REASON_CHARS,
        },
        status=status,
    )


@router.get("/")
def screen_form(request: Request, services: ServicesDep, user: UserDep) -> Response:
    """The empty form (a registry-only user goes to the registry instead)."""
    if not user.is_officer and user.can_read_registry:
        return RedirectResponse("/registry", status_code=303)
    require(user, Role.OFFICER)
    t = Translator(request_page_lang(request))
    return _page(request, services, _new_draft(services, t))


def _read_draft(form: MultipartForm, services: Services, t: Translator) -> DraftForm:
    draft = DraftForm(
        text=form.value("text") or "",
        channel=(form.value("channel") or Channel.INSTAGRAM.value).strip(),
        publish_on=(form.value("publish_on") or "").strip() or t.date(date.today()),
        policy=(form.value("policy") or "").strip() or services.pipeline.packs.default_id,
    )
    if draft.channel not in {c.value for c in Channel}:
        draft.errors["channel"] = t("bad_channel")
        draft.channel = Channel.INSTAGRAM.value
    # dd-mm-jjjj as the page shows it, or yyyy-mm-dd (the API's form); the same parser as
    # the registry's date fields. A bad date is kept as typed, to be corrected.
    try:
        draft.publish_day = parse_date(draft.publish_on)
        draft.publish_on = t.date(draft.publish_day)
    except InvalidDateError:
        draft.errors["publish_on"] = t("bad_date", example=t.date(date.today()))
    if draft.policy not in services.pipeline.packs.packs:
        draft.errors["policy"] = t("bad_policy")
        draft.policy = services.pipeline.packs.default_id
    return draft


@router.post("/")
async def screen(request: Request, services: ServicesDep, user: UserDep) -> Response:
    """Screen the draft and show the verdict above the form, the draft put back in it."""
    require(user, Role.OFFICER)
    t = Translator(request_page_lang(request))
    settings = services.settings
    try:
        form = await read_multipart(
            request,
            max_files=MAX_PHOTOS,
            max_field_bytes=settings.max_text_chars * 4 + 4096,
            urlencoded_ok=True,
        )
    except ScreeningError as err:
        empty = _new_draft(services, t)
        return _page(request, services, empty, error=err.message(t.lang), status=400)
    check_csrf(user, form)
    draft = _read_draft(form, services, t)
    if draft.errors:
        return _page(request, services, draft, status=422)
    # An empty file input still sends a part with no name and no bytes: that is no photo.
    uploads = [f for f in form.files_named("photos") if f.filename or f.data]
    images = [ImageInput(image_name(f.filename, i), f.data) for i, f in enumerate(uploads)]
    try:
        result = await run_in_threadpool(
            lambda: screen_draft(
                services,
                text=draft.text,
                images=images,
                channel=Channel(draft.channel),
                publish_on=draft.publish_day,
                policy=draft.policy,
                lang=t.lang,
                key=user.key,
                outputs=True,
            )
        )
    except ScreeningError as err:
        if err.category != "input":
            raise
        return _page(request, services, draft, error=err.message(t.lang), status=422)
    note_screening(request, result.post_id, [r.finding.kind for r in result.decision.findings])
    # The values behind a metadata hold, from the photos of this request (shown, not kept).
    with_metadata = {
        r.finding.region.image_index
        for r in result.decision.findings
        if r.finding.kind == "image.metadata" and r.finding.region is not None
    }
    metadata = {i: metadata_values(images[i].data) for i in with_metadata if i < len(images)}
    view = result_view(
        result.payload,
        draft.text,
        t,
        metadata=metadata,
        registry_links=user.can_read_registry,
    )
    return _page(request, services, draft, result=view)


@router.get("/screenings/{post_id}/redacted.zip")
def redacted_zip(
    services: ServicesDep,
    user: UserDep,
    post_id: Annotated[str, Path(max_length=64)],
) -> Response:
    """Every publishable (redacted) photo of a recent screening in one zip file."""
    require(user, Role.OFFICER)
    buf = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        for index in range(MAX_PHOTOS):
            rendered = services.outputs.get(post_id, index, "redacted")
            if rendered is None:
                continue
            suffix = "png" if rendered.media_type == "image/png" else "jpg"
            archive.writestr(f"{index + 1:02d}-publiceerbaar.{suffix}", rendered.data)
            count += 1
    if count == 0:
        raise PageError(404, "outputs_expired")
    return Response(
        buf.getvalue(),
        media_type="application/zip",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": 'attachment; filename="publiceerbare-fotos.zip"',
        },
    )


# -- Toch publiceren (issue 16 point 2) ------------------------------------------------------

PostId = Annotated[str, Path(max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]


@dataclass
class OverrideForm:
    """What the officer typed in the override form, to put back after an error."""

    reason: str = ""
    officer: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _override_page(
    request: Request,
    services: Services,
    user: WebUser,
    post_id: str,
    form: OverrideForm,
    *,
    status: int = 200,
) -> Response:
    logged = services.decisions.get(post_id)
    if logged is None:
        raise PageError(404, "override_unknown_check")
    earlier = services.overrides.list(post_id=post_id)
    done = {i for o in earlier for i in o.finding_ids}
    return render(
        request,
        "override.html",
        {
            "logged": logged,
            "form": form,
            "post_id": post_id,
            "holds": [f for f in logged.findings if f.severity == "hold"],
            "earlier": earlier,
            "all_done": bool(logged.hold_ids) and logged.hold_ids <= done,
            "allowed": logged.may_be_overridden_by(user.key),
            "min_chars": MIN_REASON_CHARS,
            "max_chars": MAX_REASON_CHARS,
        },
        status=status,
    )


@router.get("/screenings/{post_id}/override")
def override_form(
    request: Request, services: ServicesDep, user: UserDep, post_id: PostId
) -> Response:
    """The "Toch publiceren" form of one check, built from the decision log."""
    require(user, Role.OFFICER)
    return _override_page(request, services, user, post_id, OverrideForm())


@router.post("/screenings/{post_id}/override")
async def override(
    request: Request, services: ServicesDep, user: UserDep, post_id: PostId
) -> Response:
    """Record that a held post is published anyway; then show it in the history."""
    require(user, Role.OFFICER)
    t = Translator(request_page_lang(request))
    form_data = await read_multipart(
        request, max_files=0, max_field_bytes=MAX_REASON_CHARS * 4 + 1024, urlencoded_ok=True
    )
    check_csrf(user, form_data)
    form = OverrideForm(
        reason=(form_data.value("reason") or "").strip(),
        officer=(form_data.value("officer") or "").strip()[:200],
    )
    if not MIN_REASON_CHARS <= len(form.reason) <= MAX_REASON_CHARS:
        form.errors["reason"] = t("override_reason_length", min=MIN_REASON_CHARS)
        return await run_in_threadpool(
            _override_page, request, services, user, post_id, form, status=422
        )
    logged = await run_in_threadpool(services.decisions.get, post_id)
    if logged is None:
        raise PageError(404, "override_unknown_check")
    if not logged.hold_ids:
        raise PageError(422, "override_nothing_to_override")
    try:
        recorded = await run_in_threadpool(
            services.overrides.record,
            logged,
            sorted(logged.hold_ids),
            form.reason,
            user.key,
            form.officer or None,
        )
    except ScreeningError as err:
        unchecked = isinstance(err, ReasonNotCheckedError)
        if err.category != "input" and not unchecked:
            raise
        form.errors["reason"] = err.message(t.lang)
        return await run_in_threadpool(
            _override_page, request, services, user, post_id, form, status=503 if unchecked else 422
        )
    request.state.post_id = post_id
    request.state.kinds = sorted(set(recorded.override.finding_kinds))
    target = f"/history?msg=overridden&post={post_id}#check-{post_id}"
    return RedirectResponse(target, status_code=303)
