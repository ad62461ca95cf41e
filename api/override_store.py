"""Officers' overrides: publishing despite a hold, recorded with who, why and which findings.

Append-only (the database refuses UPDATE and DELETE on the table), so the list an auditor
reads is the list of everything that was ever overridden. Only the key that asked for a
decision, or an administrator's key, may override it, and a finding is overridden once:
asking again gives back the override that already covers it instead of a second record.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from api.auth import ApiKey
from api.decision_log import LoggedDecision
from consent_store.access_schema import OverrideRow
from consent_store.database import WRITE_OPTION, unavailable_on_error
from kernel.errors import (
    OverrideNotAllowedError,
    PermissionDeniedError,
    ReasonNotCheckedError,
    RequestValidationFailedError,
)

MIN_REASON_CHARS = 10
MAX_REASON_CHARS = 2000
#: First key of the PostgreSQL advisory lock that lets one override of a post at a time
#: check what was overridden already (the second key is a hash of the post id).
_PG_OVERRIDE_LOCK_SPACE = 0x0E7E_0001


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


@dataclass(frozen=True)
class RecordedOverride:
    """The answer to an override: a new record, or the earlier one that already covered it."""

    override: Override
    created: bool


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


def _check_key(decision: LoggedDecision, key: ApiKey) -> None:
    if not decision.may_be_overridden_by(key):
        raise PermissionDeniedError(
            f"post {decision.post_id} was screened with another key; only that key or an "
            "administrator's key (registry administrator) may override its findings",
            f"bericht {decision.post_id} is met een andere sleutel gecontroleerd; alleen die "
            "sleutel of een sleutel van een beheerder (registerbeheerder) mag de bevindingen "
            "ervan overrulen",
        )


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    if not MIN_REASON_CHARS <= len(reason) <= MAX_REASON_CHARS:
        raise RequestValidationFailedError(
            f"the reason must be {MIN_REASON_CHARS} to {MAX_REASON_CHARS} characters: say "
            "why publishing is right despite the hold",
            f"de reden moet {MIN_REASON_CHARS} tot {MAX_REASON_CHARS} tekens lang zijn: "
            "zeg waarom publiceren ondanks de blokkade terecht is",
        )
    return reason


def _checked_ids(decision: LoggedDecision, finding_ids: Sequence[str]) -> list[str]:
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
    return ids


def _new_row(
    decision: LoggedDecision, ids: list[str], reason: str, key: ApiKey, officer: str | None
) -> OverrideRow:
    kinds = {f.id: f.kind for f in decision.findings}
    who = " ".join((officer or "").split())[:200] or None
    return OverrideRow(
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


def _one_post_at_a_time(session: Session, post_id: str) -> None:
    """Serialise overrides of one post until the transaction ends.

    Two requests for the same finding at the same moment must not both find it
    not-yet-overridden. SQLite's writers are serialised already (BEGIN IMMEDIATE); on
    PostgreSQL a transaction-scoped advisory lock on the post does it.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(post_id.encode("utf-8")).digest()
    session.execute(
        text("SELECT pg_advisory_xact_lock(:space, :post)"),
        {"space": _PG_OVERRIDE_LOCK_SPACE, "post": int.from_bytes(digest[:4], signed=True)},
    )


def _oldest_covering(earlier: Sequence[Override], ids: Sequence[str]) -> Override:
    """The oldest of `earlier` that overrode one of `ids` (one of them must have)."""
    return next(o for o in earlier if set(o.finding_ids) & set(ids))


class OverrideStore:
    """Overrides in the registry database."""

    def __init__(self, engine: Engine, scrub: Callable[[str], str] | None = None) -> None:
        """`scrub` rewrites a reason before it is kept (personal data to placeholders); it
        raises to refuse a reason it could not check."""
        self._engine = engine
        self._scrub = scrub
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._url = engine.url.render_as_string(hide_password=True)

    def record(
        self,
        decision: LoggedDecision,
        finding_ids: Sequence[str],
        reason: str,
        key: ApiKey,
        officer: str | None = None,
    ) -> RecordedOverride:
        """Override blocking findings of a logged decision, each finding once.

        Checks the key (PermissionDeniedError), the findings and the reason first. When
        every finding was overridden before, nothing is recorded and the oldest override
        that covered them comes back (`created` False); otherwise only the findings not yet
        overridden are recorded.
        """
        _check_key(decision, key)
        ids = _checked_ids(decision, finding_ids)
        reason = self._scrubbed(_checked_reason(reason))
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            _one_post_at_a_time(s, decision.post_id)
            earlier = self._of_post(s, decision.post_id)
            done = {i for o in earlier for i in o.finding_ids}
            new = [i for i in ids if i not in done]
            if not new:
                return RecordedOverride(_oldest_covering(earlier, ids), created=False)
            row = _new_row(decision, new, reason, key, officer)
            override = _row_to_override(row)
            s.add(row)
        return RecordedOverride(override, created=True)

    def _scrubbed(self, reason: str) -> str:
        if self._scrub is None:
            return reason
        try:
            return self._scrub(reason)
        except Exception as exc:
            raise ReasonNotCheckedError(
                f"the reason could not be checked for personal data ({type(exc).__name__}); "
                "nothing was recorded, try again",
                f"de reden kon niet op persoonsgegevens worden gecontroleerd "
                f"({type(exc).__name__}); er is niets vastgelegd, probeer het opnieuw",
            ) from exc

    @staticmethod
    def _of_post(session: Session, post_id: str) -> list[Override]:
        """The overrides of one post, oldest first."""
        query = (
            select(OverrideRow)
            .where(OverrideRow.post_id == post_id)
            .order_by(OverrideRow.created_at, OverrideRow.id)
        )
        return [_row_to_override(r) for r in session.scalars(query)]

    def list(self, post_id: str | None = None, limit: int = 100, offset: int = 0) -> list[Override]:
        """Overrides, newest first, optionally of one post."""
        query = select(OverrideRow).order_by(OverrideRow.created_at.desc(), OverrideRow.id)
        if post_id is not None:
            query = query.where(OverrideRow.post_id == post_id)
        with unavailable_on_error(self._url), Session(self._engine) as s:
            rows = s.scalars(query.limit(limit).offset(offset)).all()
            return [_row_to_override(r) for r in rows]
