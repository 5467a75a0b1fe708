"""The world around the teams: what happens as exercise time passes.

Timed and triggered injects reach team inboxes; characters move along their routes; personas
flee; agencies nobody plays answer cross-border requests and referrals for identification after
their channel's delay (seeded draws, so the same log always gives the same world).
"""

from __future__ import annotations

import math

from pharos.domain.cooperation import Instrument
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
    CharacterKind,
    ExerciseScenario,
    Inject,
    TriggerOn,
    day_to_minutes,
)
from pharos.scenario.load import load_scenario as load_sim_scenario
from pharos.sim.policies import InstrumentTerms
from pharos.sim.world import World as SimWorld

#: Instruments under which a simulated receiving state also acts against the network's members
#: on its territory (judicial cooperation, not just information).
ACTING_INSTRUMENTS = {
    Instrument.JOINT_INVESTIGATION_TEAM.value,
    Instrument.MUTUAL_LEGAL_ASSISTANCE.value,
    Instrument.EUROPEAN_INVESTIGATION_ORDER.value,
}


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


def phase_at(scenario: ExerciseScenario, minute: int) -> str:
    current = scenario.clock.phases[0].id
    for p in scenario.clock.phases:
        if day_to_minutes(p.starts_day) <= minute:
            current = p.id
    return current


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


def _conditions(st: ExerciseState, scenario: ExerciseScenario, inj: Inject) -> bool:
    tr = inj.trigger
    assert tr is not None
    s = tr.subject
    if tr.when == TriggerOn.PHASE:
        order = [p.id for p in scenario.clock.phases]
        return order.index(st.phase) >= order.index(s)
    if tr.when == TriggerOn.SITE_INSPECTED:
        return any(s in t.inspected for t in st.teams.values())
    if tr.when == TriggerOn.ARREST:
        return s in st.arrested
    if tr.when == TriggerOn.REQUEST_ANSWERED:
        return any(r.to_state == s and r.answered_at is not None for r in st.requests)
    p = st.personas[s]
    return {
        TriggerOn.PERSONA_CONTACTED: bool(p.contacted),
        TriggerOn.PERSONA_DISCLOSED: bool(p.disclosed),
        TriggerOn.PERSONA_FLED: p.status == "fled",
        TriggerOn.PERSONA_IDENTIFIED: p.identified_at is not None,
    }[tr.when]


def check_triggers(st: ExerciseState, scenario: ExerciseScenario) -> None:
    for inj in scenario.injects:
        if inj.trigger is None or inj.id in st.triggered or inj.id in st.released_injects:
            continue
        if _conditions(st, scenario, inj):
            st.triggered[inj.id] = st.minute + day_to_minutes(inj.trigger.delay_days)


def _due_items(st: ExerciseState, scenario: ExerciseScenario) -> list[tuple[int, int, str, str]]:
    """Everything scheduled: (minute, order, kind, id)."""
    items: list[tuple[int, int, str, str]] = []
    for inj in scenario.injects:
        if inj.at_day is not None and inj.id not in st.released_injects:
            items.append((day_to_minutes(inj.at_day), 0, "inject", inj.id))
        elif inj.id in st.triggered and inj.id not in st.released_injects:
            items.append((st.triggered[inj.id], 1, "inject", inj.id))
    for c in scenario.characters:
        for j, m in enumerate(c.moves):
            key = f"{c.id}#{j}"
            if key not in st.moves_done:
                items.append((day_to_minutes(m.at_day), 2, "move", key))
    if not st.decisions_logged:  # older logs: decisions are taken inside the fold
        from pharos.exercise.rules.agencies import due

        for d in due(st):
            items.append((d.minute, 3 + d.order, "decision", f"{d.point}:{d.subject}"))
    for p in st.personas.values():
        if p.flight_due is not None and p.status != "fled":
            items.append((p.flight_due, 5, "flight", p.id))
    return sorted(items)


