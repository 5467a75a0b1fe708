"""The role player speaks for the persona (issue 17, item 6): a message to a team that met the
character reaches that team's inbox, a change of trust needs a reason; both are events of the
log, on the controller's timeline, and the trust's history keeps the reason."""

from __future__ import annotations

from html import unescape

import pytest

from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.service import Hub
from pharos.web.testing import app_on, play, signed_in_client, start_exercise


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with app_on("sqlite", tmp_path_factory.mktemp("db")) as app:
        yield app


def test_the_role_player_speaks_and_moves_trust_with_a_reason(app) -> None:
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director, advance_hours=5)
    control = f"/exercises/{ex}/control"
    assign = {"command": "assign", "username": "it.mediator", "role": "role_player"}
    assert director.post(control, data={**assign, "persona": "karim"}).status_code == 303
    mediator = signed_in_client(app, "it.mediator")
    role = f"/exercises/{ex}/role/karim"
    # no team has met him yet: nobody to speak to
    assert "No team has met the character yet." in mediator.get(role).text
    refused = mediator.post(
        role, data={"command": "speak", "team": "ita-labour", "text": "Who are you?"}
    )
    assert refused.status_code == 422
    assert "the character speaks only to a team that has met them" in unescape(refused.text)
    labour = signed_in_client(app, "it.labour")
    play(labour, ex, {"type": "inspect_site", "place": "ragusa-greenhouse"})
    s = Hub.for_engine(app.state.engine).session(ex)
    trust = s.state.personas["karim"].trust
    # a change of trust without a reason is refused; nothing stored
    n = s.state.last_seq
    res = mediator.post(role, data={"command": "speak", "team": "ita-labour", "trust": "-10"})
    assert res.status_code == 422 and "give the reason" in unescape(res.text)
    assert s.state.last_seq == n
    said = {
        "command": "speak",
        "team": "ita-labour",
        "text": "I will only talk if my cousin can come.",
        "trust": "-10",
        "reason": "the inspector raised his voice",
    }
    assert mediator.post(role, data=said).status_code == 303
    (ev,) = [e for e in s.store.events(ex) if e.kind == EventKind.PERSONA_SPOKE]
    assert ev.actor == "it.mediator" and ev.payload["team"] == "ita-labour"
    karim = s.state.personas["karim"]
    assert karim.trust == trust - 10
    assert karim.trust_history[-1]["note"] == "the inspector raised his voice"
    inbox = unescape(labour.get(f"/exercises/{ex}/play").text)
    assert "I will only talk if my cousin can come." in inbox
    assert "I will only talk" not in unescape(
        signed_in_client(app, "it.police").get(f"/exercises/{ex}/play").text
    )  # only the team spoken to
    timeline = unescape(director.get(control).text)
    assert "Karim A. to Italian labour inspectorate (Ragusa): “I will only talk" in timeline
    assert "trust moved by -10 (the role player: the inspector raised his voice)" in timeline
    # the team's last entry in the controller's table, in words (it showed "persona_spoke")
    row = timeline[timeline.index('id="team-ita-labour"') :]
    row = row[: row.index("</tr>")]
    assert "a message from a person" in row and "persona_spoke" not in timeline
    page = unescape(mediator.get(role).text)
    assert "the role player's judgement (the inspector raised his voice)" in page
