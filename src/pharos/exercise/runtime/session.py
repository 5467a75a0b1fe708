"""Running exercises: each command is checked, stored, then applied, then announced.

``ExerciseSession`` keeps one exercise's folded state in memory and its log in an
``EventStore``. The order is: check against the current state → number and chain the event →
apply it to the state in memory → commit it to the store (group commit: every event queued
meanwhile in the same transaction) → acknowledge the command and announce the event to
listeners. Nothing is acknowledged or announced before its commit; a failed commit drops the
queued events, folds the stored log again and fails their commands. A refused command stores
nothing; a stored event is never refused by the fold. Restarting a session folds the stored log
again, which gives the same state hash as before the crash.

Several processes on one PostgreSQL store (``store.shared``): a command first takes the
exercise's log for itself (``store.exclusive``, one command of one process at a time) and
catches up with what other processes stored (``catch_up``, which also announces those events
to this process's listeners), then goes the way above. Each process also catches up when
another one's commit is notified (``pharos.exercise.runtime.service``).

Exercise time runs from the wall clock while the exercise is running: ``days_per_hour`` exercise
days per hour of play. A ``clock`` function can be passed in for tests and replays.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pharos.exercise.rules import agencies, review
from pharos.exercise.rules.actions import catalogue
from pharos.exercise.rules.clock import advance
from pharos.exercise.rules.events import Event, EventKind
from pharos.exercise.rules.fold import apply, fold
from pharos.exercise.rules.state import SETUP_FIELDS, TASK_RATINGS, ExerciseState, state_hash
from pharos.exercise.runtime.store import EventStore, ExerciseRecord
from pharos.exercise.scenario.loader import LoadedScenario, load_scenario, load_source, resolve
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.i18n import _

#: Called under the session's lock when an event is applied; what it returns is called once
#: the event is committed (announce it), in the order of the log.
Listener = Callable[[Event, ExerciseState], Callable[[], None] | None]


#: the roles a director may give a user in an exercise ("none" takes a role away)
ROLES = ("player", "observer", "lead_evaluator", "role_player", "director", "none")


def scenario_of(store: EventStore, record: ExerciseRecord) -> LoadedScenario:
    """The scenario an exercise runs on: the text it kept (``scenario_sha256``), or, for an
    exercise created before migration 0010 from a file that could not be read then, that file
    (``ScenarioError`` when it still cannot)."""
    if record.scenario_sha256 is None:
        return load_scenario(record.scenario)
    return load_source(store.scenario_text(record.scenario_sha256))


class CommandRefused(ValueError):
    """A command that cannot be carried out now; nothing was stored."""


class StoreFailed(RuntimeError):
    """The store could not commit the command's event; nothing of it was kept."""


