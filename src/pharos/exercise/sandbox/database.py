"""Each exercise's sandbox database: a database of the server's own schema where the exercise's
case work is carried out by the server's case tools (``pharos.coordinate``), and its directory.

The sandbox is **derived state**: an in-memory SQLite database built from the Alembic chain (the
production schema, triggers included), seeded with the scenario's agencies and one account per
team (:func:`seed`, the directory's :class:`Member` s), and filled by projecting the exercise's
event log in order (``pharos.exercise.sandbox.projector``; ``pharos.exercise.sandbox.sandbox``
keeps the two together). It never touches the production database, so exercise cases cannot
reach real case lists, dashboards, statistics, exports, duplicate detection or the real audit
trail. The same log gives the same sandbox: ``dump_hash`` is a SHA-256 over the canonical JSON
of every table.

Everything in a sandbox is fictitious scenario data (the persona names are characters).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from pharos.coordinate.accounts import principal
from pharos.coordinate.permissions import COORDINATOR, Principal
from pharos.coordinate.pseudonyms import SESSION_KEY
from pharos.domain.cooperation import instrument_codes, instruments
from pharos.domain.geography import region_state_codes
from pharos.domain.practitioners import PractitionerKind as K
from pharos.domain.practitioners import state_powers
from pharos.exercise.rules import agencies as ex_agencies
from pharos.exercise.sandbox.case_words import agency_name
from pharos.exercise.scenario.schema import ExerciseScenario
from pharos.i18n import use_locale
from pharos.store.base import Base, clock_at
from pharos.store.db import migrate
from pharos.store.models import Agency, User

#: No one signs in to a sandbox account (the players act through the exercise).
NO_PASSWORD = "!exercise-sandbox-account"

_template: sqlite3.Connection | None = None
_template_lock = threading.Lock()


def _template_db() -> sqlite3.Connection:
    """An empty database migrated once per process; each sandbox starts as a copy of it."""
    global _template
    with _template_lock:
        if _template is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
            migrate(engine)
            _template = conn
        return _template


def epoch(sc: ExerciseScenario) -> datetime:
    """Exercise minute 0 as a date and time: the scenario's ``clock.start_date``, 00:00 UTC."""
    try:
        day = date.fromisoformat(sc.clock.start_date)
    except ValueError as exc:
        raise ValueError(
            f"scenario {sc.id}: clock.start_date {sc.clock.start_date!r} is not an ISO date"
        ) from exc
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def exercise_time(sc: ExerciseScenario, minute: int) -> datetime:
    """The date and time of an exercise minute (the sandbox's clock)."""
    return epoch(sc) + timedelta(minutes=minute)


@dataclass(frozen=True)
class Member:
    """A sandbox agency and its one account."""

    agency_id: int
    user_id: int
    state: str
    kind: str
    team: str | None  # the exercise team it stands for, or None (an engine-only body)
    played: bool


def _receives(kind: K) -> str:
    """The instruments a team's agency receives in the sandbox: those its kind may send (a
    request goes to the counterpart of the sender's kind, as the exercise routes it)."""
    return ",".join(s.id for s in instruments().values() if kind in s.senders)


