"""State is a fold over the event log: ``fold(scenario, events)`` → ``ExerciseState``.

``apply`` first lets the world run to the event's exercise minute (injects, moves, replies,
flight), then applies the event. It never reads the clock or anything outside its arguments, so
replaying the same log gives the same state and the same ``state_hash`` in any process.
"""

from __future__ import annotations

from collections.abc import Iterable

from pharos.exercise.rules import agencies, personas, review
from pharos.exercise.rules.actions import catalogue
from pharos.exercise.rules.clock import advance, check_triggers
from pharos.exercise.rules.events import Event, EventKind
from pharos.exercise.rules.state import (
    SETUP_FIELDS,
    ExerciseState,
    Message,
    Observation,
    TaskRating,
)
from pharos.exercise.rules.world import deliver, initial_state
from pharos.exercise.scenario.schema import ExerciseScenario


class FoldError(ValueError):
    """A stored event cannot be applied (the log does not belong to this scenario)."""


def apply(sc: ExerciseScenario, st: ExerciseState, ev: Event) -> None:
    """Apply one event to the state in place."""
    if ev.seq != st.last_seq + 1:
        raise FoldError(f"event {ev.seq} follows {st.last_seq}")
    if ev.at < st.minute:
        raise FoldError(f"event {ev.seq} at minute {ev.at} is before minute {st.minute}")
    advance(st, sc, ev.at)
    st.last_seq = ev.seq
    p, k, m = ev.payload, ev.kind, st.minute
    if k == EventKind.CREATED:
        st.decisions_logged = p.get("decisions") == "logged"
        st.referrals_decided = p.get("referrals") == "answered"
        st.phases_logged = p.get("phases") == "logged"
        st.consent_checked = p.get("consent") == "checked"
        st.created_by = p.get("director") or None
        st.directors = [st.created_by] if st.created_by else []
        st.setup = {k: str(p[k]) for k in SETUP_FIELDS if p.get(k)}
    elif k == EventKind.DECISION:
        try:
            agencies.apply_decision(sc, st, p)
        except agencies.DecisionError as exc:
            raise FoldError(f"event {ev.seq}: {exc}") from exc
    elif k == EventKind.STARTED:
        st.status, st.started_at = "running", m
        st.log(m, "started", None, by=ev.actor)
    elif k == EventKind.PAUSED:
        st.status = "paused"
        st.log(m, "paused", None, by=ev.actor)
    elif k == EventKind.RESUMED:
        st.status = "running"
        st.log(m, "resumed", None, by=ev.actor)
    elif k == EventKind.SPEED_CHANGED:
        st.days_per_hour = float(p["days_per_hour"])
        st.log(m, "speed_changed", None, days_per_hour=st.days_per_hour)
    elif k == EventKind.CLOCK_TICKED:
        pass
    elif k == EventKind.INJECT_RELEASED:
        inj = next(i for i in sc.injects if i.id == p["inject"])
        deliver(st, sc, inj, m, to=p.get("to") or None)
    elif k == EventKind.FREE_INJECT:
        for team_id in p["to"]:
            st.teams[team_id].inbox.append(
                Message(
                    f"free-{ev.seq}@{team_id}",
                    m,
                    p.get("channel", "message"),
                    p.get("sender", "Exercise control"),
                    p["title"],
                    p.get("body", ""),
                )
            )
        st.log(m, "free_inject", None, title=p["title"], to=p["to"])
    elif k == EventKind.PERSONA_OVERRIDDEN:
        ps = st.personas[p["persona"]]
        ch = sc.character(ps.id)
        if "trust" in p:
            personas.set_trust(ps, m, int(p["trust"]), "controller_override")
        if p.get("status") == "present" and ps.status == "fled":
            ps.status, ps.fled_at = "present", None
        st.overrides.append({"minute": m, "by": ev.actor, **p})
        st.log(m, "persona_overridden", None, **p)
        personas.update_flight(ch, ps, m, st.seed)
    elif k == EventKind.PERSONA_SPOKE:
        ps, team = st.personas[p["persona"]], p["team"]
        ch = sc.character(ps.id)
        text = str(p.get("text") or "").strip()
        if text:
            st.teams[team].inbox.append(Message(f"say-{ev.seq}", m, "message", ch.name, text, ""))
        change = int(p.get("trust") or 0)
        if change:
            personas.set_trust(ps, m, ps.trust + change, "role_player")
            ps.trust_history[-1]["note"] = str(p.get("reason", ""))
            personas.update_flight(ch, ps, m, st.seed)
        st.log(m, "persona_spoke", team, persona=ps.id, text=text, trust=change,
               reason=str(p.get("reason", "")), by=ev.actor)  # fmt: skip
    elif k == EventKind.NOTE_ADDED:
        st.notes.append({"minute": m, "by": ev.actor, **p})
    elif k == EventKind.ENDED:
        st.status, st.ended_at = "ended", m
        st.log(m, "ended", None, by=ev.actor)
    elif k == EventKind.HOTWASH_NOTE:
        st.hotwash.append({"minute": m, "by": ev.actor, **p})
    elif k == EventKind.ROLE_ASSIGNED:
        # one role per user: a new one replaces the old; "none" takes it away
        st.assignments = [a for a in st.assignments if a["username"] != p["username"]]
        st.directors = [d for d in st.directors if d != p["username"]]
        if p["role"] == "director":
            st.directors.append(p["username"])
        elif p["role"] != "none":
            st.assignments.append(dict(p))
    elif k == EventKind.CORRECTIVE_ACTION:
        st.corrective_actions.append({"minute": m, "by": ev.actor, **p})
    elif k == EventKind.ACTION:
        team = sc.team(p["team"])
        body = {key: v for key, v in p.items() if key != "team"}
        catalogue.apply(sc, st, team, body, ev.seq)
    elif k in review.REVIEW_KINDS:
        review.apply(st, k, p, ev.actor)
    elif k == EventKind.FEEDBACK:
        st.feedback.append({"minute": m, "by": ev.actor, **p})
    elif k == EventKind.WELLBEING_CHECKED:
        st.wellbeing.append({"minute": m, "by": ev.actor, **p})
    elif k == EventKind.OBSERVATION and "task" in p:  # a critical task rated P/S/M/U
        st.task_ratings.append(
            TaskRating(
                ev.actor,
                m,
                p["team"],
                p["objective"],
                p["task"],
                p["rating"],
                str(p.get("note", "")),
                str(p.get("evidence", "")),
            )
        )
    elif k == EventKind.OBSERVATION:
        st.observations.append(
            Observation(ev.actor, m, p["team"], p["objective"], int(p["rating"]), p.get("note", ""))
        )
    check_triggers(st, sc)
    advance(st, sc, st.minute)


def fold(
    sc: ExerciseScenario,
    exercise_id: str,
    seed: int,
    events: Iterable[Event],
    until_minute: int | None = None,
) -> ExerciseState:
    """The state after ``events`` (optionally only those up to exercise minute ``until_minute``)."""
    st = initial_state(sc, exercise_id, seed)
    for ev in events:
        if until_minute is not None and ev.at > until_minute:
            advance(st, sc, until_minute)
            break
        apply(sc, st, ev)
    return st