class ExerciseSession:
    def __init__(
        self,
        loaded: LoadedScenario,
        store: EventStore,
        exercise_id: str,
        seed: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.loaded = loaded
        self.scenario = loaded.scenario
        self.store = store
        self.exercise_id = exercise_id
        self.seed = seed
        self._clock = clock
        self._lock = threading.RLock()
        self.listeners: list[Listener] = []
        self.state = fold(self.scenario, exercise_id, seed, store.events(exercise_id))
        self._anchor = clock()
        self._anchor_minute = self.state.minute
        self._commit_lock = threading.Lock()
        #: applied but not yet committed, each with its announcements
        self._queued: list[tuple[Event, list[Callable[[], None]]]] = []
        #: the batch being committed (taken off the queue, maybe not yet in the store)
        self._committing: list[Event] = []
        self._durable = self.state.last_seq
        self._generation = 0  # bumped when a commit fails (the queue is dropped)
        self._failed_from: dict[int, int] = {}  # generation -> first seq lost
        #: on a shared store, one command of this process at a time goes for the log's lock
        self._turn = threading.Lock()

    # -- creation -------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        store: EventStore,
        scenario: str | LoadedScenario = "mediterranean-regional",
        seed: int | None = None,
        exercise_id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        director: str | None = None,
        origin: str | None = None,
        setup: dict[str, str] | None = None,
    ) -> ExerciseSession:
        """A new exercise on ``scenario`` (a bundled name, a path, or a scenario already loaded
        from its text); ``director`` (a username) heads its control team. The exercise keeps
        the scenario's text (``store.create_exercise``), never reads the file again.
        ``origin`` says where the scenario came from (default: the name or path given);
        ``setup`` what the setup wizard recorded (``SETUP_FIELDS``: its name names it)."""
        setup = {k: v for k, v in (setup or {}).items() if k in SETUP_FIELDS and v}
        loaded = load_scenario(scenario) if isinstance(scenario, str) else scenario
        if origin is None and isinstance(scenario, str):
            given = Path(scenario)  # a path is kept absolute, a bundled name as it is
            origin = str(given.resolve()) if resolve(scenario) == given else scenario
        sc = loaded.scenario
        seed = sc.world.seed if seed is None else seed
        exercise_id = exercise_id or uuid.uuid4().hex[:12]
        title = setup.get("name") or sc.title
        store.create_exercise(exercise_id, origin or "", title, seed, loaded.source)
        store.append(
            exercise_id,
            0,
            EventKind.CREATED,
            "system",
            {
                "scenario": sc.id,
                "seed": seed,
                "decisions": "logged",
                "referrals": "answered",
                "phases": "logged",
                "consent": "checked",
            }
            | ({"director": director} if director else {})
            | setup,
        )
        return cls(loaded, store, exercise_id, seed, clock)

    @classmethod
    def open(
        cls, store: EventStore, exercise_id: str, clock: Callable[[], float] = time.monotonic
    ) -> ExerciseSession:
        rec = next((r for r in store.exercises() if r.id == exercise_id), None)
        if rec is None:
            raise KeyError(exercise_id)
        return cls(scenario_of(store, rec), store, rec.id, rec.seed, clock)

    def shown(self) -> ExerciseScenario:
        """The scenario as the reader sees it: its texts in the current language (display only;
        the state is folded from ``scenario``, whose texts are English)."""
        return self.loaded.localized()

    # -- time -----------------------------------------------------------------------------
    def now_minute(self) -> int:
        """The current exercise minute (runs with the wall clock while the exercise runs)."""
        st = self.state
        if st.status != "running":
            return st.minute
        elapsed_hours = (self._clock() - self._anchor) / 3600.0
        return max(st.minute, self._anchor_minute + int(elapsed_hours * st.days_per_hour * 1440))

    # -- the one way in -------------------------------------------------------------------
    def submit(
        self, kind: EventKind, actor: str, payload: dict[str, Any], at: int | None = None
    ) -> Event:
        """Check, store, apply and announce one event; raises ``CommandRefused``.

        Group commit: under the session's lock the command is checked against the current
        state, numbered and applied; the commit then stores every queued event in one
        transaction. The call returns (the command is acknowledged) and the event is announced
        to listeners only once its commit succeeded; if the commit fails, the state is folded
        again from the store and every command of the failed batch raises ``StoreFailed``.
        """
        if self.store.shared:
            with self._turn, self.store.exclusive(self.exercise_id):
                self.catch_up()
                return self._submit(kind, actor, payload, at)
        return self._submit(kind, actor, payload, at)

    def _submit(
        self, kind: EventKind, actor: str, payload: dict[str, Any], at: int | None
    ) -> Event:
        refused: str | None = None
        with self._lock:
            minute = self.now_minute() if at is None else max(at, self.state.minute)
            self._decide_due(minute)
            refused = self._check(kind, payload)
            ev: Event | None = None
            if refused is None:
                ev = self._prepare_and_apply(minute, kind, actor, payload)
                self._anchor, self._anchor_minute = self._clock(), self.state.minute
                self._decide_due(self.state.minute)
            generation, target = self._generation, self.state.last_seq
        self._flush(generation, target)  # decisions stored on the way are committed too
        if ev is None:
            raise CommandRefused(refused)
        return ev

    def catch_up(self) -> int:
        """Apply the events other processes stored since this one last looked, and announce
        them to this process's listeners; returns how many. Does nothing while this process
        has events of its own on the way to the store (their commit, or its failure, brings the
        state up to date)."""
        with self._lock:
            if self._queued or self._committing:
                return 0
            new = self.store.events(self.exercise_id, after_seq=self.state.last_seq)
            if not new:
                return 0
            announcements: list[Callable[[], None]] = []
            for ev in new:
                apply(self.scenario, self.state, ev)
                told = [listener(ev, self.state) for listener in list(self.listeners)]
                announcements += [a for a in told if a is not None]
            self._durable = self.state.last_seq
            self.store.discard(self.exercise_id)  # the next event follows the stored tail
            self._anchor, self._anchor_minute = self._clock(), self.state.minute
        for announce in announcements:
            announce()
        return len(new)

    def _prepare_and_apply(
        self, minute: int, kind: EventKind, actor: str, payload: dict[str, Any]
    ) -> Event:
        ev = self.store.prepare(self.exercise_id, minute, kind, actor, payload)
        try:
            apply(self.scenario, self.state, ev)
        except Exception:
            self._undo(ev)
            raise
        announce = [listener(ev, self.state) for listener in list(self.listeners)]
        self._queued.append((ev, [a for a in announce if a is not None]))
        return ev

    def _undo(self, ev: Event) -> None:
        """Forget ``ev``, which failed to apply (under the session's lock): its number goes to
        the next event and the state is folded again from the log, the events in a commit and
        the queued ones (the failed apply may have changed the state half-way). A checked
        command should never get here; if one does, the log still has no gap."""
        self.store.unprepare(self.exercise_id, ev)
        stored = self.store.events(self.exercise_id)
        last = stored[-1].seq if stored else 0
        applied = [*self._committing, *(e for e, _a in self._queued)]
        self.state = fold(
            self.scenario,
            self.exercise_id,
            self.seed,
            stored + [e for e in applied if e.seq > last],
        )

    def _flush(self, generation: int, target: int) -> None:
        """Return once event ``target`` of ``generation`` is committed (committing the queue)."""
        with self._commit_lock:
            if generation != self._generation:
                if target < self._failed_from[generation]:
                    return  # committed before a later batch failed
                raise StoreFailed(_("the event could not be stored; please try again"))
            if self._durable >= target:
                return  # committed in another command's batch
            with self._lock:
                batch, self._queued = self._queued, []
                self._committing = [e for e, _a in batch]
            if not batch:
                return
            try:
                self.store.commit(self.exercise_id, [e for e, _a in batch])
            except Exception as exc:
                with self._lock:
                    self._committing = []
                    self._failed_from[self._generation] = batch[0][0].seq
                    self._generation += 1
                    self._queued = []  # built on the failed batch
                    self.store.discard(self.exercise_id)
                    self.state = fold(
                        self.scenario,
                        self.exercise_id,
                        self.seed,
                        self.store.events(self.exercise_id),
                    )
                    self._durable = self.state.last_seq
                    self._anchor, self._anchor_minute = self._clock(), self.state.minute
                raise StoreFailed(_("the event could not be stored; please try again")) from exc
            with self._lock:
                self._committing = []
            self._durable = batch[-1][0].seq
        for _ev, announcements in batch:
            for announce in announcements:
                announce()

    def _decide_due(self, upto: int) -> None:
        """Store and apply, in order, every decision of an unplayed agency due by ``upto``.

        The world is first run to the decision's minute (as the fold will when it applies the
        stored decision), the agency's policy decides on that state, the decision is stored as a
        ``decision`` event, then applied.
        """
        st, sc = self.state, self.scenario
        if not st.decisions_logged:
            return
        while st.status != "ended":
            pending = [d for d in agencies.due(st) if d.minute <= upto]
            if not pending:
                return
            d = pending[0]
            advance(st, sc, max(d.minute, st.minute))
            again = [x for x in agencies.due(st) if x.minute <= upto]
            if not again or again[0] != d:
                continue  # the world changed on the way (e.g. the person fled): look again
            payload = agencies.decide(sc, st, d)
            actor = f"engine:{payload['state']}:{payload.get('agency', payload.get('instrument'))}"
            self._prepare_and_apply(st.minute, EventKind.DECISION, actor, payload)

    def _check(self, kind: EventKind, p: dict[str, Any]) -> str | None:
        st, sc = self.state, self.scenario
        if st.status == "ended" and kind not in (
            EventKind.HOTWASH_NOTE,
            EventKind.CORRECTIVE_ACTION,
            EventKind.OBSERVATION,
            EventKind.NOTE_ADDED,
            EventKind.ROLE_ASSIGNED,
            EventKind.FEEDBACK,
            *review.REVIEW_KINDS,
        ):
            return _("the exercise has ended")
        if kind in review.REVIEW_KINDS:
            return review.check(sc, st, kind, p)
        if kind == EventKind.HOTWASH_NOTE:
            return review.check_hotwash(sc, p)
        if kind == EventKind.STARTED and st.status != "ready":
            return _("the exercise has already started")
        if kind == EventKind.PAUSED and st.status != "running":
            return _("the exercise is not running")
        if kind == EventKind.RESUMED and st.status != "paused":
            return _("the exercise is not paused")
        if kind == EventKind.SPEED_CHANGED and not 0 < _number(p.get("days_per_hour")) <= 240:
            return _("speed must be between 0 and 240 exercise days per hour")
        if kind == EventKind.INJECT_RELEASED:
            if p.get("inject") not in {i.id for i in sc.injects}:
                return _("unknown inject %(id)s") % {"id": p.get("inject")}
            if p["inject"] in st.released_injects:
                return _("this inject has already been released")
        if kind in (EventKind.FREE_INJECT,) and (
            not p.get("title") or not p.get("to") or any(t not in st.teams for t in p["to"])
        ):
            return _("a free inject needs a title and known teams to send it to")
        if (
            kind in (EventKind.PERSONA_OVERRIDDEN, EventKind.WELLBEING_CHECKED)
            and p.get("persona") not in st.personas
        ):
            return _("unknown persona %(id)s") % {"id": p.get("persona")}
        if (
            kind == EventKind.PERSONA_OVERRIDDEN
            and "trust" in p
            and not (_whole(p["trust"]) and 0 <= _number(p["trust"]) <= 100)
        ):
            return _("trust is between 0 and 100")
        if kind == EventKind.PERSONA_SPOKE:
            return _spoke(st, p)
        if kind == EventKind.FEEDBACK:
            return _feedback(st, p)
        if kind == EventKind.OBSERVATION and "task" in p:
            return _task_rating(sc, st, p)
        if kind == EventKind.OBSERVATION:
            if p.get("team") not in st.teams:
                return _("unknown team %(id)s") % {"id": p.get("team")}
            if p.get("objective") not in {o.id.value for o in sc.objectives}:
                return _("unknown objective %(id)s") % {"id": p.get("objective")}
            if not (_whole(p.get("rating")) and 1 <= _number(p.get("rating")) <= 5):
                return _("a rating is from 1 to 5")
        if kind == EventKind.ROLE_ASSIGNED:
            if not p.get("username") or p.get("role") not in ROLES:
                return _(
                    "choose a user and a role: player, observer, lead evaluator, role player, "
                    "co-director or none"
                )
            if p["username"] == st.created_by and p["role"] != "director":
                return _("the exercise's creator stays on its control team")
            if p["role"] == "role_player" and p.get("persona") not in st.personas:
                return _("unknown persona %(id)s") % {"id": p.get("persona")}
            if p["role"] == "player" and p.get("team") not in st.teams:
                return _("unknown team %(id)s") % {"id": p.get("team")}
        if kind == EventKind.CORRECTIVE_ACTION and st.review is not None:
            # the report's actions are the review's from then on: one list, one place to add
            return _("the review has begun: add improvement actions in the review")
        if kind == EventKind.CORRECTIVE_ACTION and (not p.get("action") or not p.get("owner")):
            return _("a corrective action needs an action and an owner agency")
        if kind == EventKind.ACTION:
            if p.get("team") not in st.teams:
                return _("unknown team %(id)s") % {"id": p.get("team")}
            body = {k: v for k, v in p.items() if k != "team"}
            return catalogue.check(sc, st, sc.team(p["team"]), body)
        return None

    # -- conveniences ---------------------------------------------------------------------
    def act(self, team: str, actor: str, **payload: Any) -> Event:
        """A player action by ``team`` (``type=...`` and the action's fields)."""
        return self.submit(EventKind.ACTION, actor, {"team": team, **payload})

    def advance_days(self, days: float, actor: str = "clock") -> Event:
        """Append a clock tick ``days`` of exercise time later (for drills, tests and replays)."""
        return self.submit(
            EventKind.CLOCK_TICKED, actor, {}, at=self.state.minute + round(days * 1440)
        )

    def tick(self) -> Event | None:
        """Record the wall-clock advance of exercise time, if the exercise is running."""
        with self._lock:
            if self.state.status != "running" or self.now_minute() == self.state.minute:
                return None
        try:
            return self.submit(EventKind.CLOCK_TICKED, "clock", {})
        except CommandRefused:
            return None

    def state_hash(self) -> str:
        return state_hash(self.state)

    def replay(self, until_minute: int | None = None, upto_seq: int | None = None) -> ExerciseState:
        """The exercise as it was at an exercise minute or after event ``upto_seq``."""
        evs = self.store.events(self.exercise_id, upto_seq)
        return fold(self.scenario, self.exercise_id, self.seed, evs, until_minute)


