"""Reading an import CSV into validated rows: our own format, or a school's export via a mapping.

Nothing here touches the database. Every row is checked before anything is written, and
every bad row is reported with its line number, so a school can fix the file in one go.

Our format has one row per person and purpose decision, with the columns in `COLUMNS`.
A row with an empty `purpose` only adds or updates the person.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from consent_store.mapping import ImportMapping
from consent_store.purposes import Purpose
from consent_store.records import ConsentDecision, GivenBy, PersonInfo, Role
from consent_store.row_problem import RowProblemError
from consent_store.school_year import SchoolYear
from kernel.errors import (
    CsvEncodingError,
    CsvFormatError,
    ImportValidationError,
    InputError,
)

COLUMNS = (
    "person_id",
    "name",
    "role",
    "birth_date",
    "school",
    "group",
    "aliases",
    "purpose",
    "school_year",
    "decision",
    "given_by",
    "given_on",
    "evidence",
)
REQUIRED_COLUMNS = frozenset(
    {"person_id", "name", "role", "birth_date", "purpose", "school_year", "decision"}
    | {"given_by", "evidence"}
)
#: How many characters the registry's columns hold (see schema.py).
MAX_LENGTHS = {"person_id": 64, "name": 200, "school": 200, "group": 100, "alias": 200}

_E = TypeVar("_E", Role, Purpose, ConsentDecision, GivenBy)
_T = TypeVar("_T")
#: Control characters no registry field holds (PostgreSQL cannot even store NUL); tab, line
#: feed and carriage return are white space in a cell.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The start of a cell `Registry.export_csv` writes behind an apostrophe, so that a
#: spreadsheet shows it as text instead of running it as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DUTCH_DAY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")


@dataclass(frozen=True, slots=True)
class RowDecision:
    """The consent part of an import row."""

    purpose: Purpose
    school_year: SchoolYear
    decision: ConsentDecision
    given_by: GivenBy
    #: None means "the day of the import".
    given_on: date | None
    evidence: str


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One validated row: a person to upsert and, optionally, a decision to append."""

    line: int
    person: PersonInfo
    #: False when the file said nothing about aliases: the person's aliases stay as they are.
    aliases_given: bool
    decision: RowDecision | None


@dataclass(frozen=True, slots=True)
class ParsedImport:
    """A whole import file, validated."""

    source: str
    sha256: str
    rows: tuple[ImportRow, ...]
    lines_read: int


def parse_day(value: str, column: str) -> date:
    """A date as YYYY-MM-DD or DD-MM-YYYY (also with / or .), as schools' exports write them."""
    day = _day(value.strip())
    if day is None:
        raise RowProblemError(
            f"{column} {value!r} is geen datum (schrijf JJJJ-MM-DD)",
            f"{column} {value!r} is not a date (write YYYY-MM-DD)",
        )
    return day


@lru_cache(maxsize=8192)
def _day(text: str) -> date | None:
    # Cached and without strptime: an import of 140,000 rows parses mostly the same dates.
    try:
        if m := _ISO_DAY.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DUTCH_DAY.match(text):
            return date(int(m[4]), int(m[3]), int(m[1]))
    except ValueError:
        return None
    return None


