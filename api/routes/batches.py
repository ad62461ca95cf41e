"""POST /v1/batches (many posts at once), their progress and their decisions as JSONL.

A batch is accepted at once (202) and screened on the task queue's workers, or, without a
broker, by a thread of the service itself. Only the key that submitted a batch (or an
administrator's key) sees it; to anyone else it does not exist.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import threading
import time
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.datastructures import State

from api.auth import ApiKey, Role
from api.batches.store import BatchProgress, ItemResult
from api.batches.submit import BatchService
from api.deps import ServicesDep, require_roles, single_query_values
from api.key_first import key_first_route
from api.routes.precheck import require_json
from api.schemas import COMMON_ERRORS, BatchCreate, BatchImage, BatchPublic, ErrorBody
from api.screening_service import check_policy, image_name, new_post_id
from api.services import Services
from kernel.errors import (
    EmptyTextError,
    InputError,
    NotFoundError,
    RequestValidationFailedError,
    TextEncodingError,
    TextTooLongError,
)
from kernel.types import ImageInput, Post
from screening.pipeline import validate_post

#: Who may use batches; only officers submit, administrators may also read any batch.
BATCH_ROLES = (Role.OFFICER, Role.REGISTRY_ADMIN)
#: How often a followed result stream looks for new results, and for how long at most.
FOLLOW_POLL_SECONDS = 0.5
FOLLOW_MAX_SECONDS = 3600.0
#: Decisions read from the database at a time while streaming.
RESULTS_PER_READ = 100

router = APIRouter(
    prefix="/v1/batches",
    tags=["batches"],
    responses=COMMON_ERRORS,
    dependencies=[Depends(single_query_values)],
    route_class=key_first_route(*BATCH_ROLES),
)

_lock = threading.Lock()


def batch_service(state: State, services: Services) -> BatchService:
    """The app's batch service, made (and started) at its first use."""
    with _lock:
        made: BatchService | None = getattr(state, "batches", None)
        if made is None or made.services is not services:
            made = BatchService(services)
            made.start()
            state.batches = made
        return made


def close_batch_service(app: FastAPI) -> None:
    """Stop the app's in-process batch runner, if it has one."""
    made: BatchService | None = getattr(app.state, "batches", None)
    if made is not None:
        made.close()
        app.state.batches = None


def _batches(request: Request, services: ServicesDep) -> BatchService:
    return batch_service(request.app.state, services)


BatchesDep = Annotated[BatchService, Depends(_batches)]


def _decode(post: int, index: int, image: BatchImage) -> ImageInput:
    encoded = image.data
    if encoded.startswith("data:") and "," in encoded:
        encoded = encoded.split(",", 1)[1]
    try:
        data = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        raise RequestValidationFailedError(
            f"posts[{post}].images[{index}].data is not base64",
            f"posts[{post}].images[{index}].data is geen base64",
        ) from None
    return ImageInput(image_name(image.name, index), data)


def _checked(n: int, post: Post, max_chars: int) -> Post:
    """`post`, or the error the in-process routes would give, naming the post."""
    try:
        validate_post(post, max_chars)
    except (EmptyTextError, TextEncodingError, TextTooLongError) as err:
        raise type(err)(f"posts[{n}]: {err.message_en}", f"posts[{n}]: {err.message_nl}") from None
    except InputError as err:
        raise RequestValidationFailedError(
            f"posts[{n}]: {err.message_en}", f"posts[{n}]: {err.message_nl}"
        ) from None
    return post


def _public(progress: BatchProgress, batches: BatchService) -> dict[str, Any]:
    base = f"/v1/batches/{progress.id}"
    return BatchPublic(
        id=progress.id,
        mode=batches.mode,
        total=progress.total,
        counts=progress.counts,  # type: ignore[arg-type]
        finished=progress.finished,
        created_at=progress.created_at,
        expires_at=progress.expires_at,
        status_url=base,
        results_url=f"{base}/results",
    ).model_dump(mode="json")


def _visible(batches: BatchService, batch_id: str, key: ApiKey) -> BatchProgress:
    progress = batches.progress(batch_id)
    if progress is None or not (progress.key_id == key.id or key.is_admin):
        ttl = batches.services.settings.batch_result_ttl
        hours = ttl.total_seconds() / 3600
        raise NotFoundError(
            f"no batch {batch_id}: unknown, or expired ({hours:g} hours after its last result)",
            f"geen partij {batch_id}: onbekend, of verlopen ({hours:g} uur na het laatste "
            "resultaat)",
        )
    return progress


