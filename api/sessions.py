"""Web sign-in sessions in the registry database, shared by every process of the service.

A sign-in makes a random token for the cookie; the database keeps only its SHA-256 (like an
API key: 32 random bytes need no slow hash), the key it belongs to and when it ends. A
stolen copy of the table signs nobody in. The CSRF token of a session's forms is derived
from the token (an HMAC), so nothing about it is stored either, and every process computes
the same one. A session ends `session_minutes` after sign-in, at sign-out, or as soon as
its key is revoked; expired rows are deleted by `purge_expired` (at every sign-in and by the
service's housekeeping).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, select
from sqlalchemy.orm import Session

from api.auth import ApiKey, Role
from consent_store.access_schema import ApiKeyRow
from consent_store.database import WRITE_OPTION, unavailable_on_error
from consent_store.state_schema import WebSessionRow

Clock = Callable[[], datetime]
#: What the CSRF token is derived with (changing it signs nobody out: forms reload).
_CSRF_CONTEXT = b"screening web form csrf v1"


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_for(token: str) -> str:
    """The CSRF token of the session with this cookie token (the same in every process)."""
    mac = hmac.new(token.encode("utf-8"), _CSRF_CONTEXT, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class WebSession:
    """A live session: the key it belongs to and its forms' CSRF token."""

    key: ApiKey
    csrf: str


class SessionStore:
    """Web sign-in sessions in the registry database, expiring after `minutes`."""

    def __init__(self, engine: Engine, minutes: int = 480, clock: Clock = utcnow) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._url = engine.url.render_as_string(hide_password=True)
        self._ttl = timedelta(minutes=minutes)
        self._clock = clock

    def create(self, key: ApiKey) -> str:
        """A new session for `key`; returns the token for the cookie (kept only hashed)."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            s.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
            s.add(
                WebSessionRow(
                    token_sha256=_digest(token),
                    key_id=key.id,
                    created_at=now,
                    expires_at=now + self._ttl,
                )
            )
        return token

    def lookup(self, token: str) -> WebSession | None:
        """The live session of a cookie token whose key is still active, or None.

        A session whose key was revoked ends here, with every other session of that key.
        """
        if not token or len(token) > 200:
            return None
        query = (
            select(ApiKeyRow, WebSessionRow.expires_at)
            .join(WebSessionRow, WebSessionRow.key_id == ApiKeyRow.id)
            .where(WebSessionRow.token_sha256 == _digest(token))
        )
        with unavailable_on_error(self._url), Session(self._engine) as s:
            found = s.execute(query).first()
            if found is None:
                return None
            row, expires_at = found
            revoked = row.revoked_at is not None
            key = ApiKey(row.id, row.name, frozenset(Role(r) for r in row.roles.split(",") if r))
        if revoked:
            self.end_key(key.id)
            return None
        if expires_at <= self._clock():
            self.end(token)
            return None
        return WebSession(key, csrf_for(token))

    def resolve(self, token: str) -> ApiKey | None:
        """The key a live session belongs to, or None."""
        session = self.lookup(token)
        return session.key if session else None

    def csrf_token(self, token: str) -> str | None:
        """The session's CSRF token (for forms), or None for an unknown or expired session."""
        session = self.lookup(token)
        return session.csrf if session else None

    def end(self, token: str) -> None:
        """Sign out: forget the session."""
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            s.execute(delete(WebSessionRow).where(WebSessionRow.token_sha256 == _digest(token)))

    def end_key(self, key_id: str) -> None:
        """Forget every session of one key (after it was revoked)."""
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            s.execute(delete(WebSessionRow).where(WebSessionRow.key_id == key_id))

    def purge_expired(self) -> int:
        """Delete every expired session; how many."""
        with unavailable_on_error(self._url), Session(self._writer) as s, s.begin():
            result = s.execute(
                delete(WebSessionRow).where(WebSessionRow.expires_at <= self._clock())
            )
            return int(cast(CursorResult[Any], result).rowcount)
