"""Registry words for the pages: Dutch column names and values, and dates as dd-mm-jjjj.

The registry and its CSV importer speak in the file format's own words (``birth_date``,
``granted``, ISO dates), which is right for the CLI and the API. The pages are read by a
school's communications officer, so this module gives every column and value a Dutch name,
rewrites the registry's messages with them, and turns a Dutch-headed CSV (the template the
import page offers) into the registry's format.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.web.i18n import Lang
from consent_store.csv_import import COLUMNS, sniff_delimiter
from consent_store.purposes import PURPOSE_LABELS, Purpose
from consent_store.records import (
    DECISION_LABELS,
    GIVEN_BY_LABELS,
    ROLE_LABELS,
    ConsentDecision,
    GivenBy,
    ImportChange,
    Role,
)


@dataclass(frozen=True)
class Column:
    """One column of the import file, as the import page explains it."""

    name: str  # the registry's own name (``birth_date``)
    dutch: str  # the name in the template's header (``geboortedatum``)
    meaning: tuple[str, str]  # Dutch, English
    example: str
    values: tuple[str, ...] = ()  # the Dutch words allowed, when the column is a choice


def _dutch(labels: Mapping[Any, tuple[str, str]]) -> tuple[str, ...]:
    return tuple(nl for nl, _ in labels.values())


#: Who gave a decision, in the words of the template (``staff`` is the school recording it).
GIVEN_BY_WORDS: dict[GivenBy, str] = {
    GivenBy.SELF: "zelf",
    GivenBy.PARENT: "ouder",
    GivenBy.GUARDIAN: "voogd",
    GivenBy.STAFF: "school",
}

IMPORT_COLUMNS: tuple[Column, ...] = (
    Column(
        "person_id",
        "leerlingnummer",
        (
            "Verplicht. Leerling- of personeelsnummer, uniek per persoon.",
            "Required. Pupil or staff id, unique per person.",
        ),
        "123456",
    ),
    Column(
        "name", "naam", ("Verplicht. Volledige naam.", "Required. Full name."), "Sanne de Vries"
    ),
    Column(
        "role",
        "rol",
        ("Verplicht.", "Required."),
        "leerling",
        _dutch(ROLE_LABELS),
    ),
    Column(
        "birth_date",
        "geboortedatum",
        ("Verplicht, als dd-mm-jjjj.", "Required, as dd-mm-yyyy."),
        "14-03-2012",
    ),
    Column("school", "school", ("Niet verplicht.", "Optional."), "De Korre"),
    Column("group", "groep", ("Groep of klas; niet verplicht.", "Group; optional."), "7B"),
    Column(
        "aliases",
        "roepnamen",
        (
            "Roepnamen of andere schrijfwijzen, gescheiden door ; (niet verplicht).",
            "Nicknames or other spellings, separated by ; (optional).",
        ),
        "San",
    ),
    Column(
        "purpose",
        "doel",
        (
            "Waarvoor de toestemming geldt. Leeg: alleen de persoon toevoegen of bijwerken.",
            "What the consent is for. Empty: only add or update the person.",
        ),
        "sociale media",
        _dutch(PURPOSE_LABELS),
    ),
    Column(
        "school_year",
        "schooljaar",
        ("Verplicht bij een doel; als jjjj-jjjj.", "Required with a purpose; as yyyy-yyyy."),
        "2025-2026",
    ),
    Column(
        "decision",
        "besluit",
        ("Verplicht bij een doel.", "Required with a purpose."),
        "gegeven",
        _dutch(DECISION_LABELS),
    ),
    Column(
        "given_by",
        "gegeven_door",
        (
            "Verplicht bij een doel. Onder de 16 beslist een ouder of voogd, vanaf 16 de "
            "leerling zelf.",
            "Required with a purpose. Under 16 a parent or guardian decides, from 16 the pupil.",
        ),
        "ouder",
        tuple(GIVEN_BY_WORDS.values()),
    ),
    Column(
        "given_on",
        "datum_besluit",
        ("Als dd-mm-jjjj; leeg: de dag van inlezen.", "As dd-mm-yyyy; empty: the import day."),
        "01-09-2025",
    ),
    Column(
        "evidence",
        "bewijs",
        (
            "Verplicht bij een doel: waaruit het besluit blijkt.",
            "Required with a purpose: what the decision is based on.",
        ),
        "formulier 2025, map 7B",
    ),
)
assert tuple(c.name for c in IMPORT_COLUMNS) == COLUMNS, "the import format has changed"

_BY_NAME = {c.name: c for c in IMPORT_COLUMNS}
_FROM_DUTCH_HEADER = {c.dutch: c.name for c in IMPORT_COLUMNS}


def _key(word: str) -> str:
    return " ".join(word.casefold().replace("_", " ").split())


#: Dutch value -> registry value, per column that is a choice.
_FROM_DUTCH_VALUE: dict[str, dict[str, str]] = {
    "role": {_key(nl): r.value for r, (nl, _) in ROLE_LABELS.items()},
    "purpose": {_key(nl): p.value for p, (nl, _) in PURPOSE_LABELS.items()},
    "decision": {_key(nl): d.value for d, (nl, _) in DECISION_LABELS.items()},
    "given_by": {
        **{_key(nl): g.value for g, (nl, _) in GIVEN_BY_LABELS.items()},
        **{_key(w): g.value for g, w in GIVEN_BY_WORDS.items()},
    },
}
#: Registry value -> Dutch word, per column that is a choice.
_TO_DUTCH_VALUE: dict[str, dict[str, str]] = {
    "role": {r.value: nl for r, (nl, _) in ROLE_LABELS.items()},
    "purpose": {p.value: nl for p, (nl, _) in PURPOSE_LABELS.items()},
    "decision": {d.value: nl for d, (nl, _) in DECISION_LABELS.items()},
    "given_by": {g.value: w for g, w in GIVEN_BY_WORDS.items()},
}
_ENUMS: dict[str, tuple[str, ...]] = {
    "role": tuple(r.value for r in Role),
    "purpose": tuple(p.value for p in Purpose),
    "decision": tuple(d.value for d in ConsentDecision),
    "given_by": tuple(g.value for g in GivenBy),
}

_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_QUOTED = re.compile(r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
_COLUMN_WORD = re.compile(r"\b(" + "|".join(sorted(COLUMNS, key=len, reverse=True)) + r")\b")
#: "(kies uit: granted, refused, withdrawn)" as the importer writes it, per choice column.
_CHOICE_LISTS = {", ".join(values): name for name, values in _ENUMS.items()}
_CHOICE = re.compile(r"kies uit: ([a-z_, ]+)\)")


def local_dates(text: str, lang: Lang) -> str:
    """Every ISO date in `text` as dd-mm-jjjj on a Dutch page (a school year stays 2025-2026)."""
    if lang != "nl":
        return text
    return _ISO_DAY.sub(lambda m: f"{m[3]}-{m[2]}-{m[1]}", text)


def column_label(name: str) -> str:
    """The Dutch name of a registry column (``birth_date`` -> ``geboortedatum``)."""
    column = _BY_NAME.get(name)
    return column.dutch if column else name


def value_label(column: str, value: str) -> str:
    """The Dutch word for a registry value in a column (``granted`` -> ``gegeven``)."""
    return _TO_DUTCH_VALUE.get(column, {}).get(value, value)


def _reword_plain(text: str) -> str:
    def choices(m: re.Match[str]) -> str:
        column = _CHOICE_LISTS.get(m[1])
        if column is None:
            return m[0]
        return "kies uit: " + ", ".join(value_label(column, v) for v in _ENUMS[column]) + ")"

    text = _CHOICE.sub(choices, text)
    text = text.replace("(schrijf JJJJ-MM-DD)", "(schrijf dd-mm-jjjj)")
    text = text.replace(
        " (of geef een koppelbestand met --mapping)", " (of kies ook een koppelbestand)"
    )
    text = text.replace("De kolommen zijn: " + ",".join(COLUMNS), "De kolommen staan hieronder")
    return _COLUMN_WORD.sub(lambda m: column_label(m[1]), text)


def dutch_problem(text: str) -> str:
    """An importer's Dutch message with Dutch column names, values and dates.

    What the file itself said (quoted by the importer) is left exactly as it was written.
    """
    parts = _QUOTED.split(text)
    return "".join(p if i % 2 else local_dates(_reword_plain(p), "nl") for i, p in enumerate(parts))


def dutch_change(change: ImportChange) -> str:
    """One line of an import preview in Dutch words, with the template's column names:
    ``7001: sociale media, schooljaar 2025-2026, gegeven door ouder op 01-09-2025``,
    ``persoon 7 gewijzigd (geboortedatum, groep)``."""
    return change.describe("nl", column_label)


def template_csv() -> bytes:
    """The import template: the Dutch header, ';'-separated and UTF-8 with a BOM for Excel."""
    return ("\ufeff" + ";".join(c.dutch for c in IMPORT_COLUMNS) + "\r\n").encode("utf-8")


def from_dutch_csv(data: bytes) -> bytes:
    """A CSV with Dutch column names or values, in the registry's own words.

    Line numbers stay as they were, so the importer's messages point at the user's file. A
    file that is not UTF-8, that needs no change, or that the importer will refuse anyway is
    returned as it is, so the importer says what is wrong with it.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        return data
    delimiter = sniff_delimiter(first_line)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        return data
    header = [_FROM_DUTCH_HEADER.get(_key(h).replace(" ", "_"), h.strip()) for h in rows[0]]
    changed = header != [h.strip() for h in rows[0]]
    columns = [h.lower() for h in header]
    for row in rows[1:]:
        for i, cell in enumerate(row[: len(columns)]):
            words = _FROM_DUTCH_VALUE.get(columns[i])
            value = words.get(_key(cell)) if words and cell.strip() else None
            if value is not None and value != cell:
                row[i] = value
                changed = True
    if not changed:
        return data
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows[1:])
    return out.getvalue().encode("utf-8")
