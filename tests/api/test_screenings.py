"""Screening through the service: the CLI's decision JSON, photo links, and what is kept.

The app here has no face detector, so a photo holds as 'image.not_screened'; faces are
tested in test_registry_faces.py.
"""

from __future__ import annotations

import io
import logging
from datetime import date

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import text

from api.auth import Role
from api.services import Services
from kernel.errors import RegistryUnavailableError
from kernel.types import Channel, Post
from screening.decision_json import decision_to_dict
from screening.pipeline import Pipeline
from tests.api.conftest import Keys, jpeg_bytes

MARKER = "Zwanette Oosterbroek-Klaassens belt 06-12345678"


def _png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (40, 30), (10, 200, 30, 255)).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("text", "action", "kinds"),
    [
        ("Bel me op 06-12345678", "hold", {"pii.phone"}),
        ("Wat een mooie sportdag hadden we vandaag!", "publish", set()),
        ("Mail naar jan.devries@example.nl", "hold", {"pii.email"}),
    ],
)
def test_precheck_gives_the_cli_decision_json(
    client: TestClient,
    keys: Keys,
    pipeline: Pipeline,
    text: str,
    action: str,
    kinds: set[str],
) -> None:
    response = client.post(
        "/v1/precheck",
        json={"text": text, "channel": "website", "publish_on": "2026-12-01"},
        headers=keys.headers("extension"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    cli = decision_to_dict(
        pipeline.screen(Post(text=text, channel=Channel.WEBSITE, publish_on=date(2026, 12, 1)))
    )
    assert set(body) == set(cli)
    assert body["action"] == cli["action"] == action
    assert {f["kind"] for f in body["findings"]} == kinds
    assert body["findings"] == cli["findings"]
    assert body["channel"] == "website" and body["publish_on"] == "2026-12-01"
    assert len(body["post_id"]) == 20


def test_each_screening_gets_its_own_post_id(client: TestClient, keys: Keys) -> None:
    ids = {
        client.post("/v1/precheck", json={"text": "Hallo"}, headers=keys.headers("officer")).json()[
            "post_id"
        ]
        for _ in range(3)
    }
    assert len(ids) == 3


def test_screening_defaults_to_instagram_and_today(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/screenings", data={"text": "Fijne vakantie"}, headers=keys.headers("officer")
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["channel"], body["publish_on"]) == ("instagram", date.today().isoformat())
    assert body["action"] == "publish" and body["images"] == []


def test_screening_with_photos_links_annotated_and_redacted_versions(
    client: TestClient, keys: Keys
) -> None:
    h = keys.headers("officer")
    photos = [
        ("photos", ("veld.jpg", jpeg_bytes((80, 60)), "image/jpeg")),
        ("photos", ("logo.png", _png_bytes(), "image/png")),
    ]
    response = client.post(
        "/v1/screenings", data={"text": "Sportdag", "channel": "facebook"}, files=photos, headers=h
    )
    body = response.json()
    assert response.status_code == 200, response.text
    # Without a face detector a photo is never passed unchecked.
    assert body["action"] == "hold"
    assert [f["kind"] for f in body["findings"]] == ["image.not_screened"] * 2
    post_id = body["post_id"]
    assert body["images"] == [
        {
            "index": i,
            "name": name,
            "annotated_url": f"/v1/screenings/{post_id}/images/{i}/annotated",
            "redacted_url": f"/v1/screenings/{post_id}/images/{i}/redacted",
        }
        for i, name in enumerate(["veld.jpg", "logo.png"])
    ]
    for link, media, size in (
        (body["images"][0]["annotated_url"], "image/jpeg", (80, 60)),
        (body["images"][0]["redacted_url"], "image/jpeg", (80, 60)),
        (body["images"][1]["redacted_url"], "image/png", (40, 30)),
    ):
        got = client.get(link, headers=h)
        assert got.status_code == 200
        assert got.headers["content-type"] == media
        assert got.headers["cache-control"] == "no-store"
        assert Image.open(io.BytesIO(got.content)).size == size
    missing = client.get(f"/v1/screenings/{post_id}/images/2/annotated", headers=h)
    assert missing.status_code == 404


def test_uploaded_names_lose_their_folders(client: TestClient, keys: Keys) -> None:
    photos = [("photos", ("../../etc/passwd.jpg", jpeg_bytes(), "image/jpeg"))]
    body = client.post(
        "/v1/screenings", data={"text": "x"}, files=photos, headers=keys.headers("officer")
    ).json()
    assert body["images"][0]["name"] == "passwd.jpg"


def test_decision_log_and_request_log_hold_ids_and_kinds_but_never_text(
    client: TestClient, keys: Keys, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = client.post("/v1/screenings", data={"text": MARKER}, headers=keys.headers("officer"))
    post_id = response.json()["post_id"]
    logged = services.decisions.get(post_id)
    assert logged is not None
    assert (logged.action, logged.channel) == ("hold", "instagram")
    assert [(f.id, f.kind, f.severity) for f in logged.findings] == [
        (f["id"], f["kind"], f["severity"]) for f in response.json()["findings"]
    ]
    assert ("pii.phone", "hold") in {(f.kind, f.severity) for f in logged.findings}
    # Nothing anywhere in the database or the logs contains the text or a part of it.
    assert services.engine is not None
    with services.engine.connect() as conn:
        for table in ("decision_log", "overrides", "api_keys"):
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                assert "Oosterbroek" not in repr(row) and "12345678" not in repr(row)
    records = [r for r in caplog.records if r.name.startswith(("api", "screening"))]
    assert records
    for record in records:
        assert "Oosterbroek" not in record.getMessage()
        assert "Oosterbroek" not in repr(record.__dict__)
    request_lines = [r for r in records if r.name == "api.requests" and post_id in r.getMessage()]
    assert len(request_lines) == 1
    assert "POST /v1/screenings 200" in request_lines[0].getMessage()
    kinds = ",".join(sorted({f.kind for f in logged.findings}))
    assert f"kinds={kinds}" in request_lines[0].getMessage()


def test_the_request_log_shows_route_templates_not_queries(
    client: TestClient, keys: Keys, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="api.requests")
    client.get("/v1/people", params={"q": "Oosterbroek"}, headers=keys.headers("officer"))
    client.get("/v1/people/Oosterbroek-42", headers=keys.headers("officer"))
    lines = [r.getMessage() for r in caplog.records if r.name == "api.requests"]
    assert any(line.startswith("GET /v1/people 200") for line in lines)
    assert any(line.startswith("GET /v1/people/{person_id} 404") for line in lines)
    assert not any("Oosterbroek" in line for line in lines)


def test_drafts_leave_nothing_on_disk_without_retention(
    client: TestClient, keys: Keys, services: Services
) -> None:
    before = sorted(p.name for p in services.settings.data_dir.rglob("*"))
    client.post(
        "/v1/screenings",
        data={"text": MARKER},
        files=[("photos", ("big.jpg", jpeg_bytes((1500, 1200)), "image/jpeg"))],
        headers=keys.headers("officer"),
    )
    after = sorted(p.name for p in services.settings.data_dir.rglob("*"))
    assert after == before
    assert all(p.startswith(("registry.sqlite3", "template.key")) for p in after)


def test_only_the_key_that_screened_a_draft_sees_its_photos(
    client: TestClient, keys: Keys, services: Services
) -> None:
    body = client.post(
        "/v1/screenings",
        data={"text": "Schoolreis"},
        files=[("photos", ("bus.jpg", jpeg_bytes(), "image/jpeg"))],
        headers=keys.headers("officer"),
    ).json()
    link = body["images"][0]["redacted_url"]
    assert client.get(link, headers=keys.headers("officer")).status_code == 200
    _, colleague = services.keys.create("collega", [Role.OFFICER])
    other = client.get(link, headers={"Authorization": f"Bearer {colleague}"})
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "E604"


def test_screening_answers_even_when_the_decision_log_is_down(
    client: TestClient, keys: Keys, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*_args: object) -> None:
        raise RegistryUnavailableError("database is locked", "database is bezet")

    monkeypatch.setattr(services.decisions, "record", down)
    response = client.post(
        "/v1/precheck", json={"text": "Bel 06-12345678"}, headers=keys.headers("officer")
    )
    assert response.status_code == 200
    assert response.json()["action"] == "hold"
    monkeypatch.undo()
    override = client.post(
        "/v1/overrides",
        json={
            "post_id": response.json()["post_id"],
            "finding_ids": ["f1"],
            "reason": "Het nummer van de school",
        },
        headers=keys.headers("officer"),
    )
    assert override.status_code == 404  # it was never logged, so it cannot be overridden
