"""The exercise area's tables: exercises and their append-only, hash-chained event logs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pharos.store.base import Base, UTCDateTime


class ScenarioText(Base):
    """The text of an exercise scenario (the file, its translations, its documents), named by
    its SHA-256 (``pharos.exercise.scenario.source``): stored once, whoever uses it."""

    __tablename__ = "scenario_text"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: the scenario file's name among ``files`` (``aegean.yaml``)
    name: Mapped[str] = mapped_column(Text)
    #: file name (relative to the scenario file) -> text
    files: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ScenarioVersion(Base):
    """One saved version of a scenario written in the studio: its text is ``scenario_text``
    (the one home of scenario texts, shared with the exercises started from it)."""

    __tablename__ = "scenario_version"
    __table_args__ = (UniqueConstraint("scenario_key", "number", name="uq_scenario_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: the studio's scenario this is a version of (its versions share the key)
    scenario_key: Mapped[str] = mapped_column(String(32), index=True)
    number: Mapped[int] = mapped_column(Integer)
    #: the scenario's title in this version (read from its text when it was saved)
    title: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("scenario_text.sha256"))
    author: Mapped[str] = mapped_column(String(128))
    #: what changed, in the author's words; and where the first version came from
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ExerciseRun(Base):
    """One exercise: the text of its scenario (``scenario_sha256``) and its seed."""

    __tablename__ = "exercise_run"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: where the scenario came from (a bundled name, a path, a studio version), for people;
    #: the exercise runs on the text ``scenario_sha256``
    scenario: Mapped[str] = mapped_column(Text)
    #: NULL: no text was kept (created before migration 0010 from a file that could not be
    #: read then); such an exercise reads ``scenario`` as a path, as it did
    scenario_sha256: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("scenario_text.sha256"), nullable=True
    )
    title: Mapped[str] = mapped_column(Text)
    seed: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: when its control team archived it (kept with its log, listed apart); NULL: not archived
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ExerciseEvent(Base):
    """One event, stored before it is applied; ``hash`` chains it to the one before."""

    __tablename__ = "exercise_event"
    __table_args__ = (UniqueConstraint("exercise_id", "seq", name="uq_exercise_event_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    exercise_id: Mapped[str] = mapped_column(String(64), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
