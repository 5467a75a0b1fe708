"""Case files of an exercise on the server: who sees which files, and that nothing of the
exercise reaches the production database's cases, referrals, requests or audit trail."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.service import Hub
from pharos.store.models import (
    Agency,
    AuditEntry,
    Case,
    CaseAccess,
    CaseNote,
    ConsentRecord,
    CrossBorderRequest,
    Person,
    Referral,
    RequestReply,
    ScreeningRecord,
    User,
)
from pharos.web.testing import (
    app_on,
    play,
    signed_in_client,
    start_exercise,
)

PRODUCTION_TABLES = (
    Case,
    Person,
    ScreeningRecord,
    ConsentRecord,
    CaseNote,
    CaseAccess,
    Referral,
    CrossBorderRequest,
    RequestReply,
    AuditEntry,
    Agency,
    User,
)


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            m.__tablename__: conn.execute(select(func.count()).select_from(m)).scalar_one()
            for m in PRODUCTION_TABLES
        }


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(request, tmp_path_factory):
    with app_on(request.param, tmp_path_factory.mktemp("db")) as app:
        yield app


@pytest.fixture(scope="module")
def played(app):
    """An exercise where Italian labour inspectors open Karim's case and refer it to the
    police, who ask Tunisia; and the production database's counts before the case work."""
    director = signed_in_client(app, "it.coordinator")
    ex = start_exercise(director)
    s = Hub.for_engine(app.state.engine).session(ex)
    before = counts(app.state.engine)
    s.advance_days(0.2)
    labour = signed_in_client(app, "it.labour")
    play(
        labour,
        ex,
        {"type": "inspect_site", "place": "ragusa-greenhouse"},
        {"type": "screen", "persona": "karim", "indicators": ["dr_wages", "cd_debt_bondage"]},
        {"type": "open_case", "persona": "karim", "consent": ["services", "other_orgs"]},
        {"type": "refer", "persona": "karim", "to": "competent_authority"},
    )
    s.act(
        "ita-police",
        "marco",
        type="send_cross_border_request",
        to_state="TUN",
        instrument="police_information_exchange",
        persona="karim",
        question="Who recruited him?",
    )
    s.submit(
        EventKind.ROLE_ASSIGNED,
        "it.coordinator",
        {"username": "it.social", "role": "role_player", "persona": "karim"},
    )
    return ex, before


def case_link(page: str, ex: str) -> str:
    m = re.search(rf'href="(/exercises/{ex}/cases/\d+)[^"]*">(ITA-\d{{4}}-\d{{4}})<', page)
    assert m, "no case link on the page"
    return m.group(1)


def test_the_team_sees_its_case_file(app, played) -> None:
    ex, _before = played
    labour = signed_in_client(app, "it.labour")
    page = labour.get(f"/exercises/{ex}/cases")
    assert page.status_code == 200
    assert "ITA-2024-0001" in page.text and "Karim A." in page.text
    case = labour.get(case_link(page.text, ex))
    assert case.status_code == 200
    assert "ITA-2024-0001" in case.text and "Karim A." in case.text
    assert 'action="/cases/' not in case.text  # read-only: no server forms
    assert "/play" in case.text  # the way back to the workspace


def test_the_referred_police_see_it_and_the_other_state_a_pseudonym(app, played) -> None:
    ex, _before = played
    police = signed_in_client(app, "it.police")
    page = police.get(f"/exercises/{ex}/cases")
    assert "ITA-2024-0001" in page.text and "Karim A." in page.text
    tunisia = signed_in_client(app, "tn.police")
    page = tunisia.get(f"/exercises/{ex}/cases")
    assert page.status_code == 200 and "ITA-2024-0001" in page.text
    assert "Karim" not in page.text
    case = tunisia.get(case_link(page.text, ex))
    assert case.status_code == 200
    assert "Karim" not in case.text and re.search(r"P-[0-9A-F]{8}", case.text)


def test_another_team_cannot_open_a_case_it_may_not_see(app, played) -> None:
    ex, _before = played
    link = case_link(signed_in_client(app, "it.labour").get(f"/exercises/{ex}/cases").text, ex)
    spain = signed_in_client(app, "es.police")
    assert spain.get(f"/exercises/{ex}/cases").status_code == 200
    assert spain.get(link).status_code == 404
    assert "ITA-2024-0001" not in spain.get(f"/exercises/{ex}/cases").text


def test_role_players_and_outsiders_are_refused(app, played) -> None:
    ex, _before = played
    assert signed_in_client(app, "it.social").get(f"/exercises/{ex}/cases").status_code == 403
    assert signed_in_client(app, "it.journalist").get(f"/exercises/{ex}/cases").status_code == 403


def test_the_controller_views_any_team(app, played) -> None:
    ex, _before = played
    director = signed_in_client(app, "it.coordinator")
    page = director.get(f"/exercises/{ex}/cases?team=ita-labour")
    assert page.status_code == 200 and "Karim A." in page.text
    link = case_link(page.text, ex)
    assert director.get(f"{link}?team=ita-labour").status_code == 200
    assert director.get(f"{link}?team=esp-police").status_code == 404
    assert director.get(f"/exercises/{ex}/cases?team=nobody").status_code == 404


def test_nothing_reaches_the_production_database(app, played) -> None:
    ex, before = played
    Hub.for_engine(app.state.engine).sandbox(ex)  # up to date with the log
    after = counts(app.state.engine)
    # the production audit trail records the sign-ins of this module's clients, nothing else
    assert {k: v for k, v in after.items() if k != "audit_entry"} == {
        k: v for k, v in before.items() if k != "audit_entry"
    }
    with app.state.engine.connect() as conn:
        actions = set(
            conn.execute(
                select(AuditEntry.action).where(AuditEntry.id > before["audit_entry"])
            ).scalars()
        )
    assert actions <= {"login"}


def test_the_sandbox_follows_the_log_after_each_commit(app, played) -> None:
    ex, _before = played
    hub = Hub.for_engine(app.state.engine)
    s = hub.session(ex)
    hub.sandbox(ex)
    s.act("ita-labour", "lucia", type="refer", persona="karim", to="ngo_assistance")
    deadline = time.monotonic() + 10
    # no page asks for it: the background projection catches up after the commit
    while (sb := hub.built_sandbox(ex)) is None or sb.last_seq < s.state.last_seq:
        assert time.monotonic() < deadline, "the sandbox did not catch up"
        time.sleep(0.05)
    with sb.reading(b"k" * 32) as db:
        ngo = sb.member_of_team("ita-ngo").agency_id
        assert db.execute(select(Referral).where(Referral.to_agency_id == ngo)).first()
