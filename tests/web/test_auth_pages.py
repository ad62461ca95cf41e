"""Signing in and out, CSRF on every form, the language switch, and who may see which page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from tests.web.conftest import csrf_of, sign_in


def test_pages_redirect_to_sign_in_and_back(
    app_client: TestClient, raw_keys: dict[str, str]
) -> None:
    response = app_client.get("/registry", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fregistry"
    login = app_client.get(response.headers["location"])
    assert 'name="next" value="/registry"' in login.text
    assert 'type="password" id="api_key"' in login.text and '<label for="api_key">' in login.text
    done = app_client.post(
        "/login",
        data={"csrf_token": csrf_of(login.text), "api_key": raw_keys["staff"], "next": "/registry"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/registry"
    cookie = done.headers["set-cookie"]
    assert "screening_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    # The raw key never goes into a cookie.
    assert raw_keys["staff"] not in cookie
    assert app_client.get("/registry").status_code == 200


@pytest.mark.parametrize(
    ("key", "status", "message"),
    [
        ("", 422, "Plak eerst een API-sleutel."),
        ("sps_000000000000_" + "x" * 43, 401, "onbekend of ingetrokken"),
        ("not a key at all", 401, "onbekend of ingetrokken"),
        ("x" * 5000, 401, "onbekend of ingetrokken"),
    ],
)
def test_bad_keys_are_refused_with_a_clear_message(
    app_client: TestClient, key: str, status: int, message: str
) -> None:
    login = app_client.get("/login")
    response = app_client.post(
        "/login", data={"csrf_token": csrf_of(login.text), "api_key": key}, follow_redirects=False
    )
    assert response.status_code == status
    assert message in response.text
    assert "screening_session" not in response.headers.get("set-cookie", "")


def test_extension_key_may_not_use_the_pages(
    app_client: TestClient, raw_keys: dict[str, str]
) -> None:
    login = app_client.get("/login")
    response = app_client.post(
        "/login", data={"csrf_token": csrf_of(login.text), "api_key": raw_keys["extension"]}
    )
    assert response.status_code == 403
    assert "niet voor de webpagina bedoeld" in response.text


@pytest.mark.parametrize("token", ["", "forged-token"])
def test_login_without_its_csrf_token_is_refused(
    app_client: TestClient, raw_keys: dict[str, str], token: str
) -> None:
    app_client.get("/login")  # sets the login CSRF cookie
    response = app_client.post(
        "/login", data={"csrf_token": token, "api_key": raw_keys["staff"]}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "screening_session" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/registry", "/registry"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_sign_in_only_returns_to_pages_of_this_site(
    app_client: TestClient, raw_keys: dict[str, str], next_url: str, expected: str
) -> None:
    login = app_client.get("/login")
    response = app_client.post(
        "/login",
        data={"csrf_token": csrf_of(login.text), "api_key": raw_keys["staff"], "next": next_url},
        follow_redirects=False,
    )
    assert response.headers["location"] == expected


def test_logout_needs_the_csrf_token_and_ends_the_session(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    csrf = signed_in("staff")
    session = app_client.cookies.get("screening_session")
    refused = app_client.post("/logout", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    assert app_client.get("/registry").status_code == 200  # still signed in
    done = app_client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/login?msg=logged_out"
    assert "U bent uitgelogd." in app_client.get("/login?msg=logged_out").text
    # Replaying the old cookie does not work: the session is gone on the server.
    app_client.cookies.set("screening_session", session or "")
    assert app_client.get("/registry", follow_redirects=False).status_code == 303


def test_a_revoked_key_ends_its_sessions(
    app_client: TestClient, web_services: Services, signed_in: Callable[[str], str]
) -> None:
    from api.auth import Role

    key, raw = web_services.keys.create("tijdelijk", [Role.OFFICER])
    sign_in(app_client, raw)
    assert app_client.get("/").status_code == 200
    web_services.keys.revoke(key.id)
    assert app_client.get("/", follow_redirects=False).status_code == 303


def test_language_switch_keeps_the_page_and_is_remembered(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    signed_in("staff")
    page = app_client.get("/registry?q=zz")
    assert '<html lang="nl">' in page.text
    assert 'href="/lang/en?next=/registry%3Fq%3Dzz"' in page.text
    switched = app_client.get("/lang/en?next=/registry%3Fq%3Dzz", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/registry?q=zz"
    english = app_client.get("/registry?q=zz")
    assert '<html lang="en">' in english.text and "Consent registry" in english.text
    assert "Nobody found for “zz”." in english.text
    back = app_client.get("/lang/nl?next=//evil.example", follow_redirects=False)
    assert back.headers["location"] == "/"
    assert app_client.get("/lang/de").status_code == 404


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("officer", "/", 200),
        ("officer", "/registry", 200),
        ("officer", "/registry/import", 403),
        ("registry_admin", "/registry/import", 200),
        ("auditor", "/registry", 200),
        ("auditor", "/registry/import", 403),
    ],
)
def test_roles_decide_which_pages_open(
    app_client: TestClient, signed_in: Callable[[str], str], who: str, path: str, status: int
) -> None:
    signed_in(who)
    response = app_client.get(path)
    assert response.status_code == status
    if status == 403:
        assert "geen rechten" in response.text and "registerbeheerder" in response.text


def test_registry_only_users_land_on_the_registry(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    signed_in("registry_admin")
    response = app_client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/registry"


def test_pages_are_not_cached_and_load_nothing_from_elsewhere(
    app_client: TestClient, signed_in: Callable[[str], str]
) -> None:
    signed_in("staff")
    for path in ("/", "/registry", "/registry/import", "/login?msg=expired"):
        response = app_client.get(path)
        assert response.headers["cache-control"] == "no-store"
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert "http://" not in response.text and "https://" not in response.text
    css = app_client.get("/static/style.css")
    assert css.status_code == 200 and ":focus-visible" in css.text
    assert app_client.get("/static/app.js").status_code == 200