def advance(st: ExerciseState, scenario: ExerciseScenario, to_minute: int) -> None:
    """Let the world run up to ``to_minute``, processing everything due on the way, in order."""
    while True:
        check_triggers(st, scenario)
        items = [i for i in _due_items(st, scenario) if i[0] <= to_minute]
        if not items:
            break
        minute, _o, kind, key = items[0]
        st.minute = max(st.minute, minute)
        st.phase = phase_at(scenario, st.minute)
        _process(st, scenario, kind, key)
    st.minute = max(st.minute, to_minute)
    new_phase = phase_at(scenario, st.minute)
    if new_phase != st.phase:
        st.phase = new_phase
        st.log(st.minute, "phase", None, phase=new_phase)
    check_triggers(st, scenario)


def _process(st: ExerciseState, scenario: ExerciseScenario, kind: str, key: str) -> None:
    m = st.minute
    if kind == "inject":
        deliver(st, scenario, next(i for i in scenario.injects if i.id == key), m)
    elif kind == "move":
        st.moves_done.append(key)
        cid, j = key.split("#")
        c = scenario.character(cid)
        move = c.moves[int(j)]
        if c.kind == CharacterKind.VICTIM:
            p = st.personas[cid]
            if p.status == "fled" or (move.unless_protected and (p.protected or p.sheltered)):
                return
            p.place = move.place
            new_state = scenario.place(move.place).state
            if new_state != p.state:
                from pharos.exercise.rules.assistance import lapse

                lapse(scenario, st, p)  # a referral pending in the state left behind lapses
                p.state = new_state
            st.log(m, "persona_moved", None, persona=cid, place=move.place)
        elif cid not in st.arrested:
            st.log(m, "character_moved", None, character=cid, place=move.place)
            st.positions[cid] = move.place
    elif kind == "decision":
        from pharos.exercise.rules.agencies import Due, apply_decision, decide

        point, subject = key.split(":", 1)
        apply_decision(scenario, st, decide(scenario, st, Due(m, 0, point, subject)))
    elif kind == "flight":
        p = st.personas[key]
        p.status = "fled"
        p.fled_at = m
        p.flight_due = None
        p.pending_shelter = p.shelter_waiting = None
        st.log(m, "persona_fled", None, persona=key, trust=p.trust)
        from pharos.exercise.rules.assistance import lapse

        lapse(scenario, st, p)  # a referral awaiting a played operator's answer lapses
        if p.sheltered and not p.child_protection:
            # a shelter place frees up: the first on the state's waiting list is decided again
            waiting = sorted(
                (q.shelter_waiting, q.id)
                for q in st.personas.values()
                if q.shelter_waiting is not None and q.state == p.state and q.status != "fled"
            )
            if waiting:
                nxt = st.personas[waiting[0][1]]
                if nxt.pending_shelter is None:
                    nxt.pending_shelter = m


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
    override = scenario.world.reply_times.get(Instrument(req.instrument))
    draw = rng(st.seed, "reply", req.id)
    if override is not None:
        return draw.uniform(override.min_days, override.max_days), override.answer_rate
    terms = sim_world(scenario).terms(req.from_state, req.to_state, Instrument(req.instrument))
    if terms is None:
        return None
    days = draw.lognormvariate(math.log(terms.median_days), terms.dispersion)
    return days * scenario.world.time_scale, terms.success


def reply_terms(scenario: ExerciseScenario, req: CrossBorderRequest) -> InstrumentTerms | None:
    """The channel's terms for a simulated receiver, in exercise days (as :func:`reply_time`
    draws from them): the scenario's ``reply_times`` override (its median day and answer rate),
    else the simulation scenario's terms scaled by ``time_scale``; None: no such channel."""
    inst = Instrument(req.instrument)
    override = scenario.world.reply_times.get(inst)
    if override is not None:
        mid = (override.min_days + override.max_days) / 2
        return InstrumentTerms(inst, mid, override.answer_rate)
    terms = sim_world(scenario).terms(req.from_state, req.to_state, inst)
    if terms is None:
        return None
    return InstrumentTerms(inst, terms.median_days * scenario.world.time_scale, terms.success)


def schedule_reply(st: ExerciseState, scenario: ExerciseScenario, req: CrossBorderRequest) -> None:
    rt = reply_time(scenario, st, req)
    delay = rt[0] if rt is not None else 0.1  # an unavailable channel says so quickly
    req.answer_due = req.sent_at + max(1, day_to_minutes(delay))


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
        answered = any(
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
