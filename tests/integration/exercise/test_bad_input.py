"""Malformed input to the exercise's POST endpoints is answered 4xx with a message naming what
is wrong, never 500: missing fields, wrong types, unknown ids, another team's ids."""

from __future__ import annotations

import re

import pytest

from pharos.exercise.runtime.service import Hub
from pharos.exercise.runtime.store import verify
from pharos.web.testing import (
    app_on,
    play,
    signed_in_client,
    start_exercise,
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_on("sqlite", tmp_path_factory.mktemp("db")) as app:
        yield app


@pytest.fixture(scope="module")
def exercise(app):
    """Italian labour inspectors refer Karim to a shelter; the Italian NGO decides."""
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director, advance_hours=5)
    labour = signed_in_client(app, "it.labour")
    play(
        labour,
        ex,
        {"type": "inspect_site", "place": "ragusa-greenhouse"},
        {"type": "open_case", "persona": "karim", "consent": ["services", "other_orgs"]},
        {"type": "refer", "persona": "karim", "to": "shelter"},
    )
    return ex


def _refusal(res) -> str:
    """The message of a 4xx answer (JSON ``detail`` or the page's flash)."""
    assert 400 <= res.status_code < 500, (res.status_code, res.text[:300])
    if res.headers.get("content-type", "").startswith("application/json"):
        return str(res.json()["detail"])
    found = re.search(r'class="flash[^"]*"[^>]*>(.*?)</', res.text, re.S)
    return found.group(1).strip() if found else res.text


ACTIONS = [
    ({}, "unknown action"),
    ({"type": "answer_referral"}, "this referral was not sent to your team"),
    ({"type": "answer_referral", "referral": "REF-999", "decision": "accept"}, "not sent"),
    ({"type": "answer_referral", "referral": ["REF-6"], "decision": "accept"}, "referral"),
    ({"type": "answer_referral", "referral": "REF-6", "decision": 3}, "choose a decision"),
    ({"type": "answer_referral", "referral": "REF-6", "decision": {}}, "decision"),
    ({"type": "decide_charges", "network": "nope", "decision": "charge"}, "only these agencies"),
    ({"type": "decide_charges", "network": ["x"]}, "network"),
    ({"type": "publish_media_statement", "network": {"id": 1}}, "network"),
    ({"type": "share_with_team", "to_team": ["ita-police"]}, "to_team"),
    ({"type": "share_with_team", "to_team": "tun-police"}, "send a cross-border request"),
    ({"type": "screen", "persona": "karim", "indicators": [1, 2]}, "indicators"),
    ({"type": "refer", "persona": "salma", "to": "shelter"}, "not within your team's reach"),
    ({"type": "send_cross_border_request", "to_state": ["TUN"]}, "to_state"),
    ({"type": "answer_cross_border_request", "request": "CBR-1"}, "not sent to your team"),
]


@pytest.mark.parametrize(("data", "message"), ACTIONS, ids=lambda x: str(x)[:40])
def test_bad_actions_through_the_api_are_refused_with_a_message(app, exercise, data, message):
    ngo = signed_in_client(app, "it.ngo")
    res = ngo.post(f"/api/v1/exercises/{exercise}/actions", json=data)
    assert message in _refusal(res)


@pytest.mark.parametrize(
    "data",
    [
        {"type": "publish_media_statement", "network": ["a", "b"]},
        {"type": "answer_referral", "referral": ["REF-6", "REF-7"], "decision": "accept"},
        {"type": "share_with_team", "to_team": ["ita-police", "ita-labour"]},
    ],
)
def test_repeated_form_fields_are_refused_on_the_workspace(app, exercise, data):
    ngo = signed_in_client(app, "it.ngo")
    res = ngo.post(f"/exercises/{exercise}/play", data=data)
    bad = next(k for k, v in data.items() if isinstance(v, list))
    assert bad in _refusal(res)


CONTROLS = [
    ({"command": "speed", "days_per_hour": "fast"}, "speed must be between"),
    ({"command": "override", "persona": "karim", "trust": "high"}, "trust is between"),
    ({"command": "override", "persona": "nobody"}, "unknown persona"),
    ({"command": "release", "inject": "nope"}, "unknown inject"),
    ({"command": "inject", "title": "x", "to": ["nope"]}, "known teams"),
    ({"command": "assign", "username": "it.ngo", "role": "player", "team": "nope"}, "unknown team"),
    ({"command": "advance", "hours": "soon"}, "say how far to advance"),
    ({"command": "nothing"}, "unknown command"),
]


@pytest.mark.parametrize(("data", "message"), CONTROLS, ids=lambda x: str(x)[:40])
def test_bad_control_commands_are_refused_with_a_message(app, exercise, data, message):
    director = signed_in_client(app, "it.coordinator")
    page = director.post(f"/exercises/{exercise}/control", data=data)
    assert message in _refusal(page)
    if data["command"] != "advance":  # the API has no "advance"
        api = director.post(f"/api/v1/exercises/{exercise}/control", json=data)
        assert message in _refusal(api)


def test_bad_observations_and_wellbeing_checks_are_refused(app, exercise):
    director = signed_in_client(app, "it.coordinator")
    res = director.post(
        f"/exercises/{exercise}/observe", data={"team": "nope", "objective": "x", "rating": "a"}
    )
    assert "unknown team" in _refusal(res)
    res = director.post(f"/exercises/{exercise}/role/nobody", data={"ok": "yes"})
    assert res.status_code == 403


def test_replay_to_a_day_that_is_not_a_number_is_refused(app, exercise):
    director = signed_in_client(app, "it.coordinator")
    for day in ("inf", "nan", "-1", "0.5"):  # days are numbered from 1
        assert director.get(f"/exercises/{exercise}/control?at_day={day}").status_code == 422
        assert director.get(f"/exercises/{exercise}/report?at_day={day}").status_code == 422


def test_another_team_cannot_answer_or_see_the_referral(app, exercise):
    police = signed_in_client(app, "it.police")
    res = police.post(
        f"/api/v1/exercises/{exercise}/actions",
        json={"type": "answer_referral", "referral": "REF-6", "decision": "accept"},
    )
    assert "only these agencies may do this" in _refusal(res)
    tun = signed_in_client(app, "tn.police")
    res = tun.post(
        f"/exercises/{exercise}/play",
        data={"type": "answer_referral", "referral": "REF-6", "decision": "decline"},
    )
    assert "only these agencies may do this" in _refusal(res)


def test_after_all_that_the_log_is_whole(app, exercise):
    hub = Hub.for_engine(app.state.engine)
    stored = hub.store.events(exercise)
    assert not verify(stored)
    assert stored[-1].seq == hub.session(exercise).state.last_seq


def test_a_malformed_control_command_through_the_api_is_refused_not_a_server_error(app, exercise):
    director = signed_in_client(app, "it.coordinator")
    res = director.post(
        f"/api/v1/exercises/{exercise}/control",
        json={"command": "inject", "title": "x", "to": [["ita-ngo"]]},
    )
    assert "the form is incomplete" in _refusal(res)
