"""The decision log: per screened draft only its ids, kinds and severities, never its content.

It exists so an override can be checked against what was actually decided: an officer may
only override findings that held that very post, and only with the key that asked for the
decision (or an administrator's key).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

from api.auth import ApiKey
from consent_store.access_schema import DecisionLogRow
from consent_store.database import WRITE_OPTION, create_registry_engine, unavailable_on_error
from kernel.types import Decision


@dataclass(frozen=True)
class LoggedFinding:
    """One finding of a logged decision."""

    id: str
    kind: str
    severity: str


@dataclass(frozen=True)
class LoggedDecision:
    """What was decided for one post, and by which key's request."""

    post_id: str
    action: str
    channel: str
    policy: str
    findings: tuple[LoggedFinding, ...]
    key_id: str
    created_at: datetime

    @property
    def hold_ids(self) -> frozenset[str]:
        """Ids of the findings that blocked publication."""
        return frozenset(f.id for f in self.findings if f.severity == "hold")

    def may_be_overridden_by(self, key: ApiKey) -> bool:
        """Whether `key` may override this decision: the key it was made for, or an admin's."""
        return key.id == self.key_id or key.is_admin


def fast_commit_engine(url: str) -> Engine:
    """An engine for the decision log whose commits do not wait for the disk.

    Every pre-check writes a row; waiting for fsync (SQLite's synchronous=FULL, which the
    registry keeps for consent records) would cost more than screening the text. With
    SQLite's WAL in NORMAL mode a commit survives a crash of the service, and only a power
    loss can lose the last rows; an override of such a post then asks for a new screening.
    The web sessions and the photo outputs (`api.sessions`, `api.outputs`) use it too: a
    power loss costs a sign-in or a download link. What they delete (photos: personal data)
    SQLite overwrites with zeros instead of leaving it in free pages (secure_delete).
    """
    engine = create_registry_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _normal_sync(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA secure_delete = ON")
            cursor.close()

    return engine


def decision_log_row(
    post_id: str, payload: Mapping[str, Any], key_id: str, created_at: datetime
) -> DecisionLogRow:
    """The log row for a decision given as its JSON (a queued screening's result), for a
    caller that writes it in a transaction of its own."""
    policy = payload["policy"]
    return DecisionLogRow(
        post_id=post_id,
        action=payload["action"],
        channel=payload["channel"],
        policy=f"{policy['id']}@{policy['version']}",
        findings=json.dumps(
            [
                {"id": f["id"], "kind": f["kind"], "severity": f["severity"]}
                for f in payload["findings"]
            ]
        ),
        key_id=key_id,
        created_at=created_at,
    )


class DecisionLog:
    """The decision log in the registry database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._url = engine.url.render_as_string(hide_password=True)

    def record(self, post_id: str, decision: Decision, key_id: str) -> LoggedDecision:
        """Log one decision (ids, kinds, severities, channel, policy, key, time)."""
        findings = tuple(
            LoggedFinding(r.id, r.finding.kind, r.severity.value) for r in decision.findings
        )
        logged = LoggedDecision(
            post_id=post_id,
            action=decision.action.value,
            channel=decision.channel.value,
            policy=f"{decision.policy.id}@{decision.policy.version}",
            findings=findings,
            key_id=key_id,
            created_at=datetime.now(UTC),
        )
        row = DecisionLogRow(
            post_id=post_id,
            action=logged.action,
            channel=logged.channel,
            policy=logged.policy,
            findings=json.dumps(
                [{"id": f.id, "kind": f.kind, "severity": f.severity} for f in findings]
            ),
            key_id=key_id,
            created_at=logged.created_at,
        )
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            if s.get_bind().dialect.name == "postgresql":
                # The same trade as SQLite's NORMAL mode (see fast_commit_engine).
                s.execute(text("SET LOCAL synchronous_commit TO OFF"))
            s.add(row)
        return logged

    def get(self, post_id: str) -> LoggedDecision | None:
        """The logged decision for `post_id`, or None."""
        with unavailable_on_error(self._url), Session(self._engine) as s:
            row = s.get(DecisionLogRow, post_id)
            return None if row is None else _row_to_logged(row)

    # Issue 16 point 2 (the officer's history page): read the log back, newest first.
    def between(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        action: str | None = None,
        limit: int = 1000,
    ) -> list[LoggedDecision]:
        """Logged decisions made in [since, until), optionally of one action, newest first."""
        query = select(DecisionLogRow).order_by(
            DecisionLogRow.created_at.desc(), DecisionLogRow.post_id
        )
        if since is not None:
            query = query.where(DecisionLogRow.created_at >= since)
        if until is not None:
            query = query.where(DecisionLogRow.created_at < until)
        if action is not None:
            query = query.where(DecisionLogRow.action == action)
        with unavailable_on_error(self._url), Session(self._engine) as s:
            return [_row_to_logged(r) for r in s.scalars(query.limit(limit))]


def _row_to_logged(row: DecisionLogRow) -> LoggedDecision:
    return LoggedDecision(
        post_id=row.post_id,
        action=row.action,
        channel=row.channel,
        policy=row.policy,
        findings=tuple(
            LoggedFinding(f["id"], f["kind"], f["severity"]) for f in json.loads(row.findings)
        ),
        key_id=row.key_id,
        created_at=row.created_at,
    )