def decode_csv(data: bytes, source: str) -> str:
    """The text of a CSV file: UTF-8 with or without BOM; anything else is refused."""
    hint_nl = "sla het bestand in Excel op als 'CSV UTF-8 (door komma's gescheiden)'"
    hint_en = "save the file from Excel as 'CSV UTF-8 (comma delimited)'"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvEncodingError(
            f"{source} is UTF-16, not UTF-8; {hint_en}",
            f"{source} is UTF-16, geen UTF-8; {hint_nl}",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CsvEncodingError(
            f"{source} is not UTF-8 (line {line}, byte {exc.start}; probably Windows-1252/ANSI); "
            f"{hint_en}",
            f"{source} is geen UTF-8 (regel {line}, byte {exc.start}; waarschijnlijk "
            f"Windows-1252/ANSI); {hint_nl}",
        ) from None


def sniff_delimiter(header: str) -> str:
    """',' or ';' (Dutch Excel writes ';'), by which one the header line uses more."""
    return ";" if header.count(";") > header.count(",") else ","


def _records(text: str, source: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise CsvFormatError(
            f"{source} is empty or starts with an empty line; the first line must name the columns",
            f"{source} is leeg of begint met een lege regel; de eerste regel moet de "
            "kolomnamen bevatten",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:  # e.g. a header cell beyond the csv module's field limit
        raise CsvFormatError(
            f"{source} line 1: not valid CSV ({exc})",
            f"{source} regel 1: geen geldige CSV ({exc})",
        ) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = reader.line_num + 1
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield start, row
                start = reader.line_num + 1
        except csv.Error as exc:
            raise CsvFormatError(
                f"{source} line {reader.line_num}: not valid CSV ({exc})",
                f"{source} regel {reader.line_num}: geen geldige CSV ({exc})",
            ) from None

    return header, rows()


def read_import(path: Path, mapping: ImportMapping | None = None) -> ParsedImport:
    """Read and validate an import file; raises with every bad row, or returns all rows."""
    source = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read {str(path)!r}: {exc.strerror}",
            f"kan {str(path)!r} niet lezen: {exc.strerror}",
        ) from None
    sha256 = hashlib.sha256(data).hexdigest()
    header, raw_rows = _records(decode_csv(data, source), source)
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise CsvFormatError(
            f"{source}: column(s) {', '.join(dupes)} appear more than once",
            f"{source}: kolom(men) {', '.join(dupes)} komen meer dan eens voor",
        )
    if mapping is not None:
        mapping.check_header(header, source)
    else:
        header = [h.lower() for h in header]  # "Person_ID" from a spreadsheet is fine too
        _check_header(header, source)

    rows: list[ImportRow] = []
    problems: list[tuple[int, str, str]] = []
    first_seen: dict[str, ImportRow] = {}
    people: dict[tuple[str, ...], PersonInfo] = {}
    decisions: dict[tuple[str, ...], RowDecision] = {}
    lines_read = 0
    for line, cells in raw_rows:
        lines_read += 1
        if len(cells) > len(header):
            problems.append(
                (
                    line,
                    f"{len(cells)} velden, maar de kopregel heeft {len(header)} kolommen",
                    f"{len(cells)} fields, but the header has {len(header)} columns",
                )
            )
            continue
        if any(_CONTROL.search(cell) for cell in cells):
            problems.append(
                (
                    line,
                    "een veld bevat een stuurteken (zoals NUL); die kan het register niet bewaren",
                    "a field contains a control character (such as NUL), which the registry "
                    "cannot store",
                )
            )
            continue
        values = dict(zip(header, [_unescaped(c.strip()) for c in cells], strict=False))
        try:
            canonical = mapping.to_canonical(values) if mapping else [values]
            parsed = [_parse_row(line, v, people, decisions) for v in canonical]
            for row in parsed:
                _check_consistent(row, first_seen)
        except RowProblemError as problem:
            problems.append((line, problem.nl, problem.en))
            continue
        rows.extend(parsed)
    if problems:
        raise ImportValidationError(problems, source)
    return ParsedImport(source, sha256, tuple(rows), lines_read)


def _unescaped(cell: str) -> str:
    """A cell as it was before the export put an apostrophe before a formula's start."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def escaped(cell: str) -> str:
    """A cell for an export: one a spreadsheet would run as a formula gets an apostrophe
    before it (the import takes it off again)."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def _check_header(header: list[str], source: str) -> None:
    missing = sorted(REQUIRED_COLUMNS - set(header))
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        parts_en, parts_nl = [], []
        if missing:
            parts_en.append(f"missing column(s): {', '.join(missing)}")
            parts_nl.append(f"ontbrekende kolom(men): {', '.join(missing)}")
        if unknown:
            parts_en.append(f"unknown column(s): {', '.join(unknown)}")
            parts_nl.append(f"onbekende kolom(men): {', '.join(unknown)}")
        raise CsvFormatError(
            f"{source}: {'; '.join(parts_en)}. The columns are: {','.join(COLUMNS)} "
            "(or give a mapping file with --mapping)",
            f"{source}: {'; '.join(parts_nl)}. De kolommen zijn: {','.join(COLUMNS)} "
            "(of geef een koppelbestand met --mapping)",
        )


def _enum(cls: type[_E], value: str, column: str) -> _E:
    try:
        return cls(value.strip().lower())
    except ValueError:
        valid = ", ".join(m.value for m in cls)
        raise RowProblemError(
            f"{column} {value!r} is onbekend (kies uit: {valid})",
            f"{column} {value!r} is unknown (choose one of: {valid})",
        ) from None


def _text(values: Mapping[str, str], column: str, *, required: bool) -> str | None:
    value = " ".join(values.get(column, "").split())
    if not value:
        if required:
            raise RowProblemError(f"{column} is leeg", f"{column} is empty")
        return None
    limit = MAX_LENGTHS.get(column)
    if limit is not None and len(value) > limit:
        raise RowProblemError(
            f"{column} is langer dan {limit} tekens", f"{column} is longer than {limit} characters"
        )
    return value


_PERSON_COLUMNS = ("person_id", "name", "role", "birth_date", "school", "group", "aliases")
_CONSENT_COLUMNS = ("school_year", "decision", "given_by", "given_on", "evidence")
_DECISION_COLUMNS = ("purpose", *_CONSENT_COLUMNS)


class _Problems:
    """Collects every problem of one row, so the school can fix the row in one go."""

    def __init__(self) -> None:
        self.nl: list[str] = []
        self.en: list[str] = []

    def check(self, parse: Callable[[], _T], fallback: _T) -> _T:
        """The parsed value, or `fallback` with the problem noted."""
        try:
            return parse()
        except RowProblemError as problem:
            self.nl.append(problem.nl)
            self.en.append(problem.en)
            return fallback

    def raise_any(self) -> None:
        """Raise all noted problems as one."""
        if self.nl:
            raise RowProblemError("; ".join(self.nl), "; ".join(self.en))


def _parse_row(
    line: int,
    values: Mapping[str, str],
    people: dict[tuple[str, ...], PersonInfo],
    decisions: dict[tuple[str, ...], RowDecision],
) -> ImportRow:
    # A person has one row per purpose, and a school's rows mostly share dates and evidence:
    # parse each distinct set of cells once. Errors are not cached, so every bad row is
    # still reported.
    problems = _Problems()
    person_key = tuple(values.get(c, "") for c in _PERSON_COLUMNS)
    person = people.get(person_key)
    if person is None:
        person = problems.check(lambda: _parse_person(values), None)
    raw_aliases = values.get("aliases", "").strip()
    decision: RowDecision | None = None
    if not values.get("purpose", "").strip():
        if any(values.get(c, "").strip() for c in _CONSENT_COLUMNS):
            problems.nl.append("purpose is leeg, maar er staat wel een besluit in de regel")
            problems.en.append("purpose is empty, but the row has a decision")
    else:
        decision_key = tuple(values.get(c, "") for c in _DECISION_COLUMNS)
        decision = decisions.get(decision_key)
        if decision is None:
            decision = problems.check(lambda: _parse_decision(values), None)
            if decision is not None:
                decisions[decision_key] = decision
    problems.raise_any()
    assert person is not None
    people[person_key] = person
    return ImportRow(line, person, bool(raw_aliases), decision)


def _parse_person(values: Mapping[str, str]) -> PersonInfo:
    problems = _Problems()
    person_id = problems.check(lambda: _text(values, "person_id", required=True) or "", "")
    name = problems.check(lambda: _text(values, "name", required=True) or "", "")
    role = problems.check(lambda: _enum(Role, values.get("role", ""), "role"), Role.PUPIL)
    birth_date = problems.check(
        lambda: parse_day(values.get("birth_date", ""), "birth_date"), date.min
    )
    if birth_date > date.today():
        problems.nl.append(f"birth_date {birth_date} ligt in de toekomst")
        problems.en.append(f"birth_date {birth_date} is in the future")
    raw_aliases = values.get("aliases", "").strip()
    aliases = tuple(dict.fromkeys(" ".join(a.split()) for a in raw_aliases.split(";") if a.strip()))
    if any(len(alias) > MAX_LENGTHS["alias"] for alias in aliases):
        problems.nl.append(f"een alias is langer dan {MAX_LENGTHS['alias']} tekens")
        problems.en.append(f"an alias is longer than {MAX_LENGTHS['alias']} characters")
    school = problems.check(lambda: _text(values, "school", required=False), None)
    group = problems.check(lambda: _text(values, "group", required=False), None)
    problems.raise_any()
    return PersonInfo(person_id, name, role, birth_date, school, group, aliases)


def _parse_decision(values: Mapping[str, str]) -> RowDecision:
    problems = _Problems()

    def year() -> SchoolYear:
        try:
            return SchoolYear.parse(values.get("school_year", ""))
        except InputError as exc:
            raise RowProblemError(exc.message_nl, exc.message_en) from None

    school_year = problems.check(year, None)
    given_on_text = values.get("given_on", "").strip()
    given_on = (
        problems.check(lambda: parse_day(given_on_text, "given_on"), None)
        if given_on_text
        else None
    )
    if given_on is not None and school_year is not None and given_on > school_year.last_day:
        problems.nl.append(f"given_on {given_on} valt na het einde van schooljaar {school_year}")
        problems.en.append(f"given_on {given_on} is after the end of school year {school_year}")
    evidence = values.get("evidence", "").strip()
    if not evidence:
        problems.nl.append("evidence is leeg: leg vast waaruit het besluit blijkt (aantoonbaar)")
        problems.en.append("evidence is empty: record what the decision is based on")
    purpose = problems.check(
        lambda: _enum(Purpose, values.get("purpose", ""), "purpose"), Purpose.SOCIAL_MEDIA
    )
    decision = problems.check(
        lambda: _enum(ConsentDecision, values.get("decision", ""), "decision"),
        ConsentDecision.REFUSED,
    )
    given_by = problems.check(
        lambda: _enum(GivenBy, values.get("given_by", ""), "given_by"), GivenBy.STAFF
    )
    problems.raise_any()
    assert school_year is not None
    return RowDecision(purpose, school_year, decision, given_by, given_on, evidence)


def _check_consistent(row: ImportRow, first_seen: dict[str, ImportRow]) -> None:
    earlier = first_seen.setdefault(row.person.external_id, row)
    if earlier is row:
        return
    a, b = earlier.person, row.person
    differing = [
        name
        for name, x, y in (
            ("name", a.display_name, b.display_name),
            ("role", a.role, b.role),
            ("birth_date", a.birth_date, b.birth_date),
            ("school", a.school, b.school),
            ("group", a.group, b.group),
            ("aliases", a.aliases if earlier.aliases_given else b.aliases, b.aliases),
        )
        if x != y and not (name == "aliases" and not row.aliases_given)
    ]
    if differing:
        cols = ", ".join(differing)
        raise RowProblemError(
            f"persoon {b.external_id} heeft hier andere gegevens ({cols}) dan op regel "
            f"{earlier.line}",
            f"person {b.external_id} has different data here ({cols}) than on line {earlier.line}",
        )
