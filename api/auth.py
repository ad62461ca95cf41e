"""Who is calling: API keys with roles, stored hashed (web sign-ins are in `api.sessions`).

A raw key looks like `sps_<id>_<secret>`: the id finds the row, the SHA-256 of the whole key
is compared in constant time with the stored one. The secret is 32 random bytes, so a plain
SHA-256 is enough (a slow password hash protects low-entropy secrets, which these are not).
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from consent_store.access_schema import ApiKeyRow
from consent_store.database import (
    WRITE_OPTION,
    create_registry_engine,
    database_url,
    lock_for_writing,
)
from consent_store.database import unavailable_on_error as _unavailable
from kernel.errors import InputError, NotFoundError
from kernel.settings import Settings

KEY_PREFIX = "sps"
_RAW_KEY_RE = re.compile(r"^sps_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$")


class Role(StrEnum):
    """What a key may do."""

    OFFICER = "officer"
    REGISTRY_ADMIN = "registry_admin"
    EXTENSION = "extension"
    AUDITOR = "auditor"


#: Dutch and English names of the roles, for messages.
ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.OFFICER: ("communicatiemedewerker", "communications officer"),
    Role.REGISTRY_ADMIN: ("registerbeheerder", "registry administrator"),
    Role.EXTENSION: ("browserextensie", "browser extension"),
    Role.AUDITOR: ("auditor", "auditor"),
}


#: Roles of an administrator's key, which may act on what other keys did (override a
#: decision another key's request made). The first key `screening serve` makes has one.
ADMIN_ROLES: frozenset[Role] = frozenset({Role.REGISTRY_ADMIN})


@dataclass(frozen=True)
class ApiKey:
    """A verified caller: the key's public id, its name and its roles (never the secret)."""

    id: str
    name: str
    roles: frozenset[Role]

    @property
    def is_admin(self) -> bool:
        """Whether this is an administrator's key (see ADMIN_ROLES)."""
        return bool(self.roles & ADMIN_ROLES)


@dataclass(frozen=True)
class KeyInfo:
    """A key as listed: everything but the secret and its hash."""

    id: str
    name: str
    roles: frozenset[Role]
    created_at: datetime
    revoked_at: datetime | None


def parse_roles(values: Iterable[str]) -> frozenset[Role]:
    """Role names to roles; an unknown name is an input error listing the valid ones."""
    roles: set[Role] = set()
    for value in values:
        try:
            roles.add(Role(value.strip().lower()))
        except ValueError:
            valid = ", ".join(r.value for r in Role)
            raise InputError(
                f"unknown role {value!r}; choose from: {valid}",
                f"onbekende rol {value!r}; kies uit: {valid}",
            ) from None
    if not roles:
        raise InputError("give at least one role", "geef minstens één rol")
    return frozenset(roles)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _roles_text(roles: Iterable[Role]) -> str:
    return ",".join(sorted(r.value for r in roles))


def _roles_of(text: str) -> frozenset[Role]:
    return frozenset(Role(r) for r in text.split(",") if r)


def _new_key(name: str, roles: frozenset[Role]) -> tuple[ApiKey, str, ApiKeyRow]:
    """A fresh key: the key, its raw secret (shown once) and the row that keeps its hash."""
    key_id = secrets.token_hex(6)
    raw = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    row = ApiKeyRow(
        id=key_id,
        name=name,
        roles=_roles_text(roles),
        key_sha256=_digest(raw),
        created_at=datetime.now(UTC),
        revoked_at=None,
    )
    return ApiKey(key_id, name, roles), raw, row


#: How long a verified key is trusted without asking the database again. A key revoked by
#: this process stops at once; one revoked by another process (`screening keys revoke`)
#: within this many seconds.
VERIFY_CACHE_SECONDS = 5.0


