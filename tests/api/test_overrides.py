"""Overrides: only blocking findings of a decision the service made, with who and why; kept."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.auth import ApiKey, Role
from api.decision_log import LoggedDecision, LoggedFinding
from api.services import Services
from kernel.errors import OverrideNotAllowedError
from tests.api.conftest import Keys

TWO_HOLDS = "Bel 06-12345678 of mail jan.devries@example.nl"


@pytest.fixture(scope="module")
def held(client: TestClient, keys: Keys) -> dict[str, Any]:
    """A held post with two blocking findings."""
    body: dict[str, Any] = client.post(
        "/v1/precheck", json={"text": TWO_HOLDS}, headers=keys.headers("officer")
    ).json()
    assert body["action"] == "hold"
    assert len([f for f in body["findings"] if f["severity"] == "hold"]) == 2
    return body


def _override(client: TestClient, keys: Keys, who: str = "officer", **body: Any) -> Any:
    return client.post("/v1/overrides", json=body, headers=keys.headers(who))


def _hold(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """A fresh held post (two blocking findings), screened with `headers`."""
    body: dict[str, Any] = client.post(
        "/v1/precheck", json={"text": TWO_HOLDS}, headers=headers
    ).json()
    assert body["action"] == "hold"
    return body


def _hold_ids(post: dict[str, Any]) -> list[str]:
    return [f["id"] for f in post["findings"] if f["severity"] == "hold"]


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture(scope="module")
def admin(services: Services) -> str:
    """A raw key of an administrator who also screens (like the first key `serve` makes)."""
    return services.keys.create("beheerder", [Role.OFFICER, Role.REGISTRY_ADMIN])[1]


def test_an_override_records_who_why_and_which_findings(
    client: TestClient, keys: Keys, held: dict[str, Any]
) -> None:
    phone = next(f for f in held["findings"] if f["kind"] == "pii.phone")
    response = _override(
        client,
        keys,
        post_id=held["post_id"],
        finding_ids=[phone["id"]],
        reason="  Het is het algemene nummer van de school  ",
        officer="Ingrid Bakker",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["post_id"] == held["post_id"]
    assert body["finding_ids"] == [phone["id"]]
    assert body["finding_kinds"] == ["pii.phone"]
    assert body["reason"] == "Het is het algemene nummer van de school"
    assert body["recorded_by"] == "test officer (Ingrid Bakker)"
    listed = client.get(
        "/v1/overrides", params={"post_id": held["post_id"]}, headers=keys.headers("auditor")
    ).json()["overrides"]
    assert body in listed


def test_the_extension_may_override_without_an_officer_name(client: TestClient, keys: Keys) -> None:
    own = _hold(client, keys.headers("extension"))
    response = _override(
        client,
        keys,
        "extension",
        post_id=own["post_id"],
        finding_ids=_hold_ids(own),
        reason="Gecontroleerd met de ouders",
    )
    assert response.status_code == 201, response.text
    assert response.json()["recorded_by"] == "test extension"
    assert sorted(response.json()["finding_kinds"]) == ["pii.email", "pii.phone"]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"post_id": "0" * 20}, 404, "E604"),
        ({"finding_ids": ["f99"]}, 422, "E607"),
        ({"finding_ids": []}, 422, "E605"),
        ({"reason": "te kort"}, 422, "E605"),
        ({"reason": "          x          "}, 422, "E605"),
        ({"post_id": "x" * 65}, 422, "E605"),
    ],
)
def test_an_override_must_name_blocking_findings_of_a_known_post(
    client: TestClient,
    keys: Keys,
    held: dict[str, Any],
    change: dict[str, Any],
    status: int,
    code: str,
) -> None:
    body = {
        "post_id": held["post_id"],
        "finding_ids": [held["findings"][0]["id"]],
        "reason": "Een goede reden om te publiceren",
        **change,
    }
    response = _override(client, keys, **body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_a_published_post_has_nothing_to_override(client: TestClient, keys: Keys) -> None:
    published = client.post(
        "/v1/precheck", json={"text": "Fijne vakantie allemaal"}, headers=keys.headers("officer")
    ).json()
    assert published["action"] == "publish"
    response = _override(
        client,
        keys,
        post_id=published["post_id"],
        finding_ids=["f1"],
        reason="Zomaar, omdat het kan",
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "E607"


def test_notices_cannot_be_overridden(services: Services, keys: Keys) -> None:
    # A notice never blocked anything, so there is nothing to override.
    logged = LoggedDecision(
        post_id="a" * 20,
        action="hold",
        channel="instagram",
        policy="svok@1",
        findings=(
            LoggedFinding("f1", "pii.phone", "hold"),
            LoggedFinding("f2", "pii.age", "notice"),
        ),
        key_id="k",
        created_at=datetime.now(UTC),
    )
    key = ApiKey("k", "test", frozenset({Role.OFFICER}))
    with pytest.raises(OverrideNotAllowedError, match="f2"):
        services.overrides.record(logged, ["f1", "f2"], "Een reden van genoeg tekens", key)
    recorded = services.overrides.record(logged, ["f1"], "Een reden van genoeg tekens", key)
    assert recorded.override.finding_kinds == ("pii.phone",)


def test_overrides_are_append_only_in_the_database(
    services: Services, held: dict[str, Any]
) -> None:
    assert services.engine is not None
    with services.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("DELETE FROM overrides"))
    with services.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("UPDATE overrides SET reason = 'weg'"))


def test_the_list_is_newest_first_and_pages(
    client: TestClient, keys: Keys, held: dict[str, Any]
) -> None:
    made = []
    for i in range(3):
        post = _hold(client, keys.headers("officer"))
        made.append(
            _override(
                client,
                keys,
                post_id=post["post_id"],
                finding_ids=_hold_ids(post)[:1],
                reason=f"Reden nummer {i} voor publicatie",
            ).json()["id"]
        )
    h = keys.headers("officer")
    first = client.get("/v1/overrides", params={"limit": 2}, headers=h).json()["overrides"]
    second = client.get("/v1/overrides", params={"limit": 2, "offset": 2}, headers=h).json()[
        "overrides"
    ]
    assert [o["id"] for o in first] == made[::-1][:2]
    assert second[0]["id"] == made[0]


@pytest.mark.parametrize(
    ("who", "status"),
    [("same key", 201), ("admin", 201), ("other officer", 403), ("extension", 403)],
)
def test_only_the_key_that_screened_or_an_admin_may_override(
    client: TestClient, keys: Keys, services: Services, admin: str, who: str, status: int
) -> None:
    post = _hold(client, keys.headers("officer"))
    headers = {
        "same key": keys.headers("officer"),
        "admin": _bearer(admin),
        "other officer": _bearer(services.keys.create("collega", [Role.OFFICER])[1]),
        "extension": keys.headers("extension"),
    }[who]
    response = client.post(
        "/v1/overrides",
        json={
            "post_id": post["post_id"],
            "finding_ids": _hold_ids(post),
            "reason": "Gecontroleerd met de ouders",
        },
        headers=headers,
    )
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["error"]["code"] == "E602"
        listed = client.get(
            "/v1/overrides", params={"post_id": post["post_id"]}, headers=keys.headers("auditor")
        )
        assert listed.json()["overrides"] == []


@pytest.mark.parametrize("again", ["officer", "admin"])
def test_a_finding_is_overridden_once_and_a_repeat_returns_the_first_record(
    client: TestClient, keys: Keys, admin: str, again: str
) -> None:
    post = _hold(client, keys.headers("officer"))
    body = {
        "post_id": post["post_id"],
        "finding_ids": _hold_ids(post),
        "reason": "Gecontroleerd met de ouders",
    }
    first = client.post("/v1/overrides", json=body, headers=keys.headers("officer"))
    assert first.status_code == 201, first.text
    repeat_headers = keys.headers("officer") if again == "officer" else _bearer(admin)
    # In any order, with another reason: the findings were overridden already.
    repeat = client.post(
        "/v1/overrides",
        json={**body, "finding_ids": body["finding_ids"][::-1], "reason": "Nog een keer, anders"},
        headers=repeat_headers,
    )
    assert repeat.status_code == 200, repeat.text
    assert repeat.json() == first.json()
    listed = client.get(
        "/v1/overrides", params={"post_id": post["post_id"]}, headers=keys.headers("auditor")
    ).json()["overrides"]
    assert listed == [first.json()]


def test_overriding_one_finding_again_returns_the_override_that_covered_it(
    client: TestClient, keys: Keys
) -> None:
    post = _hold(client, keys.headers("officer"))
    phone, email = _hold_ids(post)
    reason = "Het algemene adres van de school"
    both = _override(
        client, keys, post_id=post["post_id"], finding_ids=[phone, email], reason=reason
    )
    assert both.status_code == 201, both.text
    one = _override(client, keys, post_id=post["post_id"], finding_ids=[email], reason=reason)
    assert one.status_code == 200 and one.json() == both.json()


def test_only_findings_not_yet_overridden_are_recorded_again(
    client: TestClient, keys: Keys
) -> None:
    post = _hold(client, keys.headers("officer"))
    phone, email = _hold_ids(post)
    reason = "Het algemene nummer van de school"
    first = _override(client, keys, post_id=post["post_id"], finding_ids=[phone], reason=reason)
    assert first.status_code == 201, first.text
    more = _override(
        client, keys, post_id=post["post_id"], finding_ids=[phone, email], reason=reason
    )
    assert more.status_code == 201, more.text
    assert more.json()["id"] != first.json()["id"]
    assert more.json()["finding_ids"] == [email]
    listed = client.get(
        "/v1/overrides", params={"post_id": post["post_id"]}, headers=keys.headers("auditor")
    ).json()["overrides"]
    assert sorted(o["id"] for o in listed) == sorted([first.json()["id"], more.json()["id"]])


def test_personal_data_in_a_reason_is_replaced_before_it_is_kept(
    client: TestClient, keys: Keys
) -> None:
    """The record is kept for years and read by auditors: a pupil's name, a phone number or
    an e-mail address in the reason become placeholders."""
    post = _hold(client, keys.headers("officer"))
    response = _override(
        client,
        keys,
        post_id=post["post_id"],
        finding_ids=_hold_ids(post),
        reason="De moeder van Sanne de Vries gaf akkoord, bel 06-87654321 of mail "
        "m.devries@example.nl",
    )
    assert response.status_code == 201, response.text
    reason = response.json()["reason"]
    assert reason.startswith("De moeder van [naam] gaf akkoord"), reason
    assert "[telefoonnummer]" in reason and "[e-mailadres]" in reason
    for kept in ("Sanne", "Vries", "87654321", "example.nl"):
        assert kept not in reason
    listed = client.get(
        "/v1/overrides", params={"post_id": post["post_id"]}, headers=keys.headers("auditor")
    ).json()
    assert [o["reason"] for o in listed["overrides"]] == [reason]


def test_a_reason_that_cannot_be_checked_is_refused_and_nothing_is_kept(
    client: TestClient, keys: Keys, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    post = _hold(client, keys.headers("officer"))

    def broken(_text: str) -> str:
        raise RuntimeError("the names detector failed")

    monkeypatch.setattr(services.overrides, "_scrub", broken)
    response = _override(
        client,
        keys,
        post_id=post["post_id"],
        finding_ids=_hold_ids(post),
        reason="Het is het algemene nummer van de school",
    )
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "E611"
    assert "persoonsgegevens" in response.json()["error"]["message"]
    assert services.overrides.list(post_id=post["post_id"]) == []
