"""Agencies nobody plays decide through the regional model's policies; played ones are people.

One interface, two drivers. Every agency of an exercise has a :class:`pharos.sim.policies.Policy` in
a :class:`pharos.sim.policies.Policies`: a team played by people is assigned a
:class:`~pharos.exercise.rules.played.PlayedTeam` (its decisions come from the browser: the item
goes to the team's inbox and the team answers with an action), every other agency keeps the engine's
automated :class:`pharos.sim.policies.StandardOperatingProcedure`.

A decision of an unplayed agency falls due at an exercise minute (:func:`due`). The session asks
the agency's policy (:func:`decide`, seeded draws only, never the clock), stores the decision as a
``decision`` event, and only then applies it (:func:`apply_decision`), so the fold, a replay and
crash recovery read the decision from the log instead of recomputing it. Decision points:

=================  ===========================================  =============================
point              who decides (unplayed)                       policy method / terms
=================  ===========================================  =============================
``reply``          the receiving state's agency for the         ``decide_answer``, with the
                   instrument of a cross-border request         channel terms' seeded draws
                   (``answering_agency``)                       (``World.terms``)
``identification`` the state's competent body, on a referral    ``decide_identification``
                   for identification
``shelter``        the shelter operator (social welfare), on a  ``decide_referral`` with the
                   referral to a shelter; or the identifying    state's shelter places for
                   body after a simulated identification        the exercise (finite)
``prosecution``    the state's prosecutor, a day after the      ``decide_prosecution``
                   first arrest of a network's member there     (:mod:`.charging`)
=================  ===========================================  =============================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pharos.domain.practitioners import PractitionerKind as K
from pharos.domain.practitioners import state_powers
from pharos.exercise.rules import charging
from pharos.exercise.rules.personas import rng, set_trust, update_flight
from pharos.exercise.rules.played import policies
from pharos.exercise.rules.state import CrossBorderRequest, ExerciseState, Message, PersonaState
from pharos.exercise.rules.world import answer_request, reply_terms, reply_time, sim_world
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.sim.policies import (
    Action,
    AnswerContext,
    IdentificationContext,
    Policies,
    ReferralContext,
    answering_agency,
)

REPLY, IDENTIFICATION, SHELTER = "reply", "identification", "shelter"
PROSECUTION = charging.PROSECUTION
#: Who runs shelters for victims (first match among the state's teams decides).
SHELTER_OPERATORS: tuple[K, ...] = (K.SOCIAL_WELFARE, K.NGO)


def shelter_places(sc: ExerciseScenario, state: str) -> int:
    """Shelter places for this exercise's victims in ``state``: the scenario's
    ``world.shelter_places``, else the simulation scenario's shelter beds for the state."""
    if state in sc.world.shelter_places:
        return sc.world.shelter_places[state]
    w = sim_world(sc)
    idx = w.state_index.get(state)
    return w.states[idx].beds if idx is not None else 0


def beds_used(st: ExerciseState, state: str) -> int:
    return sum(
        1
        for p in st.personas.values()
        if p.state == state and p.sheltered and not p.child_protection and p.status != "fled"
    )


@dataclass(frozen=True, order=True)
class Due:
    """A decision of an unplayed agency falling due at exercise minute ``minute``."""

    minute: int
    order: int
    point: str
    subject: str


def due(st: ExerciseState) -> list[Due]:
    """Pending decisions of unplayed agencies, earliest first."""
    out = [
        Due(r.answer_due, 0, REPLY, r.id)
        for r in st.requests
        if r.to_team is None and r.answered_at is None and r.answer_due is not None
    ]
    for p in st.personas.values():
        if p.pending_identification is not None:
            out.append(Due(p.pending_identification, 1, IDENTIFICATION, p.id))
        if p.pending_shelter is not None:
            out.append(Due(p.pending_shelter, 2, SHELTER, p.id))
    out.extend(Due(minute, 3, PROSECUTION, subj) for minute, subj in charging.pending(st))
    return sorted(out)


def _days(minute: int) -> float:
    return minute / 1440.0


def _competent(state: str) -> K:
    kinds = state_powers(state).formal_identification.kinds
    return kinds[0] if kinds else K.LAW_ENFORCEMENT


def exploitation(sc: ExerciseScenario, persona: str) -> Any:
    c = sc.character(persona)
    if c.truth is not None and c.truth.exploitation is not None:
        return c.truth.exploitation
    return next(s.exploitation for s in sc.storylines if s.id == c.storyline)


