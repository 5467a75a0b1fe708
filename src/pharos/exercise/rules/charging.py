"""Charging decisions: after arrests in a state, that state's prosecutor charges or drops.

The first arrest of a network's member in a state (a team's *search and arrest*, or arrests by a
simulated receiving state under an executed judicial request) opens a charging decision for the
network in that state (:func:`open_charges`). Who decides:

- a **played** prosecutor team of the state: the item goes to its inbox at once and the team
  decides with the action ``decide_charges`` (charge or drop, with a reason) whenever it is
  ready (:func:`decide_by_team`);
- **nobody plays** the state's prosecutor: the decision falls due :data:`CHARGING_DELAY_DAYS`
  exercise days after the first arrest; the session builds a
  :class:`pharos.sim.policies.ProsecutionContext` from the exercise state (:func:`context`), asks
  ``decide_prosecution`` of the prosecutor's policy, stores the answer as a ``decision`` event and
  only then applies it (:func:`apply_decision`).

Either way the investigating team is told in its inbox, and scoring and the after-action report
show per network and state: charged, dropped or pending, by whom and when. One decision per
network and state: later arrests in the same state join the case already opened.
"""

from __future__ import annotations

from typing import Any

from pharos.domain.practitioners import PractitionerKind as K
from pharos.exercise.rules.played import played_team
from pharos.exercise.rules.scoring import network_elements
from pharos.exercise.rules.state import Charging, ExerciseState, Message
from pharos.exercise.scenario.schema import ExerciseScenario, Network, day_to_minutes
from pharos.sim.policies import Action, Policies, ProsecutionContext

PROSECUTION = "prosecution"
#: Exercise days an unplayed prosecutor takes to decide after the first arrest in its state.
CHARGING_DELAY_DAYS = 1.0
OUTCOMES = {"charge": "charged", "drop": "dropped"}


class ChargingError(ValueError):
    """A stored charging decision does not match a pending one."""


def subject(network: str, state: str) -> str:
    """The decision's subject: ``<network>@<state>``."""
    return f"{network}@{state}"


def _split(subj: str) -> tuple[str, str]:
    network, _sep, state = subj.rpartition("@")
    return network, state


def _network(sc: ExerciseScenario, network_id: str) -> Network:
    return next(n for n in sc.networks if n.id == network_id)


def _prosecutor_team(sc: ExerciseScenario, state: str) -> str | None:
    team = played_team(sc, state, (K.PUBLIC_PROSECUTOR,))
    return team.id if team is not None else None


def open_charges(
    sc: ExerciseScenario,
    st: ExerciseState,
    network_id: str,
    state: str,
    minute: int,
    investigator: str | None,
) -> None:
    """Members of ``network_id`` were arrested in ``state``: a charging decision is due there."""
    ns = st.networks[network_id]
    if state in ns.charges:
        return
    prosecutor = _prosecutor_team(sc, state)
    due = None if prosecutor else minute + max(1, day_to_minutes(CHARGING_DELAY_DAYS))
    ns.charges[state] = Charging(state, minute, investigator, prosecutor, due)
    st.log(minute, "charging_due", None, network=network_id, state=state, prosecutor=prosecutor)
    if prosecutor is not None:
        net = _network(sc, network_id)
        st.teams[prosecutor].inbox.append(
            Message(
                f"charges-{network_id}-{state}",
                minute,
                "message",
                f"{state} police",
                f"Charging decision due: {net.name}",
                f"Members of {net.name} were arrested in {state}. Decide whether to charge "
                "them or drop the case (decide charges).",
            )
        )


def pending(st: ExerciseState) -> list[tuple[int, str]]:
    """(due minute, subject) of every charging decision an unplayed prosecutor owes."""
    return [
        (ch.due, subject(ns.id, state))
        for ns in st.networks.values()
        for state, ch in ns.charges.items()
        if ch.status == "pending" and ch.prosecutor is None and ch.due is not None
    ]


