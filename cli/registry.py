"""`screening registry ...`: the consent registry from the command line.

The command names and options are a stable contract (school scripts call them). Output is
Dutch first, English with --lang en. Exit codes: 0 done, 2 malformed input (nothing changed),
3 configuration problem or registry unreachable, 4 internal error.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.errors import command_errors, fail
from kernel.errors import InputError
from kernel.inputs import parse_date
from kernel.settings import Settings
from screening.messages import Lang

if TYPE_CHECKING:
    from consent_store.purposes import Purpose
    from consent_store.records import (
        ConsentEntry,
        ConsentState,
        GivenBy,
        PersonChange,
        PersonInfo,
        Role,
        TemplateInfo,
    )
    from consent_store.repository import Registry


#: Lines of changes an import or dry run prints before summarising the rest.
MAX_CHANGE_LINES = 200

registry_app = typer.Typer(
    name="registry",
    help="Het toestemmingsregister: wie mag waar in beeld, op wiens zeggen / The consent registry.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

LangOpt = Annotated[str | None, typer.Option("--lang", help="Taal van de uitvoer: nl of en.")]
RecordedByOpt = Annotated[
    str | None,
    typer.Option("--recorded-by", help="Wie dit vastlegt (standaard: de gebruikersnaam)."),
]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", "-d", help="Datum, JJJJ-MM-DD (standaard: vandaag)."),
]


def _lang(value: str | None) -> Lang:
    chosen = value or Settings().lang
    if chosen not in ("nl", "en"):
        fail(
            InputError(
                f"unknown language {value!r}; use nl or en",
                f"onbekende taal {value!r}; kies nl of en",
            ),
            "nl",
        )
    return "en" if chosen == "en" else "nl"


def _t(lang: Lang, nl: str, en: str) -> str:
    return nl if lang == "nl" else en


def _open() -> Registry:
    from consent_store.repository import open_registry

    return open_registry(Settings())


def _role(value: str) -> Role:
    from consent_store.records import Role

    try:
        return Role(value.strip().lower())
    except ValueError:
        from kernel.errors import InvalidPersonDataError

        raise InvalidPersonDataError(
            f"unknown role {value!r}; choose pupil, staff or intern",
            f"onbekende rol {value!r}; kies pupil (leerling), staff (medewerker) of intern "
            "(stagiair)",
        ) from None


def _given_by(value: str, allowed: tuple[str, ...]) -> GivenBy:
    from consent_store.records import GivenBy

    text = value.strip().lower()
    if text not in allowed:
        from kernel.errors import InvalidPersonDataError

        raise InvalidPersonDataError(
            f"--given-by {value!r} is not allowed here; choose {', '.join(allowed)}",
            f"--given-by {value!r} kan hier niet; kies {', '.join(allowed)}",
        )
    return GivenBy(text)


def _purpose(value: str) -> Purpose:
    from consent_store.purposes import parse_purpose

    return parse_purpose(value)


def _day(value: str | None) -> date:
    return parse_date(value) if value else date.today()


# -- people ---------------------------------------------------------------------------------


@registry_app.command("init")
def init(lang: LangOpt = None) -> None:
    """Maak het register aan of werk het bij; bestaande gegevens blijven (create the registry).

    The one explicit way to create a registry (besides the very first run at the built-in
    default location): every other command refuses a registry that is not there.
    """
    language = _lang(lang)
    with command_errors(language, "registry"):
        from consent_store.repository import init_registry

        result = init_registry(Settings())
    if result.created:
        typer.echo(
            _t(
                language,
                f"Nieuw, leeg toestemmingsregister aangemaakt: {result.url}",
                f"Created a new, empty consent registry: {result.url}",
            )
        )
    else:
        typer.echo(
            _t(
                language,
                f"Het toestemmingsregister bestaat al en is bijgewerkt: {result.url}",
                f"The consent registry already exists and is up to date: {result.url}",
            )
        )
    if result.key_file is not None:
        typer.echo(
            _t(
                language,
                f"{'Nieuwe s' if result.key_created else 'S'}leutel voor gezichtstemplates: "
                f"{result.key_file}. Maak een back-up van register en sleutel samen; zonder "
                "sleutel zijn opgeslagen gezichtstemplates onleesbaar.",
                f"{'New f' if result.key_created else 'F'}ace-template key: {result.key_file}. "
                "Back up the registry and the key together; without the key stored face "
                "templates cannot be read.",
            )
        )


@registry_app.command("add-person")
def add_person(
    person_id: Annotated[str, typer.Argument(help="Het id van de school (bijv. leerlingnummer).")],
    name: Annotated[str, typer.Option("--name", help="Naam zoals de school die gebruikt.")],
    role: Annotated[str, typer.Option("--role", help="pupil, staff of intern.")],
    birth_date: Annotated[str, typer.Option("--birth-date", help="Geboortedatum, JJJJ-MM-DD.")],
    school: Annotated[str | None, typer.Option("--school", help="School of vestiging.")] = None,
    group: Annotated[str | None, typer.Option("--group", help="Klas of groep.")] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", help="Naamvariant (roepnaam, bijnaam); herhaalbaar."),
    ] = None,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Voeg een persoon toe (add a person)."""
    language = _lang(lang)
    with command_errors(language, "registry"):
        from consent_store.records import PersonInfo

        person = PersonInfo(
            external_id=person_id,
            display_name=name,
            role=_role(role),
            birth_date=parse_date(birth_date),
            school=school,
            group=group,
            aliases=tuple(alias or ()),
        )
        with _open() as registry:
            added = registry.add_person(person, recorded_by=recorded_by)
        typer.echo(
            _t(
                language,
                f"Persoon {added.external_id} toegevoegd.",
                f"Person {added.external_id} added.",
            )
        )


