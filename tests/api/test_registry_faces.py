"""Faces through the service: enrolment with consent, screening, annotated and redacted photos.

Built once for the module: the full pipeline with the face models on its own registry.
scikit-image's astronaut photo plays the pupil.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.app import create_app
from api.services import Services, build_services
from consent_store.school_year import SchoolYear
from tests.api.conftest import Keys, api_settings, astronaut_jpeg, jpeg_bytes, make_keys


@pytest.fixture(scope="module")
def face_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    built = build_services(api_settings(tmp_path_factory.mktemp("faces")), faces=True)
    yield built
    built.close()


@pytest.fixture(scope="module")
def face_keys(face_services: Services) -> Keys:
    return make_keys(face_services)


@pytest.fixture(scope="module")
def fc(face_services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=face_services), raise_server_exceptions=False) as c:
        yield c


def _year() -> str:
    from datetime import date

    return str(SchoolYear.of(date.today()))


def _consent(c: TestClient, keys: Keys, person: str, purpose: str, decision: str) -> None:
    body: dict[str, Any] = {"decision": decision, "purpose": purpose, "evidence": "formulier"}
    if decision != "withdrawn":
        body |= {"given_by": "parent", "school_year": _year()}
    response = c.post(
        f"/v1/people/{person}/consents", json=body, headers=keys.headers("registry_admin")
    )
    assert response.status_code == 201, response.text


def _screen(c: TestClient, keys: Keys, photo: bytes) -> dict[str, Any]:
    response = c.post(
        "/v1/screenings",
        data={"text": "Ruimtevaartdag op school", "channel": "instagram"},
        files=[("photos", ("astronaut.jpg", photo, "image/jpeg"))],
        headers=keys.headers("officer"),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def enrolled(fc: TestClient, face_keys: Keys) -> str:
    """Person A1, with consent for face matching (not for social media) and one template."""
    admin = face_keys.headers("registry_admin")
    person = {"id": "A1", "name": "Eileen Collins", "role": "pupil", "birth_date": "2013-05-05"}
    assert fc.post("/v1/people", json=person, headers=admin).status_code == 201
    _consent(fc, face_keys, "A1", "biometric_matching", "granted")
    response = fc.post(
        "/v1/people/A1/faces",
        files=[("photo", ("pasfoto.jpg", astronaut_jpeg(), "image/jpeg"))],
        headers=admin,
    )
    assert response.status_code == 201, response.text
    return "A1"


def test_enrolment_stores_a_template_that_no_route_returns(
    fc: TestClient, face_keys: Keys, enrolled: str
) -> None:
    person = fc.get(f"/v1/people/{enrolled}", headers=face_keys.headers("registry_admin"))
    templates = person.json()["face_templates"]
    assert len(templates) == 1
    assert set(templates[0]) == {"model_id", "source_sha256", "created_at"}
    assert templates[0]["model_id"] == "dlib_face_recognition_resnet_model_v1"
    # Nothing that looks like a vector or its ciphertext leaves the server.
    for word in ("vector", "nonce", "ciphertext", 'template":'):
        assert word not in person.text


def test_enrolment_needs_consent_for_face_matching(fc: TestClient, face_keys: Keys) -> None:
    admin = face_keys.headers("registry_admin")
    person = {"id": "B1", "name": "Sally Ride", "role": "pupil", "birth_date": "2013-06-06"}
    assert fc.post("/v1/people", json=person, headers=admin).status_code == 201
    response = fc.post(
        "/v1/people/B1/faces",
        files=[("photo", ("p.jpg", astronaut_jpeg(), "image/jpeg"))],
        headers=admin,
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "E220"
    assert fc.get("/v1/people/B1", headers=admin).json()["face_templates"] == []


@pytest.mark.parametrize(
    ("photo", "status", "code"),
    [
        (jpeg_bytes((200, 200)), 422, "E230"),  # no face at all
        (b"%PDF-1.4 not a photo", 422, "E230"),
        (b"", 422, "E230"),
    ],
)
def test_enrolment_refuses_photos_without_exactly_one_face(
    fc: TestClient, face_keys: Keys, enrolled: str, photo: bytes, status: int, code: str
) -> None:
    admin = face_keys.headers("registry_admin")
    response = fc.post(
        f"/v1/people/{enrolled}/faces",
        files=[("photo", ("p.jpg", photo, "image/jpeg"))],
        headers=admin,
    )
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert len(fc.get(f"/v1/people/{enrolled}", headers=admin).json()["face_templates"]) == 1


def test_enrolling_an_unknown_person_is_404(fc: TestClient, face_keys: Keys) -> None:
    response = fc.post(
        "/v1/people/nobody/faces",
        files=[("photo", ("p.jpg", astronaut_jpeg(), "image/jpeg"))],
        headers=face_keys.headers("registry_admin"),
    )
    assert response.status_code == 404


def _box_difference(original: bytes, other: bytes, box: dict[str, int]) -> tuple[float, float]:
    a = np.asarray(Image.open(io.BytesIO(original)).convert("RGB"), dtype=np.float32)
    b = np.asarray(Image.open(io.BytesIO(other)).convert("RGB"), dtype=np.float32)
    assert a.shape == b.shape
    inside = np.zeros(a.shape[:2], dtype=bool)
    inside[box["top"] : box["bottom"], box["left"] : box["right"]] = True
    diff = np.abs(a - b).mean(axis=2)
    return float(diff[inside].mean()), float(diff[~inside].mean())


def test_a_face_without_consent_holds_then_publishes_once_consent_is_recorded(
    fc: TestClient, face_keys: Keys, enrolled: str
) -> None:
    photo = astronaut_jpeg()
    held = _screen(fc, face_keys, photo)
    faces = [f for f in held["findings"] if f["kind"].startswith("face.")]
    assert held["action"] == "hold"
    assert [(f["kind"], f["person_id"]) for f in faces] == [("face.no_consent", enrolled)]
    assert held["redacted_publishable"] is True
    officer = face_keys.headers("officer")
    annotated = fc.get(held["images"][0]["annotated_url"], headers=officer).content
    redacted = fc.get(held["images"][0]["redacted_url"], headers=officer).content
    inside, outside = _box_difference(photo, redacted, faces[0]["box"])
    assert inside > 20 > outside  # the face is blurred; the rest is the photo as it was
    inside, outside = _box_difference(photo, annotated, faces[0]["box"])
    assert inside < 20 and outside < 20  # boxed and labelled, not blurred

    _consent(fc, face_keys, enrolled, "social_media", "granted")
    published = _screen(fc, face_keys, photo)
    assert published["action"] == "publish"
    assert [f["kind"] for f in published["findings"] if f["kind"].startswith("face.")] == [
        "face.consented"
    ]
    redacted = fc.get(published["images"][0]["redacted_url"], headers=officer).content
    assert _box_difference(photo, redacted, faces[0]["box"])[0] < 20  # consented: visible

    _consent(fc, face_keys, enrolled, "social_media", "withdrawn")
    assert _screen(fc, face_keys, photo)["action"] == "hold"


def test_the_precheck_sees_faces_in_small_photos(
    fc: TestClient, face_keys: Keys, enrolled: str
) -> None:
    small = astronaut_jpeg(scale=0.75)
    response = fc.post(
        "/v1/precheck",
        json={
            "text": "Ruimtevaartdag",
            "images": [{"name": "a.jpg", "data": base64.b64encode(small).decode()}],
        },
        headers=face_keys.headers("extension"),
    )
    assert response.status_code == 200, response.text
    faces = [f for f in response.json()["findings"] if f["kind"].startswith("face.")]
    assert [f["person_id"] for f in faces] == [enrolled]
    assert "images" not in response.json()
