"""Every table of the registry database in one metadata, for migrations and the drift test.

The registry's own tables (`schema`), the service's (`access_schema`: API keys, decision
log, overrides), the task queue's (`batch_schema`: batches, items, photos; `audit_schema`:
the nightly audit's runs, items, replacement photos and cache) and the
service's shared state (`state_schema`: web sessions, photo outputs) share
`Base.metadata`; importing this module makes sure all of them are in it.
"""

from __future__ import annotations

from consent_store import access_schema as _access_schema  # noqa: F401  (registers its tables)
from consent_store import audit_schema as _audit_schema  # noqa: F401  (registers its tables)
from consent_store import batch_schema as _batch_schema  # noqa: F401  (registers its tables)
from consent_store import state_schema as _state_schema  # noqa: F401  (registers its tables)
from consent_store.schema import Base

__all__ = ["Base"]