def context(
    sc: ExerciseScenario, st: ExerciseState, network_id: str, state: str
) -> ProsecutionContext:
    """What the state's prosecutor knows about the network, from the exercise state.

    Sufficient evidence: act, means and purpose each documented (``scoring.network_elements``)
    by documents held by the state's teams or produced by the state when it executed a request.
    Cooperating victims: the network's victims still present who disclosed to one of the
    state's teams. Cross-border reply: whether a request about the network sent from the state
    was executed (None: none sent). Financial investigation: opened by one of the state's teams.
    """
    net = _network(sc, network_id)
    teams = [t.id for t in sc.teams if t.state == state]
    held: set[str] = set().union(*(set(st.teams[t].evidence) for t in teams))
    for r in st.requests:
        if r.to_state == state and r.answered_at is not None and not r.declined:
            held |= set(r.evidence)
    elements, _retained = network_elements(sc, st, net, held)
    cooperating = 0
    for c in sc.personas():
        p = st.personas[c.id]
        victim = c.truth is not None and c.truth.is_victim
        told = any(p.disclosed_to.get(t) for t in teams)
        if c.storyline in net.storylines and victim and told and p.status != "fled":
            cooperating += 1
    sent = [r for r in st.requests if r.network == network_id and r.from_state == state]
    reply = any(r.answered_at is not None and not r.declined for r in sent) if sent else None
    financial = any(network_id in st.teams[t].financial_investigations for t in teams)
    return ProsecutionContext(
        time=st.minute / 1440.0,
        state=state,
        network=network_id,
        sufficient_evidence=all(v == "documented" for v in elements.values()),
        cooperating_victims=cooperating,
        cross_border_reply=reply,
        financial_investigation=financial,
    )


def decide(
    sc: ExerciseScenario, st: ExerciseState, subj: str, policies: Policies
) -> dict[str, Any]:
    """The unplayed prosecutor's decision, as the payload of a ``decision`` event."""
    network_id, state = _split(subj)
    policy = policies.of(state, K.PUBLIC_PROSECUTOR)
    ctx = context(sc, st, network_id, state)
    dec = policy.decide_prosecution(ctx)
    return {
        "point": PROSECUTION,
        "subject": subj,
        "state": state,
        "network": network_id,
        "agency": K.PUBLIC_PROSECUTOR.value,
        "policy": type(policy).__name__,
        "action": dec.action.value,
        "reason": dec.reason,
        "outcome": "charged" if dec.action is Action.CHARGE else "dropped",
        "sufficient_evidence": ctx.sufficient_evidence,
        "cooperating_victims": ctx.cooperating_victims,
        "cross_border_reply": ctx.cross_border_reply,
        "financial_investigation": ctx.financial_investigation,
    }


def _settle(
    sc: ExerciseScenario,
    st: ExerciseState,
    network_id: str,
    ch: Charging,
    outcome: str,
    by: str,
    reason: str,
) -> None:
    m = st.minute
    ch.status, ch.decided_at, ch.decided_by, ch.reason = outcome, m, by, reason
    team = by if by in st.teams else None
    st.log(
        m,
        "charges_decided",
        team,
        network=network_id,
        state=ch.state,
        outcome=outcome,
        by=by,
        reason=reason,
    )
    if ch.investigator is not None and ch.investigator in st.teams:
        net = _network(sc, network_id)
        title = {"charged": "Suspects charged", "dropped": "Charges dropped"}[outcome]
        st.teams[ch.investigator].inbox.append(
            Message(
                f"charges-{network_id}-{ch.state}-{outcome}",
                m,
                "message",
                f"{ch.state} prosecutor",
                f"{title}: {net.name}",
                f"{ch.state}: {reason}",
            )
        )


def apply_decision(sc: ExerciseScenario, st: ExerciseState, p: dict[str, Any]) -> None:
    """Apply a stored decision of an unplayed prosecutor."""
    network_id, state = _split(str(p.get("subject")))
    ns = st.networks.get(network_id)
    ch = ns.charges.get(state) if ns is not None else None
    if ch is None or ch.status != "pending" or ch.prosecutor is not None:
        raise ChargingError(f"no pending charging decision for {p.get('subject')}")
    outcome = str(p.get("outcome"))
    if outcome not in OUTCOMES.values():
        raise ChargingError(f"unknown charging outcome {outcome!r}")
    by = f"engine:{p.get('policy')}"
    _settle(sc, st, network_id, ch, outcome, by, str(p.get("reason", "")))


def pending_for_team(st: ExerciseState, team: str, state: str, network_id: object) -> bool:
    """Whether ``team`` (a played prosecutor in ``state``) owes a decision on the network."""
    ns = st.networks.get(str(network_id))
    ch = ns.charges.get(state) if ns is not None else None
    return ch is not None and ch.status == "pending" and ch.prosecutor == team


def decide_by_team(
    sc: ExerciseScenario, st: ExerciseState, team: str, state: str, p: dict[str, Any]
) -> None:
    """A played prosecutor team's ``decide_charges`` (already checked)."""
    ch = st.networks[p["network"]].charges[state]
    _settle(sc, st, p["network"], ch, OUTCOMES[p["decision"]], team, str(p["reason"]))
