"""Referrals to shelter, NGO assistance and child protection decided by a played operator.

Where the state's NGO or social-welfare team is played, a ``refer`` to shelter, NGO assistance or
child protection is a **pending referral** (:class:`AssistanceReferral`): the receiving team gets it
in its inbox and answers with ``answer_referral`` — accept (the person takes the place or the
assistance: sheltered, child protection, the trust effect ``protection_granted``) or decline with a
reason (the referring team is told why and the person stays unprotected). The operator decides
freely: its workspace shows the state's shelter places in use and free
(:func:`pharos.exercise.rules.agencies.shelter_places`,
:func:`~pharos.exercise.rules.agencies.beds_used`) but a place over capacity is its call. A person
who leaves while the referral is pending (flees, or moves on to another state) makes it lapse; both
teams are told.

An unaccompanied child referred to child protection may be declined only on one of
:data:`CHILD_GROUNDS` (the service assessed the person as an adult, or the child is already in
the care of another child-protection service) and with a written reason: the presumption of
minority and the child's best interests (Directive 2011/36/EU, art. 13-16) leave a child
protection service no other reason to turn a child away.

Which team receives a referral (:func:`receivers`): the first played team of the state among
the shelter operators for shelter, NGO then social welfare for NGO assistance, and for child
protection the kinds the state's powers name for the child-protection route (``routes`` in
``domain/data/powers.yaml``, by default social welfare then NGO; the one home the screening's
next steps read too). A referral to one's own team takes effect at once. Where no such team is
played, nothing changes: the engine's policy decides on a shelter place, and NGO assistance or
child protection are given at once. Exercises created before this module (their ``created`` event
lacks ``"referrals": "answered"``; ``ExerciseState.referrals_decided`` is false) fold as
before: protection at once and a "Referral for assistance" message to every played NGO and
social-welfare team of the state.
"""

from __future__ import annotations

from typing import Any

from pharos.domain.practitioners import PractitionerKind as K
from pharos.domain.practitioners import route_kinds
from pharos.exercise.rules import agencies
from pharos.exercise.rules import personas as pers
from pharos.exercise.rules.played import played_team
from pharos.exercise.rules.state import AssistanceReferral, ExerciseState, Message, PersonaState
from pharos.exercise.rules.world import bring
from pharos.exercise.scenario.schema import Character, ExerciseScenario, Team
from pharos.i18n import _

SERVICES = ("shelter", "ngo_assistance", "child_protection")
#: who receives a referral to each service the powers data has no route for: the first played
#: team of these kinds in the state
RECEIVERS: dict[str, tuple[K, ...]] = {
    "shelter": agencies.SHELTER_OPERATORS,
    "ngo_assistance": (K.NGO, K.SOCIAL_WELFARE),
}
#: services whose receivers are a route of the state's powers (domain/data/powers.yaml)
ROUTE_SERVICES = frozenset({"child_protection"})
DECISIONS = ("accept", "decline")
#: the only grounds on which an unaccompanied child's referral to child protection is declined
CHILD_GROUNDS = ("assessed_as_adult", "in_care_of_another_service")


def receivers(state: str, to: str) -> tuple[K, ...]:
    """The agency kinds that receive a referral to the service ``to`` in ``state``, first
    present first."""
    return route_kinds(state, to) if to in ROUTE_SERVICES else RECEIVERS[to]


def receiver(sc: ExerciseScenario, state: str, to: str) -> Team | None:
    """The played team that decides on a referral to ``to`` in ``state``, if any."""
    return played_team(sc, state, receivers(state, to)) if to in SERVICES else None


def unaccompanied_child(c: Character) -> bool:
    return c.age < 18 and "unaccompanied_children" in c.groups


def _about(c: Character, persona: str, to: str) -> str:
    """The first line of the messages about a referral (stored in English, put into words by
    ``pharos.exercise.story.inbox``)."""
    return f"{c.name} ({persona}): {to}"


def check_refer(st: ExerciseState, persona: str, to: str) -> str | None:
    """Why a new referral cannot be made while one is pending (``None``: it can)."""
    if any(r.persona == persona and r.to == to and r.status == "pending" for r in st.referrals):
        return _("a referral of this person to this service is already awaiting an answer")
    return None


def refer(
    sc: ExerciseScenario,
    st: ExerciseState,
    team: Team,
    ps: PersonaState,
    to: str,
    operator: Team,
    seq: int,
) -> AssistanceReferral:
    """Record a pending referral to ``operator`` and put it in the operator's inbox."""
    m = st.minute
    ref = AssistanceReferral(
        id=f"REF-{seq}",
        persona=ps.id,
        to=to,
        from_team=team.id,
        to_team=operator.id,
        state=ps.state,
        made_at=m,
    )
    st.referrals.append(ref)
    bring(st, ps.id, operator.id, m)
    st.teams[operator.id].inbox.append(
        Message(
            f"ref-{seq}@{operator.id}",
            m,
            "message",
            team.name,
            "Referral for assistance",
            _about(sc.character(ps.id), ps.id, to),
        )
    )
    return ref


