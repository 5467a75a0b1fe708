"""The world around the teams: the exercise at minute 0, and what changes in it: an inject
delivered, a document given, a person brought within a team's reach, an arrest, a simulated
agency's reply to a cross-border request and its timing (the channel's terms, seeded draws).
What falls due as time passes, and in which order, is ``pharos.exercise.rules.clock``.
"""

from __future__ import annotations

import math

from pharos.domain.cooperation import Product, of_product
from pharos.domain.datafiles import data_cache
from pharos.exercise.rules.charging import open_charges
from pharos.exercise.rules.personas import rng
from pharos.exercise.rules.state import (
    CrossBorderRequest,
    ExerciseState,
    Message,
    NetworkState,
    PersonaState,
    TeamState,
)
from pharos.exercise.scenario.schema import (
    ExerciseScenario,
    Inject,
    day_to_minutes,
)
from pharos.scenario.load import load_scenario as load_sim_scenario
from pharos.sim.policies import InstrumentTerms
from pharos.sim.world import World as SimWorld

#: Instruments under which a simulated receiving state also acts against the network's members
#: on its territory: those whose product is evidence (judicial cooperation, not just information).
ACTING_INSTRUMENTS = frozenset(of_product(Product.EVIDENCE))


@data_cache
def _sim_world(ref: str) -> SimWorld:
    return SimWorld(load_sim_scenario(ref))


def sim_world(scenario: ExerciseScenario) -> SimWorld:
    """The regional model's world of the simulation scenario this exercise is built on."""
    return _sim_world(scenario.world.sim_scenario)


def initial_state(scenario: ExerciseScenario, exercise_id: str, seed: int) -> ExerciseState:
    """The world at exercise minute 0, before any event."""
    st = ExerciseState(exercise_id=exercise_id, seed=seed)
    st.days_per_hour = scenario.clock.days_per_hour
    st.phase = scenario.clock.phases[0].id
    for c in scenario.personas():
        st.personas[c.id] = PersonaState(
            id=c.id, place=c.place, state=scenario.place(c.place).state, trust=c.trust
        )
    for t in scenario.teams:
        st.teams[t.id] = TeamState(id=t.id)
    for n in scenario.networks:
        st.networks[n.id] = NetworkState(id=n.id)
    return st


def deliver(
    st: ExerciseState,
    scenario: ExerciseScenario,
    inject: Inject,
    minute: int,
    to: list[str] | None = None,
) -> None:
    """Put an inject in its teams' inboxes, with its evidence; bring personas into reach."""
    st.released_injects[inject.id] = minute
    for team_id in to or inject.to:
        team = st.teams[team_id]
        team.inbox.append(
            Message(
                id=f"{inject.id}@{team_id}",
                minute=minute,
                channel=inject.channel.value,
                sender=inject.sender,
                title=inject.title,
                body=inject.body,
                evidence=list(inject.evidence),
                inject=inject.id,
            )
        )
        for ev in inject.evidence:
            give_evidence(st, team_id, ev, minute)
        for pid in inject.brings:
            bring(st, pid, team_id, minute)
    st.log(minute, "inject", None, inject=inject.id, title=inject.title, to=to or inject.to)


def give_evidence(st: ExerciseState, team_id: str, evidence_id: str, minute: int) -> None:
    team = st.teams[team_id]
    if evidence_id not in team.evidence:
        team.evidence.append(evidence_id)
        team.evidence_at[evidence_id] = minute


def bring(st: ExerciseState, persona_id: str, team_id: str, minute: int) -> None:
    """The team now knows of the persona and can reach them (if in its state)."""
    p = st.personas[persona_id]
    if p.status == "fled":
        return
    p.known_to.setdefault(team_id, minute)
    if p.reachable_since is None:
        p.reachable_since = minute


def position(st: ExerciseState, scenario: ExerciseScenario, character_id: str) -> str:
    """Where a character is now (place id)."""
    if character_id in st.personas:
        return st.personas[character_id].place
    return st.positions.get(character_id, scenario.character(character_id).place)


def reply_time(
    scenario: ExerciseScenario, st: ExerciseState, req: CrossBorderRequest
) -> tuple[float, float] | None:
    """(delay in exercise days, chance of an answer) for a simulated receiver; None: the
    instrument does not operate between the two states under the regional model.

    The exercise scenario's ``reply_times`` override; otherwise the simulation scenario's
    channel terms (lognormal response time, success share), scaled by ``world.time_scale``.
    """
    override = scenario.world.reply_times.get(req.instrument)
    draw = rng(st.seed, "reply", req.id)
    if override is not None:
        return draw.uniform(override.min_days, override.max_days), override.answer_rate
    terms = sim_world(scenario).terms(req.from_state, req.to_state, req.instrument)
    if terms is None:
        return None
    days = draw.lognormvariate(math.log(terms.median_days), terms.dispersion)
    return days * scenario.world.time_scale, terms.success


