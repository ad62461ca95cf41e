"""`screening keys`: create (the raw key once), list (never secrets), revoke."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.auth import KeyStore
from cli.main import app
from kernel.settings import Settings

runner = CliRunner()


def _store() -> KeyStore:
    return KeyStore.open(Settings())


def test_create_prints_the_key_once_and_stores_only_its_hash() -> None:
    result = runner.invoke(
        app, ["keys", "create", "--name", "Extensie De Korre", "--role", "extension", "--json"]
    )
    assert result.exit_code == 0, result.output
    made = json.loads(result.output)
    assert made["name"] == "Extensie De Korre" and made["roles"] == ["extension"]
    store = _store()
    try:
        key = store.verify(made["key"])
        assert key is not None and key.id == made["id"]
    finally:
        store.close()
    listed = runner.invoke(app, ["keys", "list", "--json"])
    assert listed.exit_code == 0
    assert made["key"] not in listed.output
    assert json.loads(listed.output) == [
        {
            "id": made["id"],
            "name": "Extensie De Korre",
            "roles": ["extension"],
            "created_at": json.loads(listed.output)[0]["created_at"],
            "revoked_at": None,
        }
    ]


def test_several_roles_and_plain_output() -> None:
    result = runner.invoke(
        app,
        ["keys", "create", "--name", "Ingrid", "--role", "officer", "--role", "registry_admin"],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "officer, registry_admin" in lines[0]
    assert lines[1].startswith("sps_")
    assert "niet nog eens getoond" in result.output


def test_revoke_stops_a_key() -> None:
    made = json.loads(
        runner.invoke(app, ["keys", "create", "--name", "x", "--role", "auditor", "--json"]).output
    )
    result = runner.invoke(app, ["keys", "revoke", made["id"], "--lang", "en"])
    assert result.exit_code == 0
    assert "revoked" in result.output
    store = _store()
    try:
        assert store.verify(made["key"]) is None
    finally:
        store.close()
    listed = json.loads(runner.invoke(app, ["keys", "list", "--json"]).output)
    assert listed[0]["revoked_at"] is not None


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["keys", "create", "--name", "x", "--role", "admin"], 2, "onbekende rol 'admin'"),
        (["keys", "create", "--name", "  ", "--role", "officer"], 2, "naam"),
        (["keys", "revoke", "000000000000"], 2, "geen API-sleutel"),
        (["keys", "list", "--lang", "de"], 2, "onbekende taal"),
    ],
)
def test_bad_input_is_exit_code_2(args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert message in result.output
    store = _store()
    try:
        assert store.list() == []
    finally:
        store.close()
