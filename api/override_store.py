"""Officers' overrides: publishing despite a hold, recorded with who, why and which findings.

Append-only (the database refuses UPDATE and DELETE on the table), so the list an auditor
reads is the list of everything that was ever overridden.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.auth import ApiKey
from api.decision_log import LoggedDecision
from consent_store.access_schema import OverrideRow
from consent_store.database import WRITE_OPTION, unavailable_on_error
from screening.errors import OverrideNotAllowedError, RequestValidationFailedError

MIN_REASON_CHARS = 10
MAX_REASON_CHARS = 2000


@dataclass(frozen=True)
class Override:
    """One recorded override."""

    id: str
    post_id: str
    finding_ids: tuple[str, ...]
    finding_kinds: tuple[str, ...]
    reason: str
    recorded_by: str
    key_id: str
    officer: str | None
    created_at: datetime


def _row_to_override(row: OverrideRow) -> Override:
    return Override(
        id=row.id,
        post_id=row.post_id,
        finding_ids=tuple(json.loads(row.finding_ids)),
        finding_kinds=tuple(json.loads(row.finding_kinds)),
        reason=row.reason,
        recorded_by=row.recorded_by,
        key_id=row.key_id,
        officer=row.officer,
        created_at=row.created_at,
    )


class OverrideStore:
    """Overrides in the registry database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._url = engine.url.render_as_string(hide_password=True)

    def record(
        self,
        decision: LoggedDecision,
        finding_ids: Sequence[str],
        reason: str,
        key: ApiKey,
        officer: str | None = None,
    ) -> Override:
        """Record an override of blocking findings of a logged decision; checks them first."""
        reason = reason.strip()
        if not MIN_REASON_CHARS <= len(reason) <= MAX_REASON_CHARS:
            raise RequestValidationFailedError(
                f"the reason must be {MIN_REASON_CHARS} to {MAX_REASON_CHARS} characters: say "
                "why publishing is right despite the hold",
                f"de reden moet {MIN_REASON_CHARS} tot {MAX_REASON_CHARS} tekens lang zijn: "
                "zeg waarom publiceren ondanks de blokkade terecht is",
            )
        ids = list(dict.fromkeys(i.strip() for i in finding_ids))
        if not ids:
            raise RequestValidationFailedError(
                "name at least one finding (finding_ids) that you override",
                "noem minstens één bevinding (finding_ids) die u overrulet",
            )
        holds = decision.hold_ids
        wrong = [i for i in ids if i not in holds]
        if wrong:
            listed = ", ".join(sorted(holds)) or "-"
            raise OverrideNotAllowedError(
                f"{', '.join(wrong)} is not a blocking finding of post {decision.post_id}; "
                f"blocking findings: {listed}",
                f"{', '.join(wrong)} is geen blokkerende bevinding van bericht "
                f"{decision.post_id}; blokkerende bevindingen: {listed}",
            )
        kinds = {f.id: f.kind for f in decision.findings}
        who = " ".join((officer or "").split())[:200] or None
        row = OverrideRow(
            id=secrets.token_hex(8),
            post_id=decision.post_id,
            finding_ids=json.dumps(ids),
            finding_kinds=json.dumps([kinds[i] for i in ids]),
            reason=reason,
            recorded_by=key.name if who is None else f"{key.name} ({who})",
            key_id=key.id,
            officer=who,
            created_at=datetime.now(UTC),
        )
        override = _row_to_override(row)
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            s.add(row)
        return override

    def list(self, post_id: str | None = None, limit: int = 100, offset: int = 0) -> list[Override]:
        """Overrides, newest first, optionally of one post."""
        query = select(OverrideRow).order_by(OverrideRow.created_at.desc(), OverrideRow.id)
        if post_id is not None:
            query = query.where(OverrideRow.post_id == post_id)
        with unavailable_on_error(self._url), Session(self._engine) as s:
            rows = s.scalars(query.limit(limit).offset(offset)).all()
            return [_row_to_override(r) for r in rows]