class KeyStore:
    """API keys in the registry database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**{WRITE_OPTION: True})
        self._url = engine.url.render_as_string(hide_password=True)
        # digest of the raw key -> (key, monotonic time it was verified); every request
        # presents its key, and a database round trip per request costs more than the
        # pre-check's own work.
        self._verified: dict[str, tuple[ApiKey, float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings) -> KeyStore:
        """The key store of the configured registry database (which must exist; migrated)."""
        from consent_store.repository import open_registry

        # The same rules as every other way in: a registry that is not there is an error
        # (created only by `screening registry init` or on the very first run).
        open_registry(settings).close()
        url = database_url(settings)
        return cls(create_registry_engine(url))

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def create(self, name: str, roles: Iterable[Role]) -> tuple[ApiKey, str]:
        """A new key; the raw key is returned once and only its hash is kept."""
        clean = " ".join(name.split())
        if not clean or len(clean) > 200:
            raise InputError(
                "a key needs a name of 1 to 200 characters (whose key it is)",
                "een sleutel heeft een naam van 1 tot 200 tekens nodig (van wie hij is)",
            )
        role_set = frozenset(Role(r) for r in roles)
        if not role_set:
            raise InputError("give at least one role", "geef minstens één rol")
        key, raw, row = _new_key(clean, role_set)
        with _unavailable(self._url), Session(self._writer) as s, s.begin():
            s.add(row)
        return key, raw

    def create_first(self, name: str, roles: Iterable[Role]) -> tuple[ApiKey, str] | None:
        """A first key if the registry has no key at all (revoked ones count), else None.

        One transaction that other writers wait for (SQLite's BEGIN IMMEDIATE, an advisory
        lock on PostgreSQL): of several services starting at once on one registry, exactly
        one makes and prints a first key.
        """
        key, raw, row = _new_key(name, frozenset(roles))
        with _unavailable(self._url), Session(self._writer) as s, s.begin():
            lock_for_writing(s.connection())
            if s.scalar(select(ApiKeyRow.id).limit(1)) is not None:
                return None
            s.add(row)
        return key, raw

    def cached(self, raw: str) -> ApiKey | None:
        """The key for a raw secret if it was verified in the last few seconds (no I/O)."""
        digest = _digest(raw.strip())
        with self._lock:
            hit = self._verified.get(digest)
        if hit is None or time.monotonic() - hit[1] > VERIFY_CACHE_SECONDS:
            return None
        return hit[0]

    def verify(self, raw: str) -> ApiKey | None:
        """The key for a raw secret, or None when it is malformed, unknown or revoked."""
        match = _RAW_KEY_RE.match(raw.strip())
        if match is None:
            return None
        digest = _digest(raw.strip())
        with _unavailable(self._url), Session(self._engine) as s:
            row = s.get(ApiKeyRow, match[1])
            if row is None or row.revoked_at is not None:
                return None
            if not hmac.compare_digest(row.key_sha256, digest):
                return None
            key = ApiKey(row.id, row.name, _roles_of(row.roles))
        with self._lock:
            if len(self._verified) > 10_000:  # bounded: drop everything, it refills itself
                self._verified.clear()
            self._verified[digest] = (key, time.monotonic())
        return key

    def list(self) -> builtins.list[KeyInfo]:
        """Every key, revoked ones included, oldest first."""
        with _unavailable(self._url), Session(self._engine) as s:
            rows = s.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id))
            return [
                KeyInfo(r.id, r.name, _roles_of(r.roles), r.created_at, r.revoked_at) for r in rows
            ]

    def revoke(self, id: str) -> KeyInfo:
        """Revoke a key (kept, so logs that name its id stay readable); idempotent."""
        with _unavailable(self._url), Session(self._writer) as s, s.begin():
            row = s.get(ApiKeyRow, id.strip())
            if row is None:
                raise NotFoundError(f"no API key with id {id!r}", f"geen API-sleutel met id {id!r}")
            if row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)
            with self._lock:
                for digest in [d for d, (k, _) in self._verified.items() if k.id == row.id]:
                    del self._verified[digest]
            return KeyInfo(row.id, row.name, _roles_of(row.roles), row.created_at, row.revoked_at)

    def any_active(self) -> bool:
        """Whether at least one key can still be used."""
        with _unavailable(self._url), Session(self._engine) as s:
            found = s.scalar(select(ApiKeyRow.id).where(ApiKeyRow.revoked_at.is_(None)).limit(1))
            return found is not None
