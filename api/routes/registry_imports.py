"""POST /v1/registry/imports: a CSV (our format, or an export with a mapping), all or nothing.

`dry_run=true` answers with what would change and writes nothing. A file with bad rows is a
422 that lists every bad row with its line number; nothing is imported then.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.auth import ApiKey, Role
from api.deps import ServicesDep, require_roles, single_query_values
from api.multipart import read_multipart, safe_filename
from api.schemas import COMMON_ERRORS, ErrorBody, ImportChange, ImportResult
from api.services import Services
from consent_store.records import ImportReport
from kernel.errors import RequestValidationFailedError

router = APIRouter(
    prefix="/v1/registry",
    tags=["registry"],
    responses=COMMON_ERRORS,
    dependencies=[Depends(single_query_values)],
)

_TRUE = {"1", "true", "yes", "ja", "on"}
_FALSE = {"", "0", "false", "no", "nee", "off"}


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RequestValidationFailedError(
        "field 'dry_run' must be true or false", "veld 'dry_run' moet true of false zijn"
    )


def _write_private(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return path


def run_import(
    services: Services,
    csv_name: str,
    csv_data: bytes,
    mapping: tuple[str, bytes] | None,
    dry_run: bool,
    who: str,
) -> ImportReport:
    """Import (or dry-run) an uploaded CSV (the REST route and the import page share this)."""
    # The importer reads files; the upload lives in a private temporary folder only for the
    # length of the request (it is registry data, not a draft).
    with tempfile.TemporaryDirectory(prefix="screening-import-") as tmp:
        folder = Path(tmp)
        csv_path = _write_private(folder, csv_name, csv_data)
        mapping_path = None
        if mapping is not None:
            sub = folder / "mapping"
            sub.mkdir(mode=0o700)
            mapping_path = _write_private(sub, mapping[0], mapping[1])
        return services.registry.import_csv(
            csv_path, mapping=mapping_path, dry_run=dry_run, recorded_by=who
        )


@router.post(
    "/imports",
    summary="Import people and consents from a CSV (dry_run=true previews)",
    responses={
        401: {"model": ErrorBody},
        403: {"model": ErrorBody},
        422: {"model": ErrorBody, "description": "Bad rows (each listed), columns or encoding"},
        503: {"model": ErrorBody, "description": "The registry database is unavailable"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["csv"],
                        "properties": {
                            "csv": {"type": "string", "format": "binary"},
                            "mapping": {
                                "type": "string",
                                "format": "binary",
                                "description": "TOML mapping for a school's own export",
                            },
                            "dry_run": {"type": "boolean", "default": False},
                        },
                    }
                }
            },
        }
    },
)
async def import_registry(
    request: Request,
    services: ServicesDep,
    key: Annotated[ApiKey, require_roles(Role.REGISTRY_ADMIN)],
    dry_run: Annotated[bool | None, Query(description="Preview only (also a form field)")] = None,
) -> ImportResult:
    """All rows are checked first; then everything is written in one transaction."""
    form = await read_multipart(request, max_files=2, max_fields=5)
    csv_files = form.files_named("csv")
    if len(csv_files) != 1:
        raise RequestValidationFailedError(
            "send exactly one CSV file in the field 'csv'",
            "stuur precies één CSV-bestand in het veld 'csv'",
        )
    mappings = form.files_named("mapping")
    form_flag = _flag(form.value("dry_run"))
    preview = bool(dry_run) or bool(form_flag)
    csv_file = csv_files[0]
    mapping = (
        (safe_filename(mappings[0].filename, "mapping.toml"), mappings[0].data)
        if mappings
        else None
    )
    report = await run_in_threadpool(
        run_import,
        services,
        safe_filename(csv_file.filename, "import.csv"),
        csv_file.data,
        mapping,
        preview,
        key.name,
    )
    return ImportResult(
        source=report.source,
        rows=report.rows,
        people_added=report.people_added,
        people_updated=report.people_updated,
        records_added=report.records_added,
        records_skipped=report.records_skipped,
        dry_run=report.dry_run,
        changes=[
            ImportChange(
                kind=c.kind.value,
                person_id=c.external_id,
                columns=list(c.columns),
                purpose=c.purpose.value if c.purpose else None,
                school_year=str(c.school_year) if c.school_year else None,
                decision=c.decision.value if c.decision else None,
                given_by=c.given_by.value if c.given_by else None,
                given_on=c.given_on,
                nl=c.describe("nl"),
                en=c.describe("en"),
            )
            for c in report.changes
        ],
    )
