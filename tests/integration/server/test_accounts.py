"""Signing in: cookies, CSRF, API tokens, language and direction (throttling:
test_login_throttle.py)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pharos.coordinate.demo import DEMO_PASSWORD
from pharos.web.testing import PharosClient, make_app, signed_in_client

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _login_form(client: TestClient) -> str:
    m = CSRF.search(client.get("/login").text)
    assert m
    return m.group(1)


def test_pages_need_a_session(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    r = client.get("/")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert client.get("/api/v1/me").status_code == 401


def test_sign_in_sets_a_safe_cookie_and_shows_the_user(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    token = _login_form(client)
    r = client.post(
        "/login", data={"username": "it.labour", "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "pharos_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    me = client.get("/api/v1/me").json()
    assert (
        me["username"] == "it.labour" and me["state"] == "ITA" and me["kind"] == "labour_inspector"
    )


def test_secure_flag_when_configured(engine: Engine) -> None:
    app = make_app(engine.url.render_as_string(hide_password=False), secure_cookies=True)
    client = TestClient(app, follow_redirects=False)
    token = _login_form(client)
    r = client.post(
        "/login", data={"username": "it.ngo", "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert "secure" in r.headers["set-cookie"].lower()


def test_login_without_csrf_token_is_refused(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    client.get("/login")
    r = client.post("/login", data={"username": "it.labour", "password": DEMO_PASSWORD})
    assert r.status_code == 403


def test_unsafe_request_without_csrf_changes_nothing(app: FastAPI) -> None:
    client = signed_in_client(app, "it.social")
    token = client.csrf_token
    client.csrf_token = ""
    r = client.post("/account/tokens", data={"name": "x"})
    assert r.status_code == 403
    r = client.post("/account/tokens", data={"name": "x", "csrf_token": "forged"})
    assert r.status_code == 403
    client.csrf_token = token
    assert "ph_" not in client.get("/account").text


def test_api_token_works_without_csrf_but_not_without_permission(app: FastAPI) -> None:
    client = signed_in_client(app, "es.police")
    page = client.post("/account/tokens", data={"name": "sync"})
    token = re.search(r"(ph_[A-Za-z0-9_\-]+)", page.text)
    assert token
    script = TestClient(app)
    headers = {"Authorization": f"Bearer {token.group(1)}"}
    assert script.get("/api/v1/me", headers=headers).json()["username"] == "es.police"
    assert script.get("/api/v1/me", headers={"Authorization": "Bearer ph_nope"}).status_code == 401
    client.post("/account/tokens/revoke")
    assert script.get("/api/v1/me", headers=headers).status_code == 401


def test_language_from_browser_cookie_and_arabic_is_right_to_left(app: FastAPI) -> None:
    client = signed_in_client(app, "eg.police")
    page = client.get("/", headers={"Accept-Language": "ar-EG,ar;q=0.9,en;q=0.5"})
    assert 'lang="ar" dir="rtl"' in page.text
    page = client.get("/?lang=fr")
    assert 'lang="fr" dir="ltr"' in page.text
    assert client.cookies.get("pharos_lang") == "fr"
    assert 'lang="fr"' in client.get("/", headers={"Accept-Language": "ar"}).text


def test_client_of_another_area_can_sign_in(app: FastAPI) -> None:
    client = signed_in_client(app, "admin")
    assert isinstance(client, PharosClient)
    assert client.get("/api/v1/me").json()["is_admin"] is True
