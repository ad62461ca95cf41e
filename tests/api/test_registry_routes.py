"""The consent registry over HTTP: people, consents with history, CSV import."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from consent_store.school_year import SchoolYear
from kernel.errors import RegistryUnavailableError
from tests.api.conftest import Keys

HEADER = (
    "person_id,name,role,birth_date,school,group,aliases,purpose,school_year,decision,"
    "given_by,given_on,evidence\n"
)


def _year() -> str:
    return str(SchoolYear.of(date.today()))


def _add(client: TestClient, keys: Keys, **person: Any) -> Any:
    body = {"role": "pupil", "birth_date": "2014-03-01", **person}
    return client.post("/v1/people", json=body, headers=keys.headers("registry_admin"))


def test_add_show_change_and_find_a_person(client: TestClient, keys: Keys) -> None:
    added = _add(
        client, keys, id="Z1", name="Zoë  de Vries", school="De Korre", group="7B", aliases=["Zo"]
    )
    assert added.status_code == 201, added.text
    assert added.json() == {
        "id": "Z1",
        "name": "Zoë de Vries",
        "role": "pupil",
        "birth_date": "2014-03-01",
        "school": "De Korre",
        "group": "7B",
        "aliases": ["Zo"],
    }
    reader = keys.headers("auditor")
    shown = client.get("/v1/people/Z1", headers=reader).json()
    assert shown["face_templates"] == [] and shown["name"] == "Zoë de Vries"
    changed = client.patch(
        "/v1/people/Z1",
        json={"group": "8B", "aliases": ["Zoë", "Zo"]},
        headers=keys.headers("registry_admin"),
    )
    assert changed.status_code == 200
    assert (changed.json()["group"], changed.json()["aliases"]) == ("8B", ["Zoë", "Zo"])
    for q, found in (
        ("zoe", True),
        ("DE VRIES", True),
        ("Z1", True),
        ("Z", True),
        ("Ahmed", False),
    ):
        people = client.get("/v1/people", params={"q": q}, headers=reader).json()["people"]
        assert ("Z1" in [p["id"] for p in people]) is found, q


def test_search_is_cut_at_the_limit_but_counts_everything(client: TestClient, keys: Keys) -> None:
    for i in range(3):
        assert _add(client, keys, id=f"L{i}", name=f"Lotte Limiet {i}").status_code == 201
    body = client.get(
        "/v1/people", params={"q": "limiet", "limit": 2}, headers=keys.headers("officer")
    ).json()
    assert len(body["people"]) == 2 and body["total"] == 3


@pytest.mark.parametrize(
    ("person", "status", "code"),
    [
        ({"id": "Z1", "name": "Dubbel"}, 409, "E213"),
        ({"id": "F1", "name": "Toekomst", "birth_date": "2999-01-01"}, 422, "E215"),
        ({"id": "R1", "name": "Rol", "role": "teacher"}, 422, "E605"),
        ({"id": "", "name": "Leeg"}, 422, "E605"),
        ({"id": "N1", "name": "   "}, 422, "E215"),
        ({"id": "B1", "name": "Geen datum", "birth_date": "1-2-2014"}, 422, "E605"),
    ],
)
def test_bad_people_are_refused_and_change_nothing(
    client: TestClient, keys: Keys, person: dict[str, Any], status: int, code: str
) -> None:
    _add(client, keys, id="Z1", name="Zoë de Vries")
    response = _add(client, keys, **person)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    if person["id"] != "Z1":
        missing = client.get(f"/v1/people/{person['id'] or 'x'}", headers=keys.headers("officer"))
        assert missing.status_code == 404


def test_unknown_people_are_404(client: TestClient, keys: Keys) -> None:
    admin = keys.headers("registry_admin")
    for response in (
        client.get("/v1/people/nobody", headers=admin),
        client.patch("/v1/people/nobody", json={"group": "1A"}, headers=admin),
        client.get("/v1/people/nobody/consents", headers=admin),
        client.post(
            "/v1/people/nobody/consents",
            json={"decision": "withdrawn", "purpose": "website", "evidence": "mail"},
            headers=admin,
        ),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "E211"


def test_consent_is_granted_withdrawn_and_the_history_kept(client: TestClient, keys: Keys) -> None:
    admin, reader = keys.headers("registry_admin"), keys.headers("officer")
    _add(client, keys, id="C1", name="Daan Smit")
    granted = client.post(
        "/v1/people/C1/consents",
        json={
            "decision": "granted",
            "purpose": "social_media",
            "school_year": _year(),
            "given_by": "parent",
            "evidence": "formulier 2025, map 7B",
        },
        headers=admin,
    )
    assert granted.status_code == 201, granted.text
    record = granted.json()["records"][0]
    assert (record["decision"], record["recorded_by"], record["source"]) == (
        "granted",
        "test registry_admin",
        "api",
    )
    state = client.get("/v1/people/C1/consents", headers=reader).json()
    social = next(p for p in state["purposes"] if p["purpose"] == "social_media")
    assert social["valid"] is True and social["code"] == "granted"
    assert social["reason"] == social["reason_nl"]
    withdrawn = client.post(
        "/v1/people/C1/consents",
        json={"decision": "withdrawn", "purpose": "social_media", "evidence": "mail van moeder"},
        headers=admin,
    )
    assert withdrawn.status_code == 201
    assert withdrawn.json()["records"][0]["given_by"] == "staff"
    after = client.get("/v1/people/C1/consents", params={"lang": "en"}, headers=reader).json()
    social = next(p for p in after["purposes"] if p["purpose"] == "social_media")
    assert social["valid"] is False and social["code"] == "withdrawn"
    assert social["reason"] == social["reason_en"]
    kinds = [(e["type"], (e["consent"] or {}).get("decision")) for e in after["history"]]
    assert kinds == [("person", None), ("consent", "granted"), ("consent", "withdrawn")]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"decision": "granted", "purpose": "website", "evidence": "x"}, "E605"),
        (
            {"decision": "granted", "purpose": "website", "given_by": "staff", "evidence": "x"},
            "E605",
        ),
        (
            {"decision": "refused", "purpose": "sport", "given_by": "parent", "evidence": "x"},
            "E605",
        ),
        (
            {
                "decision": "granted",
                "purpose": "website",
                "given_by": "parent",
                "evidence": "x",
                "school_year": "2025/2027",
            },
            "E214",
        ),
        (
            {"decision": "granted", "purpose": "website", "given_by": "parent", "evidence": ""},
            "E605",
        ),
        (
            {"decision": "maybe", "purpose": "website", "given_by": "parent", "evidence": "x"},
            "E605",
        ),
    ],
)
def test_bad_consent_records_are_refused(
    client: TestClient, keys: Keys, body: dict[str, Any], code: str
) -> None:
    _add(client, keys, id="C2", name="Fleur Mulder")
    before = client.get("/v1/people/C2/consents", headers=keys.headers("officer")).json()
    response = client.post(
        "/v1/people/C2/consents", json=body, headers=keys.headers("registry_admin")
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    after = client.get("/v1/people/C2/consents", headers=keys.headers("officer")).json()
    assert after["history"] == before["history"]


def test_import_previews_then_writes_then_skips_repeats(client: TestClient, keys: Keys) -> None:
    admin = keys.headers("registry_admin")
    csv = (
        HEADER
        + f"I1,Noor Bakker,pupil,2013-04-04,De Korre,6A,Noor,website,{_year()},granted,parent,,"
        "formulier\n" + "I2,Els Smit,staff,1980-01-01,De Korre,,,,,,,,\n"
    ).encode()

    def post(dry_run: bool) -> Any:
        return client.post(
            "/v1/registry/imports",
            files={"csv": ("leerlingen.csv", csv, "text/csv")},
            data={"dry_run": "true" if dry_run else "false"},
            headers=admin,
        )

    preview = post(True)
    assert preview.status_code == 200, preview.text
    assert preview.json()["dry_run"] is True
    assert (preview.json()["people_added"], preview.json()["records_added"]) == (2, 1)
    consent = next(c for c in preview.json()["changes"] if c["kind"] == "consent")
    assert (consent["person_id"], consent["purpose"], consent["decision"]) == (
        "I1",
        "website",
        "granted",
    )
    assert consent["school_year"] == _year() and consent["given_by"] == "parent"
    assert consent["nl"].startswith(f"I1: website, schooljaar {_year()}, gegeven door ouder op ")
    assert consent["en"].startswith(f"I1: website, school year {_year()}, granted by parent on ")
    new_people = [c["person_id"] for c in preview.json()["changes"] if c["kind"] == "new_person"]
    assert sorted(new_people) == ["I1", "I2"]
    assert client.get("/v1/people/I1", headers=admin).status_code == 404
    done = post(False).json()
    assert (done["people_added"], done["records_added"], done["dry_run"]) == (2, 1, False)
    assert client.get("/v1/people/I1", headers=admin).json()["aliases"] == ["Noor"]
    again = post(False).json()
    assert (again["people_added"], again["records_added"], again["records_skipped"]) == (0, 0, 1)


def test_dry_run_as_a_query_parameter(client: TestClient, keys: Keys) -> None:
    csv = (HEADER + "Q1,Kees Kok,staff,1975-05-05,,,,,,,,,\n").encode()
    preview = client.post(
        "/v1/registry/imports?dry_run=true",
        files={"csv": ("a.csv", csv, "text/csv")},
        headers=keys.headers("registry_admin"),
    )
    assert preview.json()["dry_run"] is True
    assert client.get("/v1/people/Q1", headers=keys.headers("officer")).status_code == 404


def test_an_import_with_bad_rows_lists_them_all_and_writes_nothing(
    client: TestClient, keys: Keys
) -> None:
    csv = (
        HEADER
        + "X1,Goed Mens,pupil,2013-01-01,,,,,,,,,\n"
        + f"X2,Fout Datum,pupil,2013-13-01,,,,website,{_year()},granted,parent,,f\n"
        + f"X3,Fout Doel,pupil,2013-01-01,,,,zwemmen,{_year()},granted,parent,,f\n"
    ).encode()
    response = client.post(
        "/v1/registry/imports",
        files={"csv": ("fout.csv", csv, "text/csv")},
        headers=keys.headers("registry_admin"),
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "E218"
    assert [p["line"] for p in error["problems"]] == [3, 4]
    assert client.get("/v1/people/X1", headers=keys.headers("officer")).status_code == 404


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (
            {
                "csv": (
                    "latin.csv",
                    (HEADER + "E1,Zoë,pupil,2013-01-01,,,,,,,,,\n").encode("cp1252"),
                )
            },
            "E217",
        ),
        ({"csv": ("kolom.csv", b"person_id,name\nE2,Ab\n")}, "E216"),
        ({"bestand": ("a.csv", HEADER.encode())}, "E605"),
        (
            {
                "csv": ("a.csv", HEADER.encode()),
                "mapping": ("m.toml", b"[columns\nnot toml"),
            },
            "E219",
        ),
    ],
)
def test_unreadable_imports_are_clear_errors(
    client: TestClient, keys: Keys, files: dict[str, Any], code: str
) -> None:
    response = client.post(
        "/v1/registry/imports", files=files, headers=keys.headers("registry_admin")
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code


def test_an_unreachable_registry_is_a_503_that_says_so(
    client: TestClient, keys: Keys, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*_args: object, **_kwargs: object) -> None:
        raise RegistryUnavailableError(
            "the consent registry at sqlite:///x is unavailable (OperationalError)",
            "het toestemmingsregister op sqlite:///x is niet bereikbaar (OperationalError)",
        )

    monkeypatch.setattr(services.registry, "list_people", down)
    response = client.get("/v1/people", headers=keys.headers("officer"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "E201"
    assert "niet bereikbaar" in response.json()["error"]["message"]
