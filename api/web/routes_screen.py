"""The officer's page: write a post, add photos, get publish or hold with the reasons.

The draft is screened by the same `screen_draft` the API uses. Its text is only put back
into the form of the response (so the officer can edit it); it is not kept anywhere.
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
from api.routes.screenings import MAX_PHOTOS
from api.screening_service import image_name, screen_draft
from api.services import Services
from api.web.deps import UserDep, check_csrf, require
from api.web.i18n import Translator
from api.web.page_route import PageError, PageRoute
from api.web.rendering import render
from api.web.result_view import result_view
from api.web.session import request_page_lang
from kernel.errors import InvalidDateError, ScreeningError
from kernel.inputs import parse_date
from kernel.types import Channel, ImageInput

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@dataclass
class DraftForm:
    """What the officer typed and chose, to put back into the form."""

    text: str = ""
    channel: str = Channel.INSTAGRAM.value
    publish_on: str = field(default_factory=lambda: date.today().isoformat())
    policy: str = ""
    errors: dict[str, str] = field(default_factory=dict)


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
    return render(
        request,
        "screen.html",
        {
            "draft": draft,
            "channels": [c.value for c in Channel],
            "policies": _policies(services),
            "default_policy": services.pipeline.packs.default_id,
            "result": result,
            "error": error,
            "max_photos": MAX_PHOTOS,
            "max_request_bytes": services.settings.max_request_bytes,
        },
        status=status,
    )


@router.get("/")
def screen_form(request: Request, services: ServicesDep, user: UserDep) -> Response:
    """The empty form (a registry-only user goes to the registry instead)."""
    if not user.is_officer and user.can_read_registry:
        return RedirectResponse("/registry", status_code=303)
    require(user, Role.OFFICER)
    return _page(request, services, DraftForm(policy=services.pipeline.packs.default_id))


def _read_draft(form: MultipartForm, services: Services, t: Translator) -> DraftForm:
    draft = DraftForm(
        text=form.value("text") or "",
        channel=(form.value("channel") or Channel.INSTAGRAM.value).strip(),
        publish_on=(form.value("publish_on") or "").strip() or date.today().isoformat(),
        policy=(form.value("policy") or "").strip() or services.pipeline.packs.default_id,
    )
    if draft.channel not in {c.value for c in Channel}:
        draft.errors["channel"] = t("bad_channel")
        draft.channel = Channel.INSTAGRAM.value
    try:
        draft.publish_on = parse_date(draft.publish_on).isoformat()
    except InvalidDateError:
        draft.errors["publish_on"] = t("bad_date", example=date.today().isoformat())
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
        empty = DraftForm(policy=services.pipeline.packs.default_id)
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
                publish_on=date.fromisoformat(draft.publish_on),
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
    view = result_view(result.payload, draft.text, t)
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
