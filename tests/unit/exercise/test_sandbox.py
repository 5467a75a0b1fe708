"""The exercise's sandbox: its events carried into the server's case tools, on exercise time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from pharos.coordinate.case_view import case_detail
from pharos.coordinate.identification import set_trafficking_status
from pharos.coordinate.permissions import PermissionDenied
from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.session import CommandRefused, ExerciseSession
from pharos.exercise.sandbox.database import exercise_time
from pharos.exercise.sandbox.sandbox import Sandbox
from pharos.store.base import clock_at, utcnow
from pharos.store.models import (
    AuditEntry,
    Case,
    CaseNote,
    ConsentRecord,
    CrossBorderRequest,
    Person,
    Referral,
    RequestReply,
    ScreeningRecord,
)

KEY = b"exercise-sandbox-test-key-0123456789"
INDICATORS = ["dr_wages", "cd_debt_bondage", "ec_excessive_hours"]


def drill(s: ExerciseSession) -> None:
    """Spanish labour inspectors find Salma, open a case, refer her to a shelter (the engine's
    social welfare admits her) and for identification (the Spanish police, played); the police
    ask Tunisia (played), which answers, and Egypt (simulated)."""
    s.advance_days(0.2)
    s.act("esp-labour", "ana", type="inspect_site", place="almeria-greenhouse")
    s.act("esp-labour", "ana", type="screen", persona="salma", indicators=INDICATORS)
    s.act(
        "esp-labour", "ana", type="open_case", persona="salma", consent=["services", "other_orgs"]
    )
    s.act("esp-labour", "ana", type="refer", persona="salma", to="shelter")
    s.act("esp-labour", "ana", type="refer", persona="salma", to="competent_authority")
    s.advance_days(0.5)
    for to in ("TUN", "EGY"):
        s.act(
            "esp-police",
            "jose",
            type="send_cross_border_request",
            to_state=to,
            instrument="police_information_exchange",
            persona="salma",
            question="Who recruited her?",
        )
    s.advance_days(0.5)
    tun = next(r.id for r in s.state.requests if r.to_state == "TUN")
    s.act("tun-police", "amira", type="answer_cross_border_request", request=tun, answer="Known")


def built(s: ExerciseSession) -> Sandbox:
    sb = Sandbox(s.scenario, s.exercise_id, s.seed)
    sb.catch_up(s.store)
    return sb


def minute_of(s: ExerciseSession, **match: object) -> int:
    ev = next(
        e
        for e in s.store.events(s.exercise_id)
        if e.kind == EventKind.ACTION and all(e.payload.get(k) == v for k, v in match.items())
    )
    return ev.at


def test_a_drill_becomes_case_records_on_exercise_time(session: ExerciseSession) -> None:
    drill(session)
    sb = built(session)
    assert sb.last_seq == session.state.last_seq
    opened = exercise_time(session.scenario, minute_of(session, type="open_case"))
    sent = exercise_time(
        session.scenario, minute_of(session, type="send_cross_border_request", to_state="TUN")
    )
    with sb.reading(KEY) as db:
        (case,) = db.execute(select(Case)).scalars()
        labour = sb.member_of_team("esp-labour")
        assert (case.reference, case.state, case.owner_agency_id) == (
            "ESP-2024-0001",
            "ESP",
            labour.agency_id,
        )
        assert case.created_at == opened == datetime(2024, 10, 7, 4, 48, tzinfo=UTC)
        (person,) = db.execute(select(Person)).scalars()
        assert (person.first_name, person.second_name, person.citizenship) == ("Salma", "B.", "TUN")
        (screening,) = db.execute(select(ScreeningRecord)).scalars()
        assert screening.case_id == case.id and screening.agency_id == labour.agency_id
        assert [o["id"] for o in screening.observations] == INDICATORS
        consent = db.execute(select(ConsentRecord)).scalar_one()
        assert consent.consent_for_services and not consent.disclosure_cross_border
        shelter, competent = db.execute(select(Referral).order_by(Referral.id)).scalars()
        assert shelter.to_agency_id == sb.agency_for("ESP", "social_welfare").agency_id  # type: ignore[union-attr]
        assert shelter.status == "accepted"  # the engine's decision: admitted
        assert shelter.responded_by_id == sb.agency_for("ESP", "social_welfare").user_id  # type: ignore[union-attr]
        assert competent.to_agency_id == sb.member_of_team("esp-police").agency_id
        assert competent.status == "in_progress"  # played: the police have not identified yet
        reqs = list(
            db.execute(select(CrossBorderRequest).order_by(CrossBorderRequest.id)).scalars()
        )
        assert [(r.receiver_state, r.status) for r in reqs] == [
            ("TUN", "answered"),
            ("EGY", "sent"),
        ]
        assert reqs[0].receiver_agency_id == sb.member_of_team("tun-police").agency_id
        assert reqs[1].receiver_agency_id == sb.member_of_team("egy-police").agency_id
        assert reqs[0].sent_at == sent and reqs[0].due_at == sent + timedelta(days=7)
        reply = db.execute(select(RequestReply)).scalar_one()
        assert reply.text == "Known" and reply.agency_id == reqs[0].receiver_agency_id
        # the audit trail is the sandbox's own, on exercise time
        first = db.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().first()
        assert first is not None and first.at == opened and first.actor == "esp-labour"


def test_the_engine_replies_through_the_case_tools(session: ExerciseSession) -> None:
    drill(session)
    session.advance_days(6)
    egy = next(r for r in session.state.requests if r.to_state == "EGY")
    assert egy.answered_at is not None
    sb = built(session)
    with sb.reading(KEY) as db:
        r = db.execute(
            select(CrossBorderRequest).where(CrossBorderRequest.receiver_state == "EGY")
        ).scalar_one()
        assert r.status == "answered"
        assert r.answered_at == exercise_time(session.scenario, egy.answered_at)
        reply = db.execute(select(RequestReply).where(RequestReply.request_id == r.id)).scalar_one()
        assert reply.author_id == sb.member_of_team("egy-police").user_id
        assert reply.text.startswith("EGY: ")


def test_the_other_state_sees_a_pseudonym(session: ExerciseSession) -> None:
    drill(session)
    sb = built(session)
    with sb.reading(KEY) as db:
        case = db.execute(select(Case)).scalar_one()
        tun = case_detail(db, sb.principal(db, sb.member_of_team("tun-police")), case, utcnow())
        esp = case_detail(db, sb.principal(db, sb.member_of_team("esp-police")), case, utcnow())
    assert tun["identity_view"] == "pseudonymised"
    assert tun["persons"][0]["name"].startswith("P-") and "Salma" not in str(tun)
    assert esp["identity_view"] == "full" and esp["persons"][0]["name"] == "Salma B."


def test_the_same_log_gives_the_same_sandbox(session: ExerciseSession) -> None:
    drill(session)
    first = built(session)
    # projected event by event (as the server does after each commit) or all at once: the same
    stepwise = Sandbox(session.scenario, session.exercise_id, session.seed)
    for ev in session.store.events(session.exercise_id):
        stepwise.projector.project(ev)
    assert built(session).dump_hash() == first.dump_hash() == stepwise.dump_hash()
    session.act(
        "esp-labour", "ana", type="refer", persona="salma", to="ngo_assistance",
    )  # fmt: skip
    assert first.catch_up(session.store) == 1
    assert first.dump_hash() != stepwise.dump_hash()
    assert first.dump_hash() == built(session).dump_hash()


def test_a_refusal_is_recorded_and_the_projection_goes_on(session: ExerciseSession) -> None:
    # played as in an exercise created before the rules refused a referral the case tools
    # refuse (its log replays as it was played): the case tools refuse it themselves
    session.state.consent_checked = False
    session.advance_days(0.2)
    session.act("esp-labour", "ana", type="inspect_site", place="almeria-greenhouse")
    # no case yet: nothing to refer
    session.act("esp-labour", "ana", type="refer", persona="salma", to="shelter")
    # no consent recorded: the server's consent gate refuses the referral
    session.act("esp-labour", "ana", type="open_case", persona="salma")
    session.act("esp-labour", "ana", type="refer", persona="salma", to="competent_authority")
    # the police see no case about the network (the referral that would share it was refused)
    session.act("esp-police", "jose", type="open_investigation", network="delta-agri")
    sb = built(session)
    with sb.reading(KEY) as db:
        assert db.execute(select(Referral)).first() is None
        refused = list(
            db.execute(
                select(AuditEntry)
                .where(AuditEntry.action == "exercise_refused")
                .order_by(AuditEntry.id)
            ).scalars()
        )
        # the engine's shelter operator admitted her, but no referral reached it on a case
        actors = ["esp-labour", "engine-ESP-social_welfare", "esp-labour", "esp-police"]
        assert [e.actor for e in refused] == actors
        assert "no case file" in refused[0].detail and refused[0].case_id is None
        assert "no referral" in refused[1].detail
        assert "consent" in refused[2].detail and refused[2].case_id is not None
        assert "delta" in refused[3].detail.lower() and refused[3].case_id is None
        note = db.execute(select(CaseNote)).scalar_one()
        assert note.text.startswith("Not recorded by the case tools (exercise action refer)")
    assert sb.last_seq == session.state.last_seq  # the projection went on to the end


def test_only_competent_bodies_record_an_identification(session: ExerciseSession) -> None:
    drill(session)
    sb = built(session)
    with sb.reading(KEY) as db, clock_at(exercise_time(session.scenario, 1000)):
        case = db.execute(select(Case)).scalar_one()
        victim = case.persons[0]
        labour = sb.principal(db, sb.member_of_team("esp-labour"))
        with pytest.raises(PermissionDenied):
            set_trafficking_status(
                db, labour, case, victim, {"trafficking_status": "actual_victim"}
            )
        police = sb.principal(db, sb.member_of_team("esp-police"))
        set_trafficking_status(db, police, case, victim, {"trafficking_status": "actual_victim"})
        assert victim.trafficking_status == "actual_victim"
        entry = db.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
        assert entry is not None and entry.action == "identify"
        assert entry.at == exercise_time(session.scenario, 1000)


def test_an_identification_by_the_police_accepts_the_referral(session: ExerciseSession) -> None:
    drill(session)
    # the drill's screening found no reasonable grounds; the inspectors conclude there are some
    session.act(
        "esp-labour", "ana", type="screen", persona="salma", indicators=INDICATORS,
        conclusion="possible_victim",
    )  # fmt: skip
    session.act("esp-police", "jose", type="identify", persona="salma")
    sb = built(session)
    with sb.reading(KEY) as db:
        assert db.execute(select(Person)).scalar_one().trafficking_status == "actual_victim"
        police = sb.member_of_team("esp-police").agency_id
        r = db.execute(select(Referral).where(Referral.to_agency_id == police)).scalar_one()
        assert r.status == "accepted"


def test_consent_must_be_one_of_the_choices(session: ExerciseSession) -> None:
    session.advance_days(0.2)
    session.act("esp-labour", "ana", type="inspect_site", place="almeria-greenhouse")
    with pytest.raises(ValueError, match="consent"):
        session.act("esp-labour", "ana", type="open_case", persona="salma", consent=["everything"])


def test_a_later_action_never_withdraws_the_consent_given(session: ExerciseSession) -> None:
    """Issue 17: a "Refer" with only "services" ticked overwrote the consent recorded when the
    case was opened (disclosure to other organisations), so the case tools refused both
    referrals while the exercise counted them. A consent not mentioned stays as it was given;
    a consent ticked later is added to it."""
    session.advance_days(0.2)
    session.act("esp-labour", "ana", type="inspect_site", place="almeria-greenhouse")
    session.act(
        "esp-labour", "ana", type="open_case", persona="salma", consent=["services", "other_orgs"]
    )
    session.act(
        "esp-labour", "ana", type="refer", persona="salma", to="shelter", consent=["services"]
    )
    session.act(
        "esp-labour", "ana", type="refer", persona="salma", to="competent_authority",
        consent=["cross_border"],
    )  # fmt: skip
    sb = built(session)
    with sb.reading(KEY) as db:
        assert len(db.execute(select(Referral)).scalars().all()) == 2
        refused = db.execute(select(AuditEntry).where(AuditEntry.action == "exercise_refused"))
        assert [e.detail for e in refused.scalars()] == []
        records = db.execute(select(ConsentRecord).order_by(ConsentRecord.id)).scalars().all()
        given = [
            (r.consent_for_services, r.disclosure_other_orgs, r.disclosure_cross_border)
            for r in records
        ]
        # the second refer widened it (cross border); the first changed nothing
        assert given == [(True, True, False), (True, True, True)]


def test_clock_at_fixes_now_in_its_block_only() -> None:
    when = datetime(2024, 10, 7, 8, 0, tzinfo=UTC)
    with clock_at(when):
        assert utcnow() == when
    assert utcnow() > when + timedelta(days=365)
    with pytest.raises(ValueError, match="timezone"), clock_at(datetime(2024, 10, 7)):
        pass


def test_every_referral_the_exercise_counts_is_one_the_case_tools_made(
    session: ExerciseSession,
) -> None:
    """Issue 17: the workspace said "referred" and the report counted referrals the case tools
    refused (no case file, no consent). The rules now refuse them as the case tools would
    (``pharos.domain.consent.needed``, one home for both), with what is missing in words; the
    referrals counted are the case tools' referrals, one for one."""
    session.advance_days(0.2)
    session.act("esp-labour", "ana", type="inspect_site", place="almeria-greenhouse")
    with pytest.raises(CommandRefused, match="open a case about this person first"):
        session.act("esp-labour", "ana", type="refer", persona="salma", to="shelter")
    session.act("esp-labour", "ana", type="open_case", persona="salma", consent=["services"])
    with pytest.raises(CommandRefused, match="not consented to: disclosure to other organisations"):
        session.act("esp-labour", "ana", type="refer", persona="salma", to="shelter")
    ps = session.state.personas["salma"]
    assert ps.referrals == [] and ps.referred_at is None
    # the consent ticked with the referral is added to the one in force: accepted
    session.act(
        "esp-labour", "ana", type="refer", persona="salma", to="shelter", consent=["other_orgs"]
    )
    # the police act on the inspectors' case (shared by the referral): its consent holds
    session.act("esp-labour", "ana", type="refer", persona="salma", to="competent_authority")
    assert ps.consents == {"esp-labour": ["services", "other_orgs"]}
    sb = built(session)
    with sb.reading(KEY) as db:
        made = db.execute(select(Referral)).scalars().all()
        refused = db.execute(select(AuditEntry).where(AuditEntry.action == "exercise_refused"))
        assert [e.detail for e in refused.scalars()] == []
    assert len(made) == len(ps.referrals) == 2
