"""The notification routes, walked with a user of each practitioner kind from Italy and from
Egypt, IOM and the administrator, and with nobody signed in: everyone reads and marks their own
notifications, nobody anyone else's (a notification of another user answers 404, as if it did
not exist). Written out by hand from the issue's rule ("per-user and only readable by their
owner"), independently of pharos.coordinate.permissions. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from pharos.coordinate.demo import SHORT
from pharos.web.testing import PharosClient, app_routes, signed_in_client

pytestmark = pytest.mark.slow

USERS = [f"it.{k}" for k in SHORT.values()] + [f"eg.{k}" for k in SHORT.values()]
USERS += ["iom", "admin"]
OWNER = "it.ngo"
OK = {200, 303, 422}
DENIED = {404}


@dataclass
class World:
    notification_id: int


@pytest.fixture(scope="module")
def world(app: FastAPI) -> World:
    labour = signed_in_client(app, "it.labour")
    r = labour.post("/cases", data={"title": "Walked notifications", "first_name": "Amina"})
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    labour.post(
        f"/cases/{case_id}/consent",
        data={"informed": "1", "consent_for_services": "1", "disclosure_other_orgs": "1"},
    )
    ngo_agency = labour.get("/api/v1/directory", params={"state": "ITA", "kind": "ngo"}).json()
    to = next(a["id"] for a in ngo_agency if a["kind"] == "ngo")
    r = labour.post(
        f"/api/v1/cases/{case_id}/referrals",
        json={"to_agency_id": to, "stage": 2, "reason": "additional_services_required"},
    )
    assert r.status_code == 201, r.text
    owner = signed_in_client(app, OWNER)
    items = owner.get("/api/v1/notifications").json()["items"]
    return World(items[0]["id"])


@pytest.fixture(scope="module")
def clients(app: FastAPI, world: World) -> dict[str, PharosClient]:
    return {u: signed_in_client(app, u) for u in USERS}


EVERY: Callable[[str], bool] = lambda u: True  # noqa: E731
ONLY_OWNER: Callable[[str], bool] = lambda u: u == OWNER  # noqa: E731
# (method, route path) -> (the path walked, who may)
TABLE: dict[tuple[str, str], tuple[str, Callable[[str], bool]]] = {
    ("GET", "/notifications"): ("/notifications", EVERY),
    ("GET", "/notifications/{notification_id}"): ("/notifications/{id}", ONLY_OWNER),
    ("POST", "/notifications/{notification_id}/read"): ("/notifications/{id}/read", ONLY_OWNER),
    ("POST", "/notifications/read-all"): ("/notifications/read-all", EVERY),
    ("GET", "/api/v1/notifications"): ("/api/v1/notifications", EVERY),
    ("GET", "/api/v1/notifications/{notification_id}"): (
        "/api/v1/notifications/{id}",
        ONLY_OWNER,
    ),
    ("POST", "/api/v1/notifications/{notification_id}/read"): (
        "/api/v1/notifications/{id}/read",
        ONLY_OWNER,
    ),
    ("POST", "/api/v1/notifications/all/read"): ("/api/v1/notifications/all/read", EVERY),
    # one's own address (an invalid one here: 422 for everyone signed in, nothing stored)
    ("POST", "/notifications/email"): ("/notifications/email", EVERY),
    ("POST", "/api/v1/me/email"): ("/api/v1/me/email", EVERY),
}
#: what the walk sends to the routes that take a body
BODIES: dict[str, dict[str, str]] = {"/notifications/email": {"email": "not an address"}}
JSON: dict[str, dict[str, str]] = {"/api/v1/me/email": {"email": "not an address"}}


def test_every_route_is_in_the_table(app: FastAPI) -> None:
    routes = {
        (m, r.path)
        for r in app_routes(app)
        if isinstance(getattr(r, "original_route", r), APIRoute)
        and r.endpoint.__module__ == "pharos.web.routes.notifications"
        for m in r.methods
    }
    assert len(routes) == len(TABLE)
    assert routes == set(TABLE)


@pytest.mark.parametrize("key", sorted(TABLE), ids=lambda k: f"{k[0]} {k[1]}")
def test_route_for_every_kind(
    key: tuple[str, str], clients: dict[str, PharosClient], world: World, app: FastAPI
) -> None:
    method, _route = key
    path, rule = TABLE[key]
    path = path.format(id=world.notification_id)
    wrong = []
    # the owner goes last: marking read first would not change who may
    for user in sorted(USERS, key=lambda u: u == OWNER):
        client = clients[user]
        if method == "GET":
            r = client.get(path)
        elif path in JSON:
            r = client.post(path, json=JSON[path])
        else:
            r = client.post(path, data=BODIES.get(path))
        expected = OK if rule(user) else DENIED
        if r.status_code not in expected:
            wrong.append(
                f"{user}: {r.status_code} (expected {'allowed' if rule(user) else 'refused'})"
            )
    nobody = TestClient(app, follow_redirects=False)
    r = nobody.get(path) if method == "GET" else nobody.post(path)
    if method == "POST":
        ok = r.status_code == 403  # no session: no CSRF token either, refused first
    elif path.startswith("/api/"):
        ok = r.status_code == 401
    else:
        ok = r.status_code == 303 and r.headers["location"].startswith("/login")
    if not ok:
        wrong.append(f"anonymous: {r.status_code}")
    assert not wrong, f"{method} {path}:\n" + "\n".join(wrong)


def test_nobody_else_marks_the_owners_notification_read(
    app: FastAPI, clients: dict[str, PharosClient]
) -> None:
    fresh = world.__wrapped__(app)  # type: ignore[attr-defined]  # another referral to the NGO
    owner = clients[OWNER]
    assert owner.get(f"/api/v1/notifications/{fresh.notification_id}").json()["read"] is False
    for user in USERS:
        if user == OWNER:
            continue
        assert clients[user].post("/api/v1/notifications/all/read").status_code == 200
        r = clients[user].post(f"/api/v1/notifications/{fresh.notification_id}/read")
        assert r.status_code == 404, user
        listed = clients[user].get("/api/v1/notifications").json()["items"]
        assert fresh.notification_id not in [n["id"] for n in listed], user
    assert owner.get(f"/api/v1/notifications/{fresh.notification_id}").json()["read"] is False
