"""POST /v1/precheck: the browser extension's fast path (JSON text, optionally small photos)."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.auth import ApiKey, Role
from api.deps import ServicesDep, require_roles, single_query_values
from api.key_first import key_first_route
from api.middleware import note_screening
from api.schemas import (
    COMMON_ERRORS,
    PRECHECK_IMAGE_BYTES,
    DecisionPublic,
    ErrorBody,
    PrecheckImage,
    PrecheckRequest,
)
from api.screening_service import image_name, screen_draft
from kernel.errors import (
    RequestTooLargeError,
    RequestValidationFailedError,
    UnsupportedContentTypeError,
)
from kernel.types import ImageInput

#: Who may pre-check. The key is checked before the body is read (see api.key_first).
PRECHECK_ROLES = (Role.EXTENSION, Role.OFFICER)

router = APIRouter(
    prefix="/v1",
    tags=["screening"],
    responses=COMMON_ERRORS,
    dependencies=[Depends(single_query_values)],
    route_class=key_first_route(*PRECHECK_ROLES),
)


async def require_json(request: Request) -> None:
    """415 unless the body is declared as JSON (checked before the body is validated)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise UnsupportedContentTypeError(
            "send the pre-check as JSON (Content-Type: application/json)",
            "stuur de voorcontrole als JSON (Content-Type: application/json)",
        )


def _decode(i: int, image: PrecheckImage) -> ImageInput:
    encoded = image.data
    if encoded.startswith("data:") and "," in encoded:  # a data: URL, as browsers make them
        encoded = encoded.split(",", 1)[1]
    try:
        data = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        raise RequestValidationFailedError(
            f"images[{i}].data is not base64", f"images[{i}].data is geen base64"
        ) from None
    if len(data) > PRECHECK_IMAGE_BYTES:
        raise RequestTooLargeError(
            f"images[{i}] is larger than 2 MB; the pre-check takes small photos only "
            "(use POST /v1/screenings for full-size photos)",
            f"images[{i}] is groter dan 2 MB; de voorcontrole neemt alleen kleine foto's "
            "(gebruik POST /v1/screenings voor foto's op volle grootte)",
        )
    return ImageInput(image_name(image.name, i), data)


@router.post(
    "/precheck",
    summary="Pre-check a draft quickly (browser extension)",
    response_model=None,
    dependencies=[Depends(require_json)],
    responses={
        200: {"model": DecisionPublic},
        **{
            status: {"model": ErrorBody, "description": why}
            for status, why in (
                (401, "No or unknown API key"),
                (403, "The key has neither the extension nor the officer role"),
                (413, "Text or a photo too large; a decompression bomb"),
                (415, "Not JSON; a photo that is not an image"),
                (422, "Missing or invalid fields; an unreadable photo"),
            )
        },
    },
)
# A plain `def`, so FastAPI runs it in the thread pool: even a short text is looked up in
# the consent registry (names), and database I/O must never block the event loop.
def precheck(
    request: Request,
    body: PrecheckRequest,
    services: ServicesDep,
    key: Annotated[ApiKey, require_roles(*PRECHECK_ROLES)],
) -> Any:
    """The same decision JSON as the CLI's `--json`, with a service-made `post_id`."""
    images = [_decode(i, image) for i, image in enumerate(body.images)]
    result = screen_draft(
        services,
        text=body.text,
        images=images,
        channel=body.channel,
        publish_on=body.publish_on or date.today(),
        policy=body.policy,
        lang=body.lang,
        key=key,
        outputs=False,
    )
    note_screening(request, result.post_id, [r.finding.kind for r in result.decision.findings])
    return JSONResponse(result.payload)
