"""Exercise time passing: everything that falls due, processed in order.

``advance(st, scenario, minute)`` lets the world run up to an exercise minute: timed and
triggered injects reach team inboxes, characters move along their routes, decisions of agencies
nobody plays fall due (for logs older than ``decisions: logged``, taken here; newer logs store
them as events, see ``pharos.exercise.rules.agencies``), personas flee and the referrals waiting
for them lapse. Seeded draws only, so the same log always gives the same world.

Each phase of the scenario's clock begins at its own minute, logged on the timeline, before
anything else due at that minute (so an inject triggered by the phase is due from then, however
far a controller skips ahead). Logs older than ``"phases": "logged"`` (the ``created`` event) fold
as they were written: there the phase changed, unlogged, when the next item fell due, and was
logged only when a clock tick crossed its start.
"""

from __future__ import annotations

from pharos.exercise.rules.agencies import Due, apply_decision, decide, due
from pharos.exercise.rules.assistance import lapse
from pharos.exercise.rules.state import ExerciseState
from pharos.exercise.rules.world import deliver
from pharos.exercise.scenario.schema import (
    CharacterKind,
    ExerciseScenario,
    Inject,
    TriggerOn,
    day_to_minutes,
)


def phase_at(scenario: ExerciseScenario, minute: int) -> str:
    current = scenario.clock.phases[0].id
    for p in scenario.clock.phases:
        if day_to_minutes(p.starts_day) <= minute:
            current = p.id
    return current


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
    if st.phases_logged:  # each phase begins at its minute, before anything else due then
        order = [ph.id for ph in scenario.clock.phases]
        at = order.index(st.phase) if st.phase in order else -1
        for ph in scenario.clock.phases[at + 1 :]:
            items.append((day_to_minutes(ph.starts_day), -1, "phase", ph.id))
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
        if not st.phases_logged:  # older logs: the phase changed silently on the way
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
    if kind == "phase":
        st.phase = key
        st.log(m, "phase", None, phase=key)
    elif kind == "inject":
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
                lapse(scenario, st, p)  # a referral pending in the state left behind lapses
                p.state = new_state
            st.log(m, "persona_moved", None, persona=cid, place=move.place)
        elif cid not in st.arrested:
            st.log(m, "character_moved", None, character=cid, place=move.place)
            st.positions[cid] = move.place
    elif kind == "decision":
        point, subject = key.split(":", 1)
        apply_decision(scenario, st, decide(scenario, st, Due(m, 0, point, subject)))
    elif kind == "flight":
        p = st.personas[key]
        p.status = "fled"
        p.fled_at = m
        p.flight_due = None
        p.pending_shelter = p.shelter_waiting = None
        st.log(m, "persona_fled", None, persona=key, trust=p.trust)
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
