"""The Italian NGO's workspace: a referral to decide, checked on the server, answered once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from pharos.exercise.runtime.service import Hub
from pharos.store.models import Referral
from pharos.web.testing import (
    app_on,
    play,
    signed_in_client,
    start_exercise,
)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(request, tmp_path_factory):
    with app_on(request.param, tmp_path_factory.mktemp("db")) as app:
        yield app


@pytest.fixture(scope="module")
def exercise(app):
    """Italian labour inspectors open Karim's case and refer him to a shelter."""
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


def test_the_ngo_decides_on_the_referral_in_its_workspace(app, exercise) -> None:
    play = f"/exercises/{exercise}/play"
    ngo, labour = signed_in_client(app, "it.ngo"), signed_in_client(app, "it.labour")
    page = ngo.get(play).text
    (ref,) = re.findall(r'id="referral-(REF-\d+)"', page)
    assert "Referral to decide: Karim A." in page
    assert re.search(r"Shelter places in your state: 0 in use of \d+, \d+ free", page)
    assert 'id="referral-' not in labour.get(play).text
    answer = {"type": "answer_referral", "referral": ref}
    # only the receiving team, and a decline needs a reason
    refused = labour.post(play, data={**answer, "decision": "accept"})
    assert refused.status_code == 422 and "only these agencies may do this" in refused.text
    refused = ngo.post(play, data={**answer, "decision": "decline"})
    assert refused.status_code == 422 and "give the reason for declining" in refused.text
    # in French, the form and the refusal speak French
    fr = ngo.get(f"{play}?lang=fr").text
    assert "Orientation à décider : Karim A." in fr and "Accepter l’orientation" in fr
    ok = ngo.post(
        play, data={**answer, "decision": "accept", "note": "Bed 4"}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert 'id="referral-' not in ngo.get(play).text
    assert "Referral accepted" in labour.get(play).text
    again = ngo.post(play, data={**answer, "decision": "accept"})
    # (the NGO's browser now reads French)
    assert again.status_code == 422 and "cette orientation a déjà reçu une réponse" in again.text
    hub = Hub.for_engine(app.state.engine)
    assert hub.session(exercise).state.personas["karim"].sheltered
    sb = hub.sandbox(exercise)
    with sb.reading(b"k" * 32) as db:
        ngo_agency = sb.member_of_team("ita-ngo").agency_id
        r = db.execute(select(Referral).where(Referral.to_agency_id == ngo_agency)).scalar_one()
        assert r.status == "accepted"