def decide(sc: ExerciseScenario, st: ExerciseState, d: Due) -> dict[str, Any]:
    """The decision of the unplayed agency for ``d``, as the payload of a ``decision`` event.

    A pure function of the scenario, the state and seeded draws (no clock).
    """
    pol = policies(sc)
    if d.point == REPLY:
        req = next(r for r in st.requests if r.id == d.subject)
        return _reply(sc, st, req, pol)
    if d.point == PROSECUTION:
        return charging.decide(sc, st, d.subject, pol)
    if d.point == IDENTIFICATION:
        return _identification(sc, st, st.personas[d.subject], pol)
    return _shelter(sc, st, st.personas[d.subject], pol)


def _identification(
    sc: ExerciseScenario, st: ExerciseState, p: PersonaState, pol: Policies
) -> dict[str, Any]:
    """The state's competent body on a referral for identification (``decide_identification``):
    identified only with reasonable grounds (a screening), a true victim who is still there."""
    c = sc.character(p.id)
    body = _competent(p.state)
    policy = pol.of(p.state, body)
    ctx = IdentificationContext(
        time=_days(st.minute),
        state=p.state,
        agency=body,
        channel="referral",
        exploitation=exploitation(sc, p.id),
        child=c.age < 18,
        may_identify=state_powers(p.state).may_identify(body),
        competent_bodies=state_powers(p.state).formal_identification.kinds,
        rescued_in_operation=False,
    )
    dec = policy.decide_identification(ctx)
    grounds = p.reasonable_grounds
    victim = c.truth is not None and c.truth.is_victim
    identified = dec.action is Action.IDENTIFY and grounds and victim and p.status != "fled"
    return {
        "point": IDENTIFICATION,
        "subject": p.id,
        "state": p.state,
        "agency": body.value,
        "policy": type(policy).__name__,
        "action": dec.action.value,
        "reason": dec.reason,
        "outcome": "identified" if identified else "refused",
    }


def _shelter(
    sc: ExerciseScenario, st: ExerciseState, p: PersonaState, pol: Policies
) -> dict[str, Any]:
    """The shelter operator on a referral to a shelter (``decide_referral``), with the state's
    places for the exercise: admitted while a place is free, else on the waiting list."""
    c = sc.character(p.id)
    operator = p.shelter_by or _competent(p.state).value
    kind = K(operator)
    policy = pol.of(p.state, kind)
    free = shelter_places(sc, p.state) - beds_used(st, p.state)
    waiting = sum(
        1 for q in st.personas.values() if q.shelter_waiting is not None and q.state == p.state
    )
    ctx_r = ReferralContext(
        time=_days(st.minute),
        state=p.state,
        agency=kind,
        beds_free=max(0, free),
        waiting=waiting,
        child=c.age < 18,
    )
    dec = policy.decide_referral(ctx_r)
    if dec.action is not Action.SHELTER or p.status == "fled":
        outcome = "refused"
    elif free > 0:
        outcome = "admitted"
    else:
        outcome = "waiting"
    return {
        "point": SHELTER,
        "subject": p.id,
        "state": p.state,
        "agency": kind.value,
        "policy": type(policy).__name__,
        "action": dec.action.value,
        "reason": dec.reason,
        "beds_free": max(0, free),
        "outcome": outcome,
    }


def answer_context(
    sc: ExerciseScenario, st: ExerciseState, req: CrossBorderRequest
) -> AnswerContext | None:
    """What the receiving agency knows when it answers ``req`` (``decide_answer``), with the
    channel's seeded draws: whether the request can be executed, and the days its reply takes;
    None when the instrument does not operate between the states under the regional model."""
    rt = reply_time(sc, st, req)
    terms = reply_terms(sc, req)
    if rt is None or terms is None:
        return None
    executable = rng(st.seed, "reply-outcome", req.id).random() < rt[1]
    return AnswerContext(
        time=_days(st.minute),
        sender=req.from_state,
        receiver=req.to_state,
        agency=answering_agency(req.instrument),
        instrument=req.instrument,
        network=req.network,
        terms=terms,
        executable=executable,
        latency=rt[0],
    )


