"""Mapping files (TOML): how a school's own export becomes rows of our import format.

A student-administration export (Magister, SOMtoday, ...) has one row per pupil and one column
per consent question with answers like "ja"/"nee"/"J"/"N"/"1"/"0". The mapping names the
columns for id, name, birth date and group, maps each question column to a purpose, gives the
yes/no vocabulary and the defaults (school year, who gave it, evidence) the export lacks.
See docs/registry.md, "Mapping file for a student-administration export", for an example.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from consent_store.purposes import Purpose
from consent_store.row_problem import RowProblemError
from kernel.errors import CsvFormatError, MappingFileError

DEFAULT_YES = ("ja", "j", "yes", "y", "1", "true", "waar", "x", "ja, ik geef toestemming")
DEFAULT_NO = ("nee", "n", "no", "0", "false", "onwaar", "nee, ik geef geen toestemming")
_PERSON_FIELDS = ("person_id", "name", "role", "birth_date", "school", "group", "aliases")
_CONSENT_FIELDS = ("given_by", "given_on", "evidence", "school_year")
_SECTIONS = {"columns", "defaults", "purposes", "answers", "given_by_values"}


def _answer_key(value: str) -> str:
    return re.sub(r"[\s.!]+$", "", " ".join(value.casefold().split()))


@dataclass(frozen=True)
class ImportMapping:
    """A parsed mapping file."""

    #: Our field -> the export's column(s); several columns are joined with spaces.
    columns: Mapping[str, tuple[str, ...]]
    defaults: Mapping[str, str]
    #: Export column -> purpose.
    purposes: Mapping[str, Purpose]
    yes: frozenset[str]
    no: frozenset[str]
    #: What an empty answer means: "skip" (nothing recorded) or "refused".
    empty: str
    given_by_values: Mapping[str, str] = field(default_factory=dict)

    def check_header(self, header: list[str], source: str) -> None:
        """Every column the mapping names must be in the file."""
        named = [c for cols in self.columns.values() for c in cols] + list(self.purposes)
        missing = [c for c in dict.fromkeys(named) if c not in header]
        if missing:
            raise CsvFormatError(
                f"{source}: missing column(s) the mapping names: {', '.join(missing)}",
                f"{source}: ontbrekende kolom(men) die het koppelbestand noemt: "
                f"{', '.join(missing)}",
            )

    def _field(self, values: Mapping[str, str], name: str) -> str:
        cols = self.columns.get(name)
        if cols:
            joined = " ".join(v for c in cols if (v := values.get(c, "").strip()))
            if joined or name not in self.defaults:
                return joined
        return self.defaults.get(name, "")

    def to_canonical(self, values: Mapping[str, str]) -> list[dict[str, str]]:
        """One row of the export as rows of our format: one per answered purpose column."""
        person = {name: self._field(values, name) for name in _PERSON_FIELDS}
        if "aliases" in self.columns:
            person["aliases"] = ";".join(
                v for c in self.columns["aliases"] if (v := values.get(c, "").strip())
            )
        consent = {name: self._field(values, name) for name in _CONSENT_FIELDS}
        if consent["given_by"] and self.given_by_values:
            key = _answer_key(consent["given_by"])
            consent["given_by"] = self.given_by_values.get(key, consent["given_by"])
        rows: list[dict[str, str]] = []
        for column, purpose in self.purposes.items():
            answer = _answer_key(values.get(column, ""))
            if answer in self.yes:
                decision = "granted"
            elif answer in self.no or (not answer and self.empty == "refused"):
                decision = "refused"
            elif not answer:
                continue
            else:
                raise RowProblemError(
                    f"kolom {column!r}: antwoord {values.get(column)!r} is niet ja of nee "
                    "(voeg het toe aan [answers] in het koppelbestand)",
                    f"column {column!r}: answer {values.get(column)!r} is neither yes nor no "
                    "(add it to [answers] in the mapping file)",
                )
            rows.append({**person, **consent, "purpose": purpose.value, "decision": decision})
        return rows or [person]


def load_mapping(path: Path) -> ImportMapping:
    """Read and check a mapping file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise MappingFileError(
            f"cannot read mapping file {str(path)!r}: {exc.strerror}",
            f"kan koppelbestand {str(path)!r} niet lezen: {exc.strerror}",
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingFileError(
            f"mapping file {path.name} is not valid UTF-8 TOML: {exc}",
            f"koppelbestand {path.name} is geen geldige UTF-8 TOML: {exc}",
        ) from None
    except RecursionError:  # tomllib recurses per nesting level: `a = [[[[...]]]]`
        raise MappingFileError(
            f"mapping file {path.name} is nested too deeply to be a mapping",
            f"koppelbestand {path.name} is te diep genest voor een koppeling",
        ) from None
    return mapping_from_dict(data, path.name)


def _fail(source: str, en: str, nl: str) -> MappingFileError:
    return MappingFileError(f"mapping file {source}: {en}", f"koppelbestand {source}: {nl}")


def _table(data: Mapping[str, Any], name: str, source: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise _fail(source, f"[{name}] must be a table", f"[{name}] moet een tabel zijn")
    return value


def mapping_from_dict(data: Mapping[str, Any], source: str) -> ImportMapping:
    """Check a parsed mapping file and build the mapping."""
    unknown = set(data) - _SECTIONS
    if unknown:
        raise _fail(
            source,
            f"unknown section(s) {sorted(unknown)}; expected {sorted(_SECTIONS)}",
            f"onbekende sectie(s) {sorted(unknown)}; verwacht {sorted(_SECTIONS)}",
        )
    columns: dict[str, tuple[str, ...]] = {}
    for name, value in _table(data, "columns", source).items():
        if name not in (*_PERSON_FIELDS, "given_by", "given_on"):
            raise _fail(
                source, f"[columns] {name!r} is not a field", f"[columns] {name!r} is geen veld"
            )
        cols = (value,) if isinstance(value, str) else value
        if (
            not isinstance(cols, list | tuple)
            or not cols
            or not all(isinstance(c, str) for c in cols)
        ):
            raise _fail(
                source,
                f"[columns] {name} must be a column name or a list of them",
                f"[columns] {name} moet een kolomnaam of een lijst kolomnamen zijn",
            )
        columns[name] = tuple(cols)
    defaults = {k: str(v) for k, v in _table(data, "defaults", source).items()}
    bad_defaults = set(defaults) - {*_PERSON_FIELDS, *_CONSENT_FIELDS}
    if bad_defaults:
        raise _fail(
            source,
            f"[defaults] has unknown field(s) {sorted(bad_defaults)}",
            f"[defaults] heeft onbekende veld(en) {sorted(bad_defaults)}",
        )
    for needed in ("person_id", "name", "birth_date"):
        if needed not in columns:
            raise _fail(
                source,
                f"[columns] must name the column for {needed}",
                f"[columns] moet de kolom voor {needed} noemen",
            )
    purposes: dict[str, Purpose] = {}
    for column, value in _table(data, "purposes", source).items():
        try:
            purposes[column] = Purpose(str(value))
        except ValueError:
            valid = ", ".join(p.value for p in Purpose)
            raise _fail(
                source,
                f"[purposes] {column!r} = {value!r} is not a purpose ({valid})",
                f"[purposes] {column!r} = {value!r} is geen doel ({valid})",
            ) from None
    if not purposes:
        raise _fail(
            source,
            "[purposes] must map at least one column to a purpose",
            "[purposes] moet minstens één kolom aan een doel koppelen",
        )
    answers = _table(data, "answers", source)
    yes = frozenset(_answer_key(str(v)) for v in answers.get("yes", DEFAULT_YES))
    no = frozenset(_answer_key(str(v)) for v in answers.get("no", DEFAULT_NO))
    if yes & no:
        raise _fail(
            source,
            f"[answers] lists {sorted(yes & no)} as both yes and no",
            f"[answers] noemt {sorted(yes & no)} zowel ja als nee",
        )
    empty = str(answers.get("empty", "skip"))
    if empty not in ("skip", "refused"):
        raise _fail(
            source,
            '[answers] empty must be "skip" or "refused"',
            '[answers] empty moet "skip" of "refused" zijn',
        )
    given_by_values = {
        _answer_key(str(k)): str(v) for k, v in _table(data, "given_by_values", source).items()
    }
    return ImportMapping(columns, defaults, purposes, yes, no, empty, given_by_values)
