"""Every table of the registry database in one metadata, for migrations and the drift test.

The registry's own tables (`schema`) and the service's (`access_schema`: API keys, decision
log, overrides) share `Base.metadata`; importing this module makes sure both are in it.
"""

from __future__ import annotations

from consent_store import access_schema as _access_schema  # noqa: F401  (registers its tables)
from consent_store.schema import Base

__all__ = ["Base"]
