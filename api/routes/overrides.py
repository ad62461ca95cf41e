"""Overrides: an officer publishes despite a hold, saying who, why and which findings.

A finding is overridden once. Asking again (a retry after a lost answer, a second click)
is not an error: it answers 200 with the override recorded the first time, unchanged,
where a new record answers 201. The caller ends up where it wanted to be (the finding is
overridden) and can tell from the status that nothing new was recorded.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.auth import ApiKey, Role
from api.deps import ServicesDep, require_roles, single_query_values
from api.override_store import Override
from api.schemas import COMMON_ERRORS, ErrorBody, OverrideCreate, OverrideList, OverridePublic
from kernel.errors import NotFoundError

router = APIRouter(
    prefix="/v1/overrides",
    tags=["overrides"],
    responses=COMMON_ERRORS,
    dependencies=[Depends(single_query_values)],
)


def _public(o: Override) -> OverridePublic:
    return OverridePublic(
        id=o.id,
        post_id=o.post_id,
        recorded_by=o.recorded_by,
        reason=o.reason,
        finding_ids=list(o.finding_ids),
        finding_kinds=list(o.finding_kinds),
        officer=o.officer,
        key_id=o.key_id,
        created_at=o.created_at,
    )


@router.post(
    "",
    status_code=201,
    summary="Record that a held post is published anyway",
    responses={
        200: {
            "model": OverridePublic,
            "description": "Every finding named was overridden before: the first override "
            "that covered them, unchanged (nothing new is recorded)",
        },
        201: {"description": "Recorded (only the findings not overridden before)"},
        401: {"model": ErrorBody},
        403: {
            "model": ErrorBody,
            "description": "The key lacks the role, or the post was screened with another "
            "key (only that key or an administrator's key may override it)",
        },
        404: {"model": ErrorBody, "description": "The post id was never screened here"},
        422: {"model": ErrorBody, "description": "A finding is not a blocking one of that post"},
    },
)
def create_override(
    request: Request,
    response: Response,
    body: OverrideCreate,
    services: ServicesDep,
    key: Annotated[ApiKey, require_roles(Role.OFFICER, Role.EXTENSION)],
) -> OverridePublic:
    """Only blocking findings of that very decision, by the key that asked for it (or an
    administrator's); each finding once. The record is kept."""
    logged = services.decisions.get(body.post_id)
    if logged is None:
        raise NotFoundError(
            f"no screening with post id {body.post_id!r}; screen the post first",
            f"geen controle met bericht-id {body.post_id!r}; controleer het bericht eerst",
        )
    request.state.post_id = logged.post_id
    recorded = services.overrides.record(logged, body.finding_ids, body.reason, key, body.officer)
    if not recorded.created:
        response.status_code = 200
    request.state.kinds = sorted(set(recorded.override.finding_kinds))
    return _public(recorded.override)


@router.get(
    "",
    summary="List recorded overrides, newest first",
    responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}},
)
async def list_overrides(
    services: ServicesDep,
    _key: Annotated[ApiKey, require_roles(Role.OFFICER, Role.AUDITOR)],
    post_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> OverrideList:
    """Every override (or those of one post), with who, why and which findings."""
    found = await run_in_threadpool(services.overrides.list, post_id, limit, offset)
    return OverrideList(overrides=[_public(o) for o in found])
