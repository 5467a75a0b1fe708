"""A rehearsal before the day: the exercise played through at speed by the standard procedures.

``rehearse(loaded)`` creates the exercise on the real engine (``ExerciseSession``) over an event
store in memory (``MemoryEventStore``: nothing is written to any database), starts it, and steps
the exercise clock from the start to the scenario's ``end_day``; at each step every played team
takes the actions its standard procedure gives (``pharos.exercise.rules.procedure``), submitted
as commands like a player's, while the agencies nobody plays decide through the model's policies
as they do in any exercise. What the report says is read back from the exercise's log and its
fold: when each inject fired, which people a team reached and when, whether each network fell
(and what it lacked), and each team's actions and idle stretches, so that a director can tune the
scenario's pacing before people sit down. Same scenario, seed and step: the same log, event for
event (the session's clock is fixed; every draw is seeded).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

from pharos.exercise.rules import procedure
from pharos.exercise.rules.events import Event, EventKind
from pharos.exercise.rules.state import ExerciseState
from pharos.exercise.runtime.session import CommandRefused, ExerciseSession
from pharos.exercise.runtime.store import MemoryEventStore
from pharos.exercise.scenario.loader import LoadedScenario
from pharos.exercise.scenario.schema import ExerciseScenario, day_to_minutes
from pharos.exercise.words import wording
from pharos.exercise.words.names import MISSING, clock_label
from pharos.i18n import _, format_list, join_items, ngettext

#: Exercise minutes between two looks of every team at its desk (the rehearsal's step).
STEP_MINUTES = 60
#: A team is idle for a stretch of at least this many exercise hours without an action.
IDLE_HOURS = 24
#: At most this many actions per team and step (a procedure that never settles is cut short).
MAX_ACTIONS_PER_STEP = 200
ACTOR = "rehearsal"


@dataclass(frozen=True)
class InjectPace:
    id: str
    #: ``timed`` (``at_day``), ``triggered`` (``trigger``) or ``deck`` (the controller's)
    release: str
    #: the minute the scenario sets (timed), else None
    planned: int | None
    #: the minute it reached the teams' inboxes, None: never
    fired: int | None


@dataclass(frozen=True)
class PersonaReach:
    id: str
    #: the first contact by a team (an action on the person, or a visit where they are)
    reached: int | None
    reached_by: str | None
    told: int
    ladder: int
    identified: int | None
    protected: int | None
    fled: int | None


@dataclass(frozen=True)
class NetworkFall:
    id: str
    fell: int | None
    #: state -> the minute of the first arrest of a member there
    arrests: dict[str, int]
    #: the states of ``disrupt_requires`` with no arrest
    missing: list[str]
    #: whether a cross-border request about the network was executed
    answered: bool


@dataclass(frozen=True)
class TeamPace:
    id: str
    actions: int
    first: int | None
    #: (from, to) exercise minutes of each stretch of at least ``IDLE_HOURS`` without an action
    idle: list[tuple[int, int]]


@dataclass(frozen=True)
class Refusal:
    minute: int
    team: str
    action: str
    reason: str


@dataclass
class Rehearsal:
    scenario: str
    title: str
    seed: int
    step_minutes: int
    idle_hours: int
    end: int
    events: int
    decisions: int
    injects: list[InjectPace]
    personas: list[PersonaReach]
    networks: list[NetworkFall]
    teams: list[TeamPace]
    refused: list[Refusal]
    #: the exercise's log, for checks (not in ``as_json``)
    log: list[Event] = field(default_factory=list, repr=False)
    state: ExerciseState | None = field(default=None, repr=False)

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        del out["log"], out["state"]
        for t in out["teams"]:
            t["idle"] = [list(x) for x in t["idle"]]
        return out


def rehearse(
    loaded: LoadedScenario,
    seed: int | None = None,
    step_minutes: int = STEP_MINUTES,
    idle_hours: int = IDLE_HOURS,
) -> Rehearsal:
    """Play the scenario through by the standard procedures, in memory (see the module)."""
    if step_minutes < 1:
        raise ValueError(_("the step is at least one exercise minute"))
    sc = loaded.scenario
    store = MemoryEventStore()
    s = ExerciseSession.create(store, loaded, seed, clock=lambda: 0.0, origin=ACTOR)
    s.submit(EventKind.STARTED, ACTOR, {})
    end = day_to_minutes(sc.clock.end_day)
    refused: list[Refusal] = []
    while True:
        _play(s, refused)
        if s.state.minute >= end:
            break
        s.submit(EventKind.CLOCK_TICKED, "clock", {}, at=min(end, s.state.minute + step_minutes))
    s.submit(EventKind.ENDED, ACTOR, {})
    log = store.events(s.exercise_id)
    return _report(sc, s.state, log, s.seed, step_minutes, idle_hours, end, refused)


def _play(s: ExerciseSession, refused: list[Refusal]) -> None:
    """Every played team takes what its procedure gives, round after round, until nobody has
    anything more to do at this minute (one team's action may give another work)."""
    tried: set[str] = set()
    acted = True
    while acted:
        acted = False
        for team in s.scenario.teams:
            for _n in range(MAX_ACTIONS_PER_STEP):
                action = next(
                    (
                        a
                        for a in procedure.actions(s.scenario, s.state, team)
                        if _key(team.id, a) not in tried
                    ),
                    None,
                )
                if action is None:
                    break
                tried.add(_key(team.id, action))
                try:
                    s.act(team.id, f"{ACTOR}:{team.id}", **action)
                except CommandRefused as exc:
                    refused.append(Refusal(s.state.minute, team.id, action["type"], str(exc)))
                    continue
                acted = True


def _key(team: str, action: dict[str, Any]) -> str:
    return repr((team, sorted((k, repr(v)) for k, v in action.items())))


def _report(
    sc: ExerciseScenario,
    st: ExerciseState,
    log: list[Event],
    seed: int,
    step: int,
    idle_hours: int,
    end: int,
    refused: list[Refusal],
) -> Rehearsal:
    fired = {e["inject"]: e["minute"] for e in st.timeline if e["what"] == "inject"}
    injects = [
        InjectPace(
            i.id,
            "timed" if i.at_day is not None else "triggered" if i.trigger else "deck",
            day_to_minutes(i.at_day) if i.at_day is not None else None,
            fired.get(i.id),
        )
        for i in sc.injects
    ]
    personas = []
    for c in sc.personas():
        p = st.personas[c.id]
        # the first team in the log's order (a dict keeps the order of first contacts)
        first = min(p.contacted.items(), key=lambda kv: kv[1], default=None)
        protections = [m for m in (p.rrp_granted_at, p.assisted_at) if m is not None] + [
            h["minute"] for h in p.trust_history if h["reason"] == "protection_granted"
        ]
        personas.append(
            PersonaReach(
                c.id,
                first[1] if first else None,
                first[0] if first else None,
                len(p.disclosed),
                len(c.ladder),
                p.identified_at,
                min(protections) if protections else None,
                p.fled_at,
            )
        )
    networks = []
    for n in sc.networks:
        ns = st.networks[n.id]
        arrests: dict[str, int] = {}
        for member, state in ns.arrested_in.items():
            arrests[state] = min(arrests.get(state, ns.arrests[member]), ns.arrests[member])
        answered = sc.national or any(  # as world.arrest: no request in a national exercise
            r.network == n.id and r.answered_at is not None and not r.declined for r in st.requests
        )
        missing = [x for x in n.disrupt_requires if x not in arrests]
        networks.append(NetworkFall(n.id, ns.disrupted_at, arrests, missing, answered))
    start = next((e.at for e in log if e.kind == EventKind.STARTED), 0)
    teams = []
    for t in sc.teams:
        if not t.played:
            continue
        times = [e.at for e in log if e.kind == EventKind.ACTION and e.payload.get("team") == t.id]
        marks = [start, *times, end]
        idle = [(a, b) for a, b in pairwise(marks) if b - a >= idle_hours * 60]
        teams.append(TeamPace(t.id, len(times), times[0] if times else None, idle))
    return Rehearsal(
        scenario=sc.id,
        title=sc.title,
        seed=seed,
        step_minutes=step,
        idle_hours=idle_hours,
        end=end,
        events=len(log),
        decisions=sum(1 for e in log if e.kind == EventKind.DECISION),
        injects=injects,
        personas=personas,
        networks=networks,
        teams=teams,
        refused=refused,
        log=log,
        state=st,
    )


# -- in the reader's words -----------------------------------------------------------------------
def _when(minute: int | None) -> str:
    return clock_label(minute) if minute is not None else MISSING


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def shown(r: Rehearsal, loaded: LoadedScenario) -> dict[str, Any]:
    """The report's tables in the current language: names, not ids; exercise times as the
    clock shows them (day 1 is the first). The terminal and the web page both print these."""
    sc = loaded.localized()
    teams = {t.id: t.name for t in sc.teams}
    names = {c.id: c.name for c in sc.characters}
    names |= {p.id: p.name for p in sc.places} | {ph.id: ph.title for ph in sc.clock.phases}
    injects = {i.id: i for i in sc.injects}
    nets = {n.id: n.name for n in sc.networks}

    def release(x: InjectPace) -> str:
        inj = injects[x.id]
        if x.release == "timed":
            return _("timed: %(when)s") % {"when": _when(x.planned)}
        if inj.trigger is not None:
            subject = inj.trigger.subject
            named = (
                wording.country(subject)
                if inj.trigger.when.value == "request_answered"
                else names.get(subject, subject)
            )
            condition = wording.trigger(inj.trigger.when, named)
            delay = day_to_minutes(inj.trigger.delay_days)
            # the delay kept left to right inside a right-to-left sentence (an isolate)
            return f"{condition} \u2066+{_hm(delay)}\u2069" if delay else condition
        return _("the controller's deck")

    def falls(n: NetworkFall) -> str:
        if n.fell is not None:
            return _("falls at %(when)s") % {"when": _when(n.fell)}
        why = []
        if n.missing:
            states = format_list([wording.country(x) for x in n.missing])
            why.append(_("no arrest in %(states)s") % {"states": states})
        if not n.answered:
            why.append(_("no request about it executed"))
        return _("does not fall: %(why)s") % {"why": join_items(why) or MISSING}

    def idle(t: TeamPace) -> str:
        stretches = [
            _("%(start)s to %(end)s") % {"start": _when(a), "end": _when(b)} for a, b in t.idle
        ]
        return format_list(stretches) if stretches else _("none")

    return {
        "title": _("Rehearsal of %(title)s") % {"title": sc.title},
        "summary": [
            _(
                "Seed %(seed)s; every team played by the standard procedures to %(end)s, looking "
                "at its desk every %(hm)s of exercise time; nothing was stored."
            )
            % {"seed": r.seed, "hm": _hm(r.step_minutes), "end": _when(r.end)},
            ngettext(
                "%(n)s event in the exercise log", "%(n)s events in the exercise log", r.events
            )
            % {"n": r.events},
            ngettext(
                "%(n)s decision by an agency nobody plays",
                "%(n)s decisions by agencies nobody plays",
                r.decisions,
            )
            % {"n": r.decisions},
        ],
        "injects": [
            {
                "id": x.id,
                "name": injects[x.id].title,
                "release": release(x),
                "fired": _when(x.fired) if x.fired is not None else _("not fired"),
                # a deck inject waits for the controller: not one to look at
                "late": x.fired is None and x.release != "deck",
            }
            for x in r.injects
        ],
        "personas": [
            {
                "id": p.id,
                "name": names.get(p.id, p.id),
                "reached": (
                    _("%(when)s by %(team)s")
                    % {"when": _when(p.reached), "team": teams.get(p.reached_by or "", MISSING)}
                    if p.reached is not None
                    else _("not reached")
                ),
                "told": _("%(n)s of %(total)s") % {"n": p.told, "total": p.ladder},
                "identified": _when(p.identified),
                "protected": _when(p.protected),
                "fled": _when(p.fled),
                "late": p.reached is None,
            }
            for p in r.personas
        ],
        "networks": [
            {"id": n.id, "name": nets[n.id], "falls": falls(n), "late": n.fell is None}
            for n in r.networks
        ],
        "teams": [
            {
                "id": t.id,
                "name": teams[t.id],
                "actions": t.actions,
                "first": _when(t.first),
                "idle": idle(t),
                "late": t.actions == 0,
            }
            for t in r.teams
        ],
        "idle_heading": ngettext(
            "Idle stretches (%(n)s hour or more without an action)",
            "Idle stretches (%(n)s hours or more without an action)",
            r.idle_hours,
        )
        % {"n": r.idle_hours},
        "refused": [
            _("%(when)s, %(team)s, %(action)s: %(reason)s")
            % {
                "when": _when(x.minute),
                "team": teams.get(x.team, x.team),
                "action": x.action,
                "reason": x.reason,
            }
            for x in r.refused
        ],
    }
