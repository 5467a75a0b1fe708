"""Personas react to treatment: repeated questioning without protection makes them flee."""

from __future__ import annotations

from pharos.exercise.runtime.session import ExerciseSession


def _reach_karim(s: ExerciseSession) -> None:
    s.advance_days(0.2)
    s.act("ita-labour", "inspector", type="inspect_site", place="ragusa-greenhouse")


def _question_badly(s: ExerciseSession, times: int) -> None:
    for _ in range(times):
        s.act(
            "ita-labour",
            "inspector",
            type="interview",
            persona="karim",
            approach="standard",
            setting="where_found",
            interviewer="Rossi",
        )
        s.advance_days(0.05)


def test_persona_flees_after_repeated_questioning_without_protection(session: ExerciseSession):
    _reach_karim(session)
    _question_badly(session, 4)
    session.advance_days(1)
    karim = session.state.personas["karim"]
    # Questioned at the greenhouse with the gangmaster around, in Italian, again and again:
    # trust falls below the threshold (20) and nothing protects him, so he leaves.
    assert karim.status == "fled"
    reasons = {h["reason"] for h in karim.trust_history}
    assert {"repeated_questioning", "suspected_exploiter_present"} <= reasons
    assert any(e["what"] == "persona_fled" for e in session.state.timeline)
    # the team is told by the neighbour (a triggered inject)
    assert any(m.inject == "fled-karim" for m in session.state.teams["ita-labour"].inbox)
    # and nobody can reach him any more
    assert "cannot be reached" in _refusal(session)


def _refusal(s: ExerciseSession) -> str:
    from pharos.exercise.runtime.session import CommandRefused

    try:
        s.act(
            "ita-labour",
            "inspector",
            type="screen",
            persona="karim",
            indicators=[],
            conclusion="possible_victim",
        )
    except CommandRefused as exc:
        return str(exc)
    return ""


def test_same_seed_treated_well_does_not_flee_and_discloses(session: ExerciseSession):
    _reach_karim(session)
    for _ in range(2):
        session.act(
            "ita-labour",
            "inspector",
            type="interview",
            persona="karim",
            approach="trauma_informed",
            interpreter="ar",
            setting="office",
            interviewer="Lucia",
        )
        session.advance_days(1.5)
    session.advance_days(2)
    karim = session.state.personas["karim"]
    assert karim.status == "present"
    assert karim.flight_due is None
    # the ladder opened up to the debt and the passport, which need his own language
    assert {"karim-ad", "karim-passport"} <= set(karim.disclosed)
    assert karim.trust >= 60


def test_flight_is_cancelled_by_protection(session: ExerciseSession):
    _reach_karim(session)
    _question_badly(session, 2)
    karim = session.state.personas["karim"]
    assert karim.trust < 20 and karim.flight_due is not None
    # reasonable grounds, then a recovery and reflection period from the competent body
    session.act(
        "ita-labour",
        "inspector",
        type="screen",
        persona="karim",
        indicators=["ec_excessive_hours"],
        conclusion="possible_victim",
    )
    session.act(
        "ita-labour",
        "inspector",
        type="open_case",
        persona="karim",
        consent=["services", "other_orgs"],
    )
    session.act("ita-labour", "inspector", type="refer", persona="karim", to="competent_authority")
    session.act("ita-police", "officer", type="grant_recovery_period", persona="karim")
    assert karim.flight_due is None
    session.advance_days(2)
    assert karim.status == "present"


def test_flight_time_is_seeded():
    from pharos.exercise.rules.events import EventKind
    from pharos.exercise.runtime.store import MemoryEventStore

    def run(seed: int) -> int | None:
        s = ExerciseSession.create(MemoryEventStore(), seed=seed, clock=lambda: 0.0)
        s.submit(EventKind.STARTED, "director", {})
        _reach_karim(s)
        _question_badly(s, 2)
        return s.state.personas["karim"].flight_due

    assert run(1) == run(1)
    assert len({run(seed) for seed in range(6)}) > 1


def test_role_player_sees_what_may_be_disclosed_now(session: ExerciseSession):
    from pharos.exercise.rules.personas import knows_now

    c = session.scenario.character("karim")
    view = knows_now(c, session.state.personas["karim"])
    assert [d.id for d in view["may_disclose"]] == ["karim-work"]  # trust 35 at the start
    assert "karim-family" in [d.id for d in view["held_back"]]