def reply_terms(scenario: ExerciseScenario, req: CrossBorderRequest) -> InstrumentTerms | None:
    """The channel's terms for a simulated receiver, in exercise days (as :func:`reply_time`
    draws from them): :func:`channel_terms` of the request's states and instrument."""
    return channel_terms(scenario, req.from_state, req.to_state, req.instrument)


def channel_terms(
    scenario: ExerciseScenario, sender: str, receiver: str, inst: str
) -> InstrumentTerms | None:
    """The terms of instrument ``inst`` from ``sender`` to ``receiver``, in exercise days: the
    scenario's ``reply_times`` override (its median day and answer rate), else the simulation
    scenario's terms scaled by ``time_scale``; None: no such channel."""
    override = scenario.world.reply_times.get(inst)
    if override is not None:
        mid = (override.min_days + override.max_days) / 2
        return InstrumentTerms(inst, mid, override.answer_rate)
    terms = sim_world(scenario).terms(sender, receiver, inst)
    if terms is None:
        return None
    return InstrumentTerms(inst, terms.median_days * scenario.world.time_scale, terms.success)


def reply_delay(st: ExerciseState, scenario: ExerciseScenario, req: CrossBorderRequest) -> int:
    """Exercise minutes from sending ``req`` to its answer by a receiver that follows the
    channel's terms (:func:`reply_time`); an unavailable channel says so quickly."""
    rt = reply_time(scenario, st, req)
    delay = rt[0] if rt is not None else 0.1
    return max(1, day_to_minutes(delay))


def schedule_reply(st: ExerciseState, scenario: ExerciseScenario, req: CrossBorderRequest) -> None:
    req.answer_due = req.sent_at + reply_delay(st, scenario, req)


def storylines_of(scenario: ExerciseScenario, req: CrossBorderRequest) -> set[str]:
    if req.network:
        return set(next(n for n in scenario.networks if n.id == req.network).storylines)
    if req.persona:
        return {scenario.character(req.persona).storyline}
    return set()


def answer_request(
    st: ExerciseState, scenario: ExerciseScenario, req: CrossBorderRequest, answer: str
) -> None:
    """Apply a simulated agency's answer (``executed``, ``declined``, ``unavailable``)."""
    m = st.minute
    req.answered_at = m
    req.answer = answer
    if answer == "unavailable":
        req.declined = True
        body = f"{req.to_state}: no {req.instrument} is in place with your state."
    elif answer != "executed":
        req.declined = True
        req.answer = "declined"
        body = (
            f"{req.to_state}: the request could not be executed (insufficient grounds or capacity)."
        )
    else:
        stories = storylines_of(scenario, req)
        found = [
            e.id for e in scenario.evidence if e.held_in == req.to_state and e.storyline in stories
        ]
        req.evidence = found
        body = (
            f"{req.to_state}: request executed under {req.instrument}; "
            f"{len(found)} document(s) attached."
        )
        for ev in found:
            give_evidence(st, req.from_team, ev, m)
        if req.network and req.instrument in ACTING_INSTRUMENTS:
            net = next(n for n in scenario.networks if n.id == req.network)
            for member in net.members:
                place = position(st, scenario, member)
                if scenario.place(place).state == req.to_state:
                    by = f"simulated:{req.to_state}"
                    arrest(st, scenario, member, req.to_state, m, by, req.from_team)
    st.teams[req.from_team].inbox.append(
        Message(
            id=f"reply-{req.id}",
            minute=m,
            channel="email",
            sender=f"{req.to_state} contact point",
            title=f"Reply to {req.id}",
            body=body,
            evidence=list(req.evidence),
        )
    )
    st.log(
        m,
        "request_answered",
        req.from_team,
        request=req.id,
        answer=req.answer,
        to_state=req.to_state,
    )


def arrest(
    st: ExerciseState,
    scenario: ExerciseScenario,
    character_id: str,
    state: str,
    minute: int,
    by: str,
    investigator: str | None = None,
) -> None:
    """Arrest a character in ``state``; a network member's arrest opens a charging decision
    there (``investigator``: the team to tell of it, by default the arresting team)."""
    if character_id in st.arrested:
        return
    st.arrested[character_id] = minute
    c = scenario.character(character_id)
    st.log(
        minute,
        "arrest",
        None if by.startswith("simulated") else by,
        character=character_id,
        state=state,
        by=by,
    )
    if c.network:
        ns = st.networks[c.network]
        ns.arrests[character_id] = minute
        ns.arrested_in[character_id] = state
        if investigator is None and not by.startswith("simulated"):
            investigator = by
        open_charges(scenario, st, c.network, state, minute, investigator)
        net = next(n for n in scenario.networks if n.id == c.network)
        # a national exercise has no other state to ask: its arrests alone disrupt a network
        answered = scenario.national or any(
            r.network == net.id and r.answered_at is not None and not r.declined
            for r in st.requests
        )
        if (
            ns.disrupted_at is None
            and answered
            and set(net.disrupt_requires) <= set(ns.arrested_in.values())
        ):
            ns.disrupted_at = minute
            st.log(minute, "network_disrupted", None, network=net.id)