@router.post(
    "",
    summary="Submit many posts at once; screened on the task queue",
    status_code=202,
    response_model=BatchPublic,
    dependencies=[Depends(require_json)],
    responses={
        202: {"description": "Accepted; follow its progress at status_url"},
        **{
            status: {"model": ErrorBody, "description": why}
            for status, why in (
                (401, "No or unknown API key"),
                (403, "The key lacks the officer role"),
                (413, "Body or a post's text too large"),
                (415, "Not JSON"),
                (422, "Missing or invalid fields; a post without text and photos"),
                (503, "The task queue (broker) is unreachable: nothing was submitted"),
            )
        },
    },
)
# A plain `def`: storing the batch and publishing its items is database and network I/O.
def create_batch(
    request: Request,
    body: BatchCreate,
    services: ServicesDep,
    batches: BatchesDep,
    key: Annotated[ApiKey, require_roles(Role.OFFICER)],
) -> JSONResponse:
    """Accept the posts at once; each gets the decision POST /v1/precheck would give."""
    check_policy(services, body.policy)
    max_chars = services.settings.max_text_chars
    today = date.today()
    posts = [
        (
            item.id,
            _checked(
                n,
                Post(
                    text=item.text,
                    channel=item.channel or body.channel,
                    publish_on=item.publish_on or body.publish_on or today,
                    images=tuple(_decode(n, i, image) for i, image in enumerate(item.images)),
                    id=new_post_id(),
                ),
                max_chars,
            ),
        )
        for n, item in enumerate(body.posts)
    ]
    batch_id = batches.submit(key.id, body.policy, posts)
    progress = _visible(batches, batch_id, key)
    return JSONResponse(
        _public(progress, batches), status_code=202, headers={"Location": f"/v1/batches/{batch_id}"}
    )


@router.get(
    "/{batch_id}",
    summary="A batch's progress: items per state",
    response_model=BatchPublic,
    responses={404: {"model": ErrorBody, "description": "Unknown or expired"}},
)
def batch_progress(
    batches: BatchesDep,
    key: Annotated[ApiKey, require_roles(*BATCH_ROLES)],
    batch_id: Annotated[str, Path(max_length=64)],
) -> JSONResponse:
    """How many items are queued, running, done and failed (a hold that says why)."""
    return JSONResponse(_public(_visible(batches, batch_id, key), batches))


def _line(result: ItemResult) -> bytes:
    record = {"index": result.position, "id": result.client_id, "state": result.state}
    return (json.dumps({**record, **result.decision}, ensure_ascii=False) + "\n").encode("utf-8")


async def _stream(batches: BatchService, batch_id: str, follow: bool) -> AsyncIterator[bytes]:
    sent: set[int] = set()
    deadline = time.monotonic() + FOLLOW_MAX_SECONDS
    while True:
        progress = await run_in_threadpool(batches.progress, batch_id)
        positions = await run_in_threadpool(batches.store.finished_positions, batch_id)
        new = [p for p in positions if p not in sent]
        for start in range(0, len(new), RESULTS_PER_READ):
            chunk = new[start : start + RESULTS_PER_READ]
            for result in await run_in_threadpool(batches.store.results, batch_id, chunk):
                sent.add(result.position)
                yield _line(result)
        if not follow or progress is None or progress.finished or time.monotonic() > deadline:
            return
        await asyncio.sleep(FOLLOW_POLL_SECONDS)


@router.get(
    "/{batch_id}/results",
    summary="A batch's decisions as JSONL, one line per finished post",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            "description": "One JSON object per line: index, id, state and the decision JSON",
        },
        404: {"model": ErrorBody, "description": "Unknown or expired"},
    },
)
def batch_results(
    batches: BatchesDep,
    key: Annotated[ApiKey, require_roles(*BATCH_ROLES)],
    batch_id: Annotated[str, Path(max_length=64)],
    follow: Annotated[
        bool, Query(description="Keep the stream open until every post has its decision")
    ] = False,
) -> StreamingResponse:
    """The finished posts' decisions in order; with follow=true, each as soon as it is made."""
    _visible(batches, batch_id, key)
    return StreamingResponse(
        _stream(batches, batch_id, follow),
        media_type="application/x-ndjson",
        headers={"Cache-Control": "no-store"},
    )
