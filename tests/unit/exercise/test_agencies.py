"""Agencies nobody plays decide through the engine's policies; their decisions are stored first."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from pharos.domain.cooperation import instruments
from pharos.exercise.rules import agencies, played
from pharos.exercise.rules.events import EventKind
from pharos.exercise.rules.fold import fold
from pharos.exercise.rules.state import state_hash
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore
from pharos.exercise.scenario.loader import LoadedScenario, load_scenario
from pharos.sim.policies import (
    Action,
    AnswerContext,
    Decision,
    Policies,
    StandardOperatingProcedure,
    answering_agency,
)

from . import drill


def _session(
    world: dict[str, Any] | None = None,
    unplayed: tuple[str, ...] = (),
    played: tuple[str, ...] = (),
) -> ExerciseSession:
    """A started exercise of a variant of the bundled scenario (world fields, teams unplayed
    or played)."""
    loaded = load_scenario("mediterranean-regional")
    sc = loaded.scenario
    sc = sc.model_copy(
        update={
            "world": sc.world.model_copy(update=world or {}),
            "teams": [
                t.model_copy(
                    update={"played": (t.played or t.id in played) and t.id not in unplayed}
                )
                for t in sc.teams
            ],
        }
    )
    store = MemoryEventStore()
    store.create_exercise("x", "t", sc.title, sc.world.seed, loaded.source)
    store.append(
        "x", 0, EventKind.CREATED, "system", {"seed": sc.world.seed, "decisions": "logged"}
    )
    s = ExerciseSession(LoadedScenario(sc, loaded.source), store, "x", sc.world.seed, lambda: 0.0)
    s.submit(EventKind.STARTED, "director", {})
    return s


def _decisions(s: ExerciseSession) -> list[dict[str, Any]]:
    return [e.payload for e in s.store.events(s.exercise_id) if e.kind == EventKind.DECISION]


def _log(s: ExerciseSession) -> list[tuple[Any, ...]]:
    return [(e.seq, e.at, e.kind, e.actor, e.payload) for e in s.store.events(s.exercise_id)]


def _egypt_request(s: ExerciseSession, instrument: str) -> None:
    s.act(
        "ita-police",
        "marco",
        type="send_cross_border_request",
        to_state="EGY",
        instrument=instrument,
        network="delta-agri",
        question="Who recruited the workers in Minya?",
    )


def test_the_same_commands_and_seed_give_the_same_log_with_the_decisions():
    logs = []
    for _ in range(2):
        s = _session(unplayed=("ita-police",))
        s.act("ita-labour", "lucia", type="inspect_site", place="ragusa-greenhouse")
        s.act(
            "ita-labour",
            "lucia",
            type="screen",
            persona="karim",
            indicators=["dr_wages", "cd_debt_bondage", "ec_excessive_hours"],
            conclusion="possible_victim",
        )
        s.act(
            "ita-labour",
            "lucia",
            type="open_case",
            persona="karim",
            consent=["services", "other_orgs"],
        )
        s.act("ita-labour", "lucia", type="refer", persona="karim", to="competent_authority")
        s.advance_days(3)
        logs.append(_log(s))
    assert logs[0] == logs[1]
    assert any(k == EventKind.DECISION for _, _, k, _, _ in logs[0])


def test_an_unplayed_competent_body_identifies_by_its_sop_then_offers_a_shelter_place():
    s = _session(unplayed=("ita-police",))
    s.act("ita-labour", "lucia", type="inspect_site", place="ragusa-greenhouse")
    s.act(
        "ita-labour",
        "lucia",
        type="screen",
        persona="karim",
        indicators=["dr_wages", "cd_debt_bondage", "ec_excessive_hours"],
        conclusion="possible_victim",
    )
    s.act(
        "ita-labour", "lucia", type="open_case", persona="karim", consent=["services", "other_orgs"]
    )
    s.act("ita-labour", "lucia", type="refer", persona="karim", to="competent_authority")
    assert not _decisions(s)  # not yet due: the competent body takes half a day or more
    s.advance_days(2)
    ident, shelter = _decisions(s)
    assert (
        ident["point"] == "identification"
        and ident["policy"] == StandardOperatingProcedure.__name__
    )
    assert ident["action"] == "identify" and ident["outcome"] == "identified"
    assert shelter["point"] == "shelter" and shelter["outcome"] == "admitted"
    karim = s.state.personas["karim"]
    assert karim.identified_by == "simulated:ITA" and karim.sheltered


def test_a_played_competent_body_gets_the_referral_in_its_inbox_and_nothing_is_decided_for_it(
    session,
):
    session.act("ita-labour", "lucia", type="inspect_site", place="ragusa-greenhouse")
    session.act(
        "ita-labour",
        "lucia",
        type="screen",
        persona="karim",
        indicators=["dr_wages", "cd_debt_bondage"],
        conclusion="possible_victim",
    )
    session.act(
        "ita-labour", "lucia", type="open_case", persona="karim", consent=["services", "other_orgs"]
    )
    session.act("ita-labour", "lucia", type="refer", persona="karim", to="competent_authority")
    session.advance_days(3)
    assert [m.title for m in session.state.teams["ita-police"].inbox if m.id.startswith("ref-")]
    assert not [d for d in _decisions(session) if d["point"] == "identification"]
    assert session.state.personas["karim"].identified_at is None


def test_a_request_by_an_instrument_the_model_says_does_not_operate_is_refused():
    # without the scenario's assumed JIT agreement, no JIT operates between Italy and Egypt
    s = _session(world={"reply_times": {}})
    _egypt_request(s, "joint_investigation_team")
    s.advance_days(1)
    (d,) = _decisions(s)
    assert d["point"] == "reply" and d["action"] == "unavailable"
    req = s.state.requests[-1]
    assert req.declined and req.answer == "unavailable"
    assert any(m.id == f"reply-{req.id}" for m in s.state.teams["ita-police"].inbox)


def test_a_request_to_a_played_agency_goes_to_its_inbox(session):
    session.act(
        "ita-police",
        "marco",
        type="send_cross_border_request",
        to_state="TUN",
        instrument="police_information_exchange",
        network="delta-agri",
        question="Who is Mounir Trabelsi?",
    )
    session.advance_days(5)
    req = session.state.requests[-1]
    assert req.to_team == "tun-police" and req.answered_at is None
    assert any(m.id == f"req-{req.id}" for m in session.state.teams["tun-police"].inbox)
    assert not _decisions(session)


def _refer_salma(s: ExerciseSession) -> None:
    s.act("esp-labour", "ana", type="inspect_site", place="almeria-greenhouse")
    s.act(
        "esp-labour", "ana", type="open_case", persona="salma", consent=["services", "other_orgs"]
    )
    s.act("esp-labour", "ana", type="refer", persona="salma", to="shelter")


@pytest.mark.parametrize(("places", "outcome"), [(1, "admitted"), (0, "waiting")])
def test_an_unplayed_shelter_decides_on_its_finite_places(places, outcome):
    s = _session(world={"shelter_places": {"ESP": places}})
    _refer_salma(s)
    (d,) = _decisions(s)
    assert d["point"] == "shelter" and d["agency"] == "social_welfare"
    assert d["action"] == "shelter" and d["outcome"] == outcome
    salma = s.state.personas["salma"]
    assert salma.sheltered is (outcome == "admitted")
    titles = [m.title for m in s.state.teams["esp-labour"].inbox]
    assert ("No shelter place free: on the waiting list" in titles) is (outcome == "waiting")


def test_the_fold_reads_decisions_from_the_log_and_replays_to_the_same_hash():
    s = _session(world={"reply_times": {}})
    drill.play(s)
    _egypt_request(s, "police_information_exchange")
    s.advance_days(2)
    events = s.store.events(s.exercise_id)
    assert any(e.kind == EventKind.DECISION for e in events)
    assert state_hash(fold(s.scenario, "x", s.seed, events)) == s.state_hash()
    # a decision stored differently gives a different world: the fold does not recompute it
    i = next(i for i, e in enumerate(events) if e.kind == EventKind.DECISION)
    flipped = "declined" if events[i].payload["action"] == "executed" else "executed"
    changed = [*events[:i], replace(events[i], payload={**events[i].payload, "action": flipped})]
    changed += events[i + 1 :]
    assert state_hash(fold(s.scenario, "x", s.seed, changed)) != s.state_hash()


def test_played_teams_are_people_and_the_rest_the_engines_sop():
    sc = load_scenario("mediterranean-regional").scenario
    pol = played.policies(sc)
    assert isinstance(pol.of("TUN", agencies.K.LAW_ENFORCEMENT), played.PlayedTeam)
    assert isinstance(pol.of("EGY", agencies.K.LAW_ENFORCEMENT), StandardOperatingProcedure)
    assert played.played_team(sc, "ITA", agencies.SHELTER_OPERATORS).id == "ita-ngo"
    assert played.played_team(sc, "ESP", agencies.SHELTER_OPERATORS) is None


def test_a_place_freed_by_someone_who_leaves_goes_to_the_first_on_the_waiting_list():
    s = _session(world={"shelter_places": {"ESP": 1}})
    _refer_salma(s)
    s.advance_days(1.6)  # Yassine is brought to the Spanish police's reach on day 1.5
    s.act(
        "esp-police",
        "jordi",
        type="open_case",
        persona="yassine",
        consent=["services", "other_orgs"],
    )
    s.act("esp-police", "jordi", type="refer", persona="yassine", to="shelter")
    assert s.state.personas["yassine"].shelter_waiting is not None
    s.submit(EventKind.PERSONA_OVERRIDDEN, "director", {"persona": "salma", "trust": 0})
    s.advance_days(1)
    assert s.state.personas["salma"].status == "fled"
    yassine = s.state.personas["yassine"]
    assert yassine.sheltered and yassine.shelter_waiting is None
    assert [d["outcome"] for d in _decisions(s) if d["subject"] == "yassine"] == [
        "waiting",
        "admitted",
    ]


class _Decliner(StandardOperatingProcedure):
    def decide_answer(self, ctx: AnswerContext) -> Decision:
        return Decision(Action.DECLINE, reason="no capacity this month")


def test_an_unplayed_receiver_answers_through_decide_answer_of_its_policy(monkeypatch):
    s = _session(world={"reply_times": {}})
    _egypt_request(s, "police_information_exchange")
    s.advance_days(2)
    (d,) = _decisions(s)
    assert d["point"] == "reply" and d["policy"] == StandardOperatingProcedure.__name__
    assert d["agency"] == "law_enforcement" == answering_agency(d["instrument"])
    assert d["decision"] == ("execute" if d["executable"] else "decline")
    assert d["action"] == ("executed" if d["executable"] else "declined")
    assert s.state.requests[-1].answer == d["action"]
    ev = next(e for e in s.store.events("x") if e.kind == EventKind.DECISION)
    assert ev.actor == "engine:EGY:law_enforcement"

    # the same seed with Egypt's police declining: the policy, not the channel, answered
    sop = agencies.policies

    def declining(sc: Any) -> Policies:
        pol = sop(sc)
        pol.assign("EGY", agencies.K.LAW_ENFORCEMENT, _Decliner(agencies.K.LAW_ENFORCEMENT))
        return pol

    monkeypatch.setattr(agencies, "policies", declining)
    s2 = _session(world={"reply_times": {}})
    _egypt_request(s2, "police_information_exchange")
    s2.advance_days(2)
    (d2,) = _decisions(s2)
    assert d2["policy"] == "_Decliner" and d2["executable"] == d["executable"]
    assert d2["action"] == "declined" and d2["reason"] == "no capacity this month"
    assert s2.state.requests[-1].declined


def test_replies_stored_the_old_way_with_policy_channel_terms_fold_to_the_same_state():
    s = _session(world={"reply_times": {}})
    _egypt_request(s, "police_information_exchange")
    s.advance_days(2)
    events = s.store.events(s.exercise_id)
    i = next(i for i, e in enumerate(events) if e.kind == EventKind.DECISION)
    new = events[i].payload
    old = {k: new[k] for k in ("point", "subject", "state", "instrument", "action")}
    old |= {"policy": "channel_terms", "reason": "executed within the channel's success share"}
    legacy = [*events[:i], replace(events[i], payload=old), *events[i + 1 :]]
    assert state_hash(fold(s.scenario, "x", s.seed, legacy)) == s.state_hash()


def test_an_exercise_created_before_decisions_were_logged_decides_them_in_the_fold():
    s = _session(world={"reply_times": {}})
    drill.play(s)
    _egypt_request(s, "police_information_exchange")
    s.act("ita-police", "marco", type="search_and_arrest", place="ragusa-greenhouse")
    s.advance_days(2)
    events = s.store.events(s.exercise_id)
    assert {e.payload["point"] for e in events if e.kind == EventKind.DECISION} >= {
        "reply",
        "prosecution",
    }
    kept = [e for e in events if e.kind != EventKind.DECISION]
    created = kept[0]
    kept[0] = replace(created, payload={"seed": created.payload["seed"]})
    old_log = [replace(e, seq=n) for n, e in enumerate(kept, start=1)]
    first = fold(s.scenario, "x", s.seed, old_log)
    assert not first.decisions_logged
    assert state_hash(fold(s.scenario, "x", s.seed, old_log)) == state_hash(first)
    # the same decisions, taken inside the fold: the same world
    assert first.requests == s.state.requests
    assert first.personas == s.state.personas
    assert first.networks == s.state.networks
    assert first.teams == s.state.teams


def test_every_instruments_answering_agency_may_use_it():
    for spec in instruments().values():
        assert spec.may_send(answering_agency(spec.id))