def seed(session: Session, sc: ExerciseScenario) -> list[Member]:
    """The sandbox's directory: one agency and one account per team (played teams first, so
    that a request reaches the team the exercise routes it to), then, for every state of the
    teams, the bodies the engine decides as when no team is of their kind (the competent
    authority for identification, the shelter operator), and in every state of the region a
    national coordinator (simulated) that receives any request no team receives and to which
    overdue requests are escalated."""
    rows: list[tuple[str, K, str | None, bool, str]] = []
    teams = [t for t in sc.teams if t.played] + [t for t in sc.teams if not t.played]
    for t in teams:
        rows.append((t.state, t.agency_kind, t.id, t.played, t.id))
    have = {(t.state, t.agency_kind) for t in sc.teams}
    for state in sorted({t.state for t in sc.teams}):
        competent = state_powers(state).formal_identification.kinds
        for kind in (
            competent[0] if competent else K.LAW_ENFORCEMENT,
            ex_agencies.SHELTER_OPERATORS[0],
        ):
            if (state, kind) not in have:
                have.add((state, kind))
                rows.append((state, kind, None, False, f"engine-{state}-{kind.value}"))
    for state in region_state_codes():
        if (state, COORDINATOR) not in have:
            have.add((state, COORDINATOR))
            rows.append((state, COORDINATOR, None, False, f"engine-{state}-{COORDINATOR.value}"))
    members = []
    for state, kind, team, played, username in rows:
        with use_locale("en"):  # the sandbox is English whoever builds it (pages name by id)
            name = agency_name(sc, state, kind.value, team, played)
        receives = ",".join(instrument_codes()) if kind is COORDINATOR else _receives(kind)
        agency = Agency(
            name=name,
            state=state,
            kind=kind.value,
            org_type="exercise",
            email=f"{username}@exercise.invalid",
            is_contact_point=bool(receives),
            receives=receives,
        )
        session.add(agency)
        session.flush()
        user = User(
            username=username,
            display_name=name,
            password_hash=NO_PASSWORD,
            agency_id=agency.id,
            kind=kind.value,
            state=state,
        )
        session.add(user)
        session.flush()
        members.append(Member(agency.id, user.id, state, kind.value, team, played))
    return members


class Database:
    """One exercise's sandbox database and its directory (who is who), without the log:
    :class:`pharos.exercise.sandbox.sandbox.Sandbox` keeps it up to date with the log."""

    def __init__(self, sc: ExerciseScenario, exercise_id: str) -> None:
        self.scenario = sc
        self.exercise_id = exercise_id
        self.lock = threading.RLock()
        # isolation_level=None: SQLAlchemy, not the driver, begins transactions (so that
        # savepoints work on SQLite; the documented pysqlite recipe)
        self._conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        _template_db().backup(self._conn)
        self._conn.execute("PRAGMA foreign_keys=ON")
        conn = self._conn
        self.engine: Engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
        event.listen(self.engine, "begin", lambda c: c.exec_driver_sql("BEGIN"))
        self._factory = sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=True)
        with clock_at(epoch(sc)), self._factory() as s:  # the directory exists from minute 0
            self.members = seed(s, sc)
            s.commit()

    # -- who is who ---------------------------------------------------------------------------
    def member_of_team(self, team: str) -> Member:
        return next(m for m in self.members if m.team == team)

    def member_of_agency(self, agency_id: int) -> Member:
        return next(m for m in self.members if m.agency_id == agency_id)

    def agency_for(self, state: str, kind: str) -> Member | None:
        """The agency of ``kind`` in ``state`` (a played team's first, then the others)."""
        return next((m for m in self.members if m.state == state and m.kind == kind), None)

    def principal(self, session: Session, m: Member) -> Principal:
        user = session.get(User, m.user_id)
        assert user is not None
        return principal(user)

    @contextmanager
    def reading(self, key: bytes) -> Iterator[Session]:
        """A session on the sandbox for a page; ``key`` is the server's secret (pseudonyms).
        Nothing a page does is kept: the session is rolled back."""
        with self.lock:
            session = self._factory(info={SESSION_KEY: key})
            try:
                yield session
            finally:
                session.rollback()
                session.close()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session for the projector (under the sandbox's lock); committed by the caller."""
        with self.lock:
            session = self._factory()
            try:
                yield session
            finally:
                session.close()

    # -- the canonical content ----------------------------------------------------------------
    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, in primary-key order."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self.lock, self.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
                out[table.name] = [dict(r) for r in rows]
        return out

    def dump_hash(self) -> str:
        """SHA-256 of the canonical JSON of :meth:`dump` (the same log gives the same hash)."""
        text = json.dumps(
            self.dump(), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def close(self) -> None:
        self.engine.dispose()
        self._conn.close()