@registry_app.command("update-person")
def update_person(
    person_id: Annotated[str, typer.Argument(help="Het id van de school.")],
    name: Annotated[str | None, typer.Option("--name")] = None,
    role: Annotated[str | None, typer.Option("--role")] = None,
    birth_date: Annotated[str | None, typer.Option("--birth-date")] = None,
    school: Annotated[str | None, typer.Option("--school", help="'' maakt leeg.")] = None,
    group: Annotated[str | None, typer.Option("--group", help="'' maakt leeg.")] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", help="Vervangt alle naamvarianten; herhaalbaar."),
    ] = None,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Wijzig de gegevens van een persoon (update a person); de wijziging wordt gelogd."""
    language = _lang(lang)
    with command_errors(language, "registry"):
        new_role = _role(role) if role is not None else None
        new_birth = parse_date(birth_date) if birth_date is not None else None
        with _open() as registry:
            registry.update_person(
                person_id,
                display_name=name,
                role=new_role,
                birth_date=new_birth,
                school=school,
                group=group,
                aliases=alias,
                recorded_by=recorded_by,
            )
        typer.echo(_t(language, f"Persoon {person_id} bijgewerkt.", f"Person {person_id} updated."))


# -- consent --------------------------------------------------------------------------------

PurposeOpt = Annotated[
    str,
    typer.Option(
        "--purpose",
        help="social_media, website, newsletter, school_guide, whatsapp_lessons, "
        "named_in_post, biometric_matching.",
    ),
]
EvidenceOpt = Annotated[
    str, typer.Option("--evidence", help="Waaruit het besluit blijkt (verplicht, aantoonbaar).")
]
YearOpt = Annotated[str, typer.Option("--school-year", help="Schooljaar, JJJJ-JJJJ.")]


def _record(
    decision: str,
    person_id: str,
    purpose: str,
    school_year: str,
    given_by: str,
    evidence: str,
    when: str | None,
    recorded_by: str | None,
    lang: str | None,
) -> None:
    language = _lang(lang)
    with command_errors(language, "registry"):
        from consent_store.school_year import SchoolYear

        allowed: tuple[str, ...] = ("self", "parent", "guardian")
        if decision == "refuse":
            allowed = (*allowed, "staff")
        args = (
            person_id,
            _purpose(purpose),
            SchoolYear.parse(school_year),
            _given_by(given_by, allowed),
            evidence,
        )
        day = _day(when)
        with _open() as registry:
            method = registry.grant if decision == "grant" else registry.refuse
            entry = method(*args, on=day, recorded_by=recorded_by)
            state = registry.consent_on(person_id, entry.purpose, max(day, date.today()))
        _print_recorded(language, [entry], state)


def _print_recorded(lang: Lang, entries: list[ConsentEntry], state: ConsentState) -> None:
    from consent_store.purposes import PURPOSE_LABELS
    from consent_store.records import DECISION_LABELS

    for e in entries:
        what_nl, what_en = DECISION_LABELS[e.decision]
        p_nl, p_en = PURPOSE_LABELS[e.purpose]
        typer.echo(
            _t(
                lang,
                f"Vastgelegd (record {e.record_id}): {p_nl}, schooljaar {e.school_year}, "
                f"{what_nl} op {e.effective_on}.",
                f"Recorded (record {e.record_id}): {p_en}, school year {e.school_year}, "
                f"{what_en} on {e.effective_on}.",
            )
        )
    typer.echo(_t(lang, "Nu", "Now") + f" ({state.on_date}): {state.reason(lang)}")


@registry_app.command()
def grant(
    person_id: Annotated[str, typer.Argument()],
    purpose: PurposeOpt,
    school_year: YearOpt,
    given_by: Annotated[str, typer.Option("--given-by", help="self, parent of guardian.")],
    evidence: EvidenceOpt,
    when: DateOpt = None,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Leg vast dat toestemming is gegeven (record a grant)."""
    _record("grant", person_id, purpose, school_year, given_by, evidence, when, recorded_by, lang)


