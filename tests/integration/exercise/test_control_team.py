"""Issue 14, finding 3: an exercise has its own control team — its creator and the co-directors
they name. Other national coordinators see only what a player of their state would: they cannot
start or steer someone else's exercise, open a role player's page (a persona's hidden truth) or
the observers' view. The authorisation matrix of exercise control, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from pharos.web.testing import PharosClient, app_on, signed_in_client

CREATOR = "it.coordinator"
CO_DIRECTOR = "gr.coordinator"
#: Algeria plays no team in the bundled scenario; Spain does (its police and labour inspectorate)
NO_TEAM = "dz.coordinator"
SPECTATOR = "es.coordinator"
PLAYER = "it.labour"
USERS = [CREATOR, CO_DIRECTOR, NO_TEAM, SPECTATOR, PLAYER, "admin", "iom"]
#: a persona's hidden truth, shown on its role player's page only
HIDDEN = "Hany says they know where my brother lives"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    folder: Path = tmp_path_factory.mktemp("db")
    with app_on(request.param, folder) as app:
        yield app


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> dict[str, PharosClient]:
    return {u: signed_in_client(app, u) for u in USERS}


@pytest.fixture(scope="module")
def exercise(clients: dict[str, PharosClient]) -> str:
    director = clients[CREATOR]
    res = director.post("/exercises", data={})
    assert res.status_code == 303
    ex = str(res.headers["location"]).split("/")[2]
    named = director.post(
        f"/exercises/{ex}/control",
        data={"command": "assign", "username": CO_DIRECTOR, "role": "director"},
    )
    assert named.status_code == 303, named.text[:300]
    return ex


DIRECTORS = {CREATOR, CO_DIRECTOR}


def test_control_matrix(clients: dict[str, PharosClient], exercise: str) -> None:
    """Who may steer and see the inside of an exercise: its control team only. (Before, every
    national coordinator — and the administrator — could.)"""
    ex = exercise
    persona = "karim"  # a persona of the bundled scenario
    wrong = []
    for user in USERS:
        c = clients[user]
        directs = user in DIRECTORS
        checks = {
            f"GET /exercises/{ex}/control": c.get(f"/exercises/{ex}/control").status_code,
            f"GET /exercises/{ex}/role/{persona}": c.get(
                f"/exercises/{ex}/role/{persona}"
            ).status_code,
            f"GET /exercises/{ex}/observe": c.get(f"/exercises/{ex}/observe").status_code,
            f"GET /exercises/{ex}/report": c.get(f"/exercises/{ex}/report").status_code,
            # a note changes nothing in the world; refused ones store nothing
            f"POST /exercises/{ex}/control": c.post(
                f"/exercises/{ex}/control", data={"command": "note", "text": f"by {user}"}
            ).status_code,
            f"POST /api/v1/exercises/{ex}/control": c.post(
                f"/api/v1/exercises/{ex}/control", json={"command": "note", "text": "api"}
            ).status_code,
        }
        for what, code in checks.items():
            ok = code in (200, 201, 303)
            if ok != directs:
                wrong.append(f"{user}: {what} -> {code}")
    assert not wrong, "\n".join(wrong)
    # only the directors' notes reached the log
    page = clients[CREATOR].get(f"/exercises/{ex}/control").text
    assert f"by {CREATOR}" in page and f"by {CO_DIRECTOR}" in page
    assert all(f"by {u}" not in page for u in USERS if u not in DIRECTORS)


def test_another_coordinator_cannot_start_it(clients: dict[str, PharosClient]) -> None:
    # the reproduction: the Algerian coordinator started another's exercise
    ex = str(clients[CREATOR].post("/exercises", data={}).headers["location"]).split("/")[2]
    for user in (NO_TEAM, SPECTATOR, "admin"):
        r = clients[user].post(f"/exercises/{ex}/control", data={"command": "start"})
        assert r.status_code == 403, user
    assert (
        clients[CREATOR].post(f"/exercises/{ex}/control", data={"command": "start"}).status_code
        == 303
    )


def test_other_coordinators_see_what_a_player_of_their_state_would(
    clients: dict[str, PharosClient], exercise: str
) -> None:
    ex = exercise
    spectator = clients[SPECTATOR]
    page = spectator.get(f"/exercises/{ex}/play")
    assert page.status_code == 200 and 'id="spectator"' in page.text
    assert HIDDEN not in page.text and 'name="type"' not in page.text
    # following is not acting
    act = spectator.post(f"/exercises/{ex}/play", data={"type": "inspect_site"})
    assert act.status_code == 403
    api = spectator.post(f"/api/v1/exercises/{ex}/actions", json={"type": "inspect_site"})
    assert api.status_code == 403
    # a state no team plays: nothing to see
    assert clients[NO_TEAM].get(f"/exercises/{ex}/play").status_code == 403
    # the home page sends each where they belong
    home = {u: clients[u].get(f"/exercises/{ex}").headers.get("location", "") for u in USERS}
    assert home[CO_DIRECTOR].endswith("/control") and home[SPECTATOR].endswith("/play")


def test_the_control_team_is_managed_by_its_directors(
    clients: dict[str, PharosClient], exercise: str
) -> None:
    ex = exercise
    creator, co = clients[CREATOR], clients[CO_DIRECTOR]
    # a co-director must be an existing account
    ghost = creator.post(
        f"/exercises/{ex}/control",
        data={"command": "assign", "username": "it.nobody", "role": "director"},
    )
    assert ghost.status_code == 422
    # the creator stays on the team
    kept = co.post(
        f"/exercises/{ex}/control",
        data={"command": "assign", "username": CREATOR, "role": "none"},
    )
    assert kept.status_code == 422
    # a co-director names another, the creator removes them
    assert (
        co.post(
            f"/exercises/{ex}/control",
            data={"command": "assign", "username": "mt.coordinator", "role": "director"},
        ).status_code
        == 303
    )
    page = creator.get(f"/exercises/{ex}/control").text
    assert "mt.coordinator" in page
    for user in ("mt.coordinator", CO_DIRECTOR):
        r = creator.post(
            f"/exercises/{ex}/control", data={"command": "assign", "username": user, "role": "none"}
        )
        assert r.status_code == 303
    assert co.get(f"/exercises/{ex}/control").status_code == 403
    # put back for the other tests of this module
    creator.post(
        f"/exercises/{ex}/control",
        data={"command": "assign", "username": CO_DIRECTOR, "role": "director"},
    )
    assert co.get(f"/exercises/{ex}/control").status_code == 200


def test_an_exercise_made_on_the_command_line(
    app: FastAPI, clients: dict[str, PharosClient]
) -> None:
    """``pharos exercise new --director NAME`` names the head of its control team; without it,
    administrators direct the exercise (nobody else)."""
    from typer.testing import CliRunner

    from pharos.cli import app as cli_app

    url = app.state.settings.database_url
    made = {}
    for director in ("es.coordinator", ""):
        res = CliRunner().invoke(cli_app, ["exercise", "new", "--db", url, "--director", director])
        assert res.exit_code == 0, res.output
        made[director] = res.output.strip().split()[-1]
    named, unnamed = made["es.coordinator"], made[""]
    assert clients[SPECTATOR].get(f"/exercises/{named}/control").status_code == 200
    assert clients["admin"].get(f"/exercises/{named}/control").status_code == 403
    assert clients["admin"].get(f"/exercises/{unnamed}/control").status_code == 200
    for user in (CREATOR, SPECTATOR, NO_TEAM):
        assert clients[user].get(f"/exercises/{unnamed}/control").status_code == 403, user


def test_an_administrator_directs_the_exercise_they_create(
    clients: dict[str, PharosClient],
) -> None:
    admin = clients["admin"]
    res = admin.post("/exercises", data={})
    assert res.status_code == 303
    ex = str(res.headers["location"]).split("/")[2]
    assert admin.get(f"/exercises/{ex}/control").status_code == 200
    assert clients[CREATOR].get(f"/exercises/{ex}/control").status_code == 403