def inform_operators(
    sc: ExerciseScenario, st: ExerciseState, team: Team, ps: PersonaState, to: str, seq: int
) -> None:
    """A referral given at once: every other played NGO and social-welfare team of the state
    is told ("Referral for assistance") and gets the person within reach."""
    kinds = receivers(ps.state, to)
    for t in sc.teams:
        if t.played and t.state == ps.state and t.agency_kind in kinds and t.id != team.id:
            bring(st, ps.id, t.id, st.minute)
            st.teams[t.id].inbox.append(
                Message(
                    f"ref-{seq}@{t.id}",
                    st.minute,
                    "message",
                    team.name,
                    "Referral for assistance",
                    _about(sc.character(ps.id), ps.id, to),
                )
            )


def grant(sc: ExerciseScenario, st: ExerciseState, ps: PersonaState, to: str) -> None:
    """The person is given the service: trust rises once (``protection_granted``); a shelter
    place, or child protection (which shelters too and stops flight)."""
    c = sc.character(ps.id)
    m = st.minute
    if not (ps.sheltered or ps.child_protection):
        pers.set_trust(ps, m, ps.trust + c.trust_rules.protection_granted, "protection_granted")
    if to == "shelter":
        ps.sheltered = True
    if to == "child_protection":
        ps.child_protection = True
        ps.sheltered = True
    if st.referrals_decided and ps.assisted_at is None:
        ps.assisted_at = m


def pending_for(st: ExerciseState, team_id: str) -> list[AssistanceReferral]:
    """The referrals awaiting ``team_id``'s answer, oldest first."""
    return [r for r in st.referrals if r.to_team == team_id and r.status == "pending"]


def check_answer(
    sc: ExerciseScenario, st: ExerciseState, team: Team, p: dict[str, Any]
) -> str | None:
    """Why ``team`` cannot answer this referral now (``None``: it can)."""
    ref = next((r for r in st.referrals if r.id == p.get("referral")), None)
    if ref is None or ref.to_team != team.id:
        return _("this referral was not sent to your team")
    if ref.status == "lapsed":
        return _("this referral has lapsed: the person left")
    if ref.status != "pending":
        return _("this referral has already been answered")
    if p.get("decision") not in DECISIONS:
        return _("choose a decision: %(list)s") % {"list": ", ".join(DECISIONS)}
    if p["decision"] == "decline":
        if not str(p.get("reason", "")).strip():
            return _("give the reason for declining the referral")
        child = ref.to == "child_protection" and unaccompanied_child(sc.character(ref.persona))
        if child and p.get("ground") not in CHILD_GROUNDS:
            return _(
                "an unaccompanied child's referral to child protection may be declined "
                "only on one of these grounds: %(list)s"
            ) % {"list": ", ".join(CHILD_GROUNDS)}
    return None


def answer(
    sc: ExerciseScenario, st: ExerciseState, team: Team, p: dict[str, Any]
) -> dict[str, Any]:
    """Apply a checked ``answer_referral``; returns what the timeline records besides ``p``."""
    m = st.minute
    ref = next(r for r in st.referrals if r.id == p["referral"])
    ps = st.personas[ref.persona]
    c = sc.character(ps.id)
    ref.answered_at = m
    ref.note = str(p.get("note", "")).strip()
    lines = [_about(c, ps.id, ref.to)]
    if p["decision"] == "accept":
        ref.status = "accepted"
        grant(sc, st, ps, ref.to)
        title = "Referral accepted"
    else:
        ref.status = "declined"
        ref.reason = str(p["reason"]).strip()
        if ref.to == "child_protection" and unaccompanied_child(c):
            ref.ground = str(p["ground"])
        lines.append(f"[{ref.ground}] {ref.reason}" if ref.ground else ref.reason)
        title = "Referral declined"
    if ref.note:
        lines.append(ref.note)
    st.teams[ref.from_team].inbox.append(
        Message(f"answer-{ref.id}", m, "message", team.name, title, "\n".join(lines))
    )
    pers.update_flight(c, ps, m, st.seed)
    out = {"persona": ref.persona, "to": ref.to}
    return out | ({"ground": ref.ground} if ref.ground else {})


def lapse(sc: ExerciseScenario, st: ExerciseState, ps: PersonaState) -> None:
    """The person left (fled, or moved to another state): every referral of theirs still
    pending lapses; both teams are told."""
    m = st.minute
    c = sc.character(ps.id)
    for ref in st.referrals:
        if ref.persona != ps.id or ref.status != "pending":
            continue
        ref.status, ref.answered_at = "lapsed", m
        for to_team, other in ((ref.from_team, ref.to_team), (ref.to_team, ref.from_team)):
            st.teams[to_team].inbox.append(
                Message(
                    f"lapsed-{ref.id}@{to_team}",
                    m,
                    "message",
                    sc.team(other).name,
                    "Referral lapsed: the person left",
                    _about(c, ps.id, ref.to),
                )
            )
        st.log(m, "referral_lapsed", None, persona=ps.id, referral=ref.id, to=ref.to)


def shelter_places(sc: ExerciseScenario, st: ExerciseState, state: str) -> dict[str, int]:
    """The state's shelter places for the exercise's victims: in all, in use and free."""
    total = agencies.shelter_places(sc, state)
    used = agencies.beds_used(st, state)
    return {"total": total, "used": used, "free": max(0, total - used)}
