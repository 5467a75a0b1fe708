"""A played operator's answer to a referral reaches the case files: the operator team's account
accepts or rejects the referral it received; a referral that lapsed is revoked by the referrer."""

from __future__ import annotations

from sqlalchemy import select

from pharos.exercise.rules.events import EventKind
from pharos.exercise.runtime.session import ExerciseSession
from pharos.exercise.sandbox.sandbox import Sandbox
from pharos.store.models import AuditEntry, Referral, User

KEY = b"exercise-sandbox-test-key-0123456789"


def _referred(s: ExerciseSession) -> str:
    """Italian labour inspectors find Karim, open his case with his consent and refer him to a
    shelter; the Italian NGO (played) is to answer."""
    s.advance_days(0.2)
    s.act("ita-labour", "lucia", type="inspect_site", place="ragusa-greenhouse")
    s.act(
        "ita-labour", "lucia", type="open_case", persona="karim", consent=["services", "other_orgs"]
    )
    s.act(
        "ita-labour", "lucia", type="open_case", persona="karim", consent=["services", "other_orgs"]
    )
    s.act("ita-labour", "lucia", type="refer", persona="karim", to="shelter")
    (ref,) = s.state.referrals
    return ref.id


def _built(s: ExerciseSession) -> Sandbox:
    sb = Sandbox(s.scenario, s.exercise_id, s.seed)
    sb.catch_up(s.store)
    return sb


def _referral(sb: Sandbox) -> tuple[str, str | None, str | None]:
    ngo = sb.member_of_team("ita-ngo")
    with sb.reading(KEY) as db:
        r = db.execute(select(Referral).where(Referral.to_agency_id == ngo.agency_id)).scalar_one()
        by = db.get(User, r.responded_by_id) if r.responded_by_id else None
        return r.status, r.rejection_reason, by.username if by else None


def test_the_referral_waits_in_the_case_files_then_the_operator_accepts_it(
    session: ExerciseSession,
) -> None:
    ref = _referred(session)
    sb = _built(session)
    assert _referral(sb) == ("in_progress", "", None)
    session.act("ita-ngo", "nina", type="answer_referral", referral=ref, decision="accept")
    assert sb.catch_up(session.store) == 1
    status, _reason, by = _referral(sb)
    assert status == "accepted" and by == "ita-ngo"
    assert _built(session).dump_hash() == sb.dump_hash()


def test_a_declined_referral_is_rejected_with_the_reason(session: ExerciseSession) -> None:
    ref = _referred(session)
    session.act(
        "ita-ngo", "nina", type="answer_referral", referral=ref, decision="decline",
        reason="No place for men this week", note="Call again on Monday",
    )  # fmt: skip
    status, reason, by = _referral(_built(session))
    assert status == "rejected" and by == "ita-ngo"
    assert reason == "No place for men this week\nCall again on Monday"


def test_a_lapsed_referral_is_revoked_by_the_referring_team(session: ExerciseSession) -> None:
    _referred(session)
    session.submit(EventKind.PERSONA_OVERRIDDEN, "director", {"persona": "karim", "trust": 0})
    session.advance_days(1)
    assert session.state.referrals[0].status == "lapsed"
    sb = _built(session)
    status, _reason, by = _referral(sb)
    assert status == "revoked" and by == "ita-labour"
    with sb.reading(KEY) as db:
        refused = db.execute(
            select(AuditEntry).where(AuditEntry.action == "exercise_refused")
        ).first()
    assert refused is None
