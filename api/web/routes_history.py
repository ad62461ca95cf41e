"""The history page: past checks and overrides, filterable, and their CSV for the board."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from api.auth import Role
from api.deps import ServicesDep
from api.services import Services
from api.web.deps import UserDep, require
from api.web.history import (
    EXPORT_LIMIT,
    PAGE_LIMIT,
    VERDICTS,
    HistoryFilter,
    HistoryRow,
    bounds,
    history_csv,
    history_rows,
    read_filter,
)
from api.web.i18n import Translator
from api.web.page_route import PageRoute
from api.web.rendering import NO_STORE, render
from api.web.session import request_page_lang
from screening.messages import KIND_TEXTS

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: Roles that may read the history (the auditor reads it for the board).
HISTORY_ROLES = (Role.OFFICER, Role.AUDITOR)


def _rows(services: Services, f: HistoryFilter, limit: int) -> tuple[list[HistoryRow], bool]:
    """The filtered rows (at most `limit`) and whether there were more."""
    since, until = bounds(f)
    action = "publish" if f.verdict == "publish" else ("hold" if f.verdict else None)
    decisions = services.decisions.between(since, until, action, limit=EXPORT_LIMIT + 1)
    overrides = services.overrides.list(limit=EXPORT_LIMIT * 10)
    names = {k.id: k.name for k in services.keys.list()}
    rows = history_rows(decisions, overrides, names, f)
    return rows[:limit], len(rows) > limit or len(decisions) > EXPORT_LIMIT


def _filter(request: Request, services: Services, t: Translator) -> HistoryFilter:
    key_ids = [k.id for k in services.keys.list()]
    return read_filter(request.query_params, t, KIND_TEXTS.keys(), key_ids)


@router.get("/history")
async def history_page(request: Request, services: ServicesDep, user: UserDep) -> Response:
    """Past checks, newest first: when, who, channel, verdict, findings, overrides."""
    require(user, *HISTORY_ROLES)
    t = Translator(request_page_lang(request))
    f = await run_in_threadpool(_filter, request, services, t)
    rows, more = await run_in_threadpool(_rows, services, f, PAGE_LIMIT)
    keys = await run_in_threadpool(services.keys.list)
    kinds = sorted(KIND_TEXTS, key=t.kind)
    done = request.query_params.get("msg") == "overridden"
    return render(
        request,
        "history.html",
        {
            "rows": rows,
            "more": more,
            "limit": PAGE_LIMIT,
            "filter": f,
            "verdicts": VERDICTS,
            "kinds": kinds,
            "keys": keys,
            "overridden": request.query_params.get("post") if done else None,
            "csv_query": f.query,
        },
        status=422 if f.errors else 200,
    )


@router.get("/history.csv")
async def history_export(request: Request, services: ServicesDep, user: UserDep) -> Response:
    """The same rows as the page (up to EXPORT_LIMIT) as a CSV file for Dutch Excel."""
    require(user, *HISTORY_ROLES)
    t = Translator(request_page_lang(request))
    f = await run_in_threadpool(_filter, request, services, t)
    rows, _ = await run_in_threadpool(_rows, services, f, EXPORT_LIMIT)
    name = f"berichtencheck-geschiedenis-{t.date(date.today())}.csv"
    return Response(
        history_csv(rows, t),
        media_type="text/csv; charset=utf-8",
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'},
    )
