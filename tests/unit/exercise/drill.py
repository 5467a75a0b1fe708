"""A short drill of the bundled scenario used by several tests (three teams in two states)."""

from __future__ import annotations

from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.session import ExerciseSession


def play(s: ExerciseSession) -> None:
    """Labour inspectors find Karim, police identify him and ask Tunisia, Tunisia answers."""
    s.advance_days(0.2)
    s.act("ita-labour", "lucia", type="inspect_site", place="ragusa-greenhouse")
    s.act(
        "ita-labour",
        "lucia",
        type="interview",
        persona="karim",
        approach="trauma_informed",
        interpreter="ar",
        setting="office",
        interviewer="Lucia",
    )
    s.act(
        "ita-labour",
        "lucia",
        type="screen",
        persona="karim",
        indicators=["dr_wages", "cd_debt_bondage", "ec_excessive_hours"],
        conclusion="possible_victim",
    )
    if s.state.consent_checked:  # a referral is made from a case file, with consent
        s.act(
            "ita-labour", "lucia", type="open_case", persona="karim",
            consent=["services", "other_orgs"],
        )  # fmt: skip
    s.act("ita-labour", "lucia", type="refer", persona="karim", to="competent_authority")
    s.advance_days(0.3)
    s.act("ita-police", "marco", type="identify", persona="karim")
    s.act("ita-police", "marco", type="refer", persona="karim", to="shelter")
    s.act("ita-police", "marco", type="open_investigation", network="delta-agri")
    s.act(
        "ita-police",
        "marco",
        type="send_cross_border_request",
        to_state="TUN",
        instrument="police_information_exchange",
        network="delta-agri",
        question="Who is Mounir Trabelsi?",
    )
    s.advance_days(1)
    req = s.state.requests[-1].id
    s.act(
        "tun-police",
        "amira",
        type="answer_cross_border_request",
        request=req,
        answer="Known labour broker in Sfax",
        evidence=["gh-job-ad"],
    )
    s.submit(
        EventKind.OBSERVATION,
        "observer-1",
        {
            "team": "ita-labour",
            "objective": "victim_centred_protection",
            "rating": 5,
            "note": "Interpreter, safe room",
        },
    )
    s.advance_days(1)
