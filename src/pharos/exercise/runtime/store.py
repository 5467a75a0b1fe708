"""Where exercise events are kept: an append-only log behind a small interface.

``SqlEventStore`` uses SQLAlchemy Core on SQLite (the embedded default) or PostgreSQL, on the
tables of ``pharos.store.models.exercise`` built by the project's Alembic chain. An
append commits before it returns, so an acknowledged event survives a crash of the process.
Group commit: ``prepare`` numbers and chains the next event in memory, ``commit`` stores several
prepared events in one transaction (all or none), ``discard`` forgets prepared events that were
not committed. Events are hash-chained per exercise; ``verify`` detects a changed or missing
event.

Several processes may share a PostgreSQL store: ``exclusive`` lets one process at a time number,
apply and commit an exercise's next events, and each commit notifies ``NOTIFY_CHANNEL`` with
``<exercise id>:<last seq>`` so that the others catch up from the log (see
``pharos.exercise.runtime.service``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Table, event, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from pharos.exercise.rules.events import Event, EventKind, chain_hash
from pharos.exercise.scenario.source import ScenarioSource, from_json
from pharos.store import locks
from pharos.store.db import make_engine, migrate
from pharos.store.models.exercise import ExerciseEvent, ExerciseRun, ScenarioText

# The classes' ``__table__`` is typed as any FROM clause; the metadata holds them as tables.
exercise_run: Table = ExerciseRun.metadata.tables[ExerciseRun.__tablename__]
exercise_event: Table = ExerciseEvent.metadata.tables[ExerciseEvent.__tablename__]
scenario_text: Table = ScenarioText.metadata.tables[ScenarioText.__tablename__]

#: PostgreSQL's channel on which each commit of exercise events is announced to the other
#: processes, with the payload ``<exercise id>:<seq of the last event committed>``
NOTIFY_CHANNEL = "pharos_exercise"


@dataclass(frozen=True)
class ExerciseRecord:
    id: str
    #: where the scenario came from (bundled name, path, studio version), for people
    scenario: str
    title: str
    seed: int
    created_at: datetime
    #: the scenario's text the exercise runs on (``scenario_text``); None: none was kept
    #: (migration 0010 could not read the file), ``scenario`` is read as a path
    scenario_sha256: str | None = None
    #: when its control team archived it (kept, listed apart); None: not archived
    archived_at: datetime | None = None


class UnknownScenarioTextError(KeyError):
    pass


class EventStore(Protocol):
    """The interface the exercise session needs from storage."""

    def create_exercise(
        self,
        exercise_id: str,
        scenario: str,
        title: str,
        seed: int,
        source: ScenarioSource | None = None,
    ) -> None: ...

    def exercises(self) -> list[ExerciseRecord]: ...

    def scenario_text(self, sha256: str) -> ScenarioSource: ...

    def append(
        self, exercise_id: str, at: int, kind: EventKind, actor: str, payload: dict[str, Any]
    ) -> Event: ...

    def events(
        self, exercise_id: str, upto_seq: int | None = None, after_seq: int = 0
    ) -> list[Event]: ...

    def prepare(
        self, exercise_id: str, at: int, kind: EventKind, actor: str, payload: dict[str, Any]
    ) -> Event: ...

    def commit(self, exercise_id: str, events: list[Event]) -> None: ...

    def discard(self, exercise_id: str) -> None: ...

    def unprepare(self, exercise_id: str, ev: Event) -> None: ...

    #: whether other processes may append to this store (then commands take ``exclusive``)
    shared: bool

    def exclusive(self, exercise_id: str) -> Any: ...

    def archive(self, exercise_id: str, at: datetime | None, conn: Any = None) -> None: ...

    def delete(self, exercise_id: str, conn: Any = None) -> None: ...


class UnknownExerciseError(KeyError):
    pass


class _Numbering:
    """Numbering and chaining of prepared events, shared by the stores: an event is prepared
    after the last prepared one (or the stored log's tail, :meth:`_tail`), then committed,
    discarded or unprepared. Subclasses set ``_lock`` and ``_next`` and give :meth:`_tail`."""

    _lock: threading.Lock
    _next: dict[str, tuple[int, str]]  # the last prepared (seq, hash) by exercise

    def _tail(self, exercise_id: str) -> tuple[int, str]:
        """The stored log's last (seq, hash), (0, "") if empty; called under ``_lock``."""
        raise NotImplementedError

    def prepare(
        self, exercise_id: str, at: int, kind: EventKind, actor: str, payload: dict[str, Any]
    ) -> Event:
        """The next event, numbered and chained after the last prepared one; not yet stored."""
        with self._lock:
            seq, prev = self._next.get(exercise_id) or self._tail(exercise_id)
            ev = Event(exercise_id, seq + 1, at, kind, actor, payload, datetime.now(UTC), prev)
            ev = replace(ev, hash=chain_hash(ev))
            self._next[exercise_id] = (ev.seq, ev.hash)
            return ev

    def discard(self, exercise_id: str) -> None:
        """Forget events prepared but not committed."""
        with self._lock:
            self._next.pop(exercise_id, None)

    def unprepare(self, exercise_id: str, ev: Event) -> None:
        """Forget ``ev``, the last event prepared (it could not be applied): the next one takes
        its number."""
        with self._lock:
            if self._next.get(exercise_id) == (ev.seq, ev.hash):
                self._next[exercise_id] = (ev.seq - 1, ev.prev_hash)


class MemoryEventStore(_Numbering):
    """Keeps events in memory (tests, previews); same behaviour as the SQL store."""

    shared = False

    @contextmanager
    def exclusive(self, exercise_id: str) -> Iterator[None]:
        """Nothing to agree with: only this process sees this store."""
        yield

    def __init__(self) -> None:
        self._runs: dict[str, ExerciseRecord] = {}
        self._events: dict[str, list[Event]] = {}
        self._texts: dict[str, ScenarioSource] = {}
        self._next: dict[str, tuple[int, str]] = {}
        self._lock = threading.Lock()

    def create_exercise(
        self,
        exercise_id: str,
        scenario: str,
        title: str,
        seed: int,
        source: ScenarioSource | None = None,
    ) -> None:
        with self._lock:
            if exercise_id in self._runs:
                raise ValueError(f"exercise {exercise_id} exists")
            sha = None
            if source is not None:
                sha = source.sha256
                self._texts.setdefault(sha, source)
            self._runs[exercise_id] = ExerciseRecord(
                exercise_id, scenario, title, seed, datetime.now(UTC), sha
            )
            self._events[exercise_id] = []

    def scenario_text(self, sha256: str) -> ScenarioSource:
        if sha256 not in self._texts:
            raise UnknownScenarioTextError(sha256)
        return self._texts[sha256]

    def exercises(self) -> list[ExerciseRecord]:
        return list(self._runs.values())

    def archive(self, exercise_id: str, at: datetime | None, conn: Any = None) -> None:
        """Mark the exercise archived at ``at`` (None: restored)."""
        with self._lock:
            if exercise_id not in self._runs:
                raise UnknownExerciseError(exercise_id)
            self._runs[exercise_id] = replace(self._runs[exercise_id], archived_at=at)

    def delete(self, exercise_id: str, conn: Any = None) -> None:
        """Forget the exercise and its log (its scenario's text stays, shared)."""
        with self._lock:
            if exercise_id not in self._runs:
                raise UnknownExerciseError(exercise_id)
            del self._runs[exercise_id], self._events[exercise_id]
            self._next.pop(exercise_id, None)

    def append(
        self, exercise_id: str, at: int, kind: EventKind, actor: str, payload: dict[str, Any]
    ) -> Event:
        ev = self.prepare(exercise_id, at, kind, actor, payload)
        self.commit(exercise_id, [ev])
        return ev

    def _tail(self, exercise_id: str) -> tuple[int, str]:
        if exercise_id not in self._events:
            raise UnknownExerciseError(exercise_id)
        log = self._events[exercise_id]
        return (log[-1].seq, log[-1].hash) if log else (0, "")

    def commit(self, exercise_id: str, events: list[Event]) -> None:
        """Store prepared events (in order, following the stored log)."""
        with self._lock:
            log = self._events[exercise_id]
            last = log[-1].hash if log else ""
            if events and (events[0].prev_hash != last or events[0].seq != len(log) + 1):
                raise ValueError("prepared events do not follow the stored log")
            log.extend(events)

    def events(
        self, exercise_id: str, upto_seq: int | None = None, after_seq: int = 0
    ) -> list[Event]:
        """The stored events with ``after_seq < seq <= upto_seq``, in order."""
        with self._lock:
            if exercise_id not in self._events:
                raise UnknownExerciseError(exercise_id)
            log = self._events[exercise_id]
            return list(log[after_seq : len(log) if upto_seq is None else upto_seq])


class SqlEventStore(_Numbering):
    """The event log in a SQL database (SQLite file or PostgreSQL), via SQLAlchemy Core."""

    def __init__(self, url_or_engine: str | Engine, create: bool = True) -> None:
        self.engine = (
            make_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
        )
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_durable)
        if create:
            migrate(self.engine)  # the project's one Alembic chain (0003_exercise adds ours)
        self._lock = threading.Lock()
        self._commit_lock = threading.Lock()
        self._last: dict[str, tuple[int, str]] = {}  # committed
        self._next: dict[str, tuple[int, str]] = {}  # prepared
        #: PostgreSQL: other processes may serve the same exercises
        self.shared = locks.shared(self.engine)

    @contextmanager
    def exclusive(self, exercise_id: str) -> Iterator[None]:
        """Hold the exercise's log against the other processes (PostgreSQL advisory lock) for
        the block; the next event prepared in it follows the stored log, whoever wrote it."""
        if not self.shared:
            yield
            return
        with locks.held(self.engine, f"exercise:{exercise_id}"):
            self.discard(exercise_id)  # another process may have appended since we looked
            yield

    def create_exercise(
        self,
        exercise_id: str,
        scenario: str,
        title: str,
        seed: int,
        source: ScenarioSource | None = None,
    ) -> None:
        """Record a new exercise and, in the same transaction, its scenario's text (once per
        text: exercises and studio versions share it)."""
        with self.engine.begin() as conn:
            sha = store_text(conn, source) if source is not None else None
            conn.execute(
                insert(exercise_run).values(
                    id=exercise_id,
                    scenario=scenario,
                    title=title,
                    seed=seed,
                    created_at=datetime.now(UTC),
                    scenario_sha256=sha,
                )
            )

    def exercises(self) -> list[ExerciseRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(exercise_run).order_by(exercise_run.c.created_at)).all()
        return [
            ExerciseRecord(
                r.id, r.scenario, r.title, r.seed, r.created_at, r.scenario_sha256, r.archived_at
            )
            for r in rows
        ]

    def archive(
        self, exercise_id: str, at: datetime | None, conn: Connection | None = None
    ) -> None:
        """Mark the exercise archived at ``at`` (None: restored), in ``conn``'s transaction
        (the caller's, with its audit entry) or a transaction of its own."""
        with _transaction(self.engine, conn) as c:
            done = c.execute(
                exercise_run.update().where(exercise_run.c.id == exercise_id).values(archived_at=at)
            )
            if done.rowcount != 1:
                raise UnknownExerciseError(exercise_id)

    def delete(self, exercise_id: str, conn: Connection | None = None) -> None:
        """Delete the exercise and its whole log, in ``conn``'s transaction (the caller's,
        with its audit entry) or one of its own: all or nothing. Its scenario's text stays
        (studio versions and other exercises share it)."""
        with _transaction(self.engine, conn) as c:
            c.execute(exercise_event.delete().where(exercise_event.c.exercise_id == exercise_id))
            done = c.execute(exercise_run.delete().where(exercise_run.c.id == exercise_id))
            if done.rowcount != 1:
                raise UnknownExerciseError(exercise_id)
        with self._lock:
            self._last.pop(exercise_id, None)
            self._next.pop(exercise_id, None)

    def scenario_text(self, sha256: str) -> ScenarioSource:
        """The scenario's text named ``sha256``, checked against it (``ValueError`` if the row
        was changed)."""
        with self.engine.connect() as conn:
            return read_text(conn, sha256)

    def append(
        self, exercise_id: str, at: int, kind: EventKind, actor: str, payload: dict[str, Any]
    ) -> Event:
        """Store one event (committed when this returns)."""
        ev = self.prepare(exercise_id, at, kind, actor, payload)
        try:
            self.commit(exercise_id, [ev])
        except Exception:
            self.discard(exercise_id)
            raise
        return ev

    def _tail(self, exercise_id: str) -> tuple[int, str]:
        if exercise_id not in self._last:
            with self.engine.connect() as conn:
                known = conn.execute(
                    select(exercise_run.c.id).where(exercise_run.c.id == exercise_id)
                ).first()
                if known is None:
                    raise UnknownExerciseError(exercise_id)
                row = conn.execute(
                    select(exercise_event.c.seq, exercise_event.c.hash)
                    .where(exercise_event.c.exercise_id == exercise_id)
                    .order_by(exercise_event.c.seq.desc())
                    .limit(1)
                ).first()
            self._last[exercise_id] = (row.seq, row.hash) if row else (0, "")
        return self._last[exercise_id]

    def commit(self, exercise_id: str, events: list[Event]) -> None:
        """Store prepared events in one transaction: all of them, durably, or none."""
        if not events:
            return
        with self._commit_lock, self.engine.begin() as conn:
            conn.execute(
                insert(exercise_event),
                [
                    {
                        "exercise_id": exercise_id,
                        "seq": ev.seq,
                        "at": ev.at,
                        "kind": ev.kind.value,
                        "actor": ev.actor,
                        "payload": ev.payload,
                        "recorded_at": ev.recorded_at,
                        "prev_hash": ev.prev_hash,
                        "hash": ev.hash,
                    }
                    for ev in events
                ],
            )
            if self.shared:  # delivered to the listeners when (and only if) this commits
                conn.execute(
                    text("select pg_notify(:channel, :payload)"),
                    {"channel": NOTIFY_CHANNEL, "payload": f"{exercise_id}:{events[-1].seq}"},
                )
        # only after the commit succeeded
        with self._lock:
            self._last[exercise_id] = (events[-1].seq, events[-1].hash)

    def discard(self, exercise_id: str) -> None:
        """Forget events prepared but not committed (the next one follows the stored log)."""
        with self._lock:  # both at once, so that the next prepare reads the stored tail
            self._next.pop(exercise_id, None)
            self._last.pop(exercise_id, None)

    def events(
        self, exercise_id: str, upto_seq: int | None = None, after_seq: int = 0
    ) -> list[Event]:
        """The stored events with ``after_seq < seq <= upto_seq``, in order."""
        q = select(exercise_event).where(exercise_event.c.exercise_id == exercise_id)
        if upto_seq is not None:
            q = q.where(exercise_event.c.seq <= upto_seq)
        if after_seq:
            q = q.where(exercise_event.c.seq > after_seq)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(exercise_event.c.seq)).all()
            if not rows:
                known = conn.execute(
                    select(func.count()).where(exercise_run.c.id == exercise_id)
                ).scalar_one()
                if not known:
                    raise UnknownExerciseError(exercise_id)
        return [
            Event(
                r.exercise_id,
                r.seq,
                r.at,
                EventKind(r.kind),
                r.actor,
                dict(r.payload),
                r.recorded_at,
                r.prev_hash,
                r.hash,
            )
            for r in rows
        ]


