"""Every learn route, walked with a user of each practitioner kind from Italy and from Egypt (plus
IOM and the administrator) and without signing in: who may read and change what.

The expectations are written out by hand from the rules (docs/learn.md, docs/security.md),
independently of ``pharos.coordinate.permissions``, so that a change in the grants that lets the
wrong person in fails here. Changes are attempted with input that passes the permission check
but fails validation or confirmation (an allowed user gets 422 and nothing changes, a refused one
403). A learn route missing from the table fails the test: every new route must say who may use
it (the server's own routes are walked in tests/integration/server/test_authorisation.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from pharos.coordinate.demo import SHORT
from pharos.learn.importing import import_file
from pharos.learn.store import Store
from pharos.store.db import make_engine, session_factory
from pharos.store.models.learn import ImprovementItem
from pharos.web.testing import (
    PharosClient,
    app_routes,
    database_url,
    fresh_database,
    make_app,
    signed_in_client,
)

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "learn"
KINDS = list(SHORT.values())
USERS = [f"it.{k}" for k in KINDS] + [f"eg.{k}" for k in KINDS] + ["iom", "admin"]
OK = {200, 201, 303, 422}
DENIED = {401, 403, 404}
LEARN_MODULES = {
    f"pharos.web.routes.{m}" for m in ("learn", "learn_datasets", "learn_export", "learn_lessons")
}


@dataclass
class World:
    dataset: str
    item_id: int
    export: str


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("learn-walk")
    url = database_url(request.param, folder)
    fresh_database(url).dispose()
    yield make_app(url, data_dir=folder / "data")


@pytest.fixture(scope="module")
def world(app: FastAPI) -> World:
    store = Store(Path(app.state.settings.learn_store))
    report = import_file(store, FIXTURES / "ctdc_global_quirks.csv")
    assert report.written and report.dataset
    labour = signed_in_client(app, "it.labour")
    added = labour.post(
        "/learn/plan", data={"title": "Walk", "owner": "Labour", "due_date": "2030-01-01"}
    )
    assert added.status_code == 303
    engine = make_engine(app.state.settings.database_url)
    with session_factory(engine)() as s:
        walk = select(ImprovementItem).where(ImprovementItem.title == "Walk")
        item = s.execute(walk).scalar_one()
    engine.dispose()
    export = _first_export(app)
    return World(report.dataset, item.id, export)


def _first_export(app: FastAPI) -> str:
    """A finished export of Italy's coordinator, whose file the download route serves."""
    coordinator = signed_in_client(app, "it.coordinator")
    r = coordinator.post("/learn/export", data={"k": "2", "max_loss": "100", "qi": ["gender"],
                                                "force": "true"})  # fmt: skip
    assert r.status_code == 303, r.text[:500]
    token = r.headers["location"].rsplit("/", 1)[1]
    job = app.state.export_jobs.wait(token)
    assert job is not None and job.stage == "done", job and job.error
    return token


@pytest.fixture(scope="module")
def clients(app: FastAPI, world: World) -> dict[str, PharosClient]:
    return {u: signed_in_client(app, u) for u in USERS}


def kind(user: str) -> str:
    return {"iom": "io", "admin": "admin"}.get(user) or user.split(".")[1]


Rule = Callable[[str], bool]
Fill = Callable[[World], tuple[str, dict[str, Any] | None]]
SIGNED_IN: Rule = lambda u: True  # noqa: E731
#: import, delete and export datasets: the national coordinators and the administrator
STEWARDS: Rule = lambda u: kind(u) in ("coordinator", "admin")  # noqa: E731
#: lessons and improvement items are practitioners' work; the administrator is no practitioner
PRACTITIONERS: Rule = lambda u: u != "admin"  # noqa: E731
#: an export's page, progress and file: the user who started it (not the other stewards)
EXPORTER: Rule = lambda u: u == "it.coordinator"  # noqa: E731
#: an improvement item: its agency (the Italian labour inspectorate) and Italy's coordinator
ITEM_HOLDERS: Rule = lambda u: u in ("it.labour", "it.coordinator")  # noqa: E731


def get(path: str) -> Fill:
    return lambda w: (path.format(**w.__dict__), None)


def form(path: str, data: dict[str, Any] | None = None) -> Fill:
    return lambda w: (path.format(**w.__dict__), data or {})