@registry_app.command()
def refuse(
    person_id: Annotated[str, typer.Argument()],
    purpose: PurposeOpt,
    school_year: YearOpt,
    given_by: Annotated[str, typer.Option("--given-by", help="self, parent, guardian of staff.")],
    evidence: EvidenceOpt,
    when: DateOpt = None,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Leg vast dat toestemming is geweigerd (record a refusal)."""
    _record("refuse", person_id, purpose, school_year, given_by, evidence, when, recorded_by, lang)


@registry_app.command()
def withdraw(
    person_id: Annotated[str, typer.Argument()],
    purpose: PurposeOpt,
    evidence: EvidenceOpt,
    when: DateOpt = None,
    given_by: Annotated[
        str,
        typer.Option(
            "--given-by",
            help="self, parent, guardian, of staff (school, namens onbekend; standaard).",
        ),
    ] = "staff",
    school_year: Annotated[
        str | None,
        typer.Option(
            "--school-year",
            help="Alleen dit schooljaar (standaard: dat van --date en latere jaren).",
        ),
    ] = None,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Trek toestemming in (withdraw): een nieuw record, de geschiedenis blijft."""
    language = _lang(lang)
    with command_errors(language, "registry"):
        from consent_store.school_year import SchoolYear

        target = _purpose(purpose)
        who = _given_by(given_by, ("self", "parent", "guardian", "staff"))
        year = SchoolYear.parse(school_year) if school_year else None
        day = _day(when)
        with _open() as registry:
            entries = registry.withdraw(
                person_id,
                target,
                evidence,
                on=day,
                given_by=who,
                school_year=year,
                recorded_by=recorded_by,
            )
            state = registry.consent_on(person_id, target, max(day, date.today()))
        _print_recorded(language, entries, state)


# -- reading --------------------------------------------------------------------------------


def _change_text(lang: Lang, change: PersonChange) -> str:
    fields = ", ".join(
        f"{k}: {old or '-'} → {new or '-'}" if change.action == "updated" else f"{k}: {new}"
        for k, (old, new) in sorted(change.changes.items())
    )
    if change.action == "created":
        return _t(lang, "persoon toegevoegd", "person added") + f" ({fields})"
    return _t(lang, "persoon gewijzigd", "person changed") + f" ({fields})"


def _entry_json(e: ConsentEntry) -> dict[str, Any]:
    return {
        "type": "consent",
        "record_id": e.record_id,
        "purpose": e.purpose.value,
        "school_year": str(e.school_year),
        "decision": e.decision.value,
        "given_by": e.given_by.value,
        "effective_on": e.effective_on.isoformat(),
        "recorded_by": e.recorded_by,
        "recorded_at": e.recorded_at.isoformat(),
        "evidence": e.evidence,
        "source": e.source,
    }


@registry_app.command()
def show(
    person_id: Annotated[str, typer.Argument()],
    when: Annotated[
        str | None,
        typer.Option("--date", "-d", help="Geldigheid op deze datum (standaard: vandaag)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Schrijf JSON.")] = False,
    lang: LangOpt = None,
) -> None:
    """Toon een persoon: geldigheid per doel en de volledige geschiedenis (show a person)."""
    language = _lang(lang)
    with command_errors(language, "registry"):
        from consent_store.records import ConsentEntry

        day = _day(when)
        with _open() as registry:
            person = registry.get_person(person_id)
            states = registry.consents_on(person_id, day)
            events = registry.history(person_id)
            templates = registry.templates_of(person_id)
        if as_json:
            doc = {
                "person": {
                    "id": person.external_id,
                    "name": person.display_name,
                    "role": person.role.value,
                    "birth_date": person.birth_date.isoformat(),
                    "school": person.school,
                    "group": person.group,
                    "aliases": list(person.aliases),
                },
                "on": day.isoformat(),
                "consent": {
                    p.value: {
                        "valid": s.valid,
                        "code": s.code,
                        "reason_nl": s.reason_nl,
                        "reason_en": s.reason_en,
                        "record_id": s.record.record_id if s.record else None,
                    }
                    for p, s in states.items()
                },
                "history": [
                    _entry_json(e)
                    if isinstance(e, ConsentEntry)
                    else {
                        "type": "person",
                        "action": e.action,
                        "changes": {k: list(v) for k, v in e.changes.items()},
                        "changed_by": e.changed_by,
                        "changed_at": e.changed_at.isoformat(),
                        "source": e.source,
                    }
                    for e in events
                ],
                "face_templates": [
                    {
                        "model_id": t.model_id,
                        "source_sha256": t.source_sha256,
                        "created_at": t.created_at.isoformat(),
                    }
                    for t in templates
                ],
            }
            typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
            return
        _render_show(language, person, day, states, events, templates)


def _render_show(
    lang: Lang,
    p: PersonInfo,
    day: date,
    states: dict[Purpose, ConsentState],
    events: list[ConsentEntry | PersonChange],
    templates: list[TemplateInfo],
) -> None:
    from consent_store.purposes import PURPOSE_LABELS
    from consent_store.records import DECISION_LABELS, ROLE_LABELS, ConsentEntry
    from consent_store.validity import giver_label

    console = Console(highlight=False)

    role_nl, role_en = ROLE_LABELS[p.role]
    console.print(
        f"[bold]{p.display_name}[/] ({p.external_id}) — {_t(lang, role_nl, role_en)}, "
        f"{_t(lang, 'geboren', 'born')} {p.birth_date}"
        + (f", {p.school}" if p.school else "")
        + (f", {_t(lang, 'groep', 'group')} {p.group}" if p.group else ""),
        markup=True,
    )
    if p.aliases:
        console.print(_t(lang, "Naamvarianten: ", "Name variants: ") + ", ".join(p.aliases))
    table = Table(title=_t(lang, f"Toestemming op {day}", f"Consent on {day}"))
    table.add_column(_t(lang, "Doel", "Purpose"))
    table.add_column(_t(lang, "Geldig", "Valid"))
    table.add_column(_t(lang, "Reden", "Reason"))
    for purpose, state in states.items():
        label = PURPOSE_LABELS[purpose][0 if lang == "nl" else 1]
        yes_no = _t(lang, "ja", "yes") if state.valid else _t(lang, "nee", "no")
        style = "green" if state.valid else "red"
        table.add_row(label, f"[{style}]{yes_no}[/]", state.reason(lang))
    console.print(table)
    hist = Table(title=_t(lang, "Geschiedenis", "History"))
    for col in (
        _t(lang, "Vastgelegd (UTC)", "Recorded (UTC)"),
        _t(lang, "Door", "By"),
        _t(lang, "Wat", "What"),
        _t(lang, "Bewijs", "Evidence"),
        _t(lang, "Bron", "Source"),
    ):
        hist.add_column(col)
    for e in events:
        if isinstance(e, ConsentEntry):
            d_nl, d_en = DECISION_LABELS[e.decision]
            g_nl, g_en = giver_label(p.role, e.given_by)
            purpose_label = PURPOSE_LABELS[e.purpose][0 if lang == "nl" else 1]
            what = _t(
                lang,
                f"{purpose_label} {e.school_year}: {d_nl} door {g_nl}, geldt vanaf "
                f"{e.effective_on} (record {e.record_id})",
                f"{purpose_label} {e.school_year}: {d_en} by {g_en}, effective "
                f"{e.effective_on} (record {e.record_id})",
            )
            hist.add_row(
                e.recorded_at.strftime("%Y-%m-%d %H:%M"), e.recorded_by, what, e.evidence, e.source
            )
        else:
            hist.add_row(
                e.changed_at.strftime("%Y-%m-%d %H:%M"),
                e.changed_by,
                _change_text(lang, e),
                "",
                e.source,
            )
    console.print(hist)
    if templates:
        models = ", ".join(sorted({t.model_id for t in templates}))
        console.print(
            _t(
                lang,
                f"Gezichtstemplates: {len(templates)} (model {models}; versleuteld opgeslagen)",
                f"Face templates: {len(templates)} (model {models}; stored encrypted)",
            )
        )


@registry_app.command()
def lacking(
    purpose: PurposeOpt,
    school_year: Annotated[
        str | None,
        typer.Option("--school-year", help="Schooljaar, JJJJ-JJJJ (standaard: het huidige)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Schrijf JSON.")] = False,
    lang: LangOpt = None,
) -> None:
    """Wie heeft geen geldige toestemming voor dit doel (who lacks consent)?"""
    language = _lang(lang)
    with command_errors(language, "registry"):
        from consent_store.school_year import SchoolYear

        target = _purpose(purpose)
        year = SchoolYear.parse(school_year) if school_year else SchoolYear.of(date.today())
        with _open() as registry:
            rows = registry.people_lacking(target, year)
        if as_json:
            doc = [
                {
                    "id": p.external_id,
                    "name": p.display_name,
                    "role": p.role.value,
                    "group": p.group,
                    "code": s.code,
                    "reason_nl": s.reason_nl,
                    "reason_en": s.reason_en,
                }
                for p, s in rows
            ]
            typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
            return
        table = Table(
            title=_t(
                language,
                f"Zonder geldige toestemming: {target.value}, schooljaar {year} ({len(rows)})",
                f"Without valid consent: {target.value}, school year {year} ({len(rows)})",
            )
        )
        for col in ("Id", _t(language, "Naam", "Name"), _t(language, "Groep", "Group")):
            table.add_column(col)
        table.add_column(_t(language, "Reden", "Reason"))
        for p, s in rows:
            table.add_row(p.external_id, p.display_name, p.group or "", s.reason(language))
        Console(highlight=False).print(table)


@registry_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV-bestand (UTF-8, ',' of ';').")],
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="Koppelbestand (TOML) voor een export van Magister e.d."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Toon wat er zou veranderen; verander niets.")
    ] = False,
    recorded_by: RecordedByOpt = None,
    lang: LangOpt = None,
) -> None:
    """Lees personen en toestemmingen in uit CSV (import): alles of niets."""
    language = _lang(lang)
    with command_errors(language, "registry"):
        if not file.is_file():
            raise InputError(f"{str(file)!r} does not exist", f"{str(file)!r} bestaat niet")
        with _open() as registry:
            report = registry.import_csv(
                file, mapping=mapping, dry_run=dry_run, recorded_by=recorded_by
            )
        if report.dry_run:
            typer.echo(
                _t(
                    language,
                    "Proefrun: er is niets gewijzigd. Dit zou er veranderen:",
                    "Dry run: nothing was changed. This would change:",
                )
            )
            for change in report.changes[:MAX_CHANGE_LINES]:
                typer.echo("  " + change.describe(language))
            extra = len(report.changes) - MAX_CHANGE_LINES
            if extra > 0:
                typer.echo(_t(language, f"  ... en nog {extra}", f"  ... and {extra} more"))
        typer.echo(
            _t(
                language,
                f"{report.source}: {report.rows} regels; personen nieuw {report.people_added}, "
                f"gewijzigd {report.people_updated}; toestemmingsrecords nieuw "
                f"{report.records_added}, al aanwezig {report.records_skipped}.",
                f"{report.source}: {report.rows} rows; people new {report.people_added}, "
                f"changed {report.people_updated}; consent records new "
                f"{report.records_added}, already present {report.records_skipped}.",
            )
        )