def _number(value: Any) -> float:
    """``value`` as a finite number, or NaN (which fails every range check) when it is not one
    (a word in a form's number field, a list in a JSON client's)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return math.nan
    try:
        out = float(value)
    except ValueError:
        return math.nan
    return out if math.isfinite(out) else math.nan


def _whole(value: Any) -> bool:
    """Whether the fold can read ``value`` with ``int`` (a number, or a text of a whole one)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    if isinstance(value, str):
        try:
            int(value)
        except ValueError:
            return False
        return True
    return False


class ExerciseRegistry:
    """Several exercises at once, each with its own session, over one store."""

    def __init__(self, store: EventStore, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.clock = clock
        self._sessions: dict[str, ExerciseSession] = {}
        self._lock = threading.Lock()

    def create(
        self,
        scenario: str | LoadedScenario = "mediterranean-regional",
        seed: int | None = None,
        director: str | None = None,
        origin: str | None = None,
        setup: dict[str, str] | None = None,
    ) -> ExerciseSession:
        s = ExerciseSession.create(
            self.store,
            scenario,
            seed,
            clock=self.clock,
            director=director,
            origin=origin,
            setup=setup,
        )
        with self._lock:
            self._sessions[s.exercise_id] = s
        return s

    def get(self, exercise_id: str) -> ExerciseSession:
        with self._lock:
            if exercise_id not in self._sessions:
                self._sessions[exercise_id] = ExerciseSession.open(
                    self.store, exercise_id, self.clock
                )
            return self._sessions[exercise_id]

    def all(self) -> list[ExerciseSession]:
        return [self.get(r.id) for r in self.store.exercises()]

    def forget(self, exercise_id: str) -> None:
        """Drop the exercise's session (it was deleted)."""
        with self._lock:
            self._sessions.pop(exercise_id, None)


#: the longest note or evidence an observer writes with a rating
OBSERVER_TEXT_MAX = 4000


def _task_rating(sc: ExerciseScenario, st: ExerciseState, p: dict[str, Any]) -> str | None:
    """Why an observer's rating of a critical task is refused (``EventKind.OBSERVATION`` with
    a ``task``): a played team, a critical task of the objective, P, S, M or U."""
    if p.get("team") not in {t.id for t in sc.teams if t.played}:
        return _("unknown team %(id)s") % {"id": p.get("team")}
    if sc.critical_task(str(p.get("objective")), str(p.get("task"))) is None:
        return _("choose a critical task of the exercise's objectives")
    if p.get("rating") not in TASK_RATINGS:
        return _("rate the task P, S, M or U")
    for key in ("note", "evidence"):
        value = p.get(key, "")
        if not isinstance(value, str) or len(value) > OBSERVER_TEXT_MAX:
            return _("a note or evidence is longer than allowed (maximum length: %(n)s)") % {
                "n": OBSERVER_TEXT_MAX
            }
    if not str(p.get("note", "")).strip() and p.get("rating") != "P":
        return _("say what you saw: a rating other than P needs a note")
    return None


def _feedback(st: ExerciseState, p: dict[str, Any]) -> str | None:
    """Why a participant's feedback form is refused: something said, texts of a bounded
    length, a known team (if any)."""
    texts = [p.get("went_well", ""), p.get("to_improve", "")]
    if not all(isinstance(t, str) and len(t) <= OBSERVER_TEXT_MAX for t in texts):
        return _("a note or evidence is longer than allowed (maximum length: %(n)s)") % {
            "n": OBSERVER_TEXT_MAX
        }
    if not any(str(t).strip() for t in texts):
        return _("say what went well or what to improve")
    if p.get("team") is not None and p.get("team") not in st.teams:
        return _("unknown team %(id)s") % {"id": p.get("team")}
    return None


#: how far a role player may move the persona's trust in one step, either way
ROLE_PLAYER_TRUST_STEP = 30


def _spoke(st: ExerciseState, p: dict[str, Any]) -> str | None:
    """Why the role player cannot speak for the persona so (``EventKind.PERSONA_SPOKE``)."""
    ps = st.personas.get(str(p.get("persona")))
    if ps is None:
        return _("unknown persona %(id)s") % {"id": p.get("persona")}
    if p.get("team") not in ps.contacted:
        return _("the character speaks only to a team that has met them")
    text = str(p.get("text") or "").strip()
    change = p.get("trust", 0)
    if not (_whole(change) and abs(_number(change)) <= ROLE_PLAYER_TRUST_STEP):
        return _("a change of trust is a whole number from -%(n)s to %(n)s") % {
            "n": ROLE_PLAYER_TRUST_STEP
        }
    if not text and not change:
        return _("say something to the team or change the trust")
    if change and not str(p.get("reason") or "").strip():
        return _("give the reason for the change of trust")
    return None