TABLE: dict[tuple[str, str], tuple[Fill, Rule]] = {
    ("GET", "/learn"): (get("/learn"), SIGNED_IN),
    ("GET", "/learn/data/{name}.csv"): (get("/learn/data/flows.csv"), SIGNED_IN),
    ("GET", "/learn/plotly.min.js"): (get("/learn/plotly.min.js"), SIGNED_IN),
    ("GET", "/learn/trends"): (get("/learn/trends"), SIGNED_IN),
    ("GET", "/learn/trends.csv"): (get("/learn/trends.csv"), SIGNED_IN),
    ("GET", "/learn/equity"): (get("/learn/equity"), SIGNED_IN),
    ("GET", "/learn/equity.csv"): (get("/learn/equity.csv"), SIGNED_IN),
    ("GET", "/learn/import"): (get("/learn/import"), STEWARDS),
    ("POST", "/learn/import"): (form("/learn/import"), STEWARDS),  # no file: 422
    ("GET", "/learn/datasets/{dataset_id}/delete"): (
        get("/learn/datasets/{dataset}/delete"),
        STEWARDS,
    ),
    # without the confirmation: 422, nothing deleted
    ("POST", "/learn/datasets/{dataset_id}/delete"): (
        form("/learn/datasets/{dataset}/delete"),
        STEWARDS,
    ),
    ("GET", "/learn/export"): (get("/learn/export"), STEWARDS),
    ("POST", "/learn/export"): (form("/learn/export", {"k": "1"}), STEWARDS),  # k < 2: 422
    ("GET", "/learn/export/{token}.csv"): (get("/learn/export/{export}.csv"), EXPORTER),
    ("GET", "/learn/export/jobs/{token}"): (get("/learn/export/jobs/{export}"), EXPORTER),
    ("GET", "/learn/export/jobs/{token}.json"): (get("/learn/export/jobs/{export}.json"), EXPORTER),
    ("GET", "/learn/lessons"): (get("/learn/lessons"), SIGNED_IN),
    ("POST", "/learn/lessons"): (form("/learn/lessons"), PRACTITIONERS),  # no title: 422
    ("POST", "/learn/plan"): (form("/learn/plan"), PRACTITIONERS),  # no title: 422
    ("POST", "/learn/plan/{item_id}"): (
        form("/learn/plan/{item_id}", {"status": "nonsense"}),
        ITEM_HOLDERS,
    ),
}
#: served to anyone, signed in or not: the plotting library (no data)
PUBLIC = {("GET", "/learn/plotly.min.js")}


def test_every_learn_route_is_in_the_table(app: FastAPI) -> None:
    routes = {
        (m, r.path)
        for r in app_routes(app)
        if isinstance(getattr(r, "original_route", r), APIRoute)
        and r.endpoint.__module__ in LEARN_MODULES
        for m in r.methods
    }
    assert len(routes) >= len(TABLE) - 2  # the walk sees the routes (FastAPI 0.16x hid them)
    missing = sorted(routes - set(TABLE))
    assert not missing, f"learn routes without an authorisation rule: {missing}"
    assert not sorted(set(TABLE) - routes), "rules for routes that no longer exist"


@pytest.mark.parametrize("key", sorted(TABLE), ids=lambda k: f"{k[0]} {k[1]}")
def test_route_for_every_kind(
    key: tuple[str, str], clients: dict[str, PharosClient], world: World, app: FastAPI
) -> None:
    fill, rule = TABLE[key]
    method = key[0]
    wrong: list[str] = []
    for user in USERS:
        path, data = fill(world)
        client = clients[user]
        r = client.get(path) if method == "GET" else client.post(path, data=data)
        expected = OK if rule(user) else DENIED
        if r.status_code not in expected:
            wanted = "allowed" if rule(user) else "refused"
            wrong.append(f"{user}: {r.status_code} (expected {wanted})")
    anonymous = TestClient(app, follow_redirects=False)
    path, data = fill(world)
    r = anonymous.get(path) if method == "GET" else anonymous.post(path, data=data)
    if key in PUBLIC:
        ok = r.status_code == 200
    else:
        ok = r.status_code in DENIED or (
            r.status_code == 303 and "/login" in r.headers.get("location", "")
        )
    if not ok:
        wrong.append(f"signed out: {r.status_code}")
    assert not wrong, f"{method} {key[1]}:\n" + "\n".join(wrong)


def test_refused_changes_left_nothing(
    clients: dict[str, PharosClient], world: World, app: FastAPI
) -> None:
    store = Store(Path(app.state.settings.learn_store))
    assert world.dataset in [m["id"] for m in store.datasets()]
    exports = list((Path(app.state.settings.learn_store) / "exports").glob("*.csv"))
    assert [p.stem for p in exports] == [world.export]
