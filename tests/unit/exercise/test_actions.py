"""Who may do what follows the states' powers; agencies nobody plays answer through the engine."""

from __future__ import annotations

import pytest

from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.world import reply_time
from pharos.exercise.runtime.session import CommandRefused, ExerciseSession


def _karim_reached(s: ExerciseSession) -> None:
    s.advance_days(0.2)
    s.act("ita-labour", "lucia", type="inspect_site", place="ragusa-greenhouse")


def test_a_labour_inspector_in_italy_must_refer_for_identification(session):
    _karim_reached(session)
    n = len(session.store.events(session.exercise_id))
    refused = r"only these may formally identify a victim: Law enforcement$"  # a name, no code
    with pytest.raises(CommandRefused, match=refused):
        session.act("ita-labour", "lucia", type="identify", persona="karim")
    # a refused command stores nothing
    assert len(session.store.events(session.exercise_id)) == n


def test_a_team_cannot_act_on_a_person_outside_its_reach(session):
    with pytest.raises(CommandRefused, match="reach"):
        session.act(
            "esp-police",
            "x",
            type="interview",
            persona="karim",
            approach="standard",
            setting="office",
        )


def test_only_instruments_that_exist_between_the_states_are_accepted(session):
    session.act("ita-police", "marco", type="open_investigation", network="delta-agri")
    with pytest.raises(CommandRefused, match="does not exist"):
        session.act(
            "ita-police",
            "marco",
            type="send_cross_border_request",
            to_state="TUN",
            instrument="european_investigation_order",
            network="delta-agri",
        )


def test_a_simulated_state_answers_after_its_channel_delay_with_its_evidence(session):
    session.act("ita-police", "marco", type="open_investigation", network="delta-agri")
    session.act(
        "ita-police",
        "marco",
        type="send_cross_border_request",
        to_state="EGY",
        instrument="police_information_exchange",
        network="delta-agri",
        question="Who runs Hany Travel & Jobs?",
    )
    req = session.state.requests[-1]
    assert req.to_team is None and req.answer_due is not None
    # no override in the exercise: the regional model's channel terms decide (45 days median
    # for police information exchange in mediterranean-baseline), a real month per exercise day
    days, chance = reply_time(session.scenario, session.state, req)
    assert chance == 0.55
    assert req.answer_due - req.sent_at == max(1, round(days * 1440))
    session.advance_days(days + 0.1)
    assert req.answered_at == req.answer_due
    if not req.declined:
        assert "gh-job-ad" in session.state.teams["ita-police"].evidence
    assert any(m.title.startswith("Reply to") for m in session.state.teams["ita-police"].inbox)


def test_the_network_falls_only_with_cross_border_cooperation(session):
    s = session
    s.act("ita-police", "marco", type="open_investigation", network="delta-agri")
    s.advance_days(0.2)
    s.act("ita-police", "marco", type="search_and_arrest", place="ragusa-greenhouse")
    assert "salvo" in s.state.arrested
    ns = s.state.networks["delta-agri"]
    assert ns.disrupted_at is None  # arrests in Italy alone do not disrupt it
    s.act(
        "ita-police",
        "marco",
        type="send_cross_border_request",
        to_state="TUN",
        instrument="joint_investigation_team",
        network="delta-agri",
    )
    req = s.state.requests[-1]
    assert req.to_team == "tun-police"
    s.advance_days(0.5)
    with pytest.raises(CommandRefused, match="investigation"):
        s.act("tun-police", "amira", type="search_and_arrest", place="sfax-office")
    s.act("tun-police", "amira", type="open_investigation", network="delta-agri")
    s.act("tun-police", "amira", type="search_and_arrest", place="sfax-office")
    s.act(
        "tun-police",
        "amira",
        type="answer_cross_border_request",
        request=req.id,
        answer="Broker arrested in Sfax",
    )
    assert ns.disrupted_at is None  # Egypt has not acted yet
    s.submit(
        EventKind.ACTION,
        "marco",
        {
            "team": "ita-police",
            "type": "send_cross_border_request",
            "to_state": "EGY",
            "instrument": "joint_investigation_team",
            "network": "delta-agri",
        },
    )
    s.advance_days(8)
    egypt = s.state.requests[-1]
    assert egypt.answered_at is not None
    assert not egypt.declined  # with this seed Egypt executes the request (rate 0.85)
    assert "hany" in s.state.arrested  # Egypt arrests the recruiter under the JIT
    assert ns.disrupted_at is not None


