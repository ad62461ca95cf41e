"""Overrides: an officer publishes despite a hold, saying who, why and which findings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.auth import ApiKey, Role
from api.deps import ServicesDep, require_roles, single_query_values
from api.override_store import Override
from api.schemas import COMMON_ERRORS, ErrorBody, OverrideCreate, OverrideList, OverridePublic
from screening.errors import NotFoundError

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
        401: {"model": ErrorBody},
        403: {"model": ErrorBody},
        404: {"model": ErrorBody, "description": "The post id was never screened here"},
        422: {"model": ErrorBody, "description": "A finding is not a blocking one of that post"},
    },
)
def create_override(
    request: Request,
    body: OverrideCreate,
    services: ServicesDep,
    key: Annotated[ApiKey, require_roles(Role.OFFICER, Role.EXTENSION)],
) -> OverridePublic:
    """Only blocking findings of that very decision can be overridden; the record is kept."""
    logged = services.decisions.get(body.post_id)
    if logged is None:
        raise NotFoundError(
            f"no screening with post id {body.post_id!r}; screen the post first",
            f"geen controle met bericht-id {body.post_id!r}; controleer het bericht eerst",
        )
    request.state.post_id = logged.post_id
    override = services.overrides.record(logged, body.finding_ids, body.reason, key, body.officer)
    request.state.kinds = sorted(set(override.finding_kinds))
    return _public(override)


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
