"""Exercises in a running server: one registry per database, roles, live updates, the clock.

- ``Hub.for_engine(engine)`` gives the registry of every exercise stored in that database
  (several exercises at once), with a background clock that records the passing of exercise
  time for running exercises.
- ``Broker`` fans each applied event out to the browsers that follow an exercise (server-sent
  events): a team's browsers get the events that changed what the team sees; controllers,
  observers and role players get all of them.
- On PostgreSQL several processes serve the same exercises: each process listens on
  ``store.NOTIFY_CHANNEL`` and catches the exercises it has loaded up with the log when another
  process commits (and all of them after its listening connection was lost, so that a gap
  loses nothing), and every page catches its exercise up before reading it; the clock runs in
  one process at a time (``pharos.store.locks.Leadership``). On SQLite one process serves.
- ``role_of`` says what a signed-in user is in one exercise: a player of the team of their
  state and agency kind (teams are a state × an agency kind), a controller (the exercise's
  creator or a co-director they named; ``exercise:direct`` only allows creating exercises), an
  observer or role player assigned by a controller, or a spectator of their state's team (a
  national coordinator who does not direct the exercise); a lead evaluator, assigned by a
  controller, sees what observers see and reviews the report's findings and actions before they
  are published (while nobody is lead evaluator, the control team does).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import Engine

from pharos.coordinate.permissions import COORDINATOR
from pharos.exercise.rules.events import Event
from pharos.exercise.rules.state import ExerciseState
from pharos.exercise.runtime.session import ExerciseRegistry, ExerciseSession
from pharos.exercise.runtime.store import NOTIFY_CHANNEL, SqlEventStore
from pharos.exercise.sandbox.sandbox import Sandbox
from pharos.exercise.scenario.loader import LoadedScenario
from pharos.store.locks import Leadership, direct_connection

TICK_SECONDS = 5.0
#: the background projection into the sandboxes runs at most this often per exercise
SANDBOX_BATCH_SECONDS = 1.0
log = logging.getLogger(__name__)


@dataclass
class Subscriber:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[str]
    team: str | None  # None: sees everything (control, observers, role players)


@dataclass
class Broker:
    """Sends each event to the subscribers it concerns."""

    subscribers: dict[str, list[Subscriber]] = field(default_factory=dict)
    _seen: dict[str, dict[str, tuple[Any, ...]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def subscribe(self, exercise_id: str, team: str | None) -> Subscriber:
        sub = Subscriber(asyncio.get_running_loop(), asyncio.Queue(maxsize=1000), team)
        with self._lock:
            self.subscribers.setdefault(exercise_id, []).append(sub)
        return sub

    def unsubscribe(self, exercise_id: str, sub: Subscriber) -> None:
        with self._lock:
            subs = self.subscribers.get(exercise_id, [])
            if sub in subs:
                subs.remove(sub)

    def publish(self, ev: Event, st: ExerciseState) -> Callable[[], None]:
        """Work out, as the event is applied, whom it concerns; the returned function sends it
        (called once the event is committed)."""
        changed = self._changed_teams(st)
        head = {"seq": ev.seq, "kind": ev.kind.value, "minute": st.minute, "status": st.status}
        at = time.time()
        for_all = ev.kind.value in _FOR_ALL

        def message(team: str | None) -> str:
            # a team hears only of itself: which other teams changed is not its to know
            teams = sorted(changed) if team is None else sorted(changed & {team})
            return json.dumps(head | {"teams": teams, "t": at})

        def send() -> None:
            with self._lock:
                subs = list(self.subscribers.get(ev.exercise_id, []))
            # Each audience's message is made once (a team's browsers all get the same words,
            # the control team's theirs), and each event loop woken once for all its browsers:
            # the cost of an event grows with the audiences, not the connections.
            made: dict[str | None, str] = {}
            due: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Queue[str], str]]] = {}
            for sub in subs:
                if sub.team is None or sub.team in changed or for_all:
                    msg = made.get(sub.team)
                    if msg is None:
                        msg = made[sub.team] = message(sub.team)
                    due.setdefault(sub.loop, []).append((sub.queue, msg))
            for loop, offers in due.items():
                with contextlib.suppress(RuntimeError):  # a loop closed meanwhile
                    loop.call_soon_threadsafe(_offer_all, offers)

        return send

    def _changed_teams(self, st: ExerciseState) -> set[str]:
        seen = self._seen.setdefault(st.exercise_id, {})
        out = set()
        for tid, ts in st.teams.items():
            reach = tuple(
                (p.id, p.status, len(p.disclosed_to.get(tid, [])), p.identified_at, p.referred_at)
                for p in st.personas.values()
                if tid in p.known_to
            )
            reqs = tuple(
                (r.id, r.answered_at) for r in st.requests if tid in (r.from_team, r.to_team)
            )
            sig = (len(ts.inbox), ts.actions, len(ts.evidence), reach, reqs)
            if seen.get(tid) != sig:
                seen[tid] = sig
                out.add(tid)
        return out


#: Events every follower is told about (the clock and the exercise's status).
_FOR_ALL = {"started", "paused", "resumed", "ended", "speed_changed"}


def _offer_all(offers: list[tuple[asyncio.Queue[str], str]]) -> None:
    """On the subscribers' event loop: queue each message (not to a browser whose queue is
    full, 1,000 messages behind)."""
    for q, message in offers:
        if not q.full():
            q.put_nowait(message)


class Hub:
    """The registry of exercises of one database, its broker and its clock."""

    _hubs: ClassVar[dict[int, Hub]] = {}
    _lock = threading.Lock()

    def __init__(self, engine: Engine) -> None:
        self.store = SqlEventStore(engine, create=False)
        self.registry = ExerciseRegistry(self.store)
        self.broker = Broker()
        self._stop = threading.Event()
        self._clock_lead = Leadership(engine, "exercise-clock")
        self._leads = False  # whether this process keeps the exercises' time
        self._ticker = threading.Thread(target=self._tick_loop, daemon=True, name="exercise-clock")
        self._ticker.start()
        #: each exercise's sandbox (derived from its log; see ``pharos.exercise.sandbox.database``)
        self._sandboxes: dict[str, Sandbox] = {}
        self._sandbox_lock = threading.Lock()
        self._pending: queue.Queue[str] = queue.Queue()
        self._projecting = threading.Thread(
            target=self._sandbox_loop, daemon=True, name="exercise-sandbox"
        )
        self._projecting.start()
        if self.store.shared:
            self._listener = threading.Thread(
                target=self._listen_loop, daemon=True, name="exercise-listen"
            )
            self._listener.start()

    @classmethod
    def for_engine(cls, engine: Engine) -> Hub:
        with cls._lock:
            hub = cls._hubs.get(id(engine))
            if hub is None:
                hub = cls._hubs[id(engine)] = Hub(engine)
            return hub

    def session(self, exercise_id: str) -> ExerciseSession:
        s = self.registry.get(exercise_id)
        if self.store.shared:
            s.catch_up()  # another process may have taken the last action (read your writes)
        if self.broker.publish not in s.listeners:
            s.listeners.append(self.broker.publish)
        if self._committed not in s.listeners:
            s.listeners.append(self._committed)
            self._pending.put(exercise_id)  # loaded: build its sandbox from the stored log
        return s

    #: the bundled scenario a new exercise of the web platform runs
    DEFAULT_SCENARIO = "mediterranean-regional"

    def create(
        self,
        scenario: str | LoadedScenario = DEFAULT_SCENARIO,
        seed: int | None = None,
        director: str | None = None,
        origin: str | None = None,
        setup: dict[str, str] | None = None,
    ) -> ExerciseSession:
        """A new exercise; ``director`` (the creating user) heads its control team; ``setup``:
        what the setup wizard recorded (name, dates held)."""
        s = self.registry.create(scenario, seed, director, origin, setup)
        s.listeners.append(self.broker.publish)
        s.listeners.append(self._committed)
        self._pending.put(s.exercise_id)
        return s

    def forget(self, exercise_id: str) -> None:
        """Drop a deleted exercise's session and sandbox from this process."""
        self.registry.forget(exercise_id)
        with self._sandbox_lock:
            self._sandboxes.pop(exercise_id, None)

    # -- sandboxes ----------------------------------------------------------------------------
    def _committed(self, ev: Event, st: ExerciseState) -> Callable[[], None]:
        """Once the event is committed, the sandbox catches up with the log (in the
        background: the command's acknowledgement does not wait for it)."""
        return lambda: self._pending.put(ev.exercise_id)

    def sandbox(self, exercise_id: str) -> Sandbox:
        """The exercise's sandbox, up to date with its committed log (built on first use)."""
        s = self.session(exercise_id)
        with self._sandbox_lock:
            sb = self._sandboxes.get(exercise_id)
            if sb is None:
                sb = self._sandboxes[exercise_id] = Sandbox(s.scenario, exercise_id, s.seed)
        sb.catch_up(self.store)
        return sb

    def built_sandbox(self, exercise_id: str) -> Sandbox | None:
        """The exercise's sandbox as it stands (no catching up), if it was built."""
        with self._sandbox_lock:
            return self._sandboxes.get(exercise_id)

    def _sandbox_loop(self) -> None:
        """Catch the sandboxes up in the background, at most once per exercise every
        ``SANDBOX_BATCH_SECONDS``: a burst of commands is projected in one go instead of one
        catch-up per event (pages catch up themselves before reading, so they never lag)."""
        while not self._stop.is_set():
            try:
                first = self._pending.get(timeout=TICK_SECONDS)
            except queue.Empty:
                continue
            self._stop.wait(SANDBOX_BATCH_SECONDS)
            due = {first}
            with contextlib.suppress(queue.Empty):
                while True:
                    due.add(self._pending.get_nowait())
            for exercise_id in sorted(due):
                try:
                    self.sandbox(exercise_id)
                except Exception:  # the exercise goes on; pages say the sandbox is unavailable
                    log.exception("exercise %s: the sandbox could not catch up", exercise_id)

    # -- several processes (PostgreSQL) ------------------------------------------------------
    def _listen_loop(self) -> None:
        """Catch loaded exercises up whenever another process commits to them. After
        (re)connecting, every loaded exercise catches up: notifications sent while this process
        was not listening are lost, the log is not."""
        while not self._stop.is_set():
            conn: Any = None
            try:
                conn = direct_connection(self.store.engine)
                conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                self._catch_up(list(self.registry._sessions))
                while not self._stop.is_set():
                    # back at the first notification (with any that came in the same read):
                    # psycopg's generator ends only after ``stop_after`` of them or the timeout,
                    # so with 64 the other process's browsers waited up to TICK_SECONDS
                    due = {
                        n.payload.split(":", 1)[0]
                        for n in conn.notifies(timeout=TICK_SECONDS, stop_after=1)
                    }
                    if not self._leads:  # the clock's keeper follows every exercise
                        due &= set(self.registry._sessions)
                    self._catch_up(sorted(due))
            except Exception:
                log.warning("exercise notifications: connection lost; reconnecting", exc_info=True)
                self._stop.wait(1.0)
            finally:
                if conn is not None:
                    with contextlib.suppress(Exception):
                        conn.close()

    def _catch_up(self, exercise_ids: list[str]) -> None:
        for exercise_id in exercise_ids:
            try:
                self.session(exercise_id)  # loads it with its listeners, and catches up
            except Exception:
                log.exception("exercise %s: could not catch up with the log", exercise_id)

    def _tick_loop(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            leads = self._clock_lead.check()
            if leads and not self._leads and self.store.shared:
                self._catch_up([r.id for r in self.store.exercises()])  # load them all
            self._leads = leads
            if not leads:
                continue  # another process keeps the exercises' time
            for s in list(self.registry._sessions.values()):
                try:
                    s.tick()
                except Exception:
                    continue

    def stop(self) -> None:
        """Stop the clock, the projection and the listener, and give back the connections and
        locks held for them (the listener's within one ``TICK_SECONDS``)."""
        self._stop.set()
        self._clock_lead.close()

    @classmethod
    def release(cls, engine: Engine) -> None:
        """Stop the hub of ``engine``, if one was made (the server shutting down)."""
        with cls._lock:
            hub = cls._hubs.pop(id(engine), None)
        if hub is not None:
            hub.stop()

    @classmethod
    def stop_shared(cls) -> None:
        """Stop every hub of this process on a shared (PostgreSQL) database: tests, whose
        databases come and go, give back each hub's listening and clock connections."""
        with cls._lock:
            hubs = {k: h for k, h in cls._hubs.items() if h.store.shared}
            for k in hubs:
                del cls._hubs[k]
        for hub in hubs.values():
            hub.stop()


@dataclass(frozen=True)
class Role:
    controller: bool
    team: str | None
    observer: bool
    personas: tuple[str, ...]
    #: follows ``team``'s view without acting for it (a national coordinator who does not direct
    #: the exercise sees what a player of their state would)
    spectator: bool = False
    #: assigned the lead evaluator's role
    lead_evaluator: bool = False
    #: reviews the findings and improvement actions before publication: the lead evaluator,
    #: or the control team while nobody is lead evaluator (``pharos.exercise.rules.review``)
    reviews: bool = False

    @property
    def any(self) -> bool:
        return self.controller or self.team is not None or self.observer or bool(self.personas)


def role_of(s: ExerciseSession, username: str, state: str, kind: str, admin: bool) -> Role:
    """What a user is in this exercise (see the module docstring).

    The control team is the exercise's creator and the co-directors they name
    (``ExerciseState.directors``); an exercise with none recorded (made before control teams,
    or outside the web platform) is directed by administrators. Directors see everything,
    every persona's hidden truth included. Anyone else gets what they were assigned, or plays
    the team of their state and agency kind; a national coordinator who does not direct the
    exercise follows the first played team of their state as a spectator."""
    st = s.state
    directs = username in st.directors or (not st.directors and admin)
    assigned = [a for a in st.assignments if a["username"] == username]
    team = next((a["team"] for a in assigned if a["role"] == "player" and a.get("team")), None)
    if team is None:
        team = next(
            (
                t.id
                for t in s.scenario.teams
                if t.played and t.state == state and t.agency_kind.value == kind
            ),
            None,
        )
    spectator = False
    if team is None and not directs and not assigned and kind == COORDINATOR:
        team = next((t.id for t in s.scenario.teams if t.played and t.state == state), None)
        spectator = team is not None
    lead = any(a["role"] == "lead_evaluator" for a in assigned)
    anyone_leads = any(a["role"] == "lead_evaluator" for a in st.assignments)
    return Role(
        controller=directs,
        team=team,
        observer=directs or lead or any(a["role"] == "observer" for a in assigned),
        personas=tuple(
            a["persona"] for a in assigned if a["role"] == "role_player" and a.get("persona")
        )
        if not directs
        else tuple(c.id for c in s.scenario.personas()),
        spectator=spectator,
        lead_evaluator=lead,
        reviews=lead or (directs and not anyone_leads),
    )