def test_a_premature_media_statement_tips_off_the_network(session):
    before = session.state.personas["karim"].trust
    session.act(
        "ita-labour",
        "lucia",
        type="publish_media_statement",
        text="We will raid the greenhouses",
        network="delta-agri",
    )
    assert session.state.networks["delta-agri"].tipped_off_at is not None
    assert session.state.personas["karim"].trust < before


def test_nothing_is_accepted_before_the_start_or_after_the_end():
    from pharos.exercise.runtime.store import MemoryEventStore

    s = ExerciseSession.create(MemoryEventStore(), clock=lambda: 0.0)
    with pytest.raises(CommandRefused, match="not running"):
        s.act("ita-police", "m", type="open_investigation", network="delta-agri")
    s.submit(EventKind.STARTED, "d", {})
    s.submit(EventKind.ENDED, "d", {})
    with pytest.raises(CommandRefused, match="ended"):
        s.act("ita-police", "m", type="open_investigation", network="delta-agri")
    # observers and the hot-wash still work after the end
    said = {"objective": "multi_agency_collaboration", "said_by": "ita-police"}
    s.submit(EventKind.HOTWASH_NOTE, "d", {"kind": "strength", "text": "Good liaison"} | said)


def test_screening_uses_the_domain_rule_and_refuses_unknown_indicators(session):
    _karim_reached(session)
    with pytest.raises(CommandRefused):
        session.act("ita-labour", "lucia", type="screen", persona="karim", indicators=["dr_wagez"])
    session.act(
        "ita-labour",
        "lucia",
        type="screen",
        persona="karim",
        indicators=[
            "dr_nature_of_job",
            "dr_wages",
            "cd_confiscation_documents",
            "cd_debt_bondage",
            "ec_excessive_hours",
            "ec_bad_living",
        ],
    )
    s = session.state.personas["karim"].screenings[-1]
    assert s.presumption == "trafficking_for_labour_exploitation"
    assert s.conclusion == "possible_victim"


def test_agencies_of_one_state_share_what_they_found(session):
    _karim_reached(session)
    session.act(
        "ita-labour",
        "lucia",
        type="interview",
        persona="karim",
        approach="trauma_informed",
        interpreter="ar",
        setting="office",
    )
    told = list(session.state.personas["karim"].disclosed_to["ita-labour"])
    session.act(
        "ita-labour",
        "lucia",
        type="share_with_team",
        to_team="ita-police",
        persona="karim",
        evidence=["gh-payslip"],
    )
    police = session.state.teams["ita-police"]
    assert "gh-payslip" in police.evidence
    assert session.state.personas["karim"].disclosed_to["ita-police"] == told
    assert "ita-police" in session.state.personas["karim"].known_to
    assert session.state.teams["ita-labour"].shares == 1
    with pytest.raises(CommandRefused, match="cross-border"):
        session.act("ita-labour", "lucia", type="share_with_team", to_team="tun-police")


def test_identification_needs_reasonable_grounds_as_a_recovery_period_does(session):
    """Issue 17: a formal identification needed no screening while a recovery and reflection
    period did. After the Council of Europe Convention (Art. 10 and 13; GRETA's guidance note on
    Art. 13, /work/shared/reference/domain.md §7.3), reasonable grounds come first: both need a
    screening concluding "possible victim", as the engine's competent bodies already did."""
    _karim_reached(session)
    session.act(
        "ita-labour", "lucia", type="open_case", persona="karim", consent=["services", "other_orgs"]
    )
    session.act("ita-labour", "lucia", type="refer", persona="karim", to="competent_authority")
    with pytest.raises(CommandRefused, match="reasonable grounds: screen first"):
        session.act("ita-police", "marco", type="identify", persona="karim")
    karim = ["dr_wages", "cd_debt_bondage", "ec_excessive_hours"]
    session.act(
        "ita-labour", "lucia", type="screen", persona="karim", indicators=karim,
        conclusion="insufficient_information",
    )  # fmt: skip
    with pytest.raises(CommandRefused, match="reasonable grounds: screen first"):
        session.act("ita-police", "marco", type="identify", persona="karim")
    session.act(
        "ita-labour", "lucia", type="screen", persona="karim", indicators=karim,
        conclusion="possible_victim",
    )  # fmt: skip
    session.act("ita-police", "marco", type="identify", persona="karim")
    assert session.state.personas["karim"].identified_by == "ita-police"
