"""The setup wizard of a new exercise (issue 17, item 3): name, scenario (bundled or a saved
studio version), seed and dates; the teams people play and those the model simulates; the
roster from real accounts. Only those who may create exercises use it; each step is checked on
the server, every problem said at once next to its field with what was typed kept, and nothing
is created until the last step is right. The exercise keeps the scenario's text (with the
played teams written in) and its hash, never a path."""

from __future__ import annotations

import re
from html import unescape

import pytest

from pharos.exercise.runtime.service import Hub
from pharos.exercise.runtime.studio import Studio
from pharos.exercise.scenario.source import source_hash
from pharos.web.testing import app_on, signed_in_client

BASICS = {
    "name": "Vicenza follow-up, December",
    "scenario": "bundled:mediterranean-regional",
    "seed": "",
    "held_from": "2026-12-07",
    "held_to": "2026-12-09",
}
PLAYED = ["ita-labour", "ita-police", "tun-police"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_on("sqlite", tmp_path_factory.mktemp("db")) as app:
        yield app


def _problems(html: str) -> list[str]:
    box = html[html.index('id="setup-problems"') :]
    box = box[: box.index("</div>")]
    return [" ".join(unescape(m).split()) for m in re.findall(r"<li>(.*?)</li>", box, re.S)]


def _roster(data: dict[str, object]) -> dict[str, object]:
    return {
        **BASICS,
        "step": "roster",
        "teams_step": "1",
        "roster_step": "1",
        "played": PLAYED,
    } | data


def _count(app) -> int:
    return len(Hub.for_engine(app.state.engine).store.exercises())


def test_only_those_who_may_create_exercises_set_one_up(app) -> None:
    labour = signed_in_client(app, "it.labour")  # plays; may not direct
    assert labour.get("/exercises/new").status_code == 403
    res = labour.post("/exercises/new", data={**BASICS, "step": "basics"})
    assert res.status_code == 403
    director = signed_in_client(app, "it.coordinator")
    page = director.get("/exercises")
    assert 'href="/exercises/new"' in page.text  # the list leads to the wizard
    assert director.get("/exercises/new").status_code == 200


def test_the_first_step_says_every_problem_and_keeps_what_was_typed(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    before = _count(app)
    typed = {
        "step": "basics",
        "name": "  ",
        "scenario": "studio:nothing@1",
        "seed": "-4",
        "held_from": "2026-12-09",
        "held_to": "9 December",
    }
    res = director.post("/exercises/new", data=typed)
    assert res.status_code == 422
    assert _problems(res.text) == [
        "give the exercise a name",
        "a seed is a whole number, 0 or more (empty: the scenario's)",
        "9 December is not a date (year-month-day)",
        "choose one of the scenarios offered",
    ]
    assert 'value="9 December"' in res.text and 'value="-4"' in res.text
    res = director.post("/exercises/new", data={**typed, **BASICS, "held_to": "2026-12-01"})
    assert _problems(res.text) == ["the last day comes before the first"]
    assert 'value="Vicenza follow-up, December"' in res.text
    assert _count(app) == before  # nothing created


def test_the_teams_step_offers_played_and_simulated_and_needs_one_played(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    res = director.post("/exercises/new", data={**BASICS, "step": "basics"})
    assert res.status_code == 200 and 'id="setup-teams"' in res.text
    # the scenario's own choice is ticked first: the Algerian police is simulated in it
    assert 'value="ita-labour" id="played-ita-labour" checked' in res.text
    assert 'value="dza-police" id="played-dza-police">' in res.text
    res = director.post("/exercises/new", data={**BASICS, "step": "teams", "teams_step": "1"})
    assert res.status_code == 422
    assert _problems(res.text) == ["choose at least one team played by people"]
    res = director.post(
        "/exercises/new", data={**BASICS, "step": "teams", "teams_step": "1", "played": PLAYED}
    )
    assert res.status_code == 200 and 'id="setup-suggested"' in res.text
    # players suggested by state and agency kind, for played teams only
    assert re.search(r'id="f-role.it.labour".*?value="player:ita-labour" selected', res.text, re.S)
    assert re.search(r'id="f-role.tn.police".*?value="player:tun-police" selected', res.text, re.S)
    esp = res.text[res.text.index('id="setup-row-es.police"') :]
    assert "selected" not in esp[: esp.index("</tr>")]  # Spain's police is simulated here


def test_the_roster_refuses_unknown_accounts_and_impossible_roles_and_creates_nothing(app):
    director = signed_in_client(app, "it.coordinator")
    before = _count(app)
    res = director.post(
        "/exercises/new",
        data=_roster(
            {
                "role.it.labour": "player:ita-labour",
                "role.ghost.user": "observer",  # a forged row
                "role.es.police": "player:esp-police",  # a simulated team
                "role.it.coordinator": "observer",  # the creator
                "role.it.mediator": "role_player:nobody",
                "extra_username": "No Body",
                "extra_role": "observer",
            }
        ),
    )
    assert res.status_code == 422
    assert sorted(_problems(res.text)) == sorted(
        [
            "no active account is called ghost.user",
            "es.police would play Spanish National Police (UCRIF), which the model simulates: "
            "tick it as played or choose another role",
            "the exercise's creator stays on its control team",
            "choose a role for it.mediator among those offered",
            "no active account is called no body",
        ]
    )
    assert 'value="No Body"' in res.text  # kept as typed
    res = director.post(
        "/exercises/new",
        data=_roster({"role.it.prosecutor": "observer", "extra_username": "IT.Prosecutor",
                      "extra_role": "director"}),
    )  # fmt: skip
    assert _problems(res.text) == ["it.prosecutor has two roles: one role per person"]
    assert _count(app) == before


def test_the_exercise_keeps_the_text_with_the_played_teams_and_its_roster(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    res = director.post(
        "/exercises/new",
        data=_roster(
            {
                "seed": "7",
                "role.it.labour": "player:ita-labour",
                "role.it.prosecutor": "observer",
                "role.it.mediator": "role_player:karim",
                "extra_username": " GR.Coordinator ",
                "extra_role": "director",
            }
        ),
        follow_redirects=False,
    )
    assert res.status_code == 303, _problems(res.text)
    ex = res.headers["location"].split("/")[2]
    hub = Hub.for_engine(app.state.engine)
    rec = next(r for r in hub.store.exercises() if r.id == ex)
    assert rec.title == BASICS["name"] and rec.seed == 7
    assert rec.scenario == "mediterranean-regional"  # where it came from, not a path
    src = hub.store.scenario_text(rec.scenario_sha256)
    assert source_hash(src.name, src.files) == rec.scenario_sha256
    assert 'played_teams: ["ita-labour", "ita-police", "tun-police"]' in src.text
    s = hub.session(ex)
    assert [t.id for t in s.scenario.teams if t.played] == PLAYED
    assert s.state.setup == {
        "name": BASICS["name"],
        "held_from": "2026-12-07",
        "held_to": "2026-12-09",
    }
    assert s.state.directors == ["it.coordinator", "gr.coordinator"]
    assert {(a["username"], a["role"], a.get("team") or a.get("persona")) for a in
            s.state.assignments} == {("it.labour", "player", "ita-labour"),
                                     ("it.prosecutor", "observer", None),
                                     ("it.mediator", "role_player", "karim")}  # fmt: skip
    listing = unescape(director.get("/exercises").text)
    assert BASICS["name"] in listing
    assert "Dec 7\u2009–\u20099, 2026" in listing  # CLDR's interval, its thin spaces
    # the Spanish police is simulated in this exercise: Spain's officer plays nothing
    spain = signed_in_client(app, "es.police")
    assert spain.get(f"/exercises/{ex}/play").status_code == 403


def test_a_saved_studio_version_is_offered_and_runs_on_its_own_text(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    made = director.post("/exercises/studio", data={"template": "mediterranean-regional"})
    key = made.headers["location"].rsplit("/", 1)[1]
    v = Studio(app.state.engine).version(key)
    page = director.get("/exercises/new").text
    assert f'value="studio:{key}@1"' in page
    res = director.post(
        "/exercises/new",
        data=_roster({"scenario": f"studio:{key}@1", "played": ["ita-police"]}),
        follow_redirects=False,
    )
    assert res.status_code == 303, _problems(res.text)
    ex = res.headers["location"].split("/")[2]
    rec = next(r for r in Hub.for_engine(app.state.engine).store.exercises() if r.id == ex)
    assert rec.scenario == f"studio:{key}@1" and rec.scenario_sha256 != v.sha256


def test_the_json_api_assigns_roles_only_to_real_accounts(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    ex = director.post("/api/v1/exercises").json()["id"]
    url = f"/api/v1/exercises/{ex}/control"
    res = director.post(
        url, json={"command": "assign", "username": "nobody.here", "role": "observer"}
    )
    assert res.status_code == 422
    assert res.json()["detail"] == "no active account is called nobody.here"
    res = director.post(
        url, json={"command": "assign", "username": " IT.Prosecutor ", "role": "observer"}
    )
    assert res.status_code == 201
    s = Hub.for_engine(app.state.engine).session(ex)
    assert s.state.assignments == [{"username": "it.prosecutor", "role": "observer"}]


def test_a_national_exercise_offers_one_states_agencies_played_by_its_accounts(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    national = {**BASICS, "name": "Capitanata harvest", "scenario": "bundled:italy-national"}
    res = director.post("/exercises/new", data={**national, "step": "basics"})
    assert res.status_code == 200 and 'id="setup-national"' in res.text
    teams = re.findall(r'name="played" value="([^"]+)"', res.text)
    assert teams == [
        "itl-foggia", "cc-foggia", "ngo-apulia", "questura-foggia", "social-foggia", "pm-foggia"
    ]  # fmt: skip
    played = ["itl-foggia", "cc-foggia", "ngo-apulia", "social-foggia"]
    step = {**national, "step": "teams", "teams_step": "1", "played": played}
    res = director.post("/exercises/new", data=step)
    suggested = res.text[res.text.index('id="setup-suggested"') :]
    suggested = suggested[: suggested.index("</table>")]
    rows = set(re.findall(r'id="setup-row-([^"]+)"', suggested))
    assert {"it.labour", "it.police", "it.ngo", "it.social"} <= rows
    assert not {r for r in rows if not r.startswith("it.")}  # only Italy's accounts
    # a Tunisian officer may not play an Italian team; an observer, yes
    tunisian = res.text[res.text.index('id="setup-row-tn.police"') :]
    assert 'value="player:' not in tunisian[: tunisian.index("</tr>")]
    roster = {**step, "step": "roster", "roster_step": "1"}
    res = director.post("/exercises/new", data={**roster, "role.tn.police": "player:cc-foggia"})
    assert res.status_code == 422
    assert _problems(res.text) == [
        "tn.police is not of Italy: the teams of a national exercise are played by its own "
        "agencies; make them an observer or a role player"
    ]
    res = director.post(
        "/exercises/new",
        data={
            **roster,
            "role.it.labour": "player:itl-foggia",
            "role.it.police": "player:cc-foggia",
            "role.it.social": "player:social-foggia",
            "role.tn.police": "observer",
            "role.it.mediator": "role_player:moussa",
        },
        follow_redirects=False,
    )
    assert res.status_code == 303, _problems(res.text)
    s = Hub.for_engine(app.state.engine).session(res.headers["location"].split("/")[2])
    assert s.scenario.national and [t.id for t in s.scenario.teams if t.played] == played
    assert len(s.state.assignments) == 5
    police = signed_in_client(app, "it.police")
    page = police.get(f"/exercises/{s.exercise_id}/play")
    assert page.status_code == 200 and 'id="request-form"' not in page.text
