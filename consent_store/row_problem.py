"""Why one row of an import is invalid: collected per row, reported together, never raised out."""

from __future__ import annotations


class RowProblemError(Exception):
    """A reason a row is invalid (Dutch, English); collected, never raised out of this module."""

    def __init__(self, nl: str, en: str) -> None:
        super().__init__(en)
        self.nl = nl
        self.en = en
