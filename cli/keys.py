"""`screening keys ...`: API keys for the service (create, list, revoke).

A raw key is printed once, at creation; only its SHA-256 is stored. Exit codes: 0 done,
2 malformed input (unknown role, unknown key id), 3 registry database unreachable, 4 internal.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.errors import command_errors, fail
from kernel.errors import InputError
from kernel.settings import Settings
from screening.messages import Lang

if TYPE_CHECKING:
    from api.auth import KeyStore


keys_app = typer.Typer(
    name="keys",
    help="API-sleutels voor de dienst (screening serve) / API keys for the service.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

LangOpt = Annotated[str | None, typer.Option("--lang", help="Taal van de uitvoer: nl of en.")]


def _lang(value: str | None) -> Lang:
    chosen = (value or Settings().lang).strip().lower()
    if chosen not in ("nl", "en"):
        fail(InputError(f"unknown language {value!r}", f"onbekende taal {value!r}"), "nl")
    return "en" if chosen == "en" else "nl"


def _open() -> KeyStore:
    from api.auth import KeyStore

    return KeyStore.open(Settings())


@keys_app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="Van wie of waarvoor de sleutel is.")],
    role: Annotated[
        list[str],
        typer.Option(
            "--role",
            help="officer, registry_admin, extension of auditor (herhaalbaar).",
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Schrijf het resultaat als JSON.")
    ] = False,
    lang: LangOpt = None,
) -> None:
    """Maak een sleutel; die wordt één keer getoond (create a key; shown once)."""
    language = _lang(lang)
    with command_errors(language, "keys"):
        from api.auth import parse_roles

        roles = parse_roles(role)
        store = _open()
        try:
            key, raw = store.create(name, roles)
        finally:
            store.close()
    role_names = sorted(r.value for r in key.roles)
    if as_json:
        typer.echo(json.dumps({"id": key.id, "name": key.name, "roles": role_names, "key": raw}))
        return
    out = Console(highlight=False)
    out.print(
        (
            "Sleutel {id} voor {name} ({roles}):"
            if language == "nl"
            else "Key {id} for {name} ({roles}):"
        ).format(id=key.id, name=key.name, roles=", ".join(role_names)),
        markup=False,
    )
    typer.echo(raw)
    out.print(
        "Bewaar hem nu: hij wordt niet nog eens getoond."
        if language == "nl"
        else "Keep it now: it is not shown again.",
        markup=False,
    )


@keys_app.command("list")
def list_keys(
    as_json: Annotated[bool, typer.Option("--json", help="Schrijf de lijst als JSON.")] = False,
    lang: LangOpt = None,
) -> None:
    """Toon alle sleutels, zonder geheimen (list keys, never their secrets)."""
    language = _lang(lang)
    with command_errors(language, "keys"):
        store = _open()
        try:
            keys = store.list()
        finally:
            store.close()
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": k.id,
                        "name": k.name,
                        "roles": sorted(r.value for r in k.roles),
                        "created_at": k.created_at.isoformat(),
                        "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
                    }
                    for k in keys
                ],
                ensure_ascii=False,
            )
        )
        return
    nl = language == "nl"
    table = Table(
        "id",
        "naam" if nl else "name",
        "rollen" if nl else "roles",
        "gemaakt" if nl else "created",
        "ingetrokken" if nl else "revoked",
    )
    for k in keys:
        table.add_row(
            k.id,
            k.name,
            ", ".join(sorted(r.value for r in k.roles)),
            k.created_at.strftime("%Y-%m-%d %H:%M"),
            k.revoked_at.strftime("%Y-%m-%d %H:%M") if k.revoked_at else "-",
        )
    Console(highlight=False).print(table)


@keys_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="Het id van de sleutel (zie 'keys list').")],
    lang: LangOpt = None,
) -> None:
    """Trek een sleutel in; hij werkt meteen niet meer (revoke a key at once)."""
    language = _lang(lang)
    with command_errors(language, "keys"):
        store = _open()
        try:
            info = store.revoke(key_id)
        finally:
            store.close()
    Console(highlight=False).print(
        (
            f"Sleutel {info.id} ({info.name}) is ingetrokken."
            if language == "nl"
            else f"Key {info.id} ({info.name}) is revoked."
        ),
        markup=False,
    )
