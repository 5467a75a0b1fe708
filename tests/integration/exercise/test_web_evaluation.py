"""The observer's exercise evaluation guide on the server (issue 17, item 4): an observer rates a
critical task P, S, M or U with a note and evidence; the server checks who may (observers and the
control team, never a player), the CSRF token, and the rating; the report shows it."""

from __future__ import annotations

from html import unescape

import pytest

from pharos.exercise.runtime.service import Hub
from pharos.web.testing import app_on, signed_in_client, start_exercise


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(request, tmp_path_factory):
    with app_on(request.param, tmp_path_factory.mktemp("db")) as app:
        yield app


RATING = {
    "team": "ita-labour",
    "task": "identification_and_referral|screen-everyone",
    "rating": "M",
    "note": "Screened Karim only after the second interview",
    "evidence": "day 1 06:00 screening",
}


def test_an_observer_rates_critical_tasks_and_only_observers_may(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director)
    control = f"/exercises/{ex}/control"
    assign = {"command": "assign", "username": "it.prosecutor", "role": "observer"}
    assert director.post(control, data=assign).status_code == 303
    observer = signed_in_client(app, "it.prosecutor")
    page = observer.get(f"/exercises/{ex}/observe")
    assert page.status_code == 200
    text = unescape(page.text)
    # every critical task, with its capability, and the four ratings with their meanings
    assert "Screening and identification: Screen every person contacted" in text
    for label in (
        "Performed without challenges",
        "Performed with some challenges",
        "Performed with major challenges",
        "Unable to be performed",
    ):
        assert label in text
    s = Hub.for_engine(app.state.engine).session(ex)
    n = s.state.last_seq
    # a player may not rate; a form without the CSRF token is refused; nothing stored
    player = signed_in_client(app, "it.labour")
    assert player.post(f"/exercises/{ex}/observe", data=RATING).status_code == 403
    token, observer.csrf_token = observer.csrf_token, ""
    assert observer.post(f"/exercises/{ex}/observe", data=RATING).status_code == 403
    observer.csrf_token = token
    # a rating that is not P, S, M or U is refused with the reason
    bad = observer.post(f"/exercises/{ex}/observe", data={**RATING, "rating": "5"})
    assert bad.status_code == 422 and "rate the task P, S, M or U" in unescape(bad.text)
    assert s.state.last_seq == n
    ok = observer.post(f"/exercises/{ex}/observe", data=RATING)
    assert ok.status_code == 303
    (rated,) = s.state.task_ratings
    assert (rated.observer, rated.team, rated.rating) == ("it.prosecutor", "ita-labour", "M")
    assert "Screened Karim only after" in unescape(observer.get(f"/exercises/{ex}/observe").text)
    report = unescape(director.get(f"/exercises/{ex}/report").text)
    assert "M · Performed with major challenges" in report
    assert "Evidence: day 1 06:00 screening" in report
    # a player never sees the report
    assert player.get(f"/exercises/{ex}/report").status_code == 403


def test_a_player_sends_the_feedback_form(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director)
    player = signed_in_client(app, "it.labour")
    assert 'id="feedback"' in player.get(f"/exercises/{ex}/play").text
    said = {"went_well": "Shared the ad with the police", "to_improve": "Ask for an interpreter"}
    token, player.csrf_token = player.csrf_token, ""
    assert player.post(f"/exercises/{ex}/feedback", data=said).status_code == 403  # no CSRF
    player.csrf_token = token
    assert player.post(f"/exercises/{ex}/feedback", data={}).status_code == 422
    assert player.post(f"/exercises/{ex}/feedback", data=said).status_code == 303
    s = Hub.for_engine(app.state.engine).session(ex)
    (fb,) = s.state.feedback
    assert (fb["by"], fb["team"]) == ("it.labour", "ita-labour")
    # someone with no part in the exercise may not
    outsider = signed_in_client(app, "it.journalist")
    assert outsider.post(f"/exercises/{ex}/feedback", data=said).status_code == 403
    assert "Ask for an interpreter" in unescape(director.get(f"/exercises/{ex}/report").text)
