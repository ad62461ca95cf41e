"""Importing a CSV from a page: upload, see what would change, confirm. All or nothing.

The page offers a template with Dutch column names and values (see `api.web.registry_text`);
such a file is turned into the registry's own format before the importer reads it, and the
preview and the errors are shown in the same Dutch words.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from api.auth import Role
from api.deps import ServicesDep
from api.multipart import read_multipart, safe_filename
from api.routes.registry_imports import run_import
from api.services import Services
from api.web.deps import UserDep, check_csrf, require
from api.web.i18n import Translator
from api.web.page_route import PageRoute
from api.web.pending_imports import PendingImports
from api.web.registry_text import (
    IMPORT_COLUMNS,
    dutch_change,
    dutch_problem,
    from_dutch_csv,
    template_csv,
)
from api.web.rendering import NO_STORE, render
from api.web.session import request_page_lang
from consent_store.records import ImportReport
from consent_store.repository import MAX_REPORTED_CHANGES
from kernel.errors import ImportValidationError, ScreeningError

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: Largest CSV or mapping file accepted from the page (a 20,000-pupil export is ~3 MB).
MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: The template's address and the name it is saved under.
TEMPLATE_URL = "/registry/import/sjabloon.csv"
TEMPLATE_NAME = "toestemmingen-sjabloon.csv"


def pending_store(request: Request) -> PendingImports:
    """The app's previewed uploads (created by `api.web.install`)."""
    store: PendingImports = request.app.state.web_pending_imports
    return store


def _page(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    shared = {"columns": IMPORT_COLUMNS, "template_url": TEMPLATE_URL}
    return render(request, "import.html", {**shared, **context}, status=status)


def _report(report: ImportReport, t: Translator) -> dict[str, Any]:
    return {
        "source": report.source,
        "rows": report.rows,
        "added": report.people_added,
        "updated": report.people_updated,
        "records": report.records_added,
        "skipped": report.records_skipped,
        "changes": [
            dutch_change(c) if t.lang == "nl" else c.describe("en") for c in report.changes
        ],
        "changed": bool(report.people_added or report.people_updated or report.records_added),
        "truncated": len(report.changes) >= MAX_REPORTED_CHANGES,
        "shown": MAX_REPORTED_CHANGES,
    }


def _failure(request: Request, err: ScreeningError, t: Translator) -> Response:
    """Every bad row of a refused file, or the one reason the file cannot be read."""
    if isinstance(err, ImportValidationError):
        problems = [(n, dutch_problem(nl) if t.lang == "nl" else en) for n, nl, en in err.problems]
        return _page(request, {"problems": problems}, status=422)
    message = err.message(t.lang)
    return _page(request, {"error": dutch_problem(message) if t.lang == "nl" else message}, 422)


@router.get("/registry/import")
def import_form(request: Request, user: UserDep) -> Response:
    """The upload form."""
    require(user, Role.REGISTRY_ADMIN)
    return _page(request, {})


@router.get(TEMPLATE_URL)
def import_template(user: UserDep) -> Response:
    """An empty CSV with the columns the import reads, to fill in with a spreadsheet."""
    require(user, Role.REGISTRY_ADMIN)
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{TEMPLATE_NAME}"'}
    return Response(template_csv(), media_type="text/csv; charset=utf-8", headers=headers)


def _run(
    services: Services,
    name: str,
    data: bytes,
    mapping: tuple[str, bytes] | None,
    dry_run: bool,
    who: str,
) -> ImportReport:
    return run_import(services, name, data, mapping, dry_run, who)


@router.post("/registry/import")
async def preview(request: Request, services: ServicesDep, user: UserDep) -> Response:
    """A dry run of the uploaded file: what would change, or every bad row."""
    require(user, Role.REGISTRY_ADMIN)
    form = await read_multipart(request, max_files=2, max_fields=5)
    check_csrf(user, form)
    t = Translator(request_page_lang(request))
    csv_files = [f for f in form.files_named("csv") if f.filename or f.data]
    if len(csv_files) != 1:
        return _page(request, {"error": t("import_no_file")}, status=422)
    maps = [f for f in form.files_named("mapping") if f.filename or f.data]
    if any(len(f.data) > MAX_IMPORT_BYTES for f in [*csv_files, *maps]):
        mb = MAX_IMPORT_BYTES // (1024 * 1024)
        return _page(request, {"error": t("import_too_large", mb=mb)}, status=413)
    name = safe_filename(csv_files[0].filename, "import.csv")
    # A file with a mapping is a school's own export: the mapping says what its words mean.
    data = csv_files[0].data if maps else from_dutch_csv(csv_files[0].data)
    mapping = (safe_filename(maps[0].filename, "mapping.toml"), maps[0].data) if maps else None
    try:
        report = await run_in_threadpool(_run, services, name, data, mapping, True, user.key.name)
    except ScreeningError as err:
        if err.category != "input":
            raise
        return _failure(request, err, t)
    token = pending_store(request).put(user.key.id, name, data, mapping)
    return _page(request, {"preview": _report(report, t), "token": token})


@router.post("/registry/import/confirm")
async def confirm(request: Request, services: ServicesDep, user: UserDep) -> Response:
    """Import the previewed file: everything in one transaction, or nothing."""
    require(user, Role.REGISTRY_ADMIN)
    form = await read_multipart(request, max_files=0, max_fields=5, urlencoded_ok=True)
    check_csrf(user, form)
    t = Translator(request_page_lang(request))
    pending = pending_store(request).take(form.value("token") or "", user.key.id)
    if pending is None:
        return _page(request, {"error": t("import_expired")}, status=410)
    try:
        report = await run_in_threadpool(
            _run,
            services,
            pending.csv_name,
            pending.csv_data,
            pending.mapping,
            False,
            user.key.name,
        )
    except ScreeningError as err:
        if err.category != "input":
            raise
        return _failure(request, err, t)
    return _page(request, {"done": _report(report, t)})