@registry_app.command()
def export(
    file: Annotated[Path, typer.Argument(help="Doelbestand (CSV in het importformaat).")],
    lang: LangOpt = None,
) -> None:
    """Schrijf het register naar CSV (export): personen, naamvarianten, huidige besluiten."""
    language = _lang(lang)
    with command_errors(language, "registry"):
        if file.parent and not file.parent.is_dir():
            raise InputError(
                f"folder {str(file.parent)!r} does not exist",
                f"map {str(file.parent)!r} bestaat niet",
            )
        with _open() as registry:
            count = registry.export_csv(file)
        typer.echo(
            _t(
                language,
                f"{count} regels geschreven naar {file}.",
                f"{count} rows written to {file}.",
            )
        )


@registry_app.command("enroll-face")
def enroll_face(
    person_id: Annotated[str, typer.Argument(metavar="ID", help="Id van de persoon.")],
    photos: Annotated[
        list[Path], typer.Argument(metavar="PHOTO...", help="Foto's met precies één gezicht.")
    ],
    lang: LangOpt = None,
) -> None:
    """Schrijf een gezicht in (enrol a face): één template per foto, alleen met toestemming.

    Elke foto moet precies één duidelijk gezicht tonen; anders wordt niets opgeslagen.
    """
    language = _lang(lang)
    with command_errors(language, "registry"):
        from screening.faces.detect import load_detection_config
        from screening.faces.enroll import enroll
        from screening.faces.models import load_face_models
        from screening.faces.quality import load_recognizability_config

        settings = Settings()
        for path in photos:
            if not path.is_file():
                raise InputError(
                    f"photo {str(path)!r} does not exist", f"foto {str(path)!r} bestaat niet"
                )
        with _open() as registry:
            stored = enroll(
                registry,
                person_id,
                photos,
                load_face_models(),
                load_detection_config(),
                load_recognizability_config(),
                settings,
            )
        typer.echo(
            _t(
                language,
                f"{len(stored)} gezichtstemplate(s) opgeslagen voor {person_id} "
                f"(model {stored[0].model_id}).",
                f"{len(stored)} face template(s) stored for {person_id} "
                f"(model {stored[0].model_id}).",
            )
        )
