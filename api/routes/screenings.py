"""POST /v1/screenings (a full draft, multipart) and its annotated and redacted photos."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from api.auth import ApiKey, Role
from api.deps import ServicesDep, require_roles, single_query_values
from api.lang import request_lang
from api.middleware import note_screening
from api.multipart import read_multipart
from api.schemas import COMMON_ERRORS, ErrorBody, ScreeningPublic
from api.screening_service import image_name, screen_draft
from kernel.errors import (
    InvalidDateError,
    NotFoundError,
    RequestValidationFailedError,
    UnknownChannelError,
)
from kernel.inputs import parse_date
from kernel.types import Channel, ImageInput
from screening.messages import Lang

router = APIRouter(
    prefix="/v1/screenings",
    tags=["screening"],
    responses=COMMON_ERRORS,
    dependencies=[Depends(single_query_values)],
)

#: Photos per draft (an Instagram carousel holds at most 20).
MAX_PHOTOS = 20
_CHANNELS = frozenset(c.value for c in Channel)
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": why}
    for status, why in (
        (400, "Malformed body or text that is not UTF-8"),
        (401, "No or unknown API key"),
        (403, "The key lacks the officer role"),
        (413, "Body, photo or text too large; a decompression bomb"),
        (415, "Not multipart/form-data; a photo that is not an image"),
        (422, "Missing or invalid fields; an unreadable photo"),
    )
}

_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "description": "The draft text (UTF-8)"},
        "photos": {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "maxItems": MAX_PHOTOS,
            "description": "The draft's photos (JPEG, PNG, WebP, HEIC, GIF, TIFF)",
        },
        "channel": {"type": "string", "enum": [c.value for c in Channel], "default": "instagram"},
        "publish_on": {
            "type": "string",
            "format": "date",
            "description": "Publication date, YYYY-MM-DD (default today)",
        },
        "policy": {"type": "string", "description": "Policy pack id (default: the configured one)"},
        "lang": {"type": "string", "enum": ["nl", "en"], "description": "Language of labels"},
    },
}

#: The same form without photos, as a plain HTML form sends it.
_TEXT_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {k: v for k, v in _FORM_SCHEMA["properties"].items() if k != "photos"},
}


def _channel(value: str) -> Channel:
    # Exactly as documented (the CLI is more lenient: any case, spaces).
    if value in _CHANNELS:
        return Channel(value)
    valid = ", ".join(sorted(_CHANNELS))
    raise UnknownChannelError(
        f"unknown channel {value[:40]!r}; choose one of: {valid}",
        f"onbekend kanaal {value[:40]!r}; kies uit: {valid}",
    )


def _date(value: str) -> date:
    if not _ISO_DATE_RE.match(value):
        raise InvalidDateError(
            f"field 'publish_on' must be a date written YYYY-MM-DD, not {value[:40]!r}",
            f"veld 'publish_on' moet een datum zijn als JJJJ-MM-DD, niet {value[:40]!r}",
        )
    return parse_date(value)


def _form_lang(value: str | None, request: Request) -> Lang:
    if value is None:
        return request_lang(request)
    if value.strip().lower() in ("nl", "en"):
        return "en" if value.strip().lower() == "en" else "nl"
    raise RequestValidationFailedError(
        "field 'lang' must be nl or en", "veld 'lang' moet nl of en zijn"
    )


@router.post(
    "",
    summary="Screen a draft post with photos",
    response_model=None,
    responses={200: {"model": ScreeningPublic}, **_ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {"schema": _FORM_SCHEMA},
                "application/x-www-form-urlencoded": {"schema": _TEXT_FORM_SCHEMA},
            },
        }
    },
)
async def create_screening(
    request: Request,
    services: ServicesDep,
    key: Annotated[ApiKey, require_roles(Role.OFFICER)],
) -> JSONResponse:
    """Publish or hold, with every finding, the cited articles and links to the photos."""
    settings = services.settings
    form = await read_multipart(
        request,
        max_files=MAX_PHOTOS,
        # UTF-8 takes at most 4 bytes a character; the pipeline counts the characters.
        max_field_bytes=settings.max_text_chars * 4 + 4096,
        urlencoded_ok=True,
    )
    if "photos" in form.fields:
        raise RequestValidationFailedError(
            "field 'photos' takes files, not text", "veld 'photos' neemt bestanden, geen tekst"
        )
    unknown_files = {f.field_name for f in form.files} - {"photos"}
    if unknown_files:
        raise RequestValidationFailedError(
            f"files go in the field 'photos', not {sorted(unknown_files)}",
            f"bestanden horen in het veld 'photos', niet in {sorted(unknown_files)}",
        )
    # A field that is sent must be valid; one that is left out takes its default.
    channel_value = form.value("channel")
    channel = Channel.INSTAGRAM if channel_value is None else _channel(channel_value)
    when = form.value("publish_on")
    publish_on = date.today() if when is None else _date(when)
    if not 1900 <= publish_on.year <= 9998:
        raise InvalidDateError(
            "field 'publish_on' must be a date between 1900 and 9998",
            "veld 'publish_on' moet een datum tussen 1900 en 9998 zijn",
        )
    policy = (form.value("policy") or "").strip() or None
    lang = _form_lang(form.value("lang"), request)
    images = [
        ImageInput(image_name(f.filename, i), f.data)
        for i, f in enumerate(form.files_named("photos"))
    ]
    result = await run_in_threadpool(
        lambda: screen_draft(
            services,
            text=form.value("text") or "",
            images=images,
            channel=channel,
            publish_on=publish_on,
            policy=policy,
            lang=lang,
            key=key,
            outputs=True,
        )
    )
    note_screening(request, result.post_id, [r.finding.kind for r in result.decision.findings])
    return JSONResponse(result.payload)


@router.get(
    "/{post_id}/images/{index}/{kind}",
    summary="An annotated photo, or its publishable version, of a recent screening",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}}, "description": "The photo"},
        401: {"model": ErrorBody},
        403: {"model": ErrorBody},
        404: {"model": ErrorBody, "description": "Unknown, expired or unreadable"},
    },
)
def screening_image(
    request: Request,
    services: ServicesDep,
    key: Annotated[ApiKey, require_roles(Role.OFFICER)],
    post_id: Annotated[str, Path(max_length=64)],
    index: Annotated[int, Path(ge=0, le=1000)],
    kind: Literal["annotated", "redacted"],
) -> Response:
    """The photo with faces boxed and named, or with faces without consent blurred."""
    # Only the key that screened the draft sees its photos (one officer's pupils are not
    # another's business); a stranger's post id looks like an unknown one.
    owner = services.outputs.owner(post_id)
    mine = owner is None or owner == key.id
    rendered = services.outputs.get(post_id, index, kind) if mine else None
    if rendered is None:
        minutes = services.settings.output_minutes
        raise NotFoundError(
            f"no photo {index} for screening {post_id}: unknown, unreadable, or older than "
            f"{minutes} minutes (screen the post again)",
            f"geen foto {index} bij controle {post_id}: onbekend, onleesbaar of ouder dan "
            f"{minutes} minuten (controleer het bericht opnieuw)",
        )
    request.state.post_id = post_id
    suffix = "png" if rendered.media_type == "image/png" else "jpg"
    tag = "geannoteerd" if kind == "annotated" else "publiceerbaar"
    return Response(
        rendered.data,
        media_type=rendered.media_type,
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'inline; filename="{index + 1:02d}-{tag}.{suffix}"',
        },
    )
