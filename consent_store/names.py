"""Name normalisation for lookup: case-, diacritics- and spacing-insensitive."""

from __future__ import annotations

import unicodedata


def name_key(text: str) -> str:
    """The lookup key of a name: 'Zoë  de Vries' and 'zoe de vries' get the same key."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