@contextmanager
def _transaction(engine: Engine, conn: Connection | None) -> Iterator[Connection]:
    """``conn`` as it is (its owner commits), else a transaction of its own on ``engine``."""
    if conn is not None:
        yield conn
        return
    with engine.begin() as own:
        yield own


def store_text(conn: Connection, source: ScenarioSource) -> str:
    """Keep ``source`` in ``scenario_text`` (if not there yet); its SHA-256."""
    sha = source.sha256
    known = conn.execute(
        select(scenario_text.c.sha256).where(scenario_text.c.sha256 == sha)
    ).first()
    if known is None:
        # another writer may store the same text meanwhile: then theirs is ours
        with contextlib.suppress(IntegrityError), conn.begin_nested():
            conn.execute(
                insert(scenario_text).values(
                    sha256=sha,
                    name=source.name,
                    files=dict(source.files),
                    created_at=datetime.now(UTC),
                )
            )
    return sha


def read_text(conn: Connection, sha256: str) -> ScenarioSource:
    """The text ``sha256`` from ``scenario_text``, checked against its hash."""
    row = conn.execute(select(scenario_text).where(scenario_text.c.sha256 == sha256)).first()
    if row is None:
        raise UnknownScenarioTextError(sha256)
    return from_json({"name": row.name, "files": row.files}, expected_hash=sha256)


def verify(events: list[Event]) -> list[int]:
    """Sequence numbers of events whose chain does not hold (empty when the log is intact)."""
    bad = []
    prev = ""
    for i, ev in enumerate(events, start=1):
        if ev.seq != i or ev.prev_hash != prev or chain_hash(ev) != ev.hash:
            bad.append(ev.seq)
        prev = ev.hash
    return bad


#: ``FULL`` (default): a commit survives a power cut; ``NORMAL`` (WAL mode): a commit survives a
#: crash of the process (SIGKILL) but the last ones may be lost on power loss. Set with
#: ``PHAROS_EXERCISE_SQLITE_SYNC``.
SQLITE_SYNCHRONOUS = (
    "NORMAL" if os.environ.get("PHAROS_EXERCISE_SQLITE_SYNC", "").lower() == "normal" else "FULL"
)


def _sqlite_durable(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()
