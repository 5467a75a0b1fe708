"""Simulation runs from /analysis (issue 15, item 7): an analyst starts a bundled scenario with
interventions in the background, follows its progress, reads the report ``pharos simulate``
writes (the same files, byte for byte, as the command line with the same scenario,
interventions and seed), cancels or deletes their own runs; bad input is refused with its
field named; a server restart leaves no run 'running'; who may use each route, for every kind
of user."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from pharos.cli import app as cli
from pharos.coordinate.demo import SHORT
from pharos.store.models import SimulationRun, User
from pharos.store.uow import UnitOfWork
from pharos.web import simulations
from pharos.web.routes.analysis import REPORT_CSP
from pharos.web.testing import (
    PharosClient,
    app_routes,
    database_url,
    fresh_database,
    make_app,
    signed_in_client,
)

OVERLAY = "labour-inspector-indicator-training"
FUTURE = datetime(2100, 1, 1, tzinfo=UTC)
OTHER = "shelter-beds-malta-greece"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data = tmp_path_factory.mktemp("data")
    url = database_url(request.param, tmp_path_factory.mktemp("db"))
    engine = fresh_database(url)
    application = make_app(url, data_dir=data)
    yield application
    application.state.simulations.stop()
    engine.dispose()


def _data(app: FastAPI) -> Path:
    return Path(app.state.settings.data_dir)


def _wait(
    client: PharosClient, run_id: int, until: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        s = client.get(f"/analysis/simulations/{run_id}/status").json()
        if until(s):
            return s
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} never got there: {s}")


def _start(client: PharosClient, **form: Any) -> int:
    data = {"scenario": "mediterranean-baseline", "runs": "2", "seed": "7", **form}
    r = client.post("/analysis/simulations", data=data)
    assert r.status_code == 303, r.text[:2000]
    return int(r.headers["location"].rsplit("/", 1)[1])


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_run_from_the_page_is_the_cli_run_byte_for_byte(app: FastAPI, tmp_path: Path) -> None:
    client = signed_in_client(app, "it.coordinator")
    page = client.get("/analysis").text
    assert 'action="/analysis/simulations"' in page and OVERLAY in page
    assert 'name="csrf_token" value=""' not in page  # the form carries the session's token
    costs = f"{OVERLAY}: 250000\r\n{OTHER}: 90000\r\n"  # as a browser sends a textarea
    run_id = _start(
        client, intervention=OVERLAY, combinations=f"{OVERLAY} + {OTHER}", costs=costs,
        currency="EUR",
    )  # fmt: skip
    seen = []
    final = _wait(
        client, run_id, lambda s: seen.append(s) or s["status"] not in simulations.UNFINISHED
    )
    assert final["status"] == "done", final
    assert final["done"] == final["total"] == 2 * 3 and final["percent"] == 100
    assert final["report"] == f"/analysis/simulations/{run_id}/report.html"
    # progress was shown on the way (the JSON the page polls)
    assert any(s["status"] in ("queued", "running") for s in seen)
    out = tmp_path / "cli"
    (tmp_path / "costs.yaml").write_text(costs.replace("\r\n", "\n"), encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["simulate", "mediterranean-baseline", "-o", OVERLAY, "-o", f"{OVERLAY}+{OTHER}",
         "--runs", "2", "--seed", "7", "--out", str(out),
         "--costs", str(tmp_path / "costs.yaml"), "--currency", "EUR"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    web = _files(simulations.folder_of(_data(app), run_id))
    ours = _files(out)
    assert sorted(web) == sorted(ours)
    assert f"{OVERLAY}+{OTHER}/summary.csv" in web and "differences.csv" in web
    different = [name for name in ours if ours[name] != web[name]]
    assert different == []
    # the run is listed with who started it, its parameters and its state
    listing = client.get("/analysis").text
    assert f'href="/analysis/simulations/{run_id}"' in listing and "it.coordinator" in listing
    run_page = client.get(f"/analysis/simulations/{run_id}").text
    assert f"pharos simulate mediterranean-baseline -o {OVERLAY} -o {OVERLAY}+{OTHER}" in run_page
    assert "--runs 2 --seed 7 --costs costs.yaml --currency EUR" in run_page
    assert f"{OTHER}: 90000" in run_page  # the costs, to save as costs.yaml
    report = client.get(f"/analysis/simulations/{run_id}/report.html")
    assert report.status_code == 200
    assert report.headers["content-security-policy"] == REPORT_CSP
    assert (
        '<script src="plotly.min.js">' not in report.text
    )  # put inline: the sandbox has no cookie
    assert "plotly-graph-div" in report.text and f"{OVERLAY}+{OTHER}" in report.text
    # the costs reached the report: the combination costs the sum of its parts
    assert "Cost per extra victim protected" in report.text and "340,000" in report.text
    assert 'id="series-protected"' in report.text
    # another analyst reads it, may neither cancel nor delete it
    iom = signed_in_client(app, "iom")
    assert iom.get(f"/analysis/simulations/{run_id}/report.html").status_code == 200
    assert iom.post(f"/analysis/simulations/{run_id}/delete").status_code == 403
    assert simulations.folder_of(_data(app), run_id).is_dir()
    # the owner deletes it: the row and the files
    assert client.post(f"/analysis/simulations/{run_id}/delete").status_code == 303
    assert client.get(f"/analysis/simulations/{run_id}").status_code == 404
    assert not simulations.folder_of(_data(app), run_id).exists()


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        ({"intervention": "no-such-overlay"}, "intervention", "not a bundled intervention"),
        ({"combinations": f"{OVERLAY}+typo"}, "combinations", "typo: not a bundled"),
        ({"runs": "0"}, "runs", "between 1 and 200"),
        ({"runs": "201"}, "runs", "between 1 and 200"),
        ({"runs": "ten"}, "runs", "whole number"),
        ({"seed": "-1"}, "seed", "between 0 and"),
        ({"scenario": "/etc/passwd"}, "scenario", "not a bundled scenario"),
        ({"scenario": "../bundled/mediterranean-baseline"}, "scenario", "not a bundled scenario"),
        (
            {"intervention": OVERLAY, "costs": f"{OVERLAY}: 10\n{OTHER}: 5"},
            "costs",
            f"Costs:2: field costs.{OTHER}: not an intervention of this run",
        ),
        (
            {"intervention": OVERLAY, "costs": f"{OVERLAY}: -10"},
            "costs",
            f"Costs:1: field costs.{OVERLAY}: must be zero or more",
        ),
        (
            {"intervention": OVERLAY, "costs": f"{OVERLAY}: ten"},
            "costs",
            f"Costs:1: field costs.{OVERLAY}: must be a number",
        ),
        (
            {"intervention": OVERLAY, "costs": f"{OVERLAY}: 10", "currency": "euros of 2024"},
            "currency",
            "a short name such as EUR",
        ),
    ],
)
def test_bad_input_is_refused_with_its_field(
    app: FastAPI, form: dict[str, str], field: str, words: str
) -> None:
    client = signed_in_client(app, "it.coordinator")
    before = client.get("/analysis").text.count("/analysis/simulations/")
    data = {"scenario": "mediterranean-baseline", "runs": "2", "seed": "1", **form}
    r = client.post("/analysis/simulations", data=data)
    assert r.status_code == 422
    # the fault is shown next to its field, by the field's name
    error = r.text.split(f'<p class="error" id="{field}-error">', 1)
    assert len(error) == 2, r.text[:3000]
    assert words in error[1].split("</p>", 1)[0]
    assert client.get("/analysis").text.count("/analysis/simulations/") == before  # nothing stored


def test_cancel_a_running_run(app: FastAPI) -> None:
    client = signed_in_client(app, "eg.coordinator")
    run_id = _start(client, runs="200", intervention=OVERLAY)
    _wait(client, run_id, lambda s: s["status"] == "running")
    time.sleep(3)  # its process started and works
    other = signed_in_client(app, "it.coordinator")
    assert other.post(f"/analysis/simulations/{run_id}/cancel").status_code == 403
    assert client.post(f"/analysis/simulations/{run_id}/cancel").status_code == 303
    final = _wait(client, run_id, lambda s: s["status"] not in simulations.UNFINISHED)
    assert final["status"] == "cancelled" and final["report"] is None
    assert final["done"] < final["total"] == 400
    assert not simulations.folder_of(_data(app), run_id).exists()
    parent = simulations.folder_of(_data(app), run_id).parent
    assert not list(parent.glob(f".{run_id}.tmp-*"))
    assert client.post(f"/analysis/simulations/{run_id}/delete").status_code == 303


def _stored(app: FastAPI, status: str, user_id: int = 1, heartbeat: datetime | None = None) -> int:
    with UnitOfWork(app.state.sessions) as work:
        row = SimulationRun(scenario="mediterranean-baseline", interventions="", runs=1, seed=1,
                            lang="en", status=status, done=0, total=1, error="",
                            created_by=user_id, heartbeat_at=heartbeat)  # fmt: skip
        work.session.add(row)
        work.session.flush()
        run_id = row.id
        work.commit()
    return run_id


def _status_of(app: FastAPI, run_id: int) -> str:
    with UnitOfWork(app.state.sessions) as work:
        row = work.session.get(SimulationRun, run_id)
        assert row is not None
        return row.status


def test_a_restart_leaves_no_run_running(app: FastAPI) -> None:
    # rows a server stopped in the middle of left behind, with a partial folder
    running, queued, done = (_stored(app, s) for s in ("running", "queued", "done"))
    partial = simulations.folder_of(_data(app), running)
    partial.mkdir(parents=True)
    (partial / "outcomes.csv").write_text("half")
    with TestClient(app):  # the server's start-up (its lifespan)
        pass
    assert _status_of(app, running) == "interrupted"
    assert _status_of(app, queued) == "interrupted"
    assert _status_of(app, done) == "done"
    assert not partial.exists()


def test_runs_another_live_process_holds_are_left_alone(app: FastAPI) -> None:
    # several pharos serve processes on one database: a worker that starts (or a list read)
    # marks only the runs whose process stopped beating, not those of a live process
    now = datetime.now(UTC)
    alive = _stored(app, "running", heartbeat=now)
    dead = _stored(app, "running", heartbeat=now - timedelta(seconds=simulations.STALE + 5))
    asked = _stored(app, "cancelling", heartbeat=now - timedelta(seconds=simulations.STALE + 5))
    with TestClient(app):
        pass
    assert _status_of(app, alive) == "running"
    assert _status_of(app, dead) == "interrupted"
    assert _status_of(app, asked) == "cancelled"
    with UnitOfWork(app.state.sessions) as work:
        row = work.session.get(SimulationRun, alive)
        assert row is not None
        row.heartbeat_at = now - timedelta(seconds=simulations.STALE + 5)
        work.commit()
    client = signed_in_client(app, "it.coordinator")
    status = client.get(f"/analysis/simulations/{alive}/status").json()
    assert status["status"] == "interrupted" and "interrupted" in status["label"]


def test_the_queue_is_bounded(app: FastAPI) -> None:
    # runs held by a live process (a fresh heartbeat) fill the queue; dead ones do not count
    now = datetime.now(UTC)
    _stored(app, "queued", heartbeat=now - timedelta(seconds=simulations.STALE + 5))
    waiting = [_stored(app, "queued", heartbeat=now) for _ in range(simulations.QUEUE_LIMIT)]
    client = signed_in_client(app, "it.coordinator")
    r = client.post("/analysis/simulations", data={"scenario": "mediterranean-baseline"})
    assert r.status_code == 429 and "already waiting or running" in r.text
    with UnitOfWork(app.state.sessions) as work:
        simulations.interrupt_stale(work.session, _data(app), FUTURE)
        work.commit()
    assert all(_status_of(app, w) == "interrupted" for w in waiting)


def test_french_page(app: FastAPI) -> None:
    client = signed_in_client(app, "it.coordinator")
    fr = client.get("/analysis", headers={"Accept-Language": "fr"}).text
    assert "Lancer la simulation" in fr and "Réplications" in fr


# --- Who may use each route: every kind of user of Italy and Egypt, IOM and the administrator.
# Written out from the rules (docs/analysis.md): analysts (national coordinators, international
# organisations, the administrator) read every run and start runs; only a run's owner
# (it.coordinator below) cancels or deletes it; everyone else is refused.

KINDS = list(SHORT.values())
USERS = [f"it.{k}" for k in KINDS] + [f"eg.{k}" for k in KINDS] + ["iom", "admin"]
ANALYSTS = {"it.coordinator", "eg.coordinator", "iom", "admin"}
OWNER = "it.coordinator"
OK = {200, 303, 422}
DENIED = {401, 403, 404}

# (method, path) -> (concrete path, form, rule); {run} is a run of OWNER's, {gone} another one
MATRIX: dict[tuple[str, str], tuple[str, dict[str, str] | None, Callable[[str], bool]]] = {
    ("GET", "/analysis"): ("/analysis", None, lambda u: u in ANALYSTS),
    # a start refused by validation (runs 0): allowed users get 422 and nothing runs
    ("POST", "/analysis/simulations"): (
        "/analysis/simulations",
        {"scenario": "mediterranean-baseline", "runs": "0"},
        lambda u: u in ANALYSTS,
    ),
    ("GET", "/analysis/simulations/{run_id}"): (
        "/analysis/simulations/{run}", None, lambda u: u in ANALYSTS),
    ("GET", "/analysis/simulations/{run_id}/status"): (
        "/analysis/simulations/{run}/status", None, lambda u: u in ANALYSTS),
    ("GET", "/analysis/simulations/{run_id}/report.html"): (
        "/analysis/simulations/{done}/report.html", None, lambda u: u in ANALYSTS),
    ("POST", "/analysis/simulations/{run_id}/cancel"): (
        "/analysis/simulations/{run}/cancel", {}, lambda u: u == OWNER),
    # deleting a run still queued is refused by state (422) for the owner, by permission for others
    ("POST", "/analysis/simulations/{run_id}/delete"): (
        "/analysis/simulations/{gone}/delete", {}, lambda u: u == OWNER),
}  # fmt: skip


def test_every_route_of_the_runs_is_in_the_matrix(app: FastAPI) -> None:
    routes = {
        (m, r.path)
        for r in app_routes(app)
        if isinstance(getattr(r, "original_route", r), APIRoute)
        and r.endpoint.__module__ == "pharos.web.routes.analysis_runs"
        for m in r.methods
    }
    assert len(routes) == 6
    assert routes <= set(MATRIX), sorted(routes - set(MATRIX))


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(MATRIX), ids=lambda k: f"{k[0]} {k[1]}")
def test_route_for_every_kind(app: FastAPI, key: tuple[str, str]) -> None:
    with UnitOfWork(app.state.sessions) as work:
        owner_id = work.session.scalars(select(User.id).where(User.username == OWNER)).one()
    ids = {"run": _stored(app, "queued", owner_id), "gone": _stored(app, "queued", owner_id)}
    ids["done"] = _stored(app, "done", owner_id)
    folder = simulations.folder_of(_data(app), ids["done"])
    folder.mkdir(parents=True)
    (folder / "report.html").write_text('<script src="plotly.min.js"></script>ok')
    (folder / "plotly.min.js").write_text("var plotly;")
    path, form, rule = MATRIX[key]
    path = path.format(**ids)
    wrong = []
    for user in USERS:
        client = signed_in_client(app, user)
        r = client.get(path) if key[0] == "GET" else client.post(path, data=form)
        expected = OK if rule(user) else DENIED
        if r.status_code not in expected:
            wrong.append(f"{user}: {r.status_code}")
    with UnitOfWork(app.state.sessions) as work:
        simulations.interrupt_stale(work.session, _data(app), FUTURE)
        work.commit()
    assert not wrong, f"{key}:\n" + "\n".join(wrong)