def _reply(
    sc: ExerciseScenario, st: ExerciseState, req: CrossBorderRequest, pol: Policies
) -> dict[str, Any]:
    """The receiving agency's answer (``decide_answer``) to a request it does not play.

    The channel's seeded draw says whether the request can be executed (as before
    ``decide_answer`` existed, so the SOP answers exactly as the channel terms did); a channel
    that does not operate between the states is answered "unavailable" without asking anyone
    (policy ``channel_terms``)."""
    kind = answering_agency(req.instrument)
    out: dict[str, Any] = {
        "point": REPLY,
        "subject": req.id,
        "state": req.to_state,
        "agency": kind.value,
        "instrument": req.instrument,
    }
    ctx = answer_context(sc, st, req)
    if ctx is None:
        reason = "the instrument does not operate between the states"
        return out | {"policy": "channel_terms", "action": "unavailable", "reason": reason}
    policy = pol.of(req.to_state, kind)
    dec = policy.decide_answer(ctx)
    executed = dec.action is Action.EXECUTE and ctx.executable
    return out | {
        "policy": type(policy).__name__,
        "decision": dec.action.value,
        "executable": ctx.executable,
        # what the fold applies (``answer_request``): executed or declined
        "action": "executed" if executed else "declined",
        "reason": dec.reason,
    }


class DecisionError(ValueError):
    """A stored decision does not match a pending one (the log does not belong here)."""


def apply_decision(sc: ExerciseScenario, st: ExerciseState, p: dict[str, Any]) -> None:
    """Apply a stored decision at ``st.minute``."""
    m = st.minute
    point, subject = p.get("point"), p.get("subject")
    if point == REPLY:
        req = next((r for r in st.requests if r.id == subject), None)
        if req is None or req.to_team is not None or req.answered_at is not None:
            raise DecisionError(f"no pending reply to {subject}")
        answer_request(st, sc, req, str(p["action"]))
        return
    if point == PROSECUTION:
        try:
            charging.apply_decision(sc, st, p)
        except charging.ChargingError as exc:
            raise DecisionError(str(exc)) from exc
        return
    if subject not in st.personas:
        raise DecisionError(f"unknown persona {subject}")
    ps = st.personas[subject]
    c = sc.character(ps.id)
    if point == IDENTIFICATION:
        if ps.pending_identification is None:
            raise DecisionError(f"no pending identification of {subject}")
        ps.pending_identification = None
        if p["outcome"] == "identified":
            ps.identified_at = m
            ps.identified_by = f"simulated:{ps.state}"
            st.log(m, "persona_identified", None, persona=ps.id, by=ps.identified_by)
            # the identifying body's next decision point: a shelter place (decide_referral)
            if not ps.sheltered and ps.pending_shelter is None:
                ps.pending_shelter = m
                ps.shelter_by = p["agency"]
        else:
            st.log(m, "identification_refused", None, persona=ps.id, reason=p.get("reason"))
    elif point == SHELTER:
        if ps.pending_shelter is None:
            raise DecisionError(f"no pending shelter referral of {subject}")
        ps.pending_shelter = None
        outcome = p["outcome"]
        if outcome == "admitted":
            admit(sc, st, ps, m)
        elif outcome == "waiting" and ps.shelter_waiting is None:
            ps.shelter_waiting = m
        st.log(m, "shelter_" + str(outcome), None, persona=ps.id, state=ps.state)
        if ps.shelter_referrer:
            title = {
                "admitted": "Shelter place granted",
                "waiting": "No shelter place free: on the waiting list",
                "refused": "Shelter referral refused",
            }[str(outcome)]
            st.teams[ps.shelter_referrer].inbox.append(
                Message(
                    f"shelter-{ps.id}-{m}",
                    m,
                    "message",
                    f"{ps.state} shelter",
                    title,
                    f"{c.name} ({ps.id}): {p.get('reason', '')}",
                )
            )
    else:
        raise DecisionError(f"unknown decision point {point}")
    update_flight(c, ps, m, st.seed)


def admit(sc: ExerciseScenario, st: ExerciseState, ps: PersonaState, minute: int) -> None:
    """The persona takes a shelter place (trust rises as protection is granted)."""
    c = sc.character(ps.id)
    if not (ps.sheltered or ps.child_protection):
        set_trust(ps, minute, ps.trust + c.trust_rules.protection_granted, "protection_granted")
    ps.sheltered = True
    ps.shelter_waiting = None
    if st.referrals_decided and ps.assisted_at is None:
        ps.assisted_at = minute
