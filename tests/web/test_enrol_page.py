"""Enrolling a face on the person page, with the face models: consent first, one clear face."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import Role
from api.services import Services, build_services
from consent_store.purposes import Purpose
from consent_store.records import GivenBy, PersonInfo
from consent_store.records import Role as PersonRole
from consent_store.school_year import SchoolYear
from tests.web.conftest import astronaut_jpeg, jpeg, sign_in, web_settings


@pytest.fixture(scope="module")
def face_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    built = build_services(web_settings(tmp_path_factory.mktemp("enrol")), faces=True)
    built.registry.add_person(
        PersonInfo("E1", "Eileen Collins", PersonRole.PUPIL, date(2013, 5, 5)), recorded_by="t"
    )
    yield built
    built.close()


@pytest.fixture
def admin(face_services: Services) -> Iterator[tuple[TestClient, str]]:
    raw = face_services.keys.create("beheer", [Role.REGISTRY_ADMIN])[1]
    with TestClient(create_app(services=face_services), raise_server_exceptions=False) as c:
        yield c, sign_in(c, raw)


def enrol(client: TestClient, csrf: str, *photos: tuple[str, bytes]) -> tuple[int, str]:
    response = client.post(
        "/registry/people/E1/faces",
        data={"csrf_token": csrf},
        files=[("photo", (name, data, "image/jpeg")) for name, data in photos],
    )
    return response.status_code, response.text


def test_enrolment_needs_consent_and_one_clear_face(
    admin: tuple[TestClient, str], face_services: Services
) -> None:
    client, csrf = admin
    status, page = enrol(client, csrf, ("pasfoto.jpg", astronaut_jpeg()))
    assert status == 422 and "gezichtsherkenning" in page  # no consent for face matching yet
    assert face_services.registry.templates_of("E1") == []

    year = SchoolYear.of(date.today())
    face_services.registry.grant(
        "E1", Purpose.BIOMETRIC_MATCHING, year, GivenBy.PARENT, "formulier", on=year.first_day
    )
    status, page = enrol(client, csrf, ("leeg.jpg", jpeg((200, 200))))
    assert status == 422 and "precies één gezicht" in page
    # All or nothing: one good and one bad photo store nothing.
    status, page = enrol(
        client, csrf, ("pasfoto.jpg", astronaut_jpeg()), ("leeg.jpg", jpeg((200, 200)))
    )
    assert status == 422 and "leeg.jpg" in page
    assert face_services.registry.templates_of("E1") == []

    done = client.post(
        "/registry/people/E1/faces",
        data={"csrf_token": csrf},
        files=[("photo", ("pasfoto.jpg", astronaut_jpeg(), "image/jpeg"))],
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/registry/people/E1#gezicht"
    page = client.get(done.headers["location"]).text
    assert page.count("1 gezicht(en) ingeschreven.") == 2  # the message and the count
    again = client.get(done.headers["location"]).text
    assert again.count("1 gezicht(en) ingeschreven.") == 1  # the message is shown once
    assert len(face_services.registry.templates_of("E1")) == 1
